"""`nnviz --help` and every subcommand's --help read in Chinese under LANG=zh_CN.UTF-8, LC_MESSAGES or --lang.

Each help text (the app's, the command line's, every subcommand's, nested `data fetch|find` too) is
scanned with tests/test_zh_error_paths.english_words: option names, metavars, subcommand and argument
names, choices and file names may stay Latin; no English sentence may. Chinese help is wrapped by display
width (a Chinese character takes two columns), so an 80-column terminal shows it without overflow.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz import app, cli, i18n
from nnviz.graph.summary import display_width
from nnviz.help_text import wrap
from tests.test_zh_error_paths import english_words


@pytest.fixture(autouse=True)
def _restore_language():
    previous = i18n.current_language()
    yield
    i18n.set_language(previous)
    i18n.translate_argparse()


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every subcommand path under the parser: ('check',), ('data',), ('data', 'fetch') ..."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*prefix, name))
                found += _commands(sub, (*prefix, name))
    return found


def _latin_names(parser: argparse.ArgumentParser) -> set[str]:
    """What a help text may show in Latin script: metavars, argument names, choices, subcommand names."""
    names: set[str] = set()
    for action in parser._actions:
        for value in (action.metavar, action.dest, action.dest.upper(), *(action.choices or ())):
            if isinstance(value, str):
                names |= set(re.findall(r"[A-Za-z]+", value))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                names |= _latin_names(sub)
    return names


def _help(argv: list[str], capsys) -> str:
    try:
        code = app.main(argv)  # `nnviz --help` returns; a subcommand's --help exits as argparse does
    except SystemExit as exc:
        code = exc.code
    assert code == 0
    return capsys.readouterr().out


def _english_left(text: str, allowed: set[str]) -> list[str]:
    found, in_usage = [], False
    for line in text.splitlines():
        in_usage = line.startswith(("用法：", "usage:")) or (in_usage and line.strip() != "")
        if not in_usage and (words := english_words(line, allowed)):
            found.append(f"{words}: {line}")
    return found


@pytest.fixture
def chinese_locale(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("COLUMNS", "80")


def test_every_help_text_reads_in_chinese(chinese_locale, capsys) -> None:
    parser = cli.build_parser()
    commands = _commands(parser)
    assert {("check",), ("train",), ("gradcheck",), ("export",), ("trace",), ("lesson",), ("sample",),
            ("data", "fetch"), ("import-torch",)} <= set(commands)
    allowed = _latin_names(parser) | _latin_names(app.gui_parser()) | {"WxH", "COMMAND", "FILE", "PROMPT", "DIR"}
    texts = {"nnviz": _help(["--help"], capsys)}
    texts |= {" ".join(c): _help([*c, "--help"], capsys) for c in commands}
    for name, text in texts.items():
        assert "选项" in text and "显示此帮助信息并退出" in text, f"{name}: argparse's own words:\n{text}"
        assert not (left := _english_left(text, allowed)), f"nnviz {name} --help:\n" + "\n".join(left)
        for line in text.splitlines():
            assert display_width(line) <= 80 or " " not in line.strip() or line.startswith("用法："), (
                f"nnviz {name} --help: a line wider than the 80-column terminal:\n{line}")
    assert "打开 nnviz 桌面应用程序" in texts["nnviz"] and "用法：nnviz export" in texts["export"]


def test_the_scan_would_see_an_english_help_text(monkeypatch, capsys) -> None:
    """Positive control: the same help under the C locale is English, and the scan says so."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    text = _help(["export", "--help"], capsys)
    assert text.startswith("usage: nnviz export")
    assert any("folder" in line for line in _english_left(text, _latin_names(cli.build_parser())))


@pytest.mark.parametrize("argv, env", [
    (["--lang", "zh_CN", "--help"], {}),
    (["--help", "--lang=zh_CN"], {}),
    (["train", "--help", "--lang", "zh_CN"], {}),
    (["sample", "--help"], {"LC_MESSAGES": "zh_CN.UTF-8"}),
])
def test_lang_and_lc_messages_choose_chinese_before_the_parser_is_built(argv, env, monkeypatch, capsys) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    text = _help(argv, capsys)
    assert text.startswith("用法：nnviz") and "显示此帮助信息并退出" in text


def test_argparse_errors_read_in_chinese(chinese_locale, capsys) -> None:
    for argv, said in ((["export", "x.nnviz", "-o", "out", "--to", "torch"], "无效的选择"),
                       (["export"], "缺少以下参数"), (["frobnicate"], "既不是文件也不是命令"),
                       (["train", "x.nnviz", "--steps", "0"], "必须")):
        with pytest.raises(SystemExit) as refused:
            app.main(argv)
        assert refused.value.code == 2
        err = capsys.readouterr().err
        message = err.strip().splitlines()[-1]
        assert said in message and not english_words(message, {"torch", "pytorch", "keras", "onnx"}), err


def test_wrap_counts_two_columns_a_chinese_character_and_keeps_punctuation_and_words_whole() -> None:
    text = "为 FILE 中的网络写出 DIR/model.py、权重、train.py、data.npz 和 README.md（PyTorch 或 Keras 3）。"
    lines = wrap(text, 30)
    assert all(display_width(line) <= 30 for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("，", "。", "、", "）")) or line.endswith("（") for line in lines), lines
    assert "DIR/model.py、" in "".join(lines) and any("README.md" in line for line in lines)
    assert wrap("one two three four", 9) == ["one two", "three", "four"]


def test_the_installed_command_follows_lang(tmp_path) -> None:
    """End to end, as a learner types it: a fresh process, the locale from the environment."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin", "COLUMNS": "80", "PYTHONPATH": root}
    done = subprocess.run([sys.executable, "-m", "nnviz", "gradcheck", "--help"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "用法：nnviz gradcheck" in done.stdout and "元素不超过 N 个的张量全部检验" in done.stdout
