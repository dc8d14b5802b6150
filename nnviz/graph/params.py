"""Typed layer parameters: what a value may be, its default, and a learner-worded refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nnviz.i18n import Message, term


class ParamError(ValueError):
    """A parameter value was refused; the message says why in a learner's words."""


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a layer type.

    kind is one of "int", "float", "bool", "choice", "ints" (a tuple of ints, e.g. a shape or a
    kernel size) and "str". minimum/maximum bound numbers (and every element of "ints").
    """

    name: str
    kind: str
    default: Any
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    label: str = ""
    # "ints" may also accept one int and broadcast it (kernel_size=3 -> (3, 3)) when length is set.
    length: int | None = None
    min_length: int = 1
    key: bool = field(default=False)  # shown on the node's face on the canvas

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")

    def validate(self, value: Any) -> Any:
        """Return the value in canonical form, or raise ParamError naming the problem."""
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return value
            raise ParamError(Message("{title} must be true or false, not {value!r}",
                                     title=term(self.title), value=value))
        if kind == "int":
            if isinstance(value, bool) or not _is_integral(value):
                raise ParamError(Message(
                    "{title} must be a whole number, not {value!r}",
                    title=term(self.title), value=value))
            value = int(value)
            self._check_range(value)
            return value
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ParamError(Message("{title} must be a number, not {value!r}",
                                         title=term(self.title), value=value))
            value = float(value)
            if value != value or value in (float("inf"), float("-inf")):
                raise ParamError(Message("{title} must be a finite number", title=term(self.title)))
            self._check_range(value)
            return value
        if kind == "choice":
            if value not in self.choices:
                raise ParamError(Message(
                    "{title} must be one of {choices}; got {value!r}",
                    title=term(self.title), choices=', '.join(self.choices), value=value))
            return value
        if kind == "str":
            if not isinstance(value, str):
                raise ParamError(Message("{title} must be text, not {value!r}", title=term(self.title), value=value))
            return value
        if kind == "ints":
            return self._validate_ints(value)
        raise AssertionError(f"unknown parameter kind {kind!r}")

    def _validate_ints(self, value: Any) -> tuple[int, ...]:
        if _is_integral(value) and not isinstance(value, bool) and self.length:
            value = (int(value),) * self.length
        if not isinstance(value, (list, tuple)) or not all(
            _is_integral(v) and not isinstance(v, bool) for v in value
        ):
            raise ParamError(Message(
                "{title} must be a list of whole numbers, not {value!r}",
                title=term(self.title), value=value))
        value = tuple(int(v) for v in value)
        if self.length is not None and len(value) != self.length:
            raise ParamError(Message(
                "{title} needs exactly {length} numbers, got {n_value}",
                title=term(self.title), length=self.length, n_value=len(value)))
        if len(value) < self.min_length:
            raise ParamError(Message(
                "{title} needs at least {min_length} number(s)",
                title=term(self.title), min_length=self.min_length))
        for v in value:
            self._check_range(v)
        return value

    def _check_range(self, value: float) -> None:
        if self.minimum is not None and value < self.minimum:
            raise ParamError(Message(
                "{title} must be at least {minimum}, got {value}",
                title=term(self.title), minimum=_fmt(self.minimum), value=_fmt(value)))
        if self.maximum is not None and value > self.maximum:
            raise ParamError(Message(
                "{title} must be at most {maximum}, got {value}",
                title=term(self.title), maximum=_fmt(self.maximum), value=_fmt(value)))


def _is_integral(value: Any) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    try:  # numpy integers
        import numpy as np

        return isinstance(value, np.integer)
    except ImportError:  # pragma: no cover
        return False


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
