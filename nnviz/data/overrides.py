"""`nnviz train --set NAME=VALUE`: a training setting (nnviz.graph.settings) or, as `data.NAME=VALUE`, an
option of the document's data source (nnviz.data.options), each typed and checked by its spec, so the
command line accepts exactly what the file format and the data panel's form accept."""

from __future__ import annotations

from typing import Any

from nnviz.data.dataset import SOURCE_OPTIONS, DataError
from nnviz.graph.params import ParamError, ParamSpec
from nnviz.graph.settings import SettingsError, parse_setting

__all__ = ["DataError", "SettingsError", "apply_overrides", "parse_override", "typed"]
from nnviz.i18n import Message, mark, translate

DATA_PREFIX = "data."
_KIND_WORDS = {"int": mark("whole number"), "float": mark("number such as 0.01 or 1e-3"), "bool": mark("true or false")}


def parse_override(text: str) -> tuple[str, Any]:
    """'lr=0.01' -> ("lr", 0.01), typed now; 'data.maxlen=20' -> ("data.maxlen", "20"), typed by
    apply_overrides once the document says which data source it is."""
    if not text.strip().startswith(DATA_PREFIX):
        return parse_setting(text)
    name, sep, raw = text.strip().partition("=")
    if not sep or name == DATA_PREFIX:
        raise DataError(Message("{text!r} is not data.NAME=VALUE", text=text))
    return name, raw.strip()


def apply_overrides(doc: Any, overrides: list[tuple[str, Any]]) -> None:
    """Set each override on the document: data options first (through doc.set_data), then settings."""
    import nnviz.data.sources  # noqa: F401  (registers the sources and their options)

    data = {name[len(DATA_PREFIX):]: raw for name, raw in overrides if name.startswith(DATA_PREFIX)}
    if data:
        spec = dict(doc.data)
        known = SOURCE_OPTIONS.get(str(spec.get("kind")), {})
        for name, raw in data.items():
            if name not in known:
                raise DataError(Message(
                    "the data source {kind!r} has no option {name!r} to set; its options: {known}",
                    kind=spec.get("kind"), name=name, known=", ".join(sorted(known)) or "-"))
            spec[name] = typed(known[name], raw)
        doc.set_data(spec)
    settings = {name: value for name, value in overrides if not name.startswith(DATA_PREFIX)}
    if settings:
        doc.set_training(doc.training.with_(**settings))


def typed(option: ParamSpec, raw: str) -> Any:
    """The command line's text as the option's value, checked against its range and choices."""
    value: Any = raw
    try:
        if option.kind == "int":
            value = int(raw)
        elif option.kind == "float":
            value = float(raw)
        elif option.kind == "bool":
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(raw)
            value = raw.lower() in ("true", "1", "yes")
    except ValueError:
        raise DataError(Message("data option {name!r} needs a {kind_words}, not {raw!r}",
                                name=option.name, kind_words=translate(_KIND_WORDS[option.kind]), raw=raw)) from None
    try:
        return option.validate(value)
    except ParamError as exc:
        raise DataError(Message("data option {name!r}: {problem}", name=option.name, problem=str(exc))) from None
