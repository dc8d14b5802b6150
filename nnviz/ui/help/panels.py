"""'What am I looking at?': one short explanation per panel, in the UI language.

panel_help(name) accepts a panel key ("tensors") or a dock's English title ("Loss and accuracy") and
returns rich text; panel_for_widget(w) finds which panel a widget belongs to, so Shift+F1 can explain
whatever is under the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDockWidget, QWidget

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


# Panel key -> (title, explanation). The texts are wrapped at call time so the current language applies;
# QT_TRANSLATE_NOOP-style literals inside _texts() keep them visible to lupdate.
def _texts() -> dict[str, tuple[str, str]]:
    return {
        "canvas": (
            translate("PanelHelp", "Canvas"),
            translate(
                "PanelHelp",
                "Your network. Each box is a layer: its type, its name, its key settings, the shape of one sample "
                "it outputs (without the batch dimension) and how many numbers it learns. Curves carry tensors from "
                "an output port (right) to an input port (left) and are labelled with their shape. Drag from the "
                "palette to add a layer, from port to port to connect, onto a curve to insert. While training, "
                "the active layer glows: blue in the forward pass, red in the backward pass, green in the update.",
            ),
        ),
        "layers": (
            translate("PanelHelp", "Layers"),
            translate(
                "PanelHelp",
                "The layer library, grouped by kind. Hover over a layer for a one-line explanation; drag it onto "
                "the canvas, or double-click to put it in the middle. Type in the filter box to find a layer.",
            ),
        ),
        "inspector": (
            translate("PanelHelp", "Inspector"),
            translate(
                "PanelHelp",
                "The selected layer's settings. Every change is checked at once and can be undone. Below them: "
                "the shapes going in and out, the number of parameters and, for small layers, a table of the "
                "starting weights and biases that you can type into.",
            ),
        ),
        "problems": (
            translate("PanelHelp", "Problems"),
            translate(
                "PanelHelp",
                "Everything that stops the network from training, in plain words: shapes that do not fit, "
                "unconnected inputs, cycles. Double-click a problem to select the layer it is about.",
            ),
        ),
        "history": (
            translate("PanelHelp", "History"),
            translate(
                "PanelHelp",
                "Every edit you made, oldest first. Click a line to go back to that moment (the same as Undo); "
                "making a new edit from there throws the later ones away.",
            ),
        ),
        "training": (
            translate("PanelHelp", "Training"),
            translate(
                "PanelHelp",
                "Step runs one micro-step: loading a batch, one layer forward, the loss, one layer backward or the "
                "update. Step batch finishes the current batch; Step epoch the current epoch; Run keeps going "
                "until you pause. Rewind goes back exactly one batch; Reset returns to the same starting weights; "
                "Re-initialise draws new ones. The line on the right says where you are.",
            ),
        ),
        "formula": (
            translate("PanelHelp", "Formula"),
            translate(
                "PanelHelp",
                "The rule the current micro-step computes. Forward: z = W·x + b and a = f(z). Backward: the error "
                "term δ = ∂L/∂z, the gradients ∂L/∂W = δ·xᵀ and ∂L/∂b = δ, and what is passed back, Wᵀ·δ. "
                "Update: the optimiser's rule. For small layers the second half repeats it with the real numbers "
                "of the first sample, so you can check every step by hand.",
            ),
        ),
        "tensors": (
            translate("PanelHelp", "Tensors"),
            translate(
                "PanelHelp",
                "The numbers of the current micro-step: inputs, pre-activations z, outputs, the incoming gradient, "
                "δ, the weight and bias gradients and the new weights. The heatmap colours negative values blue "
                "and positive ones orange or red, zero white; the table shows exact values, with the entries used "
                "in the formula highlighted. Export CSV saves them all.",
            ),
        ),
        "curves": (
            translate("PanelHelp", "Loss and accuracy"),
            translate(
                "PanelHelp",
                "The loss (lower is better) and the accuracy (for classification) after each step, on the "
                "training data and on the held-back validation data. A validation curve that turns upwards while "
                "the training curve keeps falling means the network is memorising: overfitting.",
            ),
        ),
        "settings": (
            translate("PanelHelp", "Training settings"),
            translate(
                "PanelHelp",
                "How the network learns: the loss function that measures the error, the optimiser and its "
                "learning rate η (the step size), the batch size (samples per update), the number of epochs, "
                "the random seed (same seed, same run) and the numeric precision.",
            ),
        ),
        "boundary": (
            translate("PanelHelp", "Decision boundary"),
            translate(
                "PanelHelp",
                "For data with two input features: the plane coloured by the class the network predicts at each "
                "point, with the training points on top. Watch the boundary bend as the network learns.",
            ),
        ),
        "data": (
            translate("PanelHelp", "Data"),
            translate(
                "PanelHelp",
                "The data set the network trains on: built-in sets (XOR, spirals, digits ...) or your own file. "
                "The preview shows samples and classes; the validation share is held back to measure how well the "
                "network generalises.",
            ),
        ),
        "neurons": (
            translate("PanelHelp", "Neurons"),
            translate(
                "PanelHelp",
                "Small networks drawn neuron by neuron. The width and colour of a connection show its weight; a "
                "neuron's fill shows its activation in the forward pass and its δ in the backward pass.",
            ),
        ),
        "gradients": (
            translate("PanelHelp", "Gradient health"),
            translate(
                "PanelHelp",
                "For each layer, the size of its gradients relative to its weights over time. A layer whose "
                "gradients are thousands of times smaller than another layer's is marked vanishing: the error "
                "signal fades on its way back and that layer hardly learns. Small gradients everywhere after the "
                "loss has fallen mean the network has settled (converged), which is no warning. Very large "
                "values mean the updates are too big (exploding gradients).",
            ),
        ),
        "sequence": (
            translate("PanelHelp", "Through time"),
            translate(
                "PanelHelp",
                "A recurrent layer (SimpleRNN, LSTM, GRU) unrolled over time for one sample: rows are units, "
                "columns are the time steps t = 1..T. Choose the hidden state h_t, the cell state c_t or a gate. "
                "In the backward pass (backpropagation through time) the size of the gradient reaching each "
                "h_t shows whether early words still get any signal or the gradient vanishes on the way back.",
            ),
        ),
        "attention": (
            translate("PanelHelp", "Attention"),
            translate(
                "PanelHelp",
                "Self-attention for one sentence of the batch, one heatmap per head, the sentence's tokens on "
                "both axes: each row is a query (the token that looks), each column a key (the token it looks "
                "at), and a row of the attention weights A = softmax(Q·Kᵀ/√d) sums to 1. Blank cells are masked: "
                "padding, or later tokens when the attention is causal. Choose the scores S, or after the "
                "backward pass ∂L/∂A and ∂L/∂S. For a LayerNorm it shows x̂ and each position's mean and "
                "variance.",
            ),
        ),
        "exercise": (
            translate("PanelHelp", "Exercise"),
            translate(
                "PanelHelp",
                "You compute it first. In exercise mode (Train menu) and in a lesson (Help > Lessons), Step asks "
                "for a value of the micro-step before showing it, with the numbers its formula needs. Type your "
                "number: it is right to 3 significant digits; a wrong one is compared with the usual mistakes "
                "(the sigmoid applied twice, the sign of the error, W instead of its transpose, ...). Hint, "
                "Formula with numbers and Show the answer help step by step.",
            ),
        ),
    }


# Dock titles (English, as given to window.add_dock) -> panel key.
TITLE_KEYS = {
    "layers": "layers",
    "inspector": "inspector",
    "problems": "problems",
    "history": "history",
    "training": "training",
    "formula": "formula",
    "tensors": "tensors",
    "loss and accuracy": "curves",
    "curves": "curves",
    "training settings": "settings",
    "decision boundary": "boundary",
    "data": "data",
    "neuron view": "neurons",
    "neurons": "neurons",
    "gradient health": "gradients",
    "canvas": "canvas",
    "through time": "sequence",
    "attention": "attention",
    "exercise": "exercise",
}


def panel_keys() -> list[str]:
    return list(_texts())


def key_for(name: str) -> str | None:
    name = name.strip().lower().replace("&", "")
    texts = _texts()
    if name in texts:
        return name
    if name in TITLE_KEYS:
        return TITLE_KEYS[name]
    # A dock title already in the UI language ("张量") names its panel too.
    return next((key for key, (title, _text) in texts.items() if title.lower() == name), None)


def panel_title(name: str) -> str:
    key = key_for(name)
    return _texts()[key][0] if key else name


def panel_help(name: str) -> str:
    """The explanation of a panel (by key or English dock title); a pointer to the tour if unknown."""
    key = key_for(name)
    if key is None:
        return translate(
            "PanelHelp",
            "This panel has no explanation yet. Help > Take the Tour shows the main parts of nnviz.",
        )
    title, text = _texts()[key]
    return f"<h3>{title}</h3><p>{text}</p>"


def panel_for_widget(widget: QWidget | None, central: QWidget | None = None) -> str | None:
    """The panel key of the dock (or the canvas) that contains `widget`."""
    while widget is not None:
        if central is not None and widget is central:
            return "canvas"
        if widget.objectName() == "toolbar_training":  # the training controls sit in a toolbar row
            return "training"
        if isinstance(widget, QDockWidget):
            # objectName is derived from the English title ("dock_lossandaccuracy"); the visible title may
            # be translated, so try both.
            for key_name in (widget.objectName().removeprefix("dock_"), widget.windowTitle()):
                key = key_for(key_name) or _match_compact(key_name)
                if key:
                    return key
            return None
        widget = widget.parentWidget()
    return None


def _match_compact(name: str) -> str | None:
    compact = "".join(ch for ch in name.lower() if ch.isalnum())
    for title, key in TITLE_KEYS.items():
        if "".join(ch for ch in title if ch.isalnum()) == compact:
            return key
    return None
