"""The comments and docstrings inside the exported files read in the export's language; the code does not change.

Each example network is exported in English and in Chinese (nnviz.i18n's language, as for the README):
with comments and docstrings stripped (tokenize + ast), both files are the same tokens; the Chinese
ones leave no English sentence (tests/test_zh_error_paths.english_words; code names, layer and API
names, shapes and numbers excepted), and they stay ruff-clean.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

from nnviz import i18n
from nnviz.export.model_code import plan_model
from nnviz.export.train_code import LOSS_CODE, render_train
from nnviz.export.writer import export_pytorch
from nnviz.io import load
from nnviz.resources import resource_path
from tests.test_export_codegen import ruff
from tests.test_zh_error_paths import english_words
from tests.test_zh_export_readme import CODE_WORDS

EXAMPLES = ["xor.nnviz", "cnn-batchnorm.nnviz", "seed-lenet.nnviz", "seed-text-lstm.nnviz",
            "transformer-sentiment.nnviz", "causal-characters.nnviz"]
# Names the comments quote as they are: identifiers, commands, shape letters and API names.
ALLOWED = CODE_WORDS | {"batch", "DTYPE", "DDP", "GPU", "torchrun", "DistributedSampler", "python", "SEED",
                        "SequenceDropout", "gloo", "LSTM", "Net"}


@pytest.fixture
def language():
    previous = i18n.current_language()
    yield i18n.set_language
    i18n.set_language(previous)


def _docstrings(source: str) -> list[ast.Constant]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                    first.value.value, str):
                found.append(first.value)
    return found


def code_tokens(source: str) -> list[tuple[int, str]]:
    """The source's tokens without its comments, docstrings and blank lines."""
    docstrings = {(d.lineno, d.col_offset) for d in _docstrings(source)}
    return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.COMMENT, tokenize.NL)
            and not (t.type == tokenize.STRING and t.start in docstrings)]


def prose(source: str) -> list[str]:
    """Every comment and docstring of the source."""
    comments = [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT]
    return comments + [d.value for d in _docstrings(source)]


def pytorch_files(name: str) -> dict[str, str]:
    doc = load(resource_path("examples", name))
    files = {"model.py": plan_model(doc, source_name=name).source,
             "train.py": render_train(doc.training, source_name=name)}
    for loss in LOSS_CODE:  # every loss's own definition and accuracy rule
        files[f"train.py ({loss})"] = render_train(doc.training.__class__(**{**vars(doc.training), "loss": loss}))
    return files


def test_code_tokens_sees_code_and_leaves_prose_alone() -> None:
    """Positive control: a changed comment or docstring is no change, a changed string or name is one."""
    base = 'def f():\n    """Doc."""\n    return "x"  # why\n'
    assert code_tokens(base) == code_tokens('def f():\n    """文档。\n\n    两行。"""\n    return "x"  # 为什么\n')
    assert code_tokens(base) != code_tokens(base.replace('"x"', '"y"'))
    assert code_tokens(base) != code_tokens(base.replace("def f", "def g"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_pytorch_files_in_chinese_keep_their_code(language, example) -> None:
    language("en")
    english = pytorch_files(example)
    language("zh_CN")
    chinese = pytorch_files(example)
    for name, source in chinese.items():
        assert source != english[name], f"{name}: nothing was translated"
        assert code_tokens(source) == code_tokens(english[name]), f"{name}: the code differs between languages"
        left = [(text, words) for text in prose(source) if (words := english_words(text, ALLOWED))]
        assert not left, f"{example} {name} in Chinese:\n" + "\n".join(f"{w}: {t}" for t, w in left)
    assert chinese["model.py"].startswith('"""从 nnviz 导出的 PyTorch 模型。')
    assert english["model.py"].startswith('"""A PyTorch model exported from nnviz.')  # English stays English


@pytest.mark.parametrize("example", ["seed-text-lstm.nnviz", "transformer-sentiment.nnviz"])
def test_chinese_pytorch_export_is_ruff_clean_and_runs(language, example, tmp_path: Path) -> None:
    language("zh_CN")
    export_pytorch(load(resource_path("examples", example)), tmp_path, source_name=example)
    done = ruff(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "训练" in (tmp_path / "train.py").read_text(encoding="utf-8")
