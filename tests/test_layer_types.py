"""Every layer type has every facet (spec, engine class, formula, PyTorch emitter, import rule), and
code outside a layer's own modules asks for capabilities instead of testing layer keys by string."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nnviz.export.layer_types import FACETS, layer_type, layer_types, missing_facets
from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import REGISTRY, Capabilities, LayerSpec, all_specs, get_spec

ROOT = Path(__file__).resolve().parents[1]


def test_every_registered_layer_type_has_every_facet():
    assert missing_facets() == {}
    assert len(layer_types()) == len(all_specs()) >= 25


def test_a_type_with_only_a_spec_is_reported_with_each_missing_facet(monkeypatch):
    orphan = LayerSpec(key="orphan_for_test", label="Orphan", category="Core", description="only a spec",
                       infer=lambda in_shapes, p: in_shapes[0])
    monkeypatch.setitem(REGISTRY._specs, orphan.key, orphan)
    assert missing_facets() == {"orphan_for_test": ["engine", "formula", "emitter", "import rule"]}
    assert layer_type("orphan_for_test").missing() == list(FACETS[1:])


def test_an_engine_class_without_a_spec_is_reported(monkeypatch):
    from nnviz.engine.base import LAYERS, Layer

    monkeypatch.setitem(LAYERS, "ghost_for_test", type("Ghost", (Layer,), {"key": "ghost_for_test"}))
    assert missing_facets() == {"ghost_for_test": ["spec"]}


def test_the_capabilities_are_those_generic_code_relies_on():
    caps = {t.key: t.capabilities for t in layer_types()}
    assert {k for k, c in caps.items() if c.fuses_activation} == {"dense", "conv2d"}
    assert {k for k, c in caps.items() if c.steps_through_time} == {"rnn", "lstm", "gru"}
    assert {k for k, c in caps.items() if c.batch_statistics} == {"batchnorm1d", "batchnorm2d"}
    assert {k for k, c in caps.items() if c.random_masks} == {"dropout", "rnn", "lstm", "gru"}
    assert {k for k, c in caps.items() if c.neuron_view == "units"} == {"input", "dense"}
    assert {k for k, c in caps.items() if c.neuron_view == "elementwise"} == {
        s.key for s in all_specs() if s.is_activation}


def test_a_spec_that_contradicts_its_own_activation_parameter_is_refused():
    activation = ParamSpec("activation", "choice", "none", "fused", choices=("none", "relu"))
    with pytest.raises(ValueError, match="fuses_activation"):
        LayerSpec(key="x", label="X", category="Core", description="", infer=lambda s, p: s[0],
                  params=(activation,))
    with pytest.raises(ValueError, match="fuses_activation"):
        LayerSpec(key="x", label="X", category="Core", description="", infer=lambda s, p: s[0],
                  capabilities=Capabilities(fuses_activation=True))


# ------------------------------------------------------------------ no layer keys tested by string
# A layer's own modules may name its key; everything else reads capabilities.
OWN_MODULES = ("nnviz/graph/specs/", "nnviz/engine/layers/", "nnviz/engine/activations.py",
               "nnviz/engine/formula_activation.py", "nnviz/engine/sequence_formulas.py",
               "nnviz/export/emit_", "nnviz/export/import_rules.py", "nnviz/export/import_sequence.py",
               # the Keras forms of the layers, one emitter per key like emit_*.py
               "nnviz/export/keras_layers.py", "nnviz/export/keras_sequence.py")
# None left: a module outside a layer's own that needs to know something of a layer asks its spec
# (capabilities, is_source, is_activation). Kept as an empty table so the scan's two-way check stays.
KNOWN: dict[str, str] = {}


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for element in node.elts for s in _strings(element)]
    return []


def _key_tests(source: str, keys: set[str]) -> list[tuple[int, str]]:
    """(line, key) for each comparison, membership test or startswith() against a layer key."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            found += [(node.lineno, s) for side in (node.left, *node.comparators) for s in _strings(side) if s in keys]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "startswith":
            found += [(node.lineno, s) for arg in node.args for s in _strings(arg)
                      if any(k.startswith(s) for k in keys)]
    return found


def test_the_scan_finds_a_key_test_in_each_form_it_looks_for():
    keys = {"dense", "batchnorm1d"}
    source = ('a = t == "dense"\nb = t in ("dense", "x")\nc = t.startswith("batchnorm")\nd = t == "densely"\n'
              'e = t == "batch"\n')
    assert [line for line, _ in _key_tests(source, keys)] == [1, 2, 3]


def test_no_module_outside_a_layers_own_tests_layer_keys_by_string():
    keys = {s.key for s in all_specs()}
    offenders = {}
    for path in sorted((ROOT / "nnviz").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(OWN_MODULES):
            continue
        hits = _key_tests(path.read_text(encoding="utf-8"), keys)
        if hits:
            offenders[rel] = hits
    assert set(offenders) - set(KNOWN) == set(), {k: v for k, v in offenders.items() if k not in KNOWN}
    assert set(KNOWN) - set(offenders) == set(), "fixed: remove these from KNOWN"


def test_a_layer_that_draws_random_numbers_says_so():
    # The session seeds only stochastic layers; verification injects masks only where random_masks is set.
    for kind in layer_types():
        if kind.engine is not None and kind.engine.stochastic:
            assert kind.capabilities.random_masks, kind.key


def test_an_activation_is_one_entry_and_its_maths():
    """Every facet of an activation that is data is its one ACTIVATION_TYPES entry (spec, formula symbol and
    rule, PyTorch module and calls); the NumPy maths is the engine's MATHS entry. A key with one and not the
    other is named."""
    from nnviz.engine import formula_activation
    from nnviz.engine.activations import MATHS
    from nnviz.export.emit_one_to_one import ONE_TO_ONE
    from nnviz.graph.specs.activations import ACTIVATION_TYPES

    activations = {s.key for s in all_specs() if s.is_activation}
    assert set(ACTIVATION_TYPES) == activations
    assert not activations - set(MATHS), f"no NumPy maths in engine/activations.py MATHS for {activations - set(MATHS)}"
    assert not set(MATHS) - activations, f"maths without an ACTIVATION_TYPES entry: {set(MATHS) - activations}"
    for key, kind in ACTIVATION_TYPES.items():  # the other levels read the entry, they hold no copy
        assert ONE_TO_ONE[key].module == kind.torch and ONE_TO_ONE[key].functions == kind.functions
        assert formula_activation.symbol(key) == kind.symbol
        assert get_spec(key).params == kind.params
    assert {layer_type(k).emitter for k in ONE_TO_ONE} == {layer_type("relu").emitter}  # one emitter for all


def test_an_activation_entry_without_maths_is_named(monkeypatch):
    from nnviz.engine import activations

    monkeypatch.delitem(activations.MATHS, "elu")
    with pytest.raises(AssertionError, match="elu"):
        test_an_activation_is_one_entry_and_its_maths()
