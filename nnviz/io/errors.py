"""The one error a .nnviz file can raise when it is read: what is wrong and where."""

from __future__ import annotations

from nnviz.i18n import Message


class NnvizFileError(ValueError):
    """A .nnviz file cannot be read (or a document cannot be written).

    `where` is a JSON path inside the file ("nodes[3].params.units"), `path` the file on disk;
    either may be empty. str() gives one sentence a learner can act on:
    "xor.nnviz: nodes[3].params.units: units must be a whole number, not 'x'".
    """

    def __init__(self, message: str | Message, where: str = "", path: str = "") -> None:
        self._message = message  # a Message renders in the language current when the error is shown
        self.where = where
        self.path = path
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self._message)

    def __str__(self) -> str:
        parts = [p for p in (self.path, self.where) if p]
        return ": ".join([*parts, self.message])

    def at(self, path: str) -> NnvizFileError:
        """The same error, naming the file it came from."""
        return NnvizFileError(self._message, self.where, path)


def key_path(where: str, key: str | int) -> str:
    """Extend a JSON path: key_path("nodes", 3) -> "nodes[3]", key_path("nodes[3]", "params") -> ..."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key
