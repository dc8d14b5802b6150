"""Chinese: every tr() string has a finished translation, every core string has an entry in the core
table, formulas lose their English words, and the language is chosen as documented."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "nnviz_zh_CN.ts"
QM = ROOT / "resources" / "translations" / "nnviz_zh_CN.qm"
CORE = ROOT / "resources" / "translations" / "core_zh_CN.json"


def load_script(name: str):
    sys.path.insert(0, str(ROOT / "packaging"))
    spec = importlib.util.spec_from_file_location(f"nnviz_packaging_{name}", ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the UI's tr() strings
def test_every_tr_string_has_a_finished_translation(tmp_path: Path) -> None:
    """lupdate over today's nnviz/ui into a copy of the committed .ts: nothing may be unfinished."""
    tools = load_script("update_translations")
    scratch = tmp_path / "nnviz_zh_CN.ts"
    scratch.write_bytes(TS.read_bytes())
    tools.lupdate(scratch)
    missing = tools.unfinished(scratch)
    assert not missing, "untranslated strings (run packaging/update_translations.py and translate):\n" + "\n".join(
        f"  [{context}] {source!r}" for context, source in missing)
    assert len(re.findall("<message", scratch.read_text(encoding="utf-8"))) > 150


def test_committed_qm_is_current(tmp_path: Path) -> None:
    """The .qm the app loads is compiled from the committed .ts (so no string is translated only in one)."""
    tools = load_script("update_translations")
    fresh = tools.lrelease(TS, tmp_path / "fresh.qm")
    assert fresh.read_bytes() == QM.read_bytes(), "run packaging/update_translations.py to rebuild the .qm"


NAMES = {"PyTorch", "nnviz", "NumPy", "ReLU", "RMSprop", "Nesterov", "Keras", "ONNX"}  # the same in every language


def test_translations_keep_placeholders_and_accelerators() -> None:
    import xml.etree.ElementTree as ET

    for context in ET.parse(TS).getroot().iter("context"):
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.findtext("translation") or ""
            forms = message.findall("translation/numerusform")
            if forms:  # a plural message ("%n values") keeps its text in one numerusform per plural form
                translation = "".join(f.text or "" for f in forms)
                assert all("%n" in (f.text or "") for f in forms), source
            for token in ("%s", "%d", "%1", "%2"):
                assert source.count(token) == translation.count(token), (source, translation)
            if re.search(r"&\w", source):  # menu accelerators: Chinese menus keep them as "文件(&F)"
                assert re.search(r"&\w", translation), (source, translation)
            words = set(re.findall("[A-Za-z]{3,}", source)) - NAMES
            assert re.search(r"[\u4e00-\u9fff]", translation) or not words, source  # names stay as they are


def test_chinese_translator_translates_the_main_window(qapp) -> None:
    from PySide6.QtCore import QCoreApplication

    from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators

    try:
        installed = install_translators(qapp, CHINESE)
        assert len(installed) == 2  # nnviz's and Qt's own (standard buttons)
        assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") != "Cancel"
    finally:
        install_translators(qapp, ENGLISH)
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


# ---------------------------------------------------------------- choosing the language
@pytest.mark.parametrize(("cli", "saved", "system", "expected"), [
    ("zh_CN", "en", "en_US", "zh_CN"),   # the command line wins
    (None, "zh_CN", "en_US", "zh_CN"),   # then the Language menu
    (None, None, "zh_CN", "zh_CN"),      # then the system locale
    (None, None, "zh_SG", "zh_CN"),
    (None, None, "zh_TW", "en"),         # Traditional script: English stays the default
    (None, None, "de_DE", "en"),
    ("en", "zh_CN", "zh_CN", "en"),
])
def test_language_choice_order(qapp, tmp_path: Path, cli, saved, system, expected) -> None:
    from PySide6.QtCore import QSettings

    from nnviz.ui.widgets.i18n import SETTINGS_KEY, choose_language

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    if saved:
        settings.setValue(SETTINGS_KEY, saved)
    assert choose_language(cli, settings, system) == expected


def test_language_menu_saves_the_choice(qapp, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox, QWidget

    from nnviz.ui.widgets.i18n import SETTINGS_KEY, language_menu

    told = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: told.append(box.text()) or 0)  # answers "Later"
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    parent = QWidget()
    menu = language_menu(parent, settings)
    names = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert names[:2] == ["English", "简体中文"]
    chinese = next(a for a in menu.actions() if a.data() == "zh_CN")
    chinese.trigger()
    assert settings.value(SETTINGS_KEY) == "zh_CN"
    assert told, "the learner is told the language changes at the next start"
    follow = next(a for a in menu.actions() if a.data() == "")
    follow.trigger()
    assert settings.value(SETTINGS_KEY) is None


# ---------------------------------------------------------------- the core's strings (Qt-free table)
def core_source_strings() -> set[str]:
    from nnviz.graph.registry import CATEGORIES, all_specs
    from nnviz.graph.settings import LOSSES, OPTIMIZERS

    strings = set(CATEGORIES)
    for spec in all_specs():
        strings |= {spec.label, spec.description}
        for p in spec.params:
            strings |= {p.title, p.help} - {""}
    strings |= {label for label, _torch in LOSSES.values()}
    strings |= set(OPTIMIZERS.values())
    return strings


def test_every_core_string_has_a_chinese_entry() -> None:
    table = json.loads(CORE.read_text(encoding="utf-8"))["strings"]
    missing = sorted(s for s in core_source_strings() if not table.get(s, "").strip())
    assert not missing, f"add these to {CORE.name}: {missing}"
    # Descriptions and help are real Chinese sentences, not copies of the English.
    from nnviz.graph.registry import all_specs

    for spec in all_specs():
        assert re.search(r"[\u4e00-\u9fff]", table[spec.description]), spec.description


def test_core_tr_follows_the_language() -> None:
    from nnviz.graph.registry import get_spec
    from nnviz.ui.widgets.i18n import core_tr

    dense = get_spec("dense")
    assert core_tr(dense.description, "en") == dense.description
    assert "全连接" in core_tr(dense.description, "zh_CN")
    assert core_tr("no such text", "zh_CN") == "no such text"


def test_examples_are_described_in_both_languages() -> None:
    for path in sorted((ROOT / "resources" / "examples").glob("*.nnviz")):
        description = json.loads(path.read_text(encoding="utf-8"))["description"]
        assert description.get("en") and re.search(r"[\u4e00-\u9fff]", description.get("zh", "")), path.name


# ---------------------------------------------------------------- formulas
ALLOWED = {  # maths and layer names that stay as they are in Chinese textbooks
    "mean", "log", "exp", "sign", "softmax", "onehot", "tanh", "sigmoid", "relu", "max", "Phi", "phi", "Bernoulli",
    "Dense", "elu", "gelu", "leaky_relu", "identity", "slope", "alpha", "grad_output", "mse", "bce", "bce_logits",
    "cross_entropy", "nll_probs", "sgd", "adam", "adamw", "rmsprop", "ReLU", "GELU", "ELU", "LeakyReLU",
}


FORMULA_MODULES = ["nnviz/engine/formula_text.py", "nnviz/engine/formula_activation.py",
                   "nnviz/engine/sequence_formulas.py", "nnviz/engine/losses.py", "nnviz/engine/optimizers.py",
                   *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "nnviz" / "engine" / "layers").glob("*.py"))]


def formula_strings() -> list[str]:
    """Every text constant of the formula code that a learner can see: the modules where formulas are
    written (each layer's, loss's and optimiser's own), docstrings, keys, error messages (raise) and
    class names built with type() left out."""
    texts = []
    for module in FORMULA_MODULES:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr)}
        skipped = {id(c) for n in ast.walk(tree) for c in ast.walk(n)
                   if isinstance(n, ast.Raise) or (isinstance(n, ast.Call) and getattr(n.func, "id", "") == "type")}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and id(node) not in skipped
                    and re.search("[A-Za-z]{3}", node.value) and not re.fullmatch(r"[a-z_0-9]+", node.value)
                    and "unknown" not in node.value):
                texts.append(node.value)
    return texts


def english_words(text: str) -> set[str]:
    """Words of three or more letters; identifiers with an underscore (x_i, grad_output) are symbols."""
    from nnviz.graph.registry import all_specs

    keys = {spec.key for spec in all_specs()}  # layer type keys and labels name the layer, like proper nouns
    keys |= {word for spec in all_specs() for word in re.findall("[A-Za-z]+", spec.label)}
    return {w for w in re.findall(r"[A-Za-z_]{3,}", text) if w not in ALLOWED | keys and "_" not in w}


def test_formula_words_are_translated() -> None:
    from nnviz.ui.widgets.i18n import formula_tr

    texts = formula_strings()
    assert len(texts) > 30
    left = {text: english_words(formula_tr(text, "zh_CN")) for text in texts}
    left = {k: v for k, v in left.items() if v}
    assert not left, f"formula text still in English after formula_tr: {left}"


def test_a_real_formula_reads_in_chinese() -> None:
    from nnviz.engine.session import Session
    from nnviz.io import load
    from nnviz.ui.widgets.i18n import formula_tr

    session = Session(load(ROOT / "resources" / "examples" / "seed-single-neuron.nnviz"))
    seen = 0
    for _ in range(8):
        step = session.step()
        if step.formula is None:
            continue
        seen += 1
        for text in (step.formula.title, step.formula.symbolic, step.formula.numeric or ""):
            assert not english_words(formula_tr(text, "zh_CN")), text
    assert seen >= 4
    assert formula_tr("Forward · Dense", "zh_CN") == "前向传播 · Dense"


def test_formula_panel_speaks_the_ui_language(qapp) -> None:
    from nnviz.engine.session import Session
    from nnviz.io import load
    from nnviz.ui.training.formula_panel import formula_html
    from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators

    session = Session(load(ROOT / "resources" / "examples" / "seed-single-neuron.nnviz"))
    step = next(s for s in iter(session.step, None) if s.phase == "backward")
    english = formula_html(step.formula)
    try:
        install_translators(qapp, CHINESE)
        chinese = formula_html(step.formula)
    finally:
        install_translators(qapp, ENGLISH)
    assert "with the numbers of sample 1" in english and "Backward" in english
    assert "代入样本 1 的数值" in chinese and "反向传播" in chinese and "对批内样本求和" in chinese
    assert "with the numbers" not in chinese and "−0.09673" in chinese  # the numbers are unchanged


def test_restart_now_closes_and_starts_again(qapp, monkeypatch) -> None:
    from PySide6.QtCore import QCoreApplication, QProcess
    from PySide6.QtWidgets import QMainWindow, QMessageBox

    from nnviz.ui.widgets import i18n

    started, quits = [], []
    monkeypatch.setattr(QProcess, "startDetached", lambda program, args: started.append((program, args)) or True)
    monkeypatch.setattr(QCoreApplication, "quit", lambda: quits.append(1))

    def click_restart(box: QMessageBox) -> int:
        restart = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
        monkeypatch.setattr(box, "clickedButton", lambda: restart)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_restart)
    window = QMainWindow()
    window.show()
    assert i18n.offer_restart(window) is True
    assert not window.isVisible() and quits == [1]
    assert started == [i18n.restart_command()]
    assert started[0][0] == sys.executable
