"""The Chinese main window, as a learner sees it, shows no English.

packaging/check_tr.py's runtime check opens the real main window offscreen in Chinese, opens an example,
steps it, draws every panel (raising each tabbed dock and each tab page in turn) and reads every visible
text: menus, actions and tips, buttons, labels, text views (the formula), combo box entries, table headers,
plot titles, axis labels, legends, canvas tooltips and the lines painted on each layer card.

Its allow-list is small and each entry has a reason in check_tr.py: layer type names kept in English after
their Chinese name ("全连接 Dense"), the network's own layer names, data-set and file-format names (MNIST,
CIFAR, IDX), terms Chinese textbooks keep in English or gloss ("logits", "轮（epoch）"), formula operators
(log, exp, softmax(...)), code names (nn.Linear, grad_output), file paths and key names (Ctrl, Shift).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "resources" / "examples"


def load_check_tr():
    sys.path.insert(0, str(ROOT / "packaging"))
    name = "nnviz_packaging_check_tr_runtime"
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / "check_tr.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def check_tr():
    return load_check_tr()


@pytest.fixture(autouse=True)
def english_afterwards(qapp):
    """Whatever happens in a test, the process goes on in English for the tests after it."""
    yield
    from nnviz.ui.widgets.i18n import ENGLISH, install_translators

    install_translators(qapp, ENGLISH)


def _report(left: list[tuple[str, str]]) -> str:
    return "English in the Chinese UI:\n" + "\n".join(f"  {where}: {text!r}" for where, text in left)


# (example, micro-steps): what each case brings on screen.
CASES = [
    # One neuron, 5 micro-steps: batch, forward, loss, backward, update; formula, tensors, neuron view.
    ("seed-single-neuron.nnviz", 5),
    # 2-D classification: decision boundary, data preview scatter and class bars, loss curves, histograms.
    ("spirals.nnviz", 5),
    # Text and an LSTM: the token table and the Through-time panel (gates, the vanishing-gradient note).
    ("seed-text-lstm.nnviz", 12),
    # A softmax cross-entropy loss: its formula with softmax, log and the batch mean.
    ("residual-mlp.nnviz", 7),
]


def test_chinese_window_without_a_file_has_no_english(check_tr) -> None:
    left = check_tr.english_in_chinese_ui()
    assert not left, _report(left)


@pytest.mark.parametrize(("example", "steps"), CASES, ids=[c[0].removesuffix(".nnviz") for c in CASES])
def test_stepped_example_in_chinese_has_no_english(check_tr, example: str, steps: int) -> None:
    left = check_tr.english_in_chinese_ui(file=EXAMPLES / example, steps=steps)
    assert not left, _report(left)


def test_the_check_sees_english_when_nothing_is_translated(check_tr, monkeypatch) -> None:
    """Without the Chinese translators the same check must report the English controls, panels and plot
    texts: it is not blind to the places it claims to read."""
    import nnviz.ui.widgets.i18n as i18n

    real = i18n.install_translators
    monkeypatch.setattr(i18n, "install_translators",
                        lambda app, language: real(app, i18n.ENGLISH))
    left = check_tr.english_in_chinese_ui(file=EXAMPLES / "seed-single-neuron.nnviz", steps=5)
    texts = [text for _, text in left]
    places = {where.split(" ")[0] for where, _ in left}
    assert "Step" in texts and "Step batch" in texts  # the training toolbar's buttons
    assert any(re.search(r"\bstep 1\b", t) for t in texts)  # the position label and the formula title
    assert any("params" in t for where, t in left if where.startswith("layer card"))  # painted card lines
    assert {"QTextBrowser", "graphics", "label", "menu", "dock"} <= places, places
    from nnviz.ui.widgets.i18n import current_language

    assert current_language() == i18n.ENGLISH


def test_the_check_puts_the_language_back(check_tr, qapp) -> None:
    """The check switches the application to Chinese while it looks, then back to what it was."""
    from PySide6.QtCore import QCoreApplication

    from nnviz.ui.widgets.i18n import ENGLISH, current_language, install_translators

    install_translators(qapp, ENGLISH)
    check_tr.english_in_chinese_ui()
    assert current_language() == ENGLISH
    assert QCoreApplication.translate("TrainingActions", "Step") == "Step"


def test_the_static_check_finds_what_lupdate_cannot_see(check_tr, tmp_path: Path) -> None:
    """The two ways a string escaped extraction before (and stayed English in the Chinese UI): a tr()
    inside an f-string, and a one-line wrapper around translate()."""
    source = tmp_path / "panel.py"
    source.write_text(
        "from PySide6.QtCore import QCoreApplication\n"
        "def _tr(text):\n"
        "    return QCoreApplication.translate('Panel', text)\n"
        "class Panel:\n"
        "    def key(self):\n"
        "        return f\"<b>{self.tr('train')}</b>\"\n"
        "    def fine(self):\n"
        "        word = self.tr('validation')\n"
        "        return f'<b>{word}</b>'\n", encoding="utf-8")
    found = {(f.call, f.text) for f in check_tr.untranslated([source])}
    assert found == {("tr wrapper", "_tr"), ("f-string tr", "train")}
