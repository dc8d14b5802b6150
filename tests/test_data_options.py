"""Data-source options have one definition (nnviz.data.options, typed parameter specs): the loaders' defaults
and ranges and the data panel's form come from it, so the two can no longer disagree (they did: the form
offered MNIST's "Use at most" with 10,000 and up to 1e7, the loader 0 = all and up to 1e8)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nnviz.data import options
from nnviz.data.dataset import DataError, load_dataset, read_option

pytestmark = pytest.mark.gui  # the form's fields live in the ui package (Qt's translation markers)


def _form_fields():
    from nnviz.ui.data.data_choices import CHOICES

    return [(label, f) for label, _, fields in CHOICES for f in fields]


def test_every_form_field_for_a_data_option_is_built_from_its_spec():
    names = {spec.name for spec in options.ALL}
    built = 0
    for label, f in _form_fields():
        if f.key not in names:
            continue  # a file, folder or column chooser: the form's own business
        assert f.source is not None, f"{label}: {f.key} is written by hand, not from nnviz.data.options"
        scale = 100 if f.kind == "percent" else 1
        assert f.default == f.source.default, (label, f.key)
        built += 1
        if f.source.kind not in ("int", "float"):
            continue
        assert f.low == f.source.minimum * scale, (label, f.key)
        assert f.high == min(f.source.maximum * scale, 2**31 - 1), (label, f.key)
    assert built > 30  # every choice has some


def test_the_limit_the_issue_found_twice_is_now_one():
    limits = [f for _, f in _form_fields() if f.key == "limit"]
    # One definition; the shipped digits only narrow its maximum to the 1,797 images there are.
    assert limits and all(f.source in (options.LIMIT, options.DIGITS_LIMIT) for f in limits)
    assert replace(options.LIMIT, maximum=1797) == options.DIGITS_LIMIT
    assert (options.LIMIT.default, options.LIMIT.maximum) == (0, 100_000_000)
    assert read_option({}, options.LIMIT) == 0
    assert read_option({"limit": 100_000_000}, options.LIMIT) == 100_000_000
    with pytest.raises(DataError, match=r"data option 'limit' must be from 0 to 100000000, not 100000001"):
        read_option({"limit": 100_000_001}, options.LIMIT)


def test_a_choice_left_at_its_form_defaults_loads_what_a_spec_without_them_loads():
    """The form writes its defaults into the spec; a file that leaves them out gets the same data."""
    from nnviz.ui.data.data_choices import CHOICES

    checked = 0
    for _, base, fields in CHOICES:
        if base.get("kind") not in ("generated", "shapes", "digits"):
            continue  # the others need a file
        spelled = {**base, **{f.key: f.default for f in fields if f.source is not None}}
        if base.get("kind") == "shapes":
            spelled["n"] = bare_n = 40  # keep the test quick; the other defaults still apply
            implicit = {**base, "n": bare_n}
        else:
            implicit = dict(base)
        a, b = load_dataset(spelled), load_dataset(implicit)
        assert (a.x_train == b.x_train).all() and (a.x_val == b.x_val).all(), base
        checked += 1
    assert checked >= 8


def test_a_bad_option_is_named_as_the_file_writes_it():
    with pytest.raises(DataError, match=r"data option 'n' must be a whole number, not 'many'"):
        load_dataset({"kind": "generated", "name": "xor", "n": "many"})
    with pytest.raises(DataError, match=r"data option 'noise' must be from 0 to 10, not 11"):
        load_dataset({"kind": "generated", "name": "xor", "noise": 11})
