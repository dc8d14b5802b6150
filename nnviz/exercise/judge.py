"""Reading the learner's number and judging it: the tolerance, the verdict, the diagnosis.

An answer is right when it lies within one unit of the expected value's last stated significant digit
(3 by default): for 0.5987 anything from 0.5977 to 0.5997, so rounding or cutting the digits both pass.
A wrong answer is diagnosed only when it matches the value a catalogued mistake gives, to the same
tolerance; a mistake whose value the tolerance cannot tell from the right one is never offered, and
when several mistakes give the typed value, every one is named (never a guess between them).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from nnviz.exercise import mistakes
from nnviz.i18n import translate

DIGITS = 3


def tolerance(expected: float, digits: int = DIGITS) -> float:
    """One unit in the `digits`-th significant digit of expected (a millionth when it is 0)."""
    if expected == 0 or not math.isfinite(expected):
        return 1e-6
    return 10.0 ** (math.floor(math.log10(abs(expected))) - digits + 1)


def close(value: float, expected: float, digits: int = DIGITS) -> bool:
    return abs(value - expected) <= tolerance(expected, digits) * (1 + 1e-9)


def distinct(candidate: float, expected: float, digits: int = DIGITS) -> bool:
    """Whether a mistake's value can be told from the right one at this tolerance (with a margin)."""
    if not math.isfinite(candidate):
        return False
    return abs(candidate - expected) > 2 * max(tolerance(candidate, digits), tolerance(expected, digits))


def parse(text: str) -> float | None:
    """A number as learners type it: '−0.0967', '-9.67e-2', '０.５', ' 0,5 ' (decimal comma), '1/3'."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("−", "-").replace("–", "-")
    cleaned = cleaned.replace("×10^", "e").replace("x10^", "e").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        if cleaned.count("/") == 1:
            top, bottom = cleaned.split("/")
            value = float(top) / float(bottom)
        else:
            value = float(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Verdict:
    """correct: the answer is right. value: the number read (None if the text is not a number).
    mistakes: each candidate (a tuple of catalogue keys) whose value the answer matches."""

    correct: bool
    value: float | None
    mistakes: list[tuple[str, ...]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the learner reads, in the current language."""
        if self.value is None:
            return [translate("That is not a number: type one such as 0.599 or −0.0967.")]
        if self.correct:
            return [translate("Right.")]
        if not self.mistakes:
            return [translate("Not quite. This answer matches none of the usual mistakes: check each "
                              "number you used, or take a hint.")]
        if len(self.mistakes) > 1:
            out = [translate("Not quite. Your number is what each of these gives; they cannot be told "
                             "apart here:")]
        else:
            out = [translate("Not quite. Your number is what this mistake gives:")]
        for candidate in self.mistakes:
            names = " + ".join(mistakes.name(key) for key in candidate)
            out.append(f"• {names}")
            out += [f"  {mistakes.explanation(key)}" for key in candidate]
        return out


def judge(expected: float, candidates: list[tuple[tuple[str, ...], float]], text: str,
          digits: int = DIGITS) -> Verdict:
    value = parse(text)
    if value is None:
        return Verdict(False, None)
    if close(value, expected, digits):
        return Verdict(True, value)
    matched: list[tuple[str, ...]] = []
    for keys, candidate in candidates:
        if distinct(candidate, expected, digits) and close(value, candidate, digits) and keys not in matched:
            matched.append(keys)
    # Fewer mistakes first: the simpler explanation is listed first, never instead of the other.
    return Verdict(False, value, sorted(matched, key=len))
