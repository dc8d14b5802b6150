"""Find visible strings in nnviz/ui that bypass Qt's translation, and strings that reach tr() through a
variable (which lupdate cannot see).

    python packaging/check_tr.py            lists each untranslated literal as file:line: call("text")
    python packaging/check_tr.py --runtime [FILE.nnviz --steps=N]
                                            opens the main window in Chinese (with FILE trained N micro-steps)
                                            and lists visible English text

A literal counts as visible when it is passed to a Qt call that shows text (QLabel("..."), setText,
setToolTip, QAction, addRow, QMessageBox.information, add_dock, status ...) and is not wrapped in
tr()/translate(). Strings with no letters ("×", "%", "→ (2,)") and f-strings built only from values
are ignored. The main window's helper `_action(menu, text, slot, shortcut, tip)` translates its text
and tip itself, so those literals are collected as *dynamic* strings and given to lupdate through a
generated list (see dynamic_sources()).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "nnviz" / "ui"

# call name -> positions of its visible text arguments
VISIBLE_CALLS: dict[str, tuple[int, ...]] = {
    "QLabel": (0,), "QPushButton": (0,), "QCheckBox": (0,), "QRadioButton": (0,), "QGroupBox": (0,),
    "QAction": (0,), "QMenu": (0,), "QToolButton": (0,), "QDockWidget": (0,), "QToolBar": (0,),
    "setText": (0,), "setToolTip": (0,), "setStatusTip": (0,), "setWhatsThis": (0,), "setWindowTitle": (0,),
    "setPlaceholderText": (0,), "setTitle": (0,), "showMessage": (0,), "setEmptyLabel": (0,),
    "addRow": (0,), "addTab": (1,), "addMenu": (0,), "setTabText": (1,), "setSuffix": (0,), "setPrefix": (0,),
    "setSpecialValueText": (0,), "setLabelText": (0,), "setInformativeText": (0,), "setDetailedText": (0,),
    "information": (1, 2), "warning": (1, 2), "question": (1, 2), "critical": (1, 2), "about": (1, 2),
    "getOpenFileName": (1,), "getSaveFileName": (1,), "getText": (1, 2),
    "status": (0,), "setLabel": (1,), "setFormat": (0,),
}
TRANSLATORS = {"tr", "translate", "QT_TR_NOOP", "QT_TRANSLATE_NOOP", "core_tr", "formula_tr"}
WORDS = re.compile(r"[A-Za-z]{2,}")
# Words that read the same in every language: names, symbols and units (a string made only of these,
# numbers and punctuation needs no translation).
NEUTRAL = {"nnviz", "PyTorch", "Keras", "ONNX", "onnxruntime", "Netron", "NumPy", "Qt", "CSV", "PNG", "SVG",
           "JSON", "HTML", "OK", "MIT", "LGPL", "BSD",
           "ReLU", "SGD", "Adam", "AdamW", "RMSprop", "Nesterov", "max", "min", "px", "ms", "dtype", "float32",
           "float64", "nnviz_csv", "pt", "lr"}


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    call: str
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.call}({self.text!r})"


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _literal(node: ast.expr) -> str | None:
    """The text of a plain string literal or an f-string's literal parts (None for anything else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _literal(node.left)
    return None


def _is_tr_wrapper(func: ast.FunctionDef) -> bool:
    """True for `def f(text): return translate("Context", text)` (or self.tr(text)): a function whose one
    statement returns a translation of one of its own parameters."""
    if len(func.body) != 1 or not isinstance(func.body[0], ast.Return):
        return False
    call = func.body[0].value
    if not isinstance(call, ast.Call) or _name(call.func) not in ("tr", "translate") or not call.args:
        return False
    text = call.args[1] if _name(call.func) == "translate" and len(call.args) > 1 else call.args[0]
    return isinstance(text, ast.Name) and text.id in {a.arg for a in func.args.args}


def visible_text(text: str) -> bool:
    """True when the text has a word a reader would want translated."""
    if text.lstrip().startswith(("<style", "QWidget", "QLabel", "color:", "font")):
        return False  # style sheets
    text = re.sub(r"<[^>]*>|&\w+;|\b\w+\.(py|csv|png|npz|nnviz|json)\b", " ", text)  # markup, file names
    return any(word not in NEUTRAL for word in WORDS.findall(text))


def untranslated(paths: list[Path] | None = None) -> list[Finding]:
    findings = []
    for path in paths or sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                # lupdate does not look inside f-strings: a tr() there is never extracted.
                for part in node.values:
                    if (isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Call)
                            and _name(part.value.func) in ("tr", "translate") and part.value.args):
                        text = _literal(part.value.args[0])
                        if text:
                            findings.append(Finding(path, node.lineno, "f-string tr", text))
            if isinstance(node, ast.FunctionDef) and _is_tr_wrapper(node):
                # def _tr(text): return translate("X", text) hides every string passed to it from lupdate.
                findings.append(Finding(path, node.lineno, "tr wrapper", node.name))
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if name == "tr" and owner is not None and not (isinstance(owner, ast.Name) and owner.id == "self"):
                # lupdate files window.tr("x") under a context named "window", but at run time the
                # context is the object's class ("MainWindow"): the translation would never be found.
                text = _literal(node.args[0]) if node.args else None
                if text:
                    findings.append(Finding(path, node.lineno, f"{ast.unparse(owner)}.tr", text))
                continue
            if name == "_action":
                continue  # translated inside WindowActions._action; collected by dynamic_strings()
            for index in VISIBLE_CALLS.get(name, ()):
                if index < len(node.args):
                    text = _literal(node.args[index])
                    if text is not None and visible_text(text):
                        findings.append(Finding(path, node.lineno, name, text))
    return findings


def dynamic_strings(paths: list[Path] | None = None) -> list[tuple[str, str]]:
    """(context, text) pairs that reach self.tr() through a variable: WindowActions._action's text and tip
    arguments, the main window's menu titles and dock titles (add_dock(widget, "Title"), and the
    `title = "..."` class attribute of panels docked by title)."""
    found: list[tuple[str, str]] = []
    for path in paths or sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ("_action", "menu"):
                args = list(node.args[:2] if _name(node.func) == "_action" else node.args[:1])
                if _name(node.func) == "_action" and len(node.args) >= 5:
                    args.append(node.args[4])
                args += [k.value for k in node.keywords if k.arg in ("tip", "text")]
                for arg in args:
                    text = _literal(arg)
                    if isinstance(arg, ast.Constant) and text and WORDS.search(text):
                        found.append(("MainWindow", text))
            if isinstance(node, ast.Call) and _name(node.func) in ("add_dock", "add") and len(node.args) >= 2:
                title = node.args[1]  # MainWindow.add_dock(widget, "Title") translates the title itself
                if isinstance(title, ast.Constant) and isinstance(title.value, str) and WORDS.search(title.value):
                    found.append(("MainWindow", title.value))
            if isinstance(node, ast.ClassDef):  # panels that dock themselves: class attribute title = "..."
                for item in node.body:
                    if (isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "title"
                                                             for t in item.targets)
                            and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str)):
                        found.append(("MainWindow", item.value.value))
            menus = isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and any(
                isinstance(t, ast.Name) and t.id == "MENUS" for t in node.targets)
            if menus:
                found += [("MainWindow", e.value) for e in node.value.elts if isinstance(e, ast.Constant)]
    return sorted(set(found))


def dynamic_source(folder: Path) -> Path:
    """Write the dynamic strings as QT_TRANSLATE_NOOP calls into folder/_dynamic_strings.py for lupdate."""
    lines = ["from PySide6.QtCore import QT_TRANSLATE_NOOP", ""]
    lines += [f"QT_TRANSLATE_NOOP({context!r}, {text!r})" for context, text in dynamic_strings()]
    path = folder / "_dynamic_strings.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    if "--runtime" in sys.argv:
        files = [a for a in sys.argv[1:] if not a.startswith("--")]
        steps = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--steps=")), 0)
        left = english_in_chinese_ui(file=files[0] if files else None, steps=steps)
        for where, text in left:
            print(f"{where}: {text!r}")
        print(f"{len(left)} visible texts of the Chinese main window still have English words")
        return 1 if left else 0
    findings = untranslated()
    for finding in findings:
        print(finding)
    print(f"{len(findings)} visible strings bypass tr(); {len(dynamic_strings())} dynamic strings collected")
    return 1 if findings else 0



def english_in_chinese_ui(size: tuple[int, int] = (1280, 800), file: str | Path | None = None,
                          steps: int = 0, prepare=None) -> list[tuple[str, str]]:
    """Open the real main window in Chinese (offscreen) and list (where, text) of every visible text that
    still has English words: menus, actions and their tooltips, buttons, labels, dock and tab titles,
    text views (the formula), combo box entries, table headers and the text items of every graphics
    scene (plot titles, axis labels, legends). With `file`, that network is opened first and trained
    `steps` micro-steps, so the training panels show their contents too. `prepare(window)`, called then,
    brings a state on screen (a question asked, a dialog open) and returns the words it shows that are the
    learner's own data (a generated sentence), or None.
    Layer type names, units and names such as PyTorch are allowed."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnviz.ui.widgets.i18n import CHINESE, current_language, install_translators

    app = QApplication.instance() or QApplication([])
    before = current_language()
    install_translators(app, CHINESE)
    try:
        return _english_in_ui(app, size, file, steps, prepare)
    finally:
        install_translators(app, before)  # a test process goes on in the language it had


def _english_in_ui(app, size: tuple[int, int], file: str | Path | None, steps: int,
                   prepare=None) -> list[tuple[str, str]]:
    """english_in_chinese_ui's work, with the Chinese translators installed."""
    import tempfile

    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QSettings
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QDialog,
        QDockWidget,
        QGraphicsSimpleTextItem,
        QGraphicsTextItem,
        QGraphicsView,
        QLabel,
        QLineEdit,
        QMenu,
        QTabBar,
        QTableWidget,
        QTabWidget,
        QTextEdit,
        QWidget,
    )

    from nnviz.graph.registry import all_specs
    from nnviz.i18n import term
    from nnviz.ui.canvas.node_item import NodeItem, _count_text
    from nnviz.ui.shell.main_window import MainWindow
    from nnviz.ui.widgets.i18n import LANGUAGES

    allowed = set(NEUTRAL) | {"Dense", "Softmax", "Sigmoid", "Tanh", "Identity", "LeakyReLU", "ELU", "GELU",
                              "Flatten", "Reshape", "Conv", "Concatenate", "Dropout", "Embedding", "LSTM", "GRU",
                              "SimpleRNN", "LastStep", "BatchNorm", "MaxPool", "AvgPool", "Add", "Input", "input",
                              "Ctrl", "Shift", "Del", "Space", "Esc", "xor", "spirals", "Keras", "float"}
    # Terms Chinese textbooks keep in English, or gloss once in brackets: "logits 上的交叉熵", "轮（epoch）".
    allowed |= {"logits", "epoch"}
    # Mathematical operators in formulas, as written in any language: "log ŷ", "exp z".
    allowed |= {"log", "exp"}
    # Names of data sets and file formats, kept in Latin script beside their Chinese description
    # ("异或 XOR", "我的 Fashion-MNIST IDX 文件...").
    allowed |= {"XOR", "MNIST", "Fashion", "CIFAR", "IDX", "npz"}
    # Model families Chinese textbooks name in English, like LSTM ("Transformer 编码器块").
    allowed |= {"Transformer"}
    for spec in all_specs():
        allowed |= set(WORDS.findall(spec.label)) | {spec.key}
        # A parameter's choice that names a function stays as PyTorch writes it ("激活函数=tanh"); a choice
        # that is a word ("none", "learned") has a Chinese name in core_zh_CN.json and must show it. The
        # optimiser keys likewise stay ("更新 · sgd", --set optimizer=sgd).
        allowed |= {choice for p in spec.params for choice in p.choices
                    if isinstance(choice, str) and term(choice, "zh_CN") == choice}
    from nnviz.graph.settings import OPTIMIZERS

    allowed |= set(OPTIMIZERS)
    folder = tempfile.mkdtemp(prefix="nnviz-check-")
    window = MainWindow(settings=QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat),
                        recovery_dir=Path(folder) / "recovery")
    if file is not None and not window.files.load(str(file)):
        raise RuntimeError(f"could not open {file}")
    # The layer names of the network (the learner's own, an example's, the default network's) are shown
    # as they were typed.
    allowed |= {word for node in window.document.nodes.values() for word in WORDS.findall(node.name)}
    window.resize(*size)
    window.show()
    def settle(ms: int = 60) -> None:
        # Panels redraw from a throttle timer (and hidden ones when they become visible): let it fire.
        for _ in range(3):
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, QDeadlineTimer(ms // 3))

    settle()
    for _ in range(steps):
        window.training.step()
        app.processEvents()
    if getattr(window, "export_actions", None) is not None:
        window.export_actions.show_preview()  # the PyTorch export panel (File > Export > PyTorch...)
    if steps and getattr(window, "training_panels", None) is not None:
        # Panels tabbed out of sight skip their redraws: draw every one, as a learner raising it would see.
        window.training_panels.redraw_all()
    settle()
    if prepare is not None:
        allowed |= set(prepare(window) or ())
        settle()
    found: list[tuple[str, str]] = []

    def check(where: str, text: str) -> None:
        if re.fullmatch(r"(?:\S+ · )?[a-z0-9_-]+", text or "") or text in LANGUAGES.values():
            # example file names, a tensor's maths and code names ("δ · delta"), each language in its own
            return
        plain = re.sub(r"<[^>]*>|&\w+;|\b\w+\.(py|csv|png|npz|nnviz|json)\b", " ", text or "").replace("&", "")
        # File paths ("resources/examples/xor.nnviz", "/tmp/x"): a path with a folder or an extension.
        plain = re.sub(r"(?<!\S)(?:/\S*|\S*/\S*/\S*|\S+/\S*\.\w+)", " ", plain)
        # A tensor named by its symbol and its key, as the Tensors panel names it: "a · output (1, 2)".
        plain = re.sub(r"(?<!\S)\S+ · [a-z0-9_.]+\b", " ", plain)
        # Code names: dotted ("nn.Linear", "out_proj.weight") and identifiers (grad_output, hidden_1).
        plain = re.sub(r"\b\w+(?:\.\w+)+|\b\w*_\w*\b", " ", plain)
        # Function names in formulas, written against their bracket: "mean(log softmax(z)[y])"; and tensor
        # names indexed as code: "张量 output[1,1]" (the Tensors panel's key).
        plain = re.sub(r"\b[a-z]+(?=[(\[])", " ", plain)
        if any(word not in allowed for word in re.findall(r"[A-Za-z]{3,}", plain)):
            found.append((where, text.strip()))

    def visit_menu(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                check(f"menu {path}", action.text())
                visit_menu(action.menu(), path + " > " + action.text())
            elif not action.isSeparator():
                check(f"menu {path}", action.text())
                check(f"status tip {path} > {action.text()}", action.statusTip())

    for top in window.menuBar().actions():
        check("menu bar", top.text())
        if top.menu() is not None:
            visit_menu(top.menu(), top.text())

    def visible_widgets() -> None:
        for widget in window.findChildren(QAbstractButton):
            if widget.isVisibleTo(window):
                check(type(widget).__name__, widget.text())
                check(f"tooltip of {widget.text() or type(widget).__name__}", widget.toolTip())
        for widget in window.findChildren(QLabel):
            if widget.isVisibleTo(window):
                check("label", widget.text())
        for widget in window.findChildren(QWidget):  # spin boxes', combo boxes', views' tips too
            if widget.isVisibleTo(window) and not isinstance(widget, QAbstractButton) and widget.toolTip():
                check(f"tooltip of {type(widget).__name__}", widget.toolTip())
        for widget in window.findChildren(QDialog):  # a dialog open over the window (Generate text...)
            if widget.isVisible():
                check("dialog title", widget.windowTitle())
        for widget in window.findChildren(QLineEdit):
            if widget.isVisibleTo(window):
                check("placeholder", widget.placeholderText())
        for widget in window.findChildren(QTextEdit):
            if widget.isVisibleTo(window):
                check(type(widget).__name__, widget.toPlainText())
        for widget in window.findChildren(QComboBox):
            if widget.isVisibleTo(window):
                for i in range(widget.count()):
                    check("combo box", widget.itemText(i))
        for widget in window.findChildren(QTableWidget):
            if widget.isVisibleTo(window):
                for header in (widget.horizontalHeaderItem, widget.verticalHeaderItem):
                    count = widget.columnCount() if header == widget.horizontalHeaderItem else widget.rowCount()
                    for i in range(count):
                        item = header(i)
                        if item is not None:
                            check("table header", item.text())
        for view in window.findChildren(QGraphicsView):
            if view.isVisibleTo(window) and view.scene() is not None:
                for item in view.scene().items():
                    if isinstance(item, QGraphicsTextItem) and item.isVisible():
                        check(f"graphics text in {type(view).__name__}", item.toPlainText())
                    elif isinstance(item, QGraphicsSimpleTextItem) and item.isVisible():
                        check(f"graphics text in {type(view).__name__}", item.text())
                    if item.toolTip():
                        check(f"graphics tooltip in {type(view).__name__}", item.toolTip())
                    if isinstance(item, NodeItem):  # a layer card paints its lines itself
                        info = item.info
                        badge = item.badge[0] if item.badge else ""
                        for line in (info.title, info.key_params, _count_text(info.params), badge):
                            check(f"layer card '{info.name}'", line)

    visible_widgets()
    # Panels tabbed behind another are not visible until raised: bring each dock forward in turn and
    # read what it shows (a learner clicks through them all).
    for dock in window.findChildren(QDockWidget):
        if not dock.isHidden() and window.tabifiedDockWidgets(dock):
            dock.raise_()
            settle()
            visible_widgets()
    # The same for the pages of tab widgets inside panels (data preview, Problems / History ...).
    for tabs in window.findChildren(QTabWidget):
        if tabs.isVisibleTo(window):
            for i in range(tabs.count()):
                if tabs.isTabVisible(i):
                    tabs.setCurrentIndex(i)
                    settle()
                    visible_widgets()
    for dock in window.findChildren(QDockWidget):
        check("dock title", dock.windowTitle())
    for bar in window.findChildren(QTabBar):
        for i in range(bar.count()):
            check("tab", bar.tabText(i))
    window.discard_unsaved_work()
    window.close()
    window.deleteLater()
    return sorted(set(found))


if __name__ == "__main__":
    sys.exit(main())
