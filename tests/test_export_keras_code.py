"""The Keras export's files: idiomatic structure, ruff-clean, hostile names inert, train.py runs."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import numpy as np
import pytest

from nnviz.export.keras_model import plan_keras
from nnviz.export.keras_writer import export_keras
from nnviz.export.pycode import LIMIT
from nnviz.resources import resource_path
from tests.extras_util import require_keras
from tests.test_export_cases import CASES, data
from tests.test_export_codegen import ruff
from tests.test_export_names import SENTINEL, _assert_safe_identifier, _hostile_doc


def test_a_chain_is_sequential_and_images_turn_to_channels_last_and_back():
    plan = plan_keras(CASES["conv2d"]()[0])
    assert plan.sequential
    source = plan.source
    assert "keras.Sequential(" in source and "keras.Model(" not in source
    assert 'layers.Permute((2, 3, 1), name="input_channels_last")' in source
    assert 'layers.ZeroPadding2D((1, 1), name="conv_1_padding")' in source
    assert 'layers.Conv2D(3, kernel_size=(3, 3), strides=(2, 2), activation="relu", name="conv_1")' in source
    assert 'layers.Conv2D(4, kernel_size=(2, 3), activation="tanh", use_bias=False, name="conv_2")' in source
    # back to nnviz's (C, H, W) before Flatten, so the Dense after it sees nnviz's order
    assert source.index("layers.Permute((3, 1, 2)") < source.index("layers.Flatten(")


def test_branches_use_the_functional_api():
    plan = plan_keras(CASES["residual_concat"]()[0])
    assert not plan.sequential
    source = plan.source
    assert 'add_1 = layers.Add(name="add_1")([dense_1, dense_2, dense_3])' in source
    assert 'concat_1 = layers.Concatenate(axis=1, name="concat_1")([add_1, dense_2])' in source
    assert 'return keras.Model(inputs=input_, outputs=dense_4, name="net")' in source
    # a channel concatenation of channels_last images joins the last axis
    source = plan_keras(CASES["image_concat"]()[0]).source
    assert "layers.Concatenate(axis=3" in source


def test_keras_differences_are_handled_in_the_code():
    source = plan_keras(CASES["batchnorm"]()[0]).source
    # PyTorch's momentum 0.1 (towards the batch) is Keras' 0.9 (of the old average); epsilon written out
    assert "layers.BatchNormalization(axis=-1, momentum=0.9, epsilon=1e-05" in source
    assert "layers.BatchNormalization(axis=-1, momentum=0.8, epsilon=0.001" in source
    source = plan_keras(CASES["pooling"]()[0]).source
    assert 'PadWithMinusInfinity((1, 1), name="maxpool_1_padding")' in source  # max-pool padding is -inf
    assert "class PadWithMinusInfinity(layers.Layer)" in source
    assert "layers.LeakyReLU(negative_slope=0.2" in plan_keras(CASES["dense_activation_params"]()[0]).source
    assert "activation=leaky_relu_0_01" in plan_keras(CASES["dense_leaky_relu"]()[0]).source  # Keras' default is 0.2
    assert 'activation="gelu"' in plan_keras(CASES["dense_gelu"]()[0]).source


def test_train_py_compiles_with_the_same_loss_optimiser_and_metrics():
    from nnviz.export.keras_train import render_keras_train

    doc, _ = CASES["dense_softmax_nll"]()
    text = render_keras_train(doc.training)
    assert "keras.losses.SparseCategoricalCrossentropy(from_logits=False)" in text
    assert 'keras.metrics.SparseCategoricalAccuracy(name="accuracy")' in text
    assert "model.fit(" in text and "batch_size=BATCH_SIZE" in text and "validation_data=" in text
    text = render_keras_train(CASES["loss_bce_logits"]()[0].training)
    assert "BinaryCrossentropy(from_logits=True)" in text and "threshold=0.0" in text
    text = render_keras_train(CASES["optim_adam"]()[0].training)
    assert "class TorchStyleAdam(keras.optimizers.Adam)" in text
    assert "TorchStyleAdam(learning_rate=learning_rate, beta_1=0.8, beta_2=0.99, epsilon=1e-06)" in text
    text = render_keras_train(CASES["optim_sgd_momentum"]()[0].training)
    assert "keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)" in text and "ops" not in text


@pytest.mark.torch
@pytest.mark.parametrize("name", ["conv2d", "residual_concat", "optim_adam", "pooling", "dense_activation_params"])
def test_generated_files_are_ruff_clean(name, tmp_path):
    require_keras()
    doc, dataset = CASES[name]()
    export_keras(doc, tmp_path, dataset=dataset, source_name=f"{name}.nnviz")
    done = ruff(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for file in ("model.py", "train.py"):
        source = (tmp_path / file).read_text()
        ast.parse(source)
        assert max(len(line) for line in source.splitlines()) <= LIMIT


def test_hostile_names_become_safe_unique_layer_names_and_no_code(tmp_path):
    doc = _hostile_doc()
    plan = plan_keras(doc, source_name=f"evil\u2028name'); __import__('os').system('touch {SENTINEL}')")
    names = list(plan.layer_names.values())
    assert len(set(names)) == len(names)
    for ident in names:
        _assert_safe_identifier(ident)
    assert plan.layer_names[doc.node_by_name("dense_1").id] == "dense_1"  # a valid name is kept as typed
    tree = ast.parse(plan.source)
    assert not {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & {"__import__", "eval", "exec"}
    assert not {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} & {"system", "getcwd"}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert not any(SENTINEL in text for text in strings)
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        for kw in call.keywords:
            if kw.arg == "name":  # every Keras layer name is one of the sanitised identifiers
                assert isinstance(kw.value, ast.Constant) and kw.value.value.isidentifier()


@pytest.mark.torch
def test_hostile_model_imports_runs_and_loads_its_weights(tmp_path, monkeypatch):
    require_keras()
    from nnviz.export.keras_writer import keras_precision_restored, load_module

    monkeypatch.chdir(tmp_path)
    doc = _hostile_doc()
    result = export_keras(doc, tmp_path / "out", dataset=data((3,), classes=4))
    assert ruff(tmp_path / "out").returncode == 0
    import keras

    with keras_precision_restored(keras):
        model = load_module(tmp_path / "out" / "model.py").build_model()
        out = model(np.zeros((2, 3), dtype=np.float32))
    assert tuple(out.shape) == (2, *result.plan.output_shape)
    assert not list(tmp_path.rglob(f"*{SENTINEL}*"))


@pytest.mark.torch
@pytest.mark.parametrize("example", ["seed-mnist-mlp", "seed-text-lstm"])
def test_the_seed_keras_examples_train_py_runs_one_epoch(example, tmp_path):
    """The guides' Keras networks: the exported train.py compiles, fits one epoch and saves the weights."""
    require_keras()
    from nnviz.io import load

    path = resource_path("examples", f"{example}.nnviz")
    export_keras(load(path), tmp_path, source_name=path.name)
    env = {**os.environ, "KERAS_BACKEND": "torch", "PYTHONPATH": ""}
    done = subprocess.run([sys.executable, "train.py", "--epochs", "1"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=240, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "loss:" in done.stdout and "val_accuracy:" in done.stdout
    assert (tmp_path / "trained.weights.h5").is_file()
    losses = [float(part.split()[1]) for part in done.stdout.split(" - ") if part.startswith("loss:")]
    assert losses and all(np.isfinite(losses))


def test_every_builtin_layer_type_has_a_keras_form_and_weight_layout():
    from nnviz.export.keras_layers import KERAS_EMITTERS, KERAS_WEIGHTS
    from nnviz.graph.registry import all_specs
    from tests import test_seq_export

    assert {s.key for s in all_specs() if not s.is_source} <= set(KERAS_EMITTERS)
    for build in [*CASES.values(), *test_seq_export.CASES.values()]:  # together: every layer type
        doc, _ = build()
        analysis = doc.analysis()
        for nid, node in doc.nodes.items():
            if analysis.weight_shapes.get(nid) or analysis.buffer_shapes.get(nid):
                assert node.type in KERAS_WEIGHTS, node.type
