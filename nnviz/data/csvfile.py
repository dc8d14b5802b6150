"""The user's own CSV file, read with Python's csv module (csv.Sniffer guesses delimiter and header).

Spec: {"kind": "csv", "path": "iris.csv",
       "target": "species",          # column name or 0-based index (negative counts from the end);
                                     # a list of columns means several regression targets; default: last
       "features": ["a", 2, ...],    # default: every other column
       "task": "auto",               # or "classification" / "regression"
       "delimiter": null, "header": null,   # null: detected
       "standardize": false,         # scale features with the training part's mean and std
       "val_split": 0.2, "seed": 0, "encoding": "utf-8"}
x: (n, n_features) float64. Classification: labels (numbers or text) are mapped to ids 0..k-1 in sorted
order and class_names keeps the original labels. Every bad cell is reported by row (the line in the
file) and column (its name and number).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.budget import DATA_BYTES_PER_VALUE, require
from nnviz.data.dataset import (
    MAX_CLASSES,
    DataError,
    Dataset,
    LoadContext,
    read_option,
    register_source,
    split_spec,
    standardize,
)
from nnviz.data.files import read_file
from nnviz.data.options import STANDARDIZE
from nnviz.i18n import Message, mark, translate

MAX_BYTES = 512 * 1024 * 1024
MAX_REPORTED = 5  # how many bad cells one message lists before "and N more"
AUTO_CLASS_LIMIT = 20  # whole-number targets with at most this many values are read as classes
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def _read_text(path: Path, encoding: str) -> str:
    raw = read_file(path, MAX_BYTES, mark("CSV file"))
    try:
        return raw.decode("utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding)
    except UnicodeDecodeError as exc:
        raise DataError(Message(
            "{path}: byte {start} is not {encoding} text; save the file as UTF-8 or set the encoding option (e.g. "
            "\"latin-1\")",
            path=path, start=exc.start, encoding=encoding)) from None
    except LookupError:
        raise DataError(Message("unknown text encoding {encoding!r}", encoding=encoding)) from None


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _dialect(path: Path, sample: str, delimiter: Any) -> type[csv.Dialect] | csv.Dialect:
    if delimiter is not None:
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise DataError(Message("the delimiter must be one character, not {delimiter!r}", delimiter=delimiter))

        class Given(csv.excel):
            pass

        Given.delimiter = delimiter
        return Given
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        # One column, or too irregular to guess: commas, and the row check below will say what is wrong.
        return csv.excel


def _has_header(sample: str, rows: list[list[str]]) -> bool:
    first = [c.strip() for c in rows[0]]
    if all(_is_number(c) for c in first if c):
        return False  # a header row has names, and names are not numbers
    if len(rows) > 1 and not all(_is_number(c) for c in first):
        second = [c.strip() for c in rows[1]]
        if all(not _is_number(c) for c in first) and any(_is_number(c) for c in second):
            return True
    try:
        return csv.Sniffer().has_header(sample)
    except csv.Error:
        return False


@dataclass
class Table:
    """An opened CSV: column names, the delimiter, and an iterator over its data rows as
    (line number in the file, cells); `size_hint` is an upper bound on the number of rows."""

    names: list[str]
    has_header: bool
    delimiter: str
    rows: Iterator[tuple[int, list[str]]]
    size_hint: int


def open_table(path: Path, spec: dict[str, Any]) -> Table:
    """Read the file, detect delimiter and header from its head, and stream the rest: a big file is never
    held as millions of Python strings at once. DataError for empty, binary or undecodable files."""
    text = _read_text(path, str(spec.get("encoding", "utf-8")))
    if not text.strip():
        raise DataError(Message("{path}: the file is empty", path=path))
    if "\x00" in text:
        raise DataError(Message(
            "{path}: this is not a text file (it contains NUL bytes); is it really a CSV?",
            path=path))
    sample = text[:65536]
    dialect = _dialect(path, sample, spec.get("delimiter"))
    reader = csv.reader(io.StringIO(text), dialect)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                if cells and any(c.strip() for c in cells):
                    yield reader.line_num, cells
        except csv.Error as exc:
            raise DataError(Message(
                "{path}, line {line_num}: {problem}",
                path=path, line_num=reader.line_num, problem=exc)) from None

    stream = rows()
    head = list(islice(stream, 50))
    if not head:
        raise DataError(Message("{path}: the file has no rows", path=path))
    header = spec.get("header")
    if header is None:
        header = _has_header(sample, [r for _, r in head])
    elif not isinstance(header, bool):
        raise DataError(Message("data option 'header' must be true, false or null, not {header!r}", header=header))
    if header:
        names = [c.strip() or f"column {i + 1}" for i, c in enumerate(head[0][1])]
        head = head[1:]
        if not head:
            raise DataError(Message("{path}: the file has a header but no data rows", path=path))
    else:
        names = [f"column {i + 1}" for i in range(len(head[0][1]))]
    return Table(names, header, str(dialect.delimiter), chain(head, stream), text.count("\n") + 1)


def column_names(path: Path, spec: dict[str, Any]) -> list[str]:
    """The columns of a CSV file (the header's names, or "column 1", ...), for choosing them in the app."""
    return open_table(path, spec).names


def _column(names: list[str], ref: Any, path: Path) -> int:
    if isinstance(ref, bool):
        raise DataError(Message("column {ref!r} is neither a name nor a number", ref=ref))
    if isinstance(ref, int):
        if -len(names) <= ref < len(names):
            return ref % len(names)
        raise DataError(Message(
            "{path} has {n_names} columns; there is no column index {ref}",
            path=path, n_names=len(names), ref=ref))
    if isinstance(ref, str):
        if ref in names:
            return names.index(ref)
        folded = [n.strip().casefold() for n in names]
        if ref.strip().casefold() in folded:
            return folded.index(ref.strip().casefold())
        raise DataError(Message(
            "{path} has no column {ref!r}; its columns are: {columns}",
            path=path, ref=ref, columns=', '.join(names)))
    raise DataError(Message("column {ref!r} is neither a name nor a number", ref=ref))


def _cell_problem(cell: str, empty_label: str = mark("missing value")) -> str | None:
    text = cell.strip()
    if not text:
        return translate("is empty ({what})", what=translate(empty_label))
    try:
        value = float(text)
    except ValueError:
        return translate("{text!r} is not a number", text=text[:30])
    if not np.isfinite(value):
        return translate("{text!r} is not a finite number", text=text)
    return None


def _to_floats(cells: list[str], decimal_comma: bool) -> np.ndarray | None:
    """The cells as float64 (numpy parses the strings in C), or None when one is not a finite number."""
    for attempt in range(2 if decimal_comma else 1):
        if attempt:
            cells = [v.replace(",", ".") if _DECIMAL_COMMA.match(v) else v for v in cells]
        try:
            values = np.array(cells, dtype=np.float64)
        except ValueError:
            continue
        if np.all(np.isfinite(values)):
            return values
    return None


class _Problems:
    """Bad cells, the first few kept word for word and the rest counted."""

    def __init__(self, path: Path, names: list[str]) -> None:
        self.path, self.names, self.kept, self.count = path, names, [], 0

    def add(self, line: int, cols: list[int], cells: list[str], empty_label: str = mark("missing value")) -> None:
        for c, v in zip(cols, cells, strict=True):
            why = _cell_problem(v, empty_label)
            if why:
                self.count += 1
                if len(self.kept) < MAX_REPORTED:
                    self.kept.append(translate("row {line}, column '{name}' (column {number}): {why}", line=line,
                                               name=self.names[c], number=c + 1, why=why))

    def raise_any(self) -> None:
        if self.count:
            more = translate(" ... and {count} more",
                             count=self.count - MAX_REPORTED) if self.count > MAX_REPORTED else ""
            raise DataError(Message("{path}: {problems}{more}",
                                    path=self.path, problems="; ".join(self.kept), more=more))


def _class_ids(raw: list[str]) -> tuple[np.ndarray, list[str]]:
    """Labels -> ids in sorted order (numbers numerically: 2 before 10), and the label of each id."""
    labels = [v.strip() for v in raw]
    if all(_is_number(v) for v in labels):
        values = sorted({float(v) for v in labels})
        names = [f"{v:g}" for v in values]
        lookup = {v: i for i, v in enumerate(values)}
        return np.array([lookup[float(v)] for v in labels], dtype=np.int64), names
    names = sorted(set(labels))
    lookup = {v: i for i, v in enumerate(names)}
    return np.array([lookup[v] for v in labels], dtype=np.int64), names


def _check_class_count(path: Path, names: list[str]) -> None:
    if len(names) > MAX_CLASSES:
        raise DataError(Message(
            "{name}: the target column has {n_names:,} different labels, more than the {max_classes:,} classes nnviz "
            "handles: is it really the column of class labels? For numbers to predict, set the task to regression",
            name=path.name, n_names=len(names), max_classes=MAX_CLASSES))


@register_source("csv", keys=("path", "target", "features", "task", "delimiter", "header", "standardize",
                              "val_split", "seed", "encoding"))
def load_csv(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    path = ctx.path(spec, "path", mark("CSV file"))
    table = open_table(path, spec)
    names = table.names
    # With ';' or tab as the delimiter, '1,5' is a decimal comma (European spreadsheets).
    decimal_comma = table.delimiter != ","
    if len(names) < 2 and spec.get("features") is None:
        raise DataError(Message(
            "{path} has only one column ({column!r}): a data set needs at least one feature column and a target "
            "column; check the delimiter",
            path=path, column=names[0]))
    target_ref = spec.get("target", -1)
    targets = [_column(names, t, path) for t in (target_ref if isinstance(target_ref, list) else [target_ref])]
    feature_refs = spec.get("features")
    if feature_refs is None:
        features = [i for i in range(len(names)) if i not in targets]
    elif isinstance(feature_refs, list) and feature_refs:
        features = [_column(names, f, path) for f in feature_refs]
    else:
        raise DataError(Message("data option 'features' must be a list of column names or numbers"))
    both = set(features) & set(targets)
    if both:
        raise DataError(Message("column '{column}' cannot be both a feature and the target", column=names[min(both)]))
    if not features:
        raise DataError(Message("{path}: no feature columns are left besides the target", path=path))
    task = spec.get("task", "auto")
    if task not in ("auto", "classification", "regression"):
        raise DataError(Message(
            "data option 'task' must be auto, classification or regression, not {task!r}",
            task=task))
    if len(targets) > 1:
        if task == "classification":
            raise DataError(Message("classification takes one target column; several targets mean regression"))
        task = "regression"

    require(table.size_hint * len(features) * DATA_BYTES_PER_VALUE,
            Message("{name} has up to {rows:,} rows of {count} features, which would need {size}", name=path.name,
                    rows=table.size_hint, count=len(features)),
            mark("use a part of the file, or fewer feature columns"), DataError)
    x = np.empty((table.size_hint, len(features)))
    raw_targets: list[list[str]] = []
    lines: list[int] = []
    problems = _Problems(path, names)
    width = len(names)
    for line, cells in table.rows:
        if len(cells) != width:
            raise DataError(Message(
                "{path}, row {line}: has {n_cells} values but the {first} has {width} columns "
                "(delimiter {delimiter!r})",
                path=path, line=line, n_cells=len(cells),
                first=translate('header') if table.has_header else translate('first row'), width=width,
                delimiter=table.delimiter))
        picked = [cells[c] for c in features]
        values = _to_floats(picked, decimal_comma)
        if values is None:
            problems.add(line, features, picked)
        elif not problems.count:
            x[len(lines)] = values
        raw_targets.append([cells[t] for t in targets])
        lines.append(line)
    problems.raise_any()
    n = len(lines)
    x = x[:n]

    raw_target = [r[0] for r in raw_targets]
    if decimal_comma:
        raw_target = [v.replace(",", ".") if _DECIMAL_COMMA.match(v) else v for v in raw_target]
    if task == "auto":
        task = _guess_task(raw_target)
    class_names: list[str] = []
    if task == "classification":
        for line, v in zip(lines, raw_target, strict=True):
            if not v.strip():
                problems.add(line, targets, [v], mark("missing class label"))
        problems.raise_any()
        y, class_names = _class_ids(raw_target)
        _check_class_count(path, class_names)
    else:
        y = np.empty((n, len(targets)))
        for i, (line, r) in enumerate(zip(lines, raw_targets, strict=True)):
            values = _to_floats(r, decimal_comma)
            if values is None:
                problems.add(line, targets, r)
            else:
                y[i] = values
        problems.raise_any()
    x_tr, y_tr, x_va, y_va = split_spec(x, y, spec)
    stats = None
    if read_option(spec, STANDARDIZE):
        x_tr, x_va, stats = standardize(x_tr, x_va)
    return Dataset(x_tr, y_tr, x_va, y_va, task, name=path.name, class_names=class_names,
                   feature_names=[names[i] for i in features], standardization=stats,
                   description=f"{path.name}: {n} rows, target '{', '.join(names[t] for t in targets)}'")


def _guess_task(raw: list[str]) -> str:
    values = [v.strip() for v in raw]
    if not all(_is_number(v) for v in values if v):
        return "classification"
    numbers = {float(v) for v in values if v}
    if all(v.is_integer() for v in numbers) and len(numbers) <= AUTO_CLASS_LIMIT:
        return "classification"
    return "regression"
