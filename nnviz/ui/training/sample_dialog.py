"""Train > Generate text...: the trained model continues a prompt one token at a time (nnviz.engine.sampling,
the same code as `nnviz sample`), greedy or with a temperature, each new token shown with the chance the model
gave it. It reads the session's network as it is now, so it can be asked again after more training."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine.sampling import MAX_TEMPERATURE, Sample, SamplingError, join_tokens, session_sampler

DEFAULT_LENGTH = 20
NEW_TOKEN_COLOUR = "#C0392B"


class SampleDialog(QDialog):
    """Prompt, length, temperature and seed; Generate writes the text below."""

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(self.tr("Generate text"))
        intro = QLabel(self.tr(
            "The model continues your prompt one token at a time. Temperature 0 always takes the likeliest "
            "next token (greedy); a higher temperature draws from the model's probabilities, so the text "
            "varies: the same seed gives the same text."))
        intro.setWordWrap(True)
        self.prompt = QLineEdit()
        self.prompt.setToolTip(self.tr("The text the model starts from"))
        self.length = QSpinBox()
        self.length.setRange(1, 200)
        self.length.setValue(DEFAULT_LENGTH)
        self.length.setToolTip(self.tr("How many tokens to write"))
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, MAX_TEMPERATURE)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(2)
        self.temperature.setToolTip(self.tr("0 = greedy (always the likeliest token); 1 = the model's own "
                                            "probabilities; higher = more surprising tokens"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("Same seed, same text (when the temperature is above 0)"))
        form = QFormLayout()
        form.addRow(self.tr("Prompt"), self.prompt)
        form.addRow(self.tr("Length (tokens)"), self.length)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Seed"), self.seed)
        self.generate = QPushButton(self.tr("Generate"))
        self.generate.setDefault(True)
        self.generate.clicked.connect(self.run)
        self.output = QTextBrowser()
        self.output.setMinimumHeight(120)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.generate)
        layout.addWidget(self.output, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(520, 420)
        self.last: Sample | None = None

    def run(self) -> Sample | None:
        """Write the text now (also the tests' entry); None, with the reason shown, when it cannot."""
        session = getattr(self.controller, "session", None)
        if session is None:
            problem = getattr(self.controller, "problem", None)
            self._fail(self.tr("There is no model to ask yet: %s") % problem if problem
                       else self.tr("There is no model to ask yet."))
            return None
        try:
            result = session_sampler(session).sample(self.prompt.text(), self.length.value(),
                                                     self.temperature.value(), self.seed.value())
        except SamplingError as exc:
            self._fail(str(exc))
            return None
        self.last = result
        level = str(session.doc.data.get("level", "words"))
        gap = "" if level == "characters" else " "
        prompt = html.escape(join_tokens(result.prompt_tokens, level))
        chosen = "".join(f"{gap}<span style='color:{NEW_TOKEN_COLOUR}'>{html.escape(t)}</span>"
                         for t in result.new_tokens)
        chances = ", ".join(f"{html.escape(t)} {p:.0%}" for t, p in zip(result.new_tokens, result.probabilities))
        caption = html.escape(self.tr("Each new token and the probability the model gave it:"))
        self.output.setHtml(f"<p style='font-size:16pt'>{prompt}{chosen}</p>"
                            f"<p style='color:#5F6B76'>{caption} {chances}</p>")
        steps = session.steps_done
        self.note.setText(self.tr("Written by the model as it is after training step %d.") % steps if steps
                          else self.tr("This model is untrained, so it writes noise: train it first, then "
                                       "generate again."))
        return result

    def _fail(self, message: str) -> None:
        self.last = None
        self.output.clear()
        self.note.setText(message)


def first_token(controller: Any) -> str:
    """A prompt to start from: the first token of the first training sentence ("" when there is none)."""
    session = getattr(controller, "session", None)
    if session is None or not len(session.dataset.x_train):
        return ""
    try:
        words = session_sampler(session).tokenizer.index_word()
    except SamplingError:
        return ""
    ids = [int(i) for i in session.dataset.x_train[0] if int(i) > 1]  # neither padding nor unknown
    return words.get(ids[0], "") if ids else ""


class SampleAction(QObject):
    """The Train menu's "Generate text..." action and its dialog (made on first use)."""

    def __init__(self, controller: Any, anchor: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.anchor = anchor if isinstance(anchor, QWidget) else None  # the dialog opens over its window
        self.action = QAction(self.tr("Generate text..."), self)
        self.action.setStatusTip(self.tr("Let a model trained to predict the next token continue a prompt"))
        self.action.triggered.connect(lambda _=False: self.open())
        self.dialog: SampleDialog | None = None

    def open(self) -> SampleDialog:
        if self.dialog is None:
            self.dialog = SampleDialog(self.controller, self.anchor.window() if self.anchor is not None else None)
        if not self.dialog.prompt.text():
            self.dialog.prompt.setText(first_token(self.controller))
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
