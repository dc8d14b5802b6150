"""Generates the Keras train.py in the guides' style: compile with the loss, optimiser and metrics, then fit.

Only literals and code from the fixed tables below go into train.py (string.Template); user-typed text
only through comment_text. `optimizer_inexact(settings)` says where Keras cannot take nnviz's exact
training steps (--verify then checks the forward pass only).
"""

from __future__ import annotations

from string import Template

from nnviz.export.names import comment_text
from nnviz.export.pycode import INDENT, fit
from nnviz.export.registry import literal
from nnviz.graph.settings import TrainingSettings
from nnviz.i18n import translate

KERAS_TRAINED_FILENAME = "trained.weights.h5"

# loss key -> Keras loss object. Targets in data.npz are already in these forms: class ids for the
# sparse cross-entropies (no one-hot), float rows otherwise.
KERAS_LOSS = {
    "mse": "keras.losses.MeanSquaredError()",
    "l1": "keras.losses.MeanAbsoluteError()",
    # On probabilities Keras clips them to [1e-7, 1 - 1e-7]; nnviz clamps each log at -100 instead.
    "bce": "keras.losses.BinaryCrossentropy(from_logits=False)",
    "bce_logits": "keras.losses.BinaryCrossentropy(from_logits=True)",
    "cross_entropy": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
    "nll_probs": "keras.losses.SparseCategoricalCrossentropy(from_logits=False)",
    # At every position; ignore_class=0 leaves padding out of the mean, as nnviz does.
    "sequence_cross_entropy": "keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)",
}

# How nnviz counts a prediction as correct: argmax, p > 0.5 or (logits) z > 0.
KERAS_METRICS = {
    "cross_entropy": '[keras.metrics.SparseCategoricalAccuracy(name="accuracy")]',
    "nll_probs": '[keras.metrics.SparseCategoricalAccuracy(name="accuracy")]',
    # Counts padding positions too (nnviz's accuracy leaves them out).
    "sequence_cross_entropy": '[keras.metrics.SparseCategoricalAccuracy(name="accuracy")]',
    "bce": '[keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.5)]',
    "bce_logits": '[keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0)]',
    "mse": "[]  # regression (or one-hot targets): nnviz shows no accuracy for this loss",
    "l1": "[]  # regression (or one-hot targets): nnviz shows no accuracy for this loss",
}

ADAM = '''

class $CLASS(keras.optimizers.$BASE):
    """Keras' $BASE with epsilon where nnviz and PyTorch add it.

    Keras adds epsilon to sqrt(v) before v's bias correction ("epsilon hat" in the Adam
    paper); nnviz adds it after: sqrt(v / (1 - beta_2**t)) + epsilon. Scaling epsilon by
    sqrt(1 - beta_2**t) at each step t gives nnviz's update exactly; the rest is
    keras.optimizers.Adam's own update_step."""

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        step = ops.cast(self.iterations + 1, variable.dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, variable.dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, variable.dtype), step)
        m = self._momentums[self._get_variable_index(variable)]
        v = self._velocities[self._get_variable_index(variable)]
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        epsilon = self.epsilon * ops.sqrt(1 - beta_2_power)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        self.assign_sub(variable, ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), epsilon)))
'''


def keras_optimizer(s: TrainingSettings) -> tuple[str, str]:
    """(the constructor call, any class definition it needs); `learning_rate` is make_optimizer's argument."""
    f = lambda v: literal(float(v))  # noqa: E731
    if s.optimizer == "sgd":
        args = ["learning_rate=learning_rate"]
        if s.momentum:
            args.append(f"momentum={f(s.momentum)}")
        if s.nesterov:
            args.append("nesterov=True")
        if s.weight_decay:
            args.append(f"weight_decay={f(s.weight_decay)}")
        return f"keras.optimizers.SGD({', '.join(args)})", ""
    if s.optimizer in ("adam", "adamw"):
        base = "Adam" if s.optimizer == "adam" else "AdamW"
        cls = f"TorchStyle{base}"
        args = ["learning_rate=learning_rate", f"beta_1={f(s.beta1)}", f"beta_2={f(s.beta2)}", f"epsilon={f(s.eps)}"]
        if s.optimizer == "adamw":
            args.append(f"weight_decay={f(s.weight_decay)}")
        return f"{cls}({', '.join(args)})", Template(ADAM).substitute(CLASS=cls, BASE=base)
    if s.optimizer == "rmsprop":
        args = ["learning_rate=learning_rate", f"rho={f(s.alpha)}", f"epsilon={f(s.eps)}"]
        if s.momentum:
            args.append(f"momentum={f(s.momentum)}")
        if s.weight_decay:
            args.append(f"weight_decay={f(s.weight_decay)}")
        return f"keras.optimizers.RMSprop({', '.join(args)})", ""
    raise ValueError(f"unknown optimizer {s.optimizer!r}")


def optimizer_inexact(s: TrainingSettings) -> str:
    """Why Keras' optimiser cannot take nnviz's exact steps ("" when it can)."""
    if s.weight_decay and (s.optimizer in ("adam", "rmsprop") or (s.optimizer == "sgd" and s.momentum)):
        return translate("{optimizer} with weight_decay adds the decay to the gradient (L2, as PyTorch does); "
                         "Keras' weight_decay shrinks the weights directly (decoupled), which differs with momentum "
                         "or adaptive steps", optimizer=s.optimizer)
    if s.optimizer == "rmsprop":
        return translate("RMSprop: Keras divides by sqrt(v + epsilon), nnviz and PyTorch by sqrt(v) + epsilon")
    return ""


_TEMPLATE = Template('''\
"""Train the exported network with Keras 3: the same data, loss, optimiser and settings as nnviz.

    python train.py            # --epochs, --lr; saves $TRAINED
    KERAS_BACKEND=jax python train.py   # model.py picks torch unless you choose another backend

model.fit() draws its own batch order, so the losses printed here follow the app's closely but
not number for number; `nnviz export FILE --to keras --verify` compares step by step with the
app's batches.
"""
$SOURCE_COMMENT
from __future__ import annotations

import argparse
from pathlib import Path

import keras
import numpy as np
${OPS_IMPORT}
from model import build_model

HERE = Path(__file__).resolve().parent
DATA_FILE = HERE / "data.npz"
TRAINED_FILE = HERE / "$TRAINED"

# The document's training settings.
EPOCHS = $EPOCHS
BATCH_SIZE = $BATCH_SIZE
LR = $LR
SEED = $SEED
SHUFFLE = $SHUFFLE

LOSS = $LOSS
METRICS = $METRICS
$OPTIMIZER_CLASS

def make_optimizer(learning_rate: float = LR) -> keras.optimizers.Optimizer:
$OPTIMIZER


def compile_model(model: keras.Model, learning_rate: float = LR) -> keras.Model:
    """The model compiled with nnviz's loss, optimiser and metrics."""
    model.compile(optimizer=make_optimizer(learning_rate), loss=LOSS, metrics=METRICS)
    return model


def load_data() -> tuple[np.ndarray, ...]:
    """(x_train, y_train, x_val, y_val): the arrays the app trains on."""
    if not DATA_FILE.is_file():
        raise SystemExit(f"{DATA_FILE.name} is missing: export again from nnviz with the data")
    with np.load(DATA_FILE, allow_pickle=False) as data:
        return tuple(data[key] for key in ("x_train", "y_train", "x_val", "y_val"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs (default {EPOCHS})")
    parser.add_argument("--lr", type=float, default=LR, help=f"learning rate (default {LR})")
    parser.add_argument("--save", type=Path, default=TRAINED_FILE, help="trained weights file")
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(SEED)  # Dropout's masks and fit()'s shuffling
    x_train, y_train, x_val, y_val = load_data()
    model = compile_model(build_model(), args.lr)
    model.fit(
        x_train,
        y_train,
        batch_size=BATCH_SIZE,
        epochs=args.epochs,
        shuffle=SHUFFLE,
        validation_data=(x_val, y_val) if len(x_val) else None,
        verbose=2,
    )
    model.save_weights(args.save)
    print(f"saved the trained weights to {args.save}")


if __name__ == "__main__":
    main()
''')


def render_keras_train(settings: TrainingSettings, *, source_name: str = "") -> str:
    """The text of the Keras train.py for these training settings."""
    call, cls = keras_optimizer(settings)
    return _TEMPLATE.substitute(
        TRAINED=KERAS_TRAINED_FILENAME,
        SOURCE_COMMENT=f"\n# Exported from {comment_text(source_name[:80])}\n" if source_name else "",
        EPOCHS=int(settings.epochs),
        BATCH_SIZE=int(settings.batch_size),
        LR=literal(float(settings.lr)),
        SEED=int(settings.seed),
        SHUFFLE=bool(settings.shuffle),
        LOSS=KERAS_LOSS[settings.loss],
        METRICS=KERAS_METRICS[settings.loss],
        OPTIMIZER_CLASS=cls + "\n" if cls else "",
        OPS_IMPORT="from keras import ops\n" if cls else "",
        OPTIMIZER="\n".join(fit(f"return {call}", INDENT)),
    )
