"""How much memory nnviz lets one network, data set or file take, checked before anything is allocated.

The budget is half of the memory the machine has free right now (psutil), and never more than half of
what is left under the process's address-space limit (ulimit -v) when one is set. When the machine
does not say, DEFAULT_BUDGET. NNVIZ_MEMORY_BUDGET (e.g. "8GB", "512MB" or a number of bytes) overrides
it. A refusal says what was asked, what the budget is, and what to change.
"""

from __future__ import annotations

import os
import re

from nnviz.i18n import Message, translate

DEFAULT_BUDGET = 2 * 2**30  # when neither the machine nor the user says
SHARE = 0.5  # of the free memory: the rest is for the app itself, the copies NumPy makes and other programs
ENV = "NNVIZ_MEMORY_BUDGET"
_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 2**10, "m": 2**20, "mb": 2**20, "g": 2**30, "gb": 2**30,
          "t": 2**40, "tb": 2**40}


class BudgetError(ValueError):
    """Something would need more memory than the budget; the message says what, how much and what to change."""


def parse_size(text: str) -> int | None:
    """'8GB' -> 8 * 2**30, '512 mb' -> 512 * 2**20, '1e9' -> 10**9; None when it is not a size."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?(?:e[0-9]+)?)\s*([a-z]*)\s*", text.lower())
    if not match or match.group(2) not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def _free_memory() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # psutil cannot read this machine's figures: fall back to the default
        return None


def _address_space_left() -> int | None:
    """Bytes left under RLIMIT_AS (ulimit -v), or None when there is no such limit."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY or soft <= 0:
            return None
        import psutil

        return max(0, soft - int(psutil.Process().memory_info().vms))
    except Exception:  # no resource module (Windows) or no figures: no limit known
        return None


def memory_budget() -> tuple[int, str]:
    """(bytes nnviz may use for one thing, where that figure comes from, for messages)."""
    override = os.environ.get(ENV)
    if override:
        size = parse_size(override)
        if size is not None:
            return size, translate("set by {variable}", variable=ENV)
    free = _free_memory()
    room = _address_space_left()
    if room is not None and (free is None or room < free):
        return int(room * SHARE), translate("half of what is left under this process's memory limit; "
                                            "{variable} changes it", variable=ENV)
    if free is not None:
        return int(free * SHARE), translate("half of this machine's free memory; {variable} changes it", variable=ENV)
    return DEFAULT_BUDGET, translate("the default, as this machine's free memory is unknown; {variable} changes it",
                                     variable=ENV)


# A data set's values as float64, the copy the validation split makes, and the session's cast to its dtype.
DATA_BYTES_PER_VALUE = 8 * 3


def fmt_bytes(n: float) -> str:
    """1536 -> '1.5 KB', 80e9 -> '74.5 GB' (binary units, as memory is counted)."""
    if n >= 2**50:
        return translate("more than 1,000 TB")  # an absurd shape: its digits would tell the learner nothing more
    for unit, size in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= size:
            value = n / size
            return f"{value:.3g} {unit}" if value < 1000 else f"{value:,.0f} {unit}"
    return translate("{count} bytes", count=int(n))


def room(bytes_per_unit: int) -> int:
    """How many units of bytes_per_unit bytes fit in the budget (e.g. file bytes that become float64s)."""
    return memory_budget()[0] // max(1, bytes_per_unit)


def require(nbytes: float, what: Message, fix: str, error: type[Exception] = BudgetError) -> None:
    """Refuse (raise `error`) when `what` would need more than the budget.

    what: the subject and its need, e.g. Message("Dense {name!r} would need {size} for its weights", name=...),
    where {size} is filled in here. fix: what to change, marked for translation, e.g. mark("lower its units")."""
    budget, source = memory_budget()
    if nbytes > budget:
        need = Message(what.message, **what.params, size=fmt_bytes(nbytes))
        raise error(Message(
            "{what}, but nnviz may use about {budget} here ({source}): {fix}.",
            what=need, budget=fmt_bytes(budget), source=source, fix=translate(fix)))
