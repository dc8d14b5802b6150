"""Names a user typed become safe, unique identifiers; no name can ever become code."""

from __future__ import annotations

import ast
import builtins
import keyword
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.export import export_pytorch
from nnviz.export.model_code import MAX_IDENTIFIER
from nnviz.export.names import MODULE_ATTRIBUTES, MODULE_NAMES, Namespace, comment_text, py_str, sanitize
from nnviz.graph.document import GraphDocument
from tests.test_export_cases import data
from tests.test_export_codegen import read_header, ruff
from tests.torch_util import require_torch

SENTINEL = "nnviz_pwned_marker"
HOSTILE = [
    f"__import__('os').system('touch {SENTINEL}')",
    f"x'); import os; os.system('touch {SENTINEL}') #",
    'a"""b\'\'\'c',
    "\\' + __import__('os').getcwd() + '",
    "class", "def", "lambda", "match", "print", "input", "self", "forward", "training", "torch", "F", "nn",
    "1st layer", "dense 1", "dense_1", "dense-1", "Dense 1!", "层 1", "卷积层", "ﬁlter", "filter",
    "e\u2028vil\u2029line\x85break\x0bvt\x0cff", "#comment", "${EPOCHS}", "$LOSS", "__init__", "__class__",
    "_private", "x", "-", "😀", "a" * 64, "b" * 63 + "1", "卷积，层：一", "слой", "α-β", "丶丿", "F.relu",
]


def _assert_safe_identifier(ident: str) -> None:
    assert ident.isidentifier()
    assert not keyword.iskeyword(ident) and not keyword.issoftkeyword(ident)
    assert ident not in dir(builtins) and ident not in MODULE_NAMES
    assert not ident.startswith("_")  # a leading __ would be name-mangled inside the class
    assert unicodedata.normalize("NFKC", ident) == ident


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_text_becomes_a_safe_identifier(text):
    _assert_safe_identifier(sanitize(text))


@given(st.lists(st.text(max_size=20), max_size=30))
@settings(max_examples=100, deadline=None)
def test_a_namespace_never_hands_out_the_same_name_twice(names):
    space = Namespace(MODULE_ATTRIBUTES)
    made = [space.create(n) for n in names]
    assert len(set(made)) == len(made)
    assert not set(made) & MODULE_ATTRIBUTES
    for ident in made:
        _assert_safe_identifier(ident)


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_literals_and_comments_round_trip_and_stay_on_one_line(text):
    assert ast.literal_eval(py_str(text)) == text
    assert ast.literal_eval(comment_text(text)) == text
    assert "\n" not in comment_text(text) and "\r" not in comment_text(text)
    assert len(comment_text(text).splitlines()) <= 1


def test_examples_of_sanitised_names():
    assert sanitize("dense 1") == "dense_1"
    assert sanitize("class") == "class_"
    assert sanitize("print") == "print_"
    assert sanitize("1st layer") == "layer_1st_layer"
    assert sanitize("卷积层") == "卷积层"
    assert sanitize("ﬁlter") == "filter_"  # NFKC, as Python reads identifiers, then a builtin
    assert sanitize("__import__('os').system('x')") == "import_os_system_x"
    assert sanitize("!!!") == "layer"
    space = Namespace()
    assert [space.create("a"), space.create("a"), space.create("a_2"), space.create("a")] == ["a", "a_2", "a_3", "a_4"]


def test_module_attributes_cover_every_nn_module_attribute():
    torch = require_torch()
    public = {n for n in dir(torch.nn.Module) if not n.startswith("_")}
    assert public <= MODULE_ATTRIBUTES


def _hostile_doc() -> GraphDocument:
    doc = GraphDocument()
    prev = doc.add_node("input", name=HOSTILE[0], params={"shape": (3,)})
    for i, name in enumerate(HOSTILE[1:]):
        node = doc.add_node("dense", name=f"hostile {i}", params={"units": 3 + i % 2, "activation": "tanh"})
        node.name = name  # past the document's own checks (which refuse line separators): the exporter is safe alone
        doc.connect(prev.id, node.id)
        prev = node
    doc.training = doc.training.with_(batch_size=4)
    return doc


def test_hostile_names_give_valid_unique_attributes_and_no_code(tmp_path):
    doc = _hostile_doc()
    result = export_pytorch(doc, tmp_path, dataset=data((3,), classes=4),
                            source_name=f"evil\u2028name'); __import__('os').system('touch {SENTINEL}')")
    attrs = list(result.plan.attrs.values())
    assert len(set(attrs)) == len(attrs) == len(HOSTILE) - 1
    for ident in attrs:
        _assert_safe_identifier(ident)
        assert ident not in MODULE_ATTRIBUTES
        assert len(ident) <= MAX_IDENTIFIER
    assert result.plan.attrs[doc.node_by_name("dense_1").id] == "dense_1"  # a valid name is kept as typed

    model_tree = ast.parse((tmp_path / "model.py").read_text())
    local = {n.id for n in ast.walk(model_tree) if isinstance(n, ast.Name)} - {"os", "__import__", "eval", "exec"}
    allowed_roots = {"torch", "nn", "F", "super", "Path", "load_file", "str"}
    for call in (n for n in ast.walk(model_tree) if isinstance(n, ast.Call)):
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            assert func.attr in attrs  # self.<layer>(...): only the layers' own modules are called
            continue
        root = func
        while isinstance(root, (ast.Attribute, ast.Call)):
            root = root.value if isinstance(root, ast.Attribute) else root.func
        assert isinstance(root, ast.Name) and root.id in allowed_roots | local, ast.unparse(func)
    for file in ("model.py", "train.py"):
        tree = ast.parse((tmp_path / file).read_text())
        assert not {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & {"__import__", "eval", "exec"}
        assert not {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} & {"system", "getcwd"}
        strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not any(SENTINEL in text for text in strings)  # the names live in comments only
    done = ruff(tmp_path)
    assert done.returncode == 0, done.stdout


@pytest.mark.torch
def test_hostile_model_imports_runs_and_loads_its_weights(tmp_path, monkeypatch):
    torch = require_torch()
    from nnviz.export.verify import load_exported

    monkeypatch.chdir(tmp_path)
    doc = _hostile_doc()
    result = export_pytorch(doc, tmp_path / "out", dataset=data((3,), classes=4))
    exported = load_exported(tmp_path / "out")
    model = exported.model.build_model()
    assert set(model.state_dict()) == {k for k in read_header(tmp_path / "out" / "weights.safetensors")
                                       if k != "__metadata__"}
    out = model(torch.zeros(2, 3))
    assert tuple(out.shape) == (2, *result.plan.output_shape)
    assert not list(tmp_path.rglob(f"*{SENTINEL}*"))
