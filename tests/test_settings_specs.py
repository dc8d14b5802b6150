"""Training settings have one definition (nnviz.graph.settings.SETTINGS, typed parameter specs like a layer's):
the settings class, the file format, `nnviz train --set`, the optimisers and the settings panel all follow it."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from nnviz.engine.optimizers import make_optimizer
from nnviz.graph import settings as settings_module
from nnviz.graph.settings import OPTIMIZERS, SETTINGS, SPECS, SettingsError, TrainingSettings, parse_setting

NUMBERS = [s for s in SETTINGS if s.kind in ("int", "float")]


def test_the_settings_class_is_the_specs():
    assert [f.name for f in dataclasses.fields(TrainingSettings)] == [s.name for s in SETTINGS]
    default = TrainingSettings()
    for spec in SETTINGS:
        assert getattr(default, spec.name) == spec.default, spec.name
        spec.validate(spec.default)  # every default is a value its own spec accepts


@pytest.mark.parametrize("spec", NUMBERS, ids=lambda s: s.name)
def test_every_number_is_held_to_its_specs_range(spec):
    low, high = spec.minimum, spec.maximum
    assert low is not None and high is not None, f"{spec.name} needs a range: the form and the CLI show it"
    TrainingSettings(**{spec.name: low})
    TrainingSettings(**{spec.name: high})
    step = 1 if spec.kind == "int" else (high - low) * 1e-3
    for bad in (low - step, high + step * 1000):
        with pytest.raises(SettingsError, match=rf"^{spec.name} must be a (whole )?number from "):
            TrainingSettings(**{spec.name: bad})


def test_the_file_format_reads_through_the_specs(tmp_path):
    from nnviz.io import NnvizFileError, load, save
    from nnviz.io.examples import xor

    path = tmp_path / "x.nnviz"
    save(xor(), path)
    tree = json.loads(path.read_text(encoding="utf-8"))
    tree["training"]["batch_size"] = SPECS["batch_size"].maximum + 1
    path.write_text(json.dumps(tree), encoding="utf-8")
    with pytest.raises(NnvizFileError, match=r"batch_size must be a whole number from 1 to 1,000,000"):
        load(path)


def test_the_command_line_parses_with_the_specs():
    assert parse_setting("lr=1e-3") == ("lr", 0.001)
    assert parse_setting("optimizer=adam") == ("optimizer", "adam")
    assert parse_setting("shuffle=false") == ("shuffle", False)
    with pytest.raises(SettingsError, match=r"lr needs a number such as 0.01 or 1e-3"):
        parse_setting("lr=abc")
    with pytest.raises(SettingsError, match=r"epochs must be a whole number from 1 to"):
        parse_setting("epochs=0")
    with pytest.raises(SettingsError, match="NAME=VALUE"):
        parse_setting("speed=3")


def test_nnviz_train_set_changes_the_saved_setting(tmp_path, capsys):
    from nnviz.cli import main
    from nnviz.io import load
    from nnviz.resources import resource_path

    out = tmp_path / "trained.nnviz"
    assert main(["train", str(resource_path("examples", "xor.nnviz")), "--steps", "1", "--set", "lr=2.5e-3",
                 "--set", "optimizer=adam", "--save", str(out)]) == 0
    trained = load(out).training
    assert (trained.lr, trained.optimizer) == (0.0025, "adam")
    with pytest.raises(SystemExit) as exit_info:
        main(["train", str(out), "--steps", "1", "--set", "momentum=2"])
    assert exit_info.value.code == 2
    assert "momentum must be a number from 0 to 1, not 2.0" in capsys.readouterr().err


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_an_optimiser_reads_exactly_the_fields_its_specs_say(optimizer):
    """Change one optimiser field: the update changes exactly when the spec says this optimiser reads it."""
    rng = np.random.default_rng(0)
    weights, grads = rng.normal(size=(3, 4)), [rng.normal(size=(3, 4)) for _ in range(3)]
    base = TrainingSettings(optimizer=optimizer, momentum=0.5, weight_decay=0.01)

    def updated(settings: TrainingSettings) -> np.ndarray:
        opt, w = make_optimizer(settings), weights.copy()
        for g in grads:
            opt.update("n", {"weight": w}, {"weight": g})
        return w

    reference = updated(base)
    changed = {"momentum": 0.8, "weight_decay": 0.2, "beta1": 0.5, "beta2": 0.9, "eps": 1e-2, "alpha": 0.5}
    for name, value in changed.items():
        differs = not np.array_equal(updated(base.with_(**{name: value})), reference)
        assert differs == SPECS[name].read_by(optimizer), (optimizer, name)


# ------------------------------------------------------------------------------------------ the panel
@pytest.mark.gui
def test_the_panels_ranges_and_rows_come_from_the_specs(qtbot, monkeypatch):
    from nnviz.graph.document import GraphDocument
    from nnviz.ui.training.settings_panel import TrainingSettingsPanel

    panel = TrainingSettingsPanel(GraphDocument())
    qtbot.addWidget(panel)
    for spec in NUMBERS:
        box = panel.editors[spec.name]
        assert (box.minimum(), box.maximum()) == (spec.minimum, spec.maximum), spec.name
    assert [panel.loss.itemData(i) for i in range(panel.loss.count())] == list(SPECS["loss"].choices)
    for optimizer in OPTIMIZERS:
        panel.doc.set_training(panel.doc.training.with_(optimizer=optimizer))
        shown = {name for name, (_, editor) in panel.rows.items() if not editor.isHidden()}
        assert shown == {name for name in panel.rows if SPECS[name].read_by(optimizer)}, optimizer

    # A range changed in the spec alone reaches the form.
    monkeypatch.setitem(settings_module.SPECS, "lr", dataclasses.replace(SPECS["lr"], maximum=5.0))
    other = TrainingSettingsPanel(GraphDocument())
    qtbot.addWidget(other)
    assert other.editors["lr"].maximum() == 5.0


def test_the_panels_labels_are_marked_for_translation():
    from nnviz.ui.training.settings_panel import TRANSLATABLE

    symbols = {"β₁", "β₂", "ε"}  # the same in every language
    assert {s.label for s in SETTINGS} - symbols <= set(TRANSLATABLE)
