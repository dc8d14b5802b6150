"""Small helpers to lay out generated Python source: indentation and wrapping of long lines.

Generated code must stay ruff-clean (line length) whatever names a user typed, so a long line is
broken the way a person would: its trailing comment moves above it, then the outermost bracket
opens onto indented lines split at top-level commas (or a long sum at its + signs).
"""

from __future__ import annotations

LIMIT = 100
INDENT = "    "
_OPEN, _CLOSE = "([{", ")]}"


def _scan(code: str):
    """Yield (index, char, depth) for characters outside string literals (depth before the char)."""
    depth, quote, i = 0, "", 0
    while i < len(code):
        c = code[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        else:
            if c in _CLOSE:
                depth -= 1
            yield i, c, depth
            if c in _OPEN:
                depth += 1
        i += 1


def split_comment(line: str) -> tuple[str, str]:
    """(code, comment) where comment starts with '#' (or is empty)."""
    for i, c, _ in _scan(line):
        if c == "#":
            return line[:i].rstrip(), line[i:]
    return line, ""


def _split_top(text: str, sep: str) -> list[str]:
    """Split at `sep` occurrences at bracket depth 0 outside strings."""
    parts, start = [], 0
    positions = [i for i, _c, depth in _scan(text) if depth == 0 and text.startswith(sep, i)]
    for pos in positions:
        parts.append(text[start:pos])
        start = pos + len(sep)
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _wrap_code(code: str, indent: str, limit: int) -> list[str]:
    if len(indent) + len(code) <= limit:
        return [indent + code]
    inner_indent = indent + INDENT
    suffix = "," if code.endswith(",") else ""  # an argument of an outer call that was split already
    code = code[: len(code) - len(suffix)]
    if code and code[-1] in _CLOSE:
        opener = None
        for i, c, depth in _scan(code):
            if depth == 0 and c in _OPEN:
                opener = i
                break
        if opener is not None:
            head, inner, tail = code[: opener + 1], code[opener + 1: -1], code[-1]
            parts = _split_top(inner, ",")
            lines = [indent + head]
            if len(parts) == 1:
                lines += _wrap_code(parts[0], inner_indent, limit)
            else:
                for part in parts:
                    lines += _wrap_code(part + ",", inner_indent, limit)
            return [*lines, indent + tail + suffix]
    target, eq, expr = code.partition(" = ")
    if eq and " + " in expr:
        terms = _split_top(expr, " + ")
        if len(terms) > 1:
            lines = [f"{indent}{target} = ("]
            lines += _wrap_code(terms[0], inner_indent, limit)
            for term in terms[1:]:
                lines += _wrap_code("+ " + term, inner_indent, limit)
            return [*lines, indent + ")"]
    return [indent + code + suffix]  # nothing sensible to break at; the caller's tests will say so


def fit(line: str, indent: str = "", limit: int = LIMIT) -> list[str]:
    """One logical line as one or more physical lines no longer than `limit` where possible."""
    if len(indent) + len(line) <= limit:
        return [indent + line]
    code, comment = split_comment(line)
    out = [indent + comment] if comment else []
    return out + _wrap_code(code, indent, limit)


def block(lines: list[str], indent: str = "", limit: int = LIMIT) -> list[str]:
    """Every line fitted; empty lines stay empty (no trailing whitespace)."""
    out: list[str] = []
    for line in lines:
        out += fit(line, indent, limit) if line else [""]
    return out
