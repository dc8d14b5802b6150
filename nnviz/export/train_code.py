"""Generates train.py: the same loss, optimiser, hyper-parameters, data and batch order as the app.

The template is plain Python with $PLACEHOLDERS (string.Template) filled only with literals and
code from fixed tables below: no user-typed text reaches train.py except through comment_text.
"""

from __future__ import annotations

from string import Template

from nnviz.engine.network import DATA_STREAM
from nnviz.export.comment_language import localise
from nnviz.export.names import comment_text
from nnviz.export.pycode import INDENT, fit
from nnviz.export.registry import literal
from nnviz.graph.settings import TrainingSettings
from nnviz.i18n import translate

TRAINED_FILENAME = "trained.safetensors"

# loss key -> (module-level definition of loss_fn, PyTorch form for the docs)
LOSS_CODE = {
    "mse": "loss_fn = nn.MSELoss()",
    "l1": "loss_fn = nn.L1Loss()",
    "bce": "loss_fn = nn.BCELoss()  # on probabilities; like nnviz, each log is clamped at -100",
    "bce_logits": "loss_fn = nn.BCEWithLogitsLoss()",
    "cross_entropy": "loss_fn = nn.CrossEntropyLoss()",
    "nll_probs": '''def loss_fn(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of probabilities (a softmax output) and class ids: mean of -log p[target]."""
    return F.nll_loss(torch.log(prediction), target)''',
    "sequence_cross_entropy": '''def loss_fn(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy at every position: logits (batch, T, classes), token ids (batch, T);
    positions whose target is 0 (padding) are left out of the mean."""
    return F.cross_entropy(prediction.transpose(1, 2), target, ignore_index=0)''',
}

# How nnviz counts a prediction as correct (None: no accuracy for regression losses).
CORRECT_CODE = {
    "cross_entropy": "return int((prediction.argmax(dim=1) == target).sum())",
    "nll_probs": "return int((prediction.argmax(dim=1) == target).sum())",
    # Per position, padding left out; scaled to the batch so the epoch's percentage is nnviz's mean accuracy.
    "sequence_cross_entropy": ("valid = target != 0\n    hits = ((prediction.argmax(dim=2) == target) & valid).sum()\n"
                               "    return float(hits / valid.sum().clamp(min=1) * len(target))"),
    "bce": "return int(((prediction > 0.5) == (target > 0.5)).sum())",
    "bce_logits": "return int(((prediction > 0.0) == (target > 0.5)).sum())",
    "mse": "return None  # regression (or one-hot targets): nnviz shows no accuracy for this loss",
    "l1": "return None  # regression (or one-hot targets): nnviz shows no accuracy for this loss",
}


def optimizer_code(s: TrainingSettings) -> str:
    """The torch.optim constructor call for the settings (lr is the function's argument)."""
    if s.optimizer == "sgd":
        extra = ", nesterov=True" if s.nesterov else ""
        return (f"torch.optim.SGD(parameters, lr=lr, momentum={literal(float(s.momentum))}, "
                f"weight_decay={literal(float(s.weight_decay))}{extra})")
    if s.optimizer in ("adam", "adamw"):
        cls = "Adam" if s.optimizer == "adam" else "AdamW"
        return (f"torch.optim.{cls}(parameters, lr=lr, betas=({literal(float(s.beta1))}, "
                f"{literal(float(s.beta2))}), eps={literal(float(s.eps))}, "
                f"weight_decay={literal(float(s.weight_decay))})")
    if s.optimizer == "rmsprop":
        return (f"torch.optim.RMSprop(parameters, lr=lr, alpha={literal(float(s.alpha))}, "
                f"eps={literal(float(s.eps))}, weight_decay={literal(float(s.weight_decay))}, "
                f"momentum={literal(float(s.momentum))})")
    raise ValueError(f"unknown optimizer {s.optimizer!r}")


_TEMPLATE = Template('''\
"""Train the exported network with PyTorch: the same data, loss, optimiser and settings as nnviz.

    python train.py                        # the settings below (--epochs, --lr, --device)
    torchrun --nproc_per_node=4 train.py   # data-parallel on 4 processes (GPUs), with DDP

In one process the batches come in exactly the order nnviz uses (the same seeded NumPy shuffle), so
the losses printed here match the app's, epoch by epoch. Under torchrun with several processes, each
takes its share of every epoch through a DistributedSampler (another, equally random, order) and the
gradients are averaged across processes. The trained weights go to $TRAINED (keyed like
model.state_dict(); load them with model.build_model("$TRAINED")).
"""
$SOURCE_COMMENT
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from safetensors.torch import save_file
from torch import nn
${F_IMPORT}from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from model import DTYPE, build_model

HERE = Path(__file__).resolve().parent
DATA_FILE = HERE / "data.npz"
TRAINED_FILE = HERE / "$TRAINED"

# The document's training settings.
EPOCHS = $EPOCHS
BATCH_SIZE = $BATCH_SIZE
LR = $LR
SEED = $SEED
SHUFFLE = $SHUFFLE
INTEGER_TARGETS = $INTEGER_TARGETS  # class ids (cross-entropy) or float rows shaped like the output
DATA_STREAM = $DATA_STREAM  # nnviz draws its batch order from default_rng([SEED, DATA_STREAM])
ACCURACY = $ACCURACY  # whether nnviz reports an accuracy for this loss


$LOSS


def make_optimizer(parameters: Iterator[nn.Parameter], lr: float = LR) -> torch.optim.Optimizer:
$OPTIMIZER


def count_correct(prediction: torch.Tensor, target: torch.Tensor) -> int | None:
    """Correct predictions in a batch, counted as nnviz counts them."""
    $CORRECT


def load_data(device: torch.device) -> tuple[torch.Tensor, ...]:
    """(x_train, y_train, x_val, y_val) on `device`: the arrays the app trains on."""
    if not DATA_FILE.is_file():
        raise SystemExit(f"{DATA_FILE.name} is missing: export again from nnviz with the data")
    with np.load(DATA_FILE, allow_pickle=False) as data:
        arrays = [data[key] for key in ("x_train", "y_train", "x_val", "y_val")]
    tensors = []
    for i, array in enumerate(arrays):
        dtype = torch.int64 if i % 2 and INTEGER_TARGETS else DTYPE
        tensors.append(torch.from_numpy(array).to(device=device, dtype=dtype))
    return tuple(tensors)


def nnviz_batches(rng: np.random.Generator, n: int) -> Iterator[torch.Tensor]:
    """One epoch of sample indices, batch by batch, in the app's order."""
    order = rng.permutation(n) if SHUFFLE else np.arange(n)
    for start in range(0, n, BATCH_SIZE):
        yield torch.from_numpy(order[start:start + BATCH_SIZE])


def sampler_batches(sampler: DistributedSampler, epoch: int) -> Iterator[torch.Tensor]:
    """This process's share of one epoch, batch by batch (torchrun)."""
    sampler.set_epoch(epoch)
    order = torch.tensor(list(sampler), dtype=torch.int64)
    yield from order.split(BATCH_SIZE)


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
               y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One training step as nnviz does it: forward, loss, backward, update -> (prediction, loss)."""
    optimizer.zero_grad()
    prediction = model(x)
    loss = loss_fn(prediction, y)
    loss.backward()
    optimizer.step()
    return prediction.detach(), loss.detach()


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, int | None]:
    """(loss, correct count) on a whole split in evaluation mode (no Dropout; BatchNorm's running
    statistics)."""
    model.eval()
    prediction = torch.cat([model(x[i:i + 4096]) for i in range(0, len(x), 4096)])
    model.train()
    return float(loss_fn(prediction, y)), count_correct(prediction, y)


def pick_device(name: str | None, local_rank: int) -> torch.device:
    if name is None:
        if torch.cuda.is_available():
            name = "cuda"
        elif torch.backends.mps.is_available() and DTYPE.itemsize == 4:
            name = "mps"
        else:
            name = "cpu"
    if name == "mps" and DTYPE.itemsize == 8:
        print("MPS has no float64; training on the CPU instead")
        name = "cpu"
    return torch.device("cuda", local_rank) if name == "cuda" else torch.device(name)


def percent(correct: float, count: float) -> str:
    return f"{100.0 * correct / count:.1f}%" if count else "-"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs (default {EPOCHS})")
    parser.add_argument("--lr", type=float, default=LR, help=f"learning rate (default {LR})")
    parser.add_argument("--device", choices=("cpu", "cuda", "mps"), default=None,
                        help="where to train (default: the best available)")
    parser.add_argument("--save", type=Path, default=TRAINED_FILE, help="trained weights file")
    args = parser.parse_args(argv)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    distributed = world > 1
    device = pick_device(args.device, int(os.environ.get("LOCAL_RANK", "0")))
    if distributed:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    torch.manual_seed(SEED)  # only Dropout draws from torch's generator

    x_train, y_train, x_val, y_val = load_data(device)
    model = build_model(device=device)
    net = model
    if distributed:
        device_ids = [device.index] if device.type == "cuda" else None
        net = DistributedDataParallel(model, device_ids=device_ids)
    optimizer = make_optimizer(net.parameters(), args.lr)
    rng = np.random.default_rng([SEED, DATA_STREAM])
    sampler = None
    if distributed:
        sampler = DistributedSampler(range(len(x_train)), shuffle=SHUFFLE, seed=SEED)
    show_progress = rank == 0 and sys.stdout.isatty()  # a batch counter, in a terminal only
    if rank == 0:
        where = f"{world} processes" if distributed else "1 process"
        print(f"training on {device} ({where}): {len(x_train)} samples, {len(x_val)} to validate")

    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss * n, correct, n
        if sampler is not None:
            batches, n_batches = sampler_batches(sampler, epoch), -(-len(sampler) // BATCH_SIZE)
        else:
            batches, n_batches = nnviz_batches(rng, len(x_train)), -(-len(x_train) // BATCH_SIZE)
        for i, batch in enumerate(batches, 1):
            if show_progress and i % max(n_batches // 50, 1) == 0:
                print(f"\\r  epoch {epoch}: batch {i}/{n_batches}", end="", flush=True)
            index = batch.to(device)
            prediction, loss = train_step(net, optimizer, x_train[index], y_train[index])
            correct = count_correct(prediction, y_train[index]) or 0
            totals += torch.tensor(
                [float(loss) * len(index), correct, len(index)], device=device, dtype=torch.float64
            )
        if distributed:
            dist.all_reduce(totals)
        loss_sum, correct_sum, count = totals.tolist()
        line = f"epoch {epoch:>4}/{args.epochs}  loss {loss_sum / count:.6f}"
        if ACCURACY:
            line += f"  accuracy {percent(correct_sum, count)}"
        if len(x_val):
            val_loss, val_correct = evaluate(model, x_val, y_val)
            line += f"  val_loss {val_loss:.6f}"
            if ACCURACY:
                line += f"  val_accuracy {percent(val_correct or 0, len(x_val))}"
        if rank == 0:
            if show_progress:
                print("\\r" + " " * 60 + "\\r", end="")  # clear the batch counter
            print(f"{line}  ({time.perf_counter() - start:.2f} s)", flush=True)

    if rank == 0:
        state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(args.save), metadata={"format": "pt"})
        print(f"saved the trained weights to {args.save}")
    if distributed:
        # Every process reaches the end before any tears its connections down.
        dist.barrier()
        dist.destroy_process_group()
        # Everything is saved. Under load, gloo's native threads can abort the interpreter's own
        # teardown ("terminate called without an active exception"): leave without it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
''')


def render_train(settings: TrainingSettings, *, source_name: str = "") -> str:
    """The text of train.py for these training settings."""
    source_comment = "# " + translate("Exported from {name}", name=comment_text(source_name[:80]))
    return localise(_TEMPLATE.substitute(
        TRAINED=TRAINED_FILENAME,
        SOURCE_COMMENT=f"\n{source_comment}\n" if source_name else "",
        EPOCHS=int(settings.epochs),
        BATCH_SIZE=int(settings.batch_size),
        LR=literal(float(settings.lr)),
        SEED=int(settings.seed),
        SHUFFLE=bool(settings.shuffle),
        INTEGER_TARGETS=settings.loss in ("cross_entropy", "nll_probs", "sequence_cross_entropy"),
        ACCURACY=settings.loss in ("cross_entropy", "nll_probs", "bce", "bce_logits", "sequence_cross_entropy"),
        F_IMPORT=("from torch.nn import functional as F\n" if settings.loss in ("nll_probs", "sequence_cross_entropy")
                  else ""),
        DATA_STREAM=int(DATA_STREAM),
        LOSS=LOSS_CODE[settings.loss],
        OPTIMIZER="\n".join(fit(f"return {optimizer_code(settings)}", INDENT)),
        CORRECT=CORRECT_CODE[settings.loss],
    ))
