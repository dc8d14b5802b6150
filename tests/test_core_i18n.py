"""The core's messages in the learner's language: gettext catalogues, the locale, display-width tables."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz import i18n
from nnviz.graph.document import GraphDocument
from nnviz.graph.summary import display_width, summary_text
from nnviz.i18n import Message, language_from_environment, set_language, translate
from nnviz.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def chinese():
    previous = i18n.current_language()
    set_language("zh_CN")
    yield
    set_language(previous)


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_GB.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "en"),
    ({}, "en"),
])
def test_the_locale_chooses_the_language_in_gettexts_order(env: dict[str, str], expected: str) -> None:
    assert language_from_environment(env) == expected


def test_translate_follows_the_current_language(chinese) -> None:
    assert translate("Total params: {count}", count="42") == "参数总数：42"
    set_language("en")
    assert translate("Total params: {count}", count="42") == "Total params: 42"


def test_a_message_renders_in_the_language_current_when_it_is_shown() -> None:
    previous = i18n.current_language()
    try:
        set_language("en")
        message = Message("error: {message}", message="x")  # made in English ...
        set_language("zh_CN")
        assert str(message) == "错误：x"  # ... shown in Chinese
        assert str(ValueError(message)) == "错误：x"
    finally:
        set_language(previous)


def test_an_unknown_message_falls_back_to_english(chinese) -> None:
    assert translate("no such message {n}", n=3) == "no such message 3"


def _catalogue_tool():
    spec = importlib.util.spec_from_file_location("core_translations", ROOT / "packaging" / "core_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_core_message_is_translated_compiled_and_current() -> None:
    """The CI check: a new or changed message without a finished Chinese translation fails here."""
    assert _catalogue_tool().problems() == []


def test_the_check_finds_an_untranslated_message(tmp_path: Path, monkeypatch) -> None:
    tool = _catalogue_tool()
    source = tmp_path / "nnviz"
    source.mkdir()
    (source / "mod.py").write_text('from nnviz.i18n import translate\ntranslate("A brand new sentence")\n')
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    monkeypatch.setattr(tool, "LOCALE", resource_path("locale"))
    found = tool.problems()
    assert any("not in the catalogue" in line and "A brand new sentence" in line for line in found)
    assert any("stale" in line for line in found)  # and the real messages are not in that code


def test_placeholders_must_survive_translation() -> None:
    tool = _catalogue_tool()
    assert tool.placeholders("Dense {name!r} needs {n:,} units") == {"name", "n"}


def test_display_width_counts_chinese_as_two_columns() -> None:
    assert display_width("abc") == 3
    assert display_width("隐藏层") == 6
    assert display_width("e\u0301") == 1  # a combining accent takes no column


def _columns(line: str) -> list[int]:
    """Display columns where each run of non-space text starts."""
    starts, column, previous_blank = [], 0, True
    for char in line:
        blank = char == " "
        if previous_blank and not blank:
            starts.append(column)
        previous_blank = blank
        column += display_width(char)
    return starts


def test_summary_columns_align_with_chinese_names(chinese) -> None:
    doc = GraphDocument()
    inp = doc.add_node("input", name="输入", params={"shape": [2]})
    hidden = doc.add_node("dense", name="隐藏层一", params={"units": 3})
    out = doc.add_node("dense", name="o", params={"units": 1})
    doc.connect(inp.id, hidden.id)
    doc.connect(hidden.id, out.id)
    lines = summary_text(doc).splitlines()
    rows = lines[3:6]
    assert len(rows) == 3
    shape_columns = {_columns(row)[2] for row in rows}  # name, (type), then the output shape
    assert len(shape_columns) == 1, "\n".join(rows)
    assert lines[1].startswith("层（类型）")


def _cli(*args: str, lang: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LANG=lang, LC_ALL="", LANGUAGE="", LC_MESSAGES="")
    return subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_the_cli_follows_the_locale_and_lang() -> None:
    xor = str(resource_path("examples", "xor.nnviz"))
    chinese = _cli("check", xor, lang="zh_CN.UTF-8")
    assert chinese.returncode == 0, chinese.stderr
    assert "检查通过" in chinese.stdout and "参数总数" in chinese.stdout
    assert "Total params" not in chinese.stdout
    english = _cli("check", xor, lang="en_US.UTF-8")
    assert "Total params" in english.stdout
    chosen = _cli("--lang", "zh_CN", "check", xor, lang="en_US.UTF-8")  # before the command ...
    assert "参数总数" in chosen.stdout, chosen.stderr
    chosen = _cli("check", "--lang", "zh_CN", xor, lang="en_US.UTF-8")  # ... or after it
    assert "参数总数" in chosen.stdout, chosen.stderr
