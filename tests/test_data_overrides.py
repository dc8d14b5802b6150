"""The digits' and the sentences' options are typed data options (nnviz.data.options): the loaders read them
through their specs, the data panel's form is built from them, and `nnviz train --set data.NAME=VALUE`
types and checks them exactly as the file format does."""

from __future__ import annotations

import pytest

from nnviz.data import options
from nnviz.data.dataset import SOURCE_OPTIONS, DataError, load_dataset
from nnviz.data.overrides import apply_overrides, parse_override
from nnviz.graph.document import GraphDocument


def text_doc(**extra) -> GraphDocument:
    doc = GraphDocument()
    doc.set_data({"kind": "text", "maxlen": 12, **extra})
    return doc


def test_the_digits_and_text_sources_declare_their_options_as_specs():
    import nnviz.data.sources  # noqa: F401

    assert SOURCE_OPTIONS["digits"] == {o.name: o for o in (options.FLAT, options.DIGITS_LIMIT, options.VAL_SPLIT,
                                                            options.SEED)}
    text = SOURCE_OPTIONS["text"]
    for option in (options.TEXT_LANGUAGE, options.TEXT_LEVEL, options.TEXT_LOWER, options.TEXT_NUM_WORDS,
                   options.TEXT_MAXLEN, options.TEXT_PADDING, options.TEXT_TRUNCATING, options.TEXT_PREDICT):
        assert text[option.name] is option


def test_the_loaders_refuse_what_the_specs_refuse():
    with pytest.raises(DataError, match=r"data option 'limit' must be from 0 to 1797, not 1798"):
        load_dataset({"kind": "digits", "limit": 1798})
    assert len(load_dataset({"kind": "digits", "limit": 100, "val_split": 0.0}).x_train) == 100
    with pytest.raises(DataError, match="data option 'padding'"):
        load_dataset({"kind": "text", "padding": "middle"})
    with pytest.raises(DataError, match="data option 'lower' must be true or false"):
        load_dataset({"kind": "text", "lower": "yes"})
    words = load_dataset({"kind": "text", "maxlen": 6, "level": "characters", "padding": "post"})
    assert words.sample_shape == (6,)


def test_set_data_option_is_typed_by_its_spec():
    doc = text_doc()
    apply_overrides(doc, [parse_override("data.maxlen=20"), parse_override("data.lower=false"),
                          parse_override("lr=0.5")])
    assert doc.data == {"kind": "text", "maxlen": 20, "lower": False}
    assert doc.training.lr == 0.5
    for text, message in (("data.maxlen=abc", "data option 'maxlen' needs a whole number, not 'abc'"),
                          ("data.maxlen=20000", "data option 'maxlen'"),
                          ("data.padding=middle", "data option 'padding'"),
                          ("data.colour=red", "no option 'colour' to set; its options: language, level, lower")):
        with pytest.raises(DataError, match=message):
            apply_overrides(text_doc(), [parse_override(text)])
    with pytest.raises(DataError, match=r"is not data\.NAME=VALUE"):
        parse_override("data.maxlen")


def test_nnviz_train_set_data_option(tmp_path, capsys):
    from nnviz.cli import main
    from nnviz.io import load, save

    doc = GraphDocument()
    inp = doc.add_node("input", params={"shape": [64]}).id
    out = doc.add_node("dense", params={"units": 10}).id
    doc.connect(inp, out)
    doc.set_data({"kind": "digits", "flat": True})
    path, trained = tmp_path / "digits.nnviz", tmp_path / "trained.nnviz"
    save(doc, path)
    assert main(["train", str(path), "--steps", "1", "--set", "data.limit=300", "--save", str(trained)]) == 0
    assert load(trained).data == {"kind": "digits", "flat": True, "limit": 300}
    capsys.readouterr()
    # Typed once the file says which data source it is: refused before any training, with the option named.
    assert main(["train", str(path), "--steps", "1", "--set", "data.limit=5000"]) != 0
    assert "data option 'limit'" in capsys.readouterr().err
