"""Every sentence the core raises for a learner goes through nnviz.i18n, so it can be read in Chinese.

The scan reads the Qt-free core's source (nnviz/ but not nnviz/ui, whose strings are Qt's tr()) and finds
each `raise SomeError("...")` or `raise SomeError(f"...")` whose message is a bare string: such a message
bypasses translate()/Message() and stays English in a Chinese window or terminal. Errors only a developer
can meet (a layer registered twice, an impossible branch) are listed below by file and the start of their
text; everything else must be a Message.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nnviz import i18n
from nnviz.i18n import Message, set_language

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "nnviz"

# (file under nnviz/, start of the message): errors that only a programmer extending nnviz can trigger.
DEVELOPER_ONLY = {
    ("graph/registry.py", "layer type "),  # a layer spec registered wrongly: found by the test suite
    ("graph/params.py", "unknown parameter kind "),
    ("data/dataset.py", "data source "),  # a data source registered twice
    ("engine/base.py", "engine layer "),  # an engine layer registered twice
    ("engine/activations.py", "unknown activation "),  # the spec's choices refuse it first
    ("engine/initializers.py", "unknown initialiser "),
    ("engine/layers/recurrent.py", "{} with dropout needs a random generator"),  # the session always sets it
    ("engine/layers/regularisation.py", "Dropout needs a random generator"),
    ("io/jsontext.py", "cannot write "),  # the writer is only handed values the reader can produce
    ("io/jsontext.py", "non-finite float reached"),
    ("resources.py", "nnviz resources folder not found"),  # a broken install; nnviz.i18n needs this module
    ("export/import_rules.py", "an import rule for "),  # registered twice
    ("export/registry.py", "an exporter for layer type "),
    ("export/registry.py", "no literal for "),  # the code writer is only handed plain values
    ("export/keras_train.py", "unknown optimizer "),  # the settings' choices refuse it first
    ("export/train_code.py", "unknown optimizer "),
}

# Modules whose messages are still being converted (issue 12): none left; a new module belongs here only
# while its messages are being written.
PENDING: set[str] = set()


def _literal_text(node: ast.expr) -> str | None:
    """The text of a bare string or f-string argument (f-string fields shown as {}), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def untranslated_raises(source: str, relative: str) -> list[str]:
    """'file:line: text' for each raise whose first argument is a bare (f-)string, allow-list excepted."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
            continue
        text = _literal_text(node.exc.args[0])
        if text is None or any(relative == f and text.startswith(p) for f, p in DEVELOPER_ONLY):
            continue
        found.append(f"nnviz/{relative}:{node.lineno}: {text[:80]!r}")
    return found


def core_modules() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "ui" not in p.relative_to(CORE).parts[:1])


def test_no_core_error_message_bypasses_translation() -> None:
    found = []
    for path in core_modules():
        relative = path.relative_to(CORE).as_posix()
        if relative not in PENDING:
            found += untranslated_raises(path.read_text(encoding="utf-8"), relative)
    assert not found, ("these learner-facing errors are bare English strings: wrap them in "
                       "nnviz.i18n.Message(...) and translate them (docs/translating.md):\n" + "\n".join(found))


def test_the_pending_list_names_only_modules_that_still_need_it() -> None:
    still = {p.relative_to(CORE).as_posix() for p in core_modules()
             if untranslated_raises(p.read_text(encoding="utf-8"), p.relative_to(CORE).as_posix())}
    assert not (PENDING - still), f"converted, remove from PENDING: {sorted(PENDING - still)}"


def test_the_scan_finds_a_bare_message_and_accepts_a_translated_one() -> None:
    """Positive control: the scan is not vacuous."""
    bare = 'def f(x):\n    raise ValueError(f"units must be positive, not {x}")\n'
    wrapped = 'def f(x):\n    raise ValueError(Message("units must be positive, not {x}", x=x))\n'
    assert untranslated_raises(bare, "graph/x.py") == ["nnviz/graph/x.py:2: 'units must be positive, not {}'"]
    assert untranslated_raises(wrapped, "graph/x.py") == []
    assert untranslated_raises('raise ValueError("layer type x is already registered")', "graph/registry.py") == []


@pytest.fixture
def chinese():
    previous = i18n.current_language()
    set_language("zh_CN")
    yield
    set_language(previous)


def test_graph_errors_read_in_chinese(chinese) -> None:
    from nnviz.graph.document import GraphDocument, GraphEditError

    doc = GraphDocument()
    dense = doc.add_node("dense", name="fc")
    with pytest.raises(GraphEditError) as refused:
        doc.connect(dense.id, dense.id)
    assert str(refused.value) == "全连接 Dense 'fc' 不能连接到自身"
    assert doc.analysis().graph_errors == ["网络没有输入（Input）节点：请从层面板中添加一个"]
    with pytest.raises(GraphEditError) as bad:
        doc.set_param(dense.id, "units", -3)
    assert "全连接 Dense 'fc'" in str(bad.value) and "至少为" in str(bad.value)


def test_a_message_made_in_chinese_reads_in_english_when_shown_in_english() -> None:
    previous = i18n.current_language()
    try:
        set_language("zh_CN")
        error = ValueError(Message("that connection does not exist"))
        assert str(error) == "这条连线不存在"
        set_language("en")
        assert str(error) == "that connection does not exist"
    finally:
        set_language(previous)
