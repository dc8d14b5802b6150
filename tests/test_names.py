"""Names hold printable characters only (issue 19 item 7): refused on load and in the editor with the
character named, and nothing the CLI prints can drive the terminal."""

from __future__ import annotations

import json
import re

import pytest

from nnviz import cli
from nnviz import io as nio
from nnviz.graph import GraphDocument, GraphEditError
from nnviz.graph.printable import escape, first_unprintable
from nnviz.resources import resource_path

REFUSED = {
    "\x00": "U+0000 (NULL)", "\x07": "U+0007 (BELL)", "\x08": "U+0008 (BACKSPACE)", "\t": "U+0009 (TAB)",
    "\x1b": "U+001B (ESCAPE)", "\x7f": "U+007F (DELETE)", "\x85": "U+0085 (a control character)",
    "\x9b": "U+009B (a control character)", "\u2028": "U+2028 (LINE SEPARATOR)",
    "\u2029": "U+2029 (PARAGRAPH SEPARATOR)", "\u202a": "U+202A (LEFT-TO-RIGHT EMBEDDING)",
    "\u202e": "U+202E (RIGHT-TO-LEFT OVERRIDE)", "\u2066": "U+2066 (LEFT-TO-RIGHT ISOLATE)",
    "\u2069": "U+2069 (POP DIRECTIONAL ISOLATE)", "\u200f": "U+200F (RIGHT-TO-LEFT MARK)",
    "\u200b": "U+200B (ZERO WIDTH SPACE)", "\ufeff": "U+FEFF (ZERO WIDTH NO-BREAK SPACE)",
}
ACCEPTED = ["隐藏层 1", "слой", "α-β", "طبقة", "👩\u200d💻 coder", "ﬁlter", "dense 1", "x" * 64, "naïve café"]


@pytest.mark.parametrize(("char", "described"), REFUSED.items(), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_name_with_an_unprintable_character_is_refused_naming_it(char, described):
    doc = GraphDocument()
    node = doc.add_node("dense")
    for name in (f"a{char}b", f"end{char}"):
        with pytest.raises(GraphEditError, match=re.escape(f"contains {described}, which is not a visible")) as info:
            doc.rename(node.id, name)
        assert first_unprintable(str(info.value)) is None  # the message itself shows it escaped
    with pytest.raises(GraphEditError, match="U\\+"):
        doc.add_node("dense", name=f"new{char}")
    assert node.name == "dense_1"


@pytest.mark.parametrize("name", ACCEPTED)
def test_visible_names_in_any_script_are_accepted(name):
    doc = GraphDocument()
    node = doc.add_node("dense", name=name)
    assert node.name == name


def test_a_file_with_an_escape_in_a_name_does_not_load():
    tree = json.loads(resource_path("examples", "xor.nnviz").read_text())
    tree["nodes"][1]["name"] = "OK: the network and its data fit together.\x1b[2K\r"
    with pytest.raises(nio.NnvizFileError) as info:
        nio.loads(json.dumps(tree))
    assert info.value.where == "nodes[1].name" and "U+001B (ESCAPE)" in str(info.value)


def test_escape_writes_every_unprintable_character_visibly():
    assert escape("a\x1b[2Jb\u202ec\u2028d\x85\U000e0001") == "a\\x1b[2Jb\\u202ec\\u2028d\\x85\\U000e0001"
    assert escape("line\nnext\ttab", keep="\n") == "line\nnext\\x09tab"
    assert escape("卷积层 👩\u200d💻") == "卷积层 👩\u200d💻"


def test_the_cli_escapes_what_it_prints(capsys, monkeypatch, tmp_path):
    doc = nio.load(resource_path("examples", "xor.nnviz"))
    hidden = doc.node_by_name("hidden")
    hidden.name = "evil\x1b[2J\u202e"  # past the document's checks: the CLI must hold on its own
    monkeypatch.setattr(cli, "_load", lambda path: doc)
    assert cli.main(["check", "whatever.nnviz", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "evil\\x1b[2J\\u202e (Dense)" in out and "\x1b" not in out and "\u202e" not in out
    assert out.splitlines()[-1] == "OK: the network and its data fit together."
    monkeypatch.undo()
    path = tmp_path / "gone\x1b[31m\u2028.nnviz"
    assert cli.main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "gone\\x1b[31m\\u2028.nnviz" in err and "\x1b" not in err and "\u2028" not in err


@pytest.mark.gui
def test_the_inspector_refuses_the_rename_and_says_why(qtbot):
    from PySide6.QtGui import QUndoStack

    from nnviz.ui.canvas.controller import GraphController
    from nnviz.ui.canvas.inspector import Inspector

    doc = GraphDocument()
    node = doc.add_node("dense")
    stack = QUndoStack()
    controller = GraphController(doc, stack)
    inspector = Inspector(controller)
    qtbot.addWidget(inspector)
    inspector.show_node(node.id)
    messages: list[str] = []
    controller.refused.connect(messages.append)
    inspector.name_edit.setText("hidden\u202e1")
    inspector.name_edit.editingFinished.emit()
    assert node.name == "dense_1" and stack.count() == 0
    assert messages == ["the name 'hidden\\u202e1' contains U+202E (RIGHT-TO-LEFT OVERRIDE), which is not a "
                        "visible character: type the name again without it"]
    assert inspector.name_edit.text() == "dense_1"  # the field shows the document's name again
    inspector.name_edit.setText("隐藏层")
    inspector.name_edit.editingFinished.emit()
    assert node.name == "隐藏层" and stack.count() == 1
