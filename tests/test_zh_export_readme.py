"""The README.md an export writes into its folder reads in the learner's language; its code stays code.

PyTorch, Keras 3 and ONNX READMEs are rendered in English and in Chinese (nnviz.i18n's language, which
the window sets to its own and the command line to --lang or the locale): the Chinese prose has no
English sentence left (tests/test_zh_error_paths.english_words; file names, code names and options
excepted), and every code block is the same in both languages but for its comments.
"""

from __future__ import annotations

import re

import pytest

from nnviz import cli, i18n
from nnviz.export.keras_model import plan_keras
from nnviz.export.keras_writer import keras_readme
from nnviz.export.model_code import plan_model
from nnviz.export.onnx_export import onnx_readme
from nnviz.export.writer import readme_text
from nnviz.io import load
from nnviz.resources import resource_path
from tests.test_zh_error_paths import english_words

# Code names a README's prose names as they are (identifiers, losses, optimisers, framework words).
CODE_WORDS = {"Net", "safetensors", "cross_entropy", "mse", "adam", "sgd", "rmsprop", "lr", "netron", "Netron",
              "https", "app", "opset", "Dropout", "BatchNorm", "keras", "Sequential", "Model", "input", "output",
              "jax", "tensorflow", "epsilon", "sqrt", "LSTM", "GRU", "SimpleRNN", "mask_zero", "binary_cross_entropy",
              "Embedding", "sequence_cross_entropy", "cpu", "cuda", "mps", "API"}


@pytest.fixture
def language():
    previous = i18n.current_language()
    yield i18n.set_language
    i18n.set_language(previous)


def _readmes(name: str) -> dict[str, str]:
    doc = load(resource_path("examples", name))
    plan = plan_model(doc)
    return {"pytorch": readme_text(doc, plan, True), "keras": keras_readme(doc, plan_keras(doc), False),
            "onnx": onnx_readme(plan.arg_names, plan.input_shapes, plan.output_shape)}


def _split(readme: str) -> tuple[list[str], list[str]]:
    """(prose lines, code lines without their comments)."""
    prose, code, in_code = [], [], False
    for line in readme.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif in_code:
            code.append(line.split("  # ")[0].rstrip())
        else:
            prose.append(line)
    return prose, code


@pytest.mark.parametrize("example", ["xor.nnviz", "seed-text-lstm.nnviz", "transformer-sentiment.nnviz"])
def test_each_targets_readme_in_chinese_keeps_its_code(language, example) -> None:
    language("en")
    english = _readmes(example)
    language("zh_CN")
    chinese = _readmes(example)
    for target in english:
        prose, code = _split(chinese[target])
        english_prose, english_code = _split(english[target])
        assert code == english_code, f"{target}: the code blocks differ between languages"
        assert len(prose) == len(english_prose)
        left = [(line, words) for line in prose if (words := english_words(line, CODE_WORDS))]
        assert not left, f"{target} README in Chinese:\n" + "\n".join(f"{w}: {line}" for line, w in left)
        comments = [line.split("  # ")[1] for line in chinese[target].splitlines() if "  # " in line]
        assert all(not english_words(c, CODE_WORDS) for c in comments), comments
    assert chinese["pytorch"].startswith("# 从 nnviz 导出的网络") and "`model.py`：" in chinese["pytorch"]
    assert "build_model()" in chinese["keras"] and "导出时无法加载数据" in chinese["keras"]
    assert "Netron" in chinese["onnx"] and "查看它" in chinese["onnx"]
    assert english["pytorch"].startswith("# A network exported from nnviz")  # English stays English


def test_keras_inexact_reasons_read_in_chinese(language) -> None:
    """A recurrent layer's two biases and an embedding's padding row: the reasons the Keras README lists."""
    language("zh_CN")
    doc = load(resource_path("examples", "seed-text-lstm.nnviz"))
    readme = keras_readme(doc, plan_keras(doc), True)
    assert "这里 Keras 无法完全复现 nnviz 的训练步骤" in readme and "两个偏置" in readme
    reasons = readme.split("这里 Keras")[1].splitlines()[2:]
    assert reasons and not [r for r in reasons if english_words(r, CODE_WORDS | {"b_ih", "b_hh"})], reasons


def test_the_command_line_export_writes_the_readme_in_the_locales_language(monkeypatch, tmp_path, capsys) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    try:
        assert cli.main(["export", str(resource_path("examples", "xor.nnviz")), "-o", str(tmp_path / "zh")]) == 0
        assert cli.main(["export", str(resource_path("examples", "xor.nnviz")), "-o", str(tmp_path / "en"),
                         "--lang", "en"]) == 0
    finally:
        i18n.set_language("en")
    capsys.readouterr()
    chinese = (tmp_path / "zh" / "README.md").read_text(encoding="utf-8")
    english = (tmp_path / "en" / "README.md").read_text(encoding="utf-8")
    assert re.search(r"[\u4e00-\u9fff]", chinese) and "运行它" in chinese
    assert not re.search(r"[\u4e00-\u9fff]", english) and "## Run it" in english


@pytest.mark.gui
def test_the_window_exports_its_readme_in_its_own_language(qapp, tmp_path) -> None:
    from nnviz.ui.export.export_dialog import ExportPanel
    from nnviz.ui.widgets.i18n import ENGLISH, install_translators

    doc = load(resource_path("examples", "xor.nnviz"))
    try:
        install_translators(qapp, "zh_CN")
        ExportPanel(doc).export_to(tmp_path / "zh")
        onnx = ExportPanel(doc, target="onnx")
        onnx.refresh()
        preview = onnx.views[0].toPlainText()
        tab = onnx.tabs.tabText(1)
        install_translators(qapp, ENGLISH)
        ExportPanel(doc).export_to(tmp_path / "en")
    finally:
        install_translators(qapp, ENGLISH)
    assert "# 从 nnviz 导出的网络" in (tmp_path / "zh" / "README.md").read_text(encoding="utf-8")
    assert "# A network exported from nnviz" in (tmp_path / "en" / "README.md").read_text(encoding="utf-8")
    assert preview.startswith("# 从 nnviz 导出到 ONNX 的网络")
    assert not english_words(tab), tab  # the traced model's tab: "model.py（追踪得到）", not "(traced)"
