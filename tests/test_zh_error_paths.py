"""Every error path, driven in Chinese, reads in Chinese: the command line under LANG=zh_CN.UTF-8 and the window.

The command line runs the hostile corpus (tests/hostile_cases.py: broken files, data that disagrees with
the network, budgets, devices as data, a NaN halt) through `nnviz check`, `train`, `export` and
`gradcheck` in one batch process, plus `nnviz data` and a file that is not JSON. The window opens broken
networks and refuses wirings offscreen in Chinese and reads its Problems panel, status bar and the text of
the dialogs it would show (HeadlessDialogs writes it to stderr).

`english_words` finds the English left in a text: every run of three or more ASCII letters that is not a
name the learner typed or the app keeps in Latin script (layer types such as "全连接 Dense", data-set and
file-format names, units), a quoted name or key ('dense_1', 'val_split'), a file path or a code name
(grad_output, nn.Linear, --input-shape).
"""

from __future__ import annotations

import json
import re

import pytest

from nnviz import i18n
from nnviz.graph.registry import all_specs
from tests import hostile_cases as hc
from tests.test_hostile_corpus import CLI_CAP, run_batch

# Names and symbols that read the same in Chinese: software, formats, data sets, units, code-ish words.
NEUTRAL = {"nnviz", "PyTorch", "Keras", "ONNX", "onnx", "onnxruntime", "onnxscript", "NumPy", "JSON", "CSV", "IDX",
           "MNIST", "CIFAR", "Fashion", "UTF", "NaN", "nan", "inf", "base64", "safetensors", "npz", "npy", "pickle",
           "true", "false", "null", "float", "dtype", "float32", "float64", "uint8", "opset", "pip", "install",
           "torch", "fx", "FIFO", "NUL", "SHA", "KB", "MB", "GB", "TB", "ReLU", "SGD", "Adam", "AdamW", "RMSprop",
           "max", "min", "mean", "log", "exp", "softmax", "sigmoid", "tanh", "logits", "epoch", "xor", "spirals",
           "NAME", "VALUE", "WIDTHxHEIGHT", "KERAS_BACKEND", "Sequential", "Module", "gzip", "latin", "pre", "post",
           "auto", "classification", "regression", "words", "characters", "kernel", "padding", "Pillow", "pillow",
           "Qt", "FILE", "FACTORY", "ids", "token", "ubyte", "idx", "images", "labels", "train", "data", "None",
           # the keys of a .nnviz file, named where a file is broken ("xor.nnviz: training: ...")
           "training", "nodes", "edges", "params", "state", "description", "format", "version", "weights",
           "arrays", "shape", "type", "name", "pos", "port"}
LAYER_WORDS = {w for s in all_specs() for w in (*re.findall(r"[A-Za-z]{2,}", s.label), s.key)}
# Code names: data kinds (the file's "kind" values), tensor and setting keys, subcommands.
CODE_NAMES = {"generated", "inline", "csv", "text", "shapes", "npz", "idx", "mnist", "cifar10", "images", "digits",
              "weight", "bias", "loss", "seed", "find", "fetch", "check", "export", "gradcheck", "trace", "sample"}


def english_words(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """The English words left in a Chinese text (see the module's docstring for what is not English)."""
    plain = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`", " ", text)  # quoted names, keys and values
    # A bracket of Latin text only after a translated sentence quotes a library's own words (NumPy's,
    # the system's), which nnviz passes on as they are: "不是有效的 .npy 数组（the magic string is not correct）".
    plain = re.sub(r"(?<=[\u4e00-\u9fff：])[（(][^\u4e00-\u9fff（）()]*[）)]", " ", plain)
    # ... and so does Latin text closing a translated sentence after its colon: "必须是数字：could not convert
    # string to float: '1+2j'" (NumPy's words); a line that is English from the start is still found.
    if len(re.findall(r"[\u4e00-\u9fff]", re.sub(r"^\s*(错误|警告|注意)：", "", plain))) >= 4:
        plain = re.sub(r"(?<=[\u4e00-\u9fff])：[^\u4e00-\u9fff：]*$", " ", plain)
    plain = re.sub(r"(?<!\S)(?:\S*/\S*|\S+\.(?:py|csv|png|npz|npy|nnviz|json|gz|bin|txt|safetensors|onnx))",
                   " ", plain)  # file paths and file names
    # code: dotted names (nn.Linear, fc.weight), identifiers (grad_output), options (--steps), key=value
    plain = re.sub(r"\b\w+(?:\.\w+)+|\b\w*_\w*\b|--[\w-]+|\b\w+=\S*", " ", plain)
    plain = re.sub(r"\b[a-z]+(?=\()", " ", plain)  # function names against their bracket: mean(...)
    return [w for w in re.findall(r"[A-Za-z]{3,}", plain) if w not in NEUTRAL | LAYER_WORDS | CODE_NAMES | allowed]


def test_english_words_sees_english_and_leaves_names_alone() -> None:
    """Positive control: the finder is not blind, and it does not flag what is meant to stay Latin."""
    assert english_words("全连接 Dense 'dense_1' 不能连接到自身") == []
    assert english_words("/tmp/x/data.csv：第 3 行，列 'petal_width'：--input-shape 3,32,32；nn.Linear") == []
    assert english_words("全连接 Dense 'fc' cannot feed itself") == ["cannot", "feed", "itself"]
    assert english_words("错误：The network has no Input node") == ["The", "network", "has", "node"]


@pytest.fixture
def chinese_locale(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


def _english_in(results: dict[str, dict]) -> list[str]:
    found = []
    for job, r in results.items():
        assert r["traceback"] is None, f"{job}: {r['traceback']}"
        for line in (r["err"] + r["out"]).splitlines():
            if line.lstrip().startswith("{") or line.startswith(("用法：", " ")):
                continue  # --json lines (an interface), argparse's usage line and its wrapped options (code)
            words = english_words(line, allowed=_names_in(line))
            if words:
                found.append(f"{job}: {words}: {line[:200]}")
    return found


def _names_in(line: str) -> set[str]:
    """The corpus's own layer names and file stems (input, dense_1, bomb-images ...) as typed."""
    return {w for w in re.findall(r"[A-Za-z]{3,}", line) if w in {"input", "bomb", "images", "labels"}}


def test_every_command_line_error_reads_in_chinese(chinese_locale, tmp_path) -> None:
    corpus = hc.make_corpus(tmp_path / "corpus")
    not_json = tmp_path / "broken.nnviz"
    not_json.write_text('{"format": "nnviz", "nodes": [', encoding="utf-8")
    jobs = [{"id": f"check {name}", "argv": ["check", str(path)]} for name, path in corpus.items()]
    jobs += [{"id": f"train {name}", "argv": ["train", str(path), "--steps", "2"]} for name, path in corpus.items()]
    some = ["empty_graph", "input_only", "dense_1e5_by_1e5", "inline_class_minus_7", "npz_nan", "csv_nan",
            "data_key_misspelled", "loss_explodes"]
    jobs += [{"id": f"export {name}", "argv": ["export", str(corpus[name]), "-o", str(tmp_path / "out" / name)]}
             for name in some if name in corpus]
    jobs += [{"id": f"gradcheck {name}", "argv": ["gradcheck", str(corpus[name])]} for name in some if name in corpus]
    jobs += [{"id": "check missing", "argv": ["check", str(tmp_path / "missing.nnviz")]},
             {"id": "check not json", "argv": ["check", str(not_json)]},
             {"id": "train bad seed", "argv": ["train", str(corpus["empty_graph"]), "--steps", "0"]},
             {"id": "train bad setting", "argv": ["train", str(corpus["empty_graph"]), "--set", "lr=fast"]},
             {"id": "data find", "argv": ["data", "find", "no-such-set"]}]
    results = run_batch(jobs, CLI_CAP, tmp_path)
    assert "文件提前结束" in results["check not json"]["err"]  # translated, not just free of English
    assert "变成了 NaN 或无穷大" in results["train loss_explodes"]["err"]
    assert not (left := _english_in(results)), "English in the Chinese command line:\n" + "\n".join(left[:60])


def test_a_failed_export_verification_reads_in_chinese() -> None:
    import numpy as np

    from nnviz.export.verify import VerifyReport

    previous = i18n.current_language()
    i18n.set_language("zh_CN")
    try:
        report = VerifyReport(framework="PyTorch", torch_version="2.13.0", dtype="float32", steps=3, tolerance=1e-5)
        report.add("gradients", 2, [("fc.weight", np.array([[1.0, 2.0]]), np.array([[1.0, 2.5]]))])
        text = report.text()
    finally:
        i18n.set_language(previous)
    assert "失败" in text and "梯度" in text
    assert not english_words(text, {"vs"}), text


def test_json_output_keeps_its_english_keys(chinese_locale, tmp_path) -> None:
    """The --json interface is for programs: its keys stay as documented whatever the language."""
    corpus = hc.make_corpus(tmp_path / "corpus", only=["loss_explodes"])
    results = run_batch([{"id": "j", "argv": ["train", str(corpus["loss_explodes"]), "--steps", "2", "--json"]}],
                        CLI_CAP, tmp_path)
    last = json.loads(results["j"]["out"].splitlines()[-1])
    assert {"final", "steps", "train_loss"} <= set(last)


# ---------------------------------------------------------------- the window
@pytest.fixture
def chinese_window(qtbot, qapp, tmp_path):
    from PySide6.QtCore import QSettings

    from nnviz.ui.shell.main_window import MainWindow
    from nnviz.ui.widgets.i18n import ENGLISH, install_translators

    install_translators(qapp, "zh_CN")
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        recovery_dir=tmp_path / "recovery", training=True)
    # Closing must not stop at "save your changes?" (qtbot closes widgets before fixtures end).
    qtbot.addWidget(window, before_close_func=lambda w: w.discard_unsaved_work())
    window.resize(1280, 800)
    window.show()
    yield window
    install_translators(qapp, ENGLISH)


def _visible_texts(window) -> list[str]:
    from nnviz.ui.shell.problems import ProblemsPanel

    texts = [window.statusBar().currentMessage()]
    for panel in window.findChildren(ProblemsPanel):
        texts += [panel.item(i).text() for i in range(panel.count())]
        texts += [panel.item(i).toolTip() for i in range(panel.count())]
    return [t for t in texts if t]


def test_the_window_reports_graph_errors_and_refusals_in_chinese(chinese_window, qtbot) -> None:
    window = chinese_window
    controller = window.controller
    controller.remove(list(window.document.nodes))
    dense = controller.add_node("dense", (0.0, 0.0))
    refused: list[str] = []
    controller.refused.connect(refused.append)
    assert controller.connect(dense, dense) is None  # a layer cannot feed itself
    controller.set_param(dense, "units", -3)  # refused with the parameter's range
    qtbot.wait(100)
    texts = [*_visible_texts(window), *refused]
    assert any("网络没有输入" in t for t in texts), texts
    assert any("不能连接到自身" in t for t in refused), refused
    assert len(refused) == 2
    left = [(t, w) for t in texts if (w := english_words(t))]
    assert not left, left
    assert window.undo_stack.undoText() == "" or not english_words(window.undo_stack.undoText())


def test_undo_labels_read_in_chinese(chinese_window) -> None:
    window = chinese_window
    first = window.controller.add_node("dense", (0.0, 0.0))
    second = window.controller.add_node("relu", (200.0, 0.0))
    assert window.controller.connect(first, second) is not None
    assert window.undo_stack.undoText() == "连接"
    window.controller.rename(second, "act")
    assert window.undo_stack.undoText() == "重命名为 act"


def test_the_windows_dialogs_read_in_chinese(chinese_locale, tmp_path) -> None:
    """A broken file opened in the Chinese window: the dialog's text (written to stderr offscreen)."""
    corpus = hc.make_corpus(tmp_path / "corpus", only=["empty_graph", "npz_nan", "data_key_misspelled"])
    not_json = tmp_path / "broken.nnviz"
    not_json.write_text("{", encoding="utf-8")
    files = {**corpus, "not_json": not_json, "missing": tmp_path / "missing.nnviz"}
    jobs = [{"id": name, "argv": ["--lang", "zh_CN", "--screenshot", str(tmp_path / f"{name}.png"), str(path)]}
            for name, path in files.items()]
    results = run_batch(jobs, 4 * 2**30, tmp_path)
    assert "文件" in results["not_json"]["err"], results["not_json"]
    assert not (left := _english_in(results)), "English in the Chinese window's dialogs:\n" + "\n".join(left)
