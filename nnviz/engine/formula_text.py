"""How every formula is written: the Formula record, number formatting and the index helpers (no Qt).

Each micro-step's formula is computed by the thing whose maths it describes (a method `formula` on each
engine layer class, loss and optimiser), from the tensors the micro-step carries. This module holds only
what they share. Numbers are substituted for the first sample of the batch and, for per-entry rules,
only while the operands are small (<= SMALL values): a formula with hundreds of numbers in it cannot be
followed by hand; the Tensors panel shows the rest. Formulas are plain Unicode text (W·x, δ, ⊙, ᵀ) so a
QLabel, a terminal and a test all read the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SMALL = 16  # at most this many values per operand (per sample) get their numbers written out
MAX_UNIT_LINES = 4  # per-unit expansions shown before "… n more units"

Index = tuple[int, ...]
Tensors = dict[str, np.ndarray]


@dataclass(frozen=True)
class Formula:
    """symbolic: the rule, one equation per line. numeric: the same with numbers, or None when the
    operands are too large. highlights: tensor name -> indices (full tensor coordinates, batch first)
    of the entries the numbers came from, so the tensor table can mark them."""

    symbolic: str
    numeric: str | None = None
    highlights: dict[str, list[Index]] = field(default_factory=dict)
    title: str = ""

    @property
    def note(self) -> str:
        """The line between the rule and its numbers: loss and update use every entry, not one sample."""
        return "with the numbers:" if self.title.startswith(("Update", "Loss")) else "with the numbers of sample 1:"

    def lines(self) -> list[str]:
        """Every line a reader sees, title first: the Formula panel and `nnviz trace` both show these."""
        out = [self.title] if self.title else []
        out += self.symbolic.splitlines()
        if self.numeric:
            out += [self.note, *self.numeric.splitlines()]
        return out


@dataclass(frozen=True)
class Context:
    """What a formula needs beyond its micro-step's tensors: the training loss and whether this node's
    output is the prediction the loss reads (a softmax there fuses with the loss into p − y)."""

    loss: str = ""
    output: bool = False


def titled(phase: str, name: str) -> str:
    return f"{phase.title()} · {name}"


# --------------------------------------------------------------------------- numbers
def fmt_number(value: float) -> str:
    """4 significant digits, Unicode minus, never "−0" (adding 0.0 turns −0.0 into 0.0)."""
    text = f"{float(value) + 0.0:.4g}"
    return text.replace("-", "−")


def term(value: float) -> str:
    """A number used as an operand: negative numbers in brackets so '0.5×(−0.5)' reads unambiguously."""
    text = fmt_number(value)
    return f"({text})" if text.startswith("−") else text


def signed_sum(terms: list[str]) -> str:
    """Terms added up, a negative one subtracted: 'a − (b)' rather than 'a + −(b)'."""
    out = terms[0] if terms else ""
    for text in terms[1:]:
        out += f" − {text[1:]}" if text.startswith("−") else f" + {text}"
    return out


def fmt_array(values: np.ndarray) -> str:
    """[a, b] for vectors, [[a, b], [c, d]] for matrices, a bare number for scalars."""
    arr = np.asarray(values)
    if arr.ndim == 0:
        return fmt_number(arr.item())
    return "[" + ", ".join(fmt_array(v) for v in arr) + "]"


def samples(n: int) -> str:
    """"1 sample", "16 samples": the count a formula's words give (formula_tr translates both forms)."""
    return f"{n} sample" if n == 1 else f"{n} samples"


def sub(i: int) -> str:
    """Unit number as a subscript, 1-based as a learner counts: 0 -> '₁'."""
    return str(i + 1).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def position(index: Index) -> str:
    """A 0-based index written 1-based: (0, 2, 1) -> '1,3,2'."""
    return ",".join(str(i + 1) for i in index)


# --------------------------------------------------------------------------- tensors
def small(*arrays: np.ndarray | None) -> bool:
    return all(a is not None and np.asarray(a).size <= SMALL for a in arrays)


def first(tensors: Tensors, name: str) -> np.ndarray | None:
    """The first sample of a batch-first tensor, or None if absent or empty."""
    t = tensors.get(name)
    if t is None:
        return None
    t = np.asarray(t)
    return t[0] if t.ndim >= 1 and len(t) else None


def flat_first(tensors: Tensors, name: str) -> np.ndarray | None:
    """The first sample as a flat vector (None if absent)."""
    t = first(tensors, name)
    return None if t is None else t.reshape(-1)


def sample_indices(tensor: np.ndarray | None, limit: int | None = None) -> list[Index]:
    """Indices (0, *rest) of every entry of the first sample (or its first `limit` entries, flat)."""
    if tensor is None or np.asarray(tensor).ndim == 0:
        return []
    shape = np.asarray(tensor).shape[1:]
    idx = [(0, *i) for i in np.ndindex(*shape)] if shape else [(0,)]
    return idx[:limit] if limit is not None else idx


def all_indices(tensor: np.ndarray | None) -> list[Index]:
    return [] if tensor is None else [tuple(i) for i in np.ndindex(*np.asarray(tensor).shape)]


def first_unit_indices(tensor: np.ndarray | None, count: int) -> list[Index]:
    """(0, *unravelled j) for the first `count` entries of sample 1 in row-major order."""
    if tensor is None or np.ndim(tensor) < 2:
        return []
    shape = np.shape(tensor)[1:]
    return [(0, *(int(i) for i in np.unravel_index(j, shape))) for j in range(min(count, int(np.prod(shape))))]
