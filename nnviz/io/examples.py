"""The shipped example networks (resources/examples/*.nnviz), built in code so they are reproducible.

    python -m nnviz.io.examples [FOLDER]      # rewrites the example files (default resources/examples)

The seeds follow ../shared/design/SEEDS.md (networks 1 and 2) with the guide's numbers, its
weight matrices transposed into PyTorch's (out_features, in_features) layout. The tests load the
committed files and check they equal what this module builds, so the two cannot drift apart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings

# Column spacing of the left-to-right layout on the canvas.
STEP_X = 220.0


def _chain(doc: GraphDocument, layers: list[tuple[str, str, dict]]) -> list[str]:
    """Add (type, name, params) nodes left to right and connect each to the next; returns their ids."""
    ids = []
    for i, (type_key, name, params) in enumerate(layers):
        node = doc.add_node(type_key, name=name, params=params, pos=(i * STEP_X, 0.0))
        if ids:
            doc.connect(ids[-1], node.id)
        ids.append(node.id)
    return ids


def seed_forward() -> GraphDocument:
    """SEEDS.md network 1: 2-2-1, sigmoid after both layers, no biases; input [0.9, 0.1]."""
    doc = GraphDocument()
    sig = {"activation": "sigmoid", "use_bias": False}
    _, hidden, out = _chain(doc, [("input", "input", {"shape": [2]}),
                                  ("dense", "hidden", {"units": 2, **sig}),
                                  ("dense", "output", {"units": 1, **sig})])
    # The guide writes input-to-hidden as rows = inputs [[0.2, 0.4], [0.3, 0.6]]; PyTorch's is the transpose.
    doc.set_weight(hidden, "weight", np.array([[0.2, 0.3], [0.4, 0.6]]))
    doc.set_weight(out, "weight", np.array([[0.5, 0.7]]))
    doc.set_data({"kind": "inline", "task": "regression", "x": [[0.9, 0.1]], "y": [[0.5]]})
    doc.set_training(TrainingSettings(loss="mse", optimizer="sgd", lr=1.0, batch_size=1, epochs=100,
                                      dtype="float64", shuffle=False))
    doc.description = {
        "en": ("The forward pass of the beginner guide's 2-2-1 network: input [0.9, 0.1], sigmoid after both "
               "layers, no biases. Step through 'forward': the hidden layer's z is [0.21, 0.42] and its "
               "output sigmoid(z) = [0.5523, 0.6035]; the output's z = 0.5 * 0.5523 + 0.7 * 0.6035 = 0.6986 "
               "and its output sigmoid(0.6986) = 0.6679. The weights are stored in "
               "PyTorch's layout (out, in), the transpose of the guide's matrix. The target 0.5 is ours (the "
               "guide stops at the forward pass), so you can go on to watch the loss and backward pass."),
        "zh": ("入门教程中的 2-2-1 网络的前向传播：输入 [0.9, 0.1]，两层之后都用 sigmoid，没有偏置。逐步执行"
               "“前向”：隐藏层的 z 为 [0.21, 0.42]，输出 sigmoid(z) = [0.5523, 0.6035]；输出层的 "
               "z = 0.5 × 0.5523 + 0.7 × 0.6035 = 0.6986，输出 sigmoid(0.6986) = 0.6679。权重按 PyTorch 的"
               "布局（输出, 输入）保存，是教程中矩阵的转置。目标值 0.5 是我们加的（教程只讲到前向传播），"
               "这样你还可以继续观察损失和反向传播。"),
    }
    return doc


def seed_single_neuron() -> GraphDocument:
    """SEEDS.md network 2: one sigmoid neuron, weights [0.5, -0.5], bias 0, target 0.8, MSE, lr 1."""
    doc = GraphDocument()
    _, neuron = _chain(doc, [("input", "input", {"shape": [2]}),
                             ("dense", "neuron", {"units": 1, "activation": "sigmoid"})])
    doc.set_weight(neuron, "weight", np.array([[0.5, -0.5]]))
    doc.set_weight(neuron, "bias", np.array([0.0]))
    doc.set_data({"kind": "inline", "task": "regression", "x": [[0.9, 0.1]], "y": [[0.8]]})
    doc.set_training(TrainingSettings(loss="mse", optimizer="sgd", lr=1.0, batch_size=1, epochs=100,
                                      dtype="float64", shuffle=False))
    doc.description = {
        "en": ("One backpropagation step of a single sigmoid neuron, as in the beginner guide: input "
               "[0.9, 0.1], weights [0.5, -0.5], bias 0, target 0.8, mean squared error, learning rate 1. "
               "Forward: z = 0.4, output sigmoid(0.4) = 0.5987. Backward: watch 'delta' = dL/dz = "
               "2 (0.5987 - 0.8) * s(z)(1 - s(z)) = -0.0967 with the correct derivative f'(z) = s(z)(1 - s(z)) "
               "(the guide's own code applies sigmoid twice here). Update: each weight moves by "
               "-lr * delta * input, so the first (input 0.9) moves nine times as far as the second."),
        "zh": ("入门教程中单个 sigmoid 神经元的一次反向传播：输入 [0.9, 0.1]，权重 [0.5, -0.5]，偏置 0，"
               "目标 0.8，均方误差，学习率 1。前向：z = 0.4，输出 sigmoid(0.4) = 0.5987。反向：观察 "
               "delta = dL/dz = 2 (0.5987 - 0.8) · s(z)(1 - s(z)) = -0.0967，这里用的是正确的导数 "
               "f'(z) = s(z)(1 - s(z))（教程自己的代码在这里把 sigmoid 用了两次）。更新：每个权重变化 "
               "-学习率 × delta × 输入，所以第一个权重（输入 0.9）的变化是第二个的九倍。"),
    }
    return doc


def xor() -> GraphDocument:
    """XOR: no straight line separates the classes; one hidden tanh layer of 8 bends the boundary."""
    doc = GraphDocument()
    _chain(doc, [("input", "input", {"shape": [2]}),
                 ("dense", "hidden", {"units": 8, "activation": "tanh"}),
                 ("dense", "logits", {"units": 2})])
    doc.set_data({"kind": "generated", "name": "xor", "n": 200, "noise": 0.05, "seed": 0, "val_split": 0.2})
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.05, batch_size=10,
                                      epochs=30, seed=0))
    doc.description = {
        "en": ("XOR: points whose two coordinates have the same sign are one class, opposite signs the other. "
               "No single straight line separates them, so the network needs its hidden layer. Step one "
               "batch and watch the hidden layer's 8 tanh units: each draws one line; the output layer "
               "combines them. Run a few epochs and the training accuracy reaches 100 %."),
        "zh": ("异或（XOR）：两个坐标符号相同的点是一类，符号相反的是另一类。没有一条直线能把它们分开，所以"
               "网络需要隐藏层。逐批执行，观察隐藏层的 8 个 tanh 单元：每个单元画出一条直线，输出层把它们"
               "组合起来。训练几个 epoch 后，训练准确率达到 100 %。"),
    }
    return doc


def spirals() -> GraphDocument:
    """Two interleaved spirals: a harder boundary that needs two hidden layers and some patience."""
    doc = GraphDocument()
    _chain(doc, [("input", "input", {"shape": [2]}),
                 ("dense", "hidden_1", {"units": 32, "activation": "tanh"}),
                 ("dense", "hidden_2", {"units": 32, "activation": "tanh"}),
                 ("dense", "logits", {"units": 2})])
    doc.set_data({"kind": "generated", "name": "spirals", "n": 400, "noise": 0.02, "seed": 0, "val_split": 0.2})
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.01, batch_size=16,
                                      epochs=100, seed=0))
    doc.description = {
        "en": ("Two spirals wound into each other. The boundary between them winds too, so one hidden layer "
               "is not enough: this network has two of 32 tanh units. Watch the loss per epoch: it stays "
               "flat for a while, then falls as the boundary learns to curl; the training accuracy "
               "climbs past 95 %."),
        "zh": ("两条相互缠绕的螺旋线。它们之间的分界线也是弯弯曲曲的，一个隐藏层不够：这个网络有两个各 32 个 "
               "tanh 单元的隐藏层。观察每个 epoch 的损失：它会平稳一段时间，然后随着分界线学会卷曲而下降；"
               "训练准确率超过 95 %。"),
    }
    return doc


EXAMPLES: dict[str, Callable[[], GraphDocument]] = {
    "seed-forward-2-2-1": seed_forward,
    "seed-single-neuron": seed_single_neuron,
    "xor": xor,
    "spirals": spirals,
}


def write_all(folder: Path) -> list[Path]:
    """Write every example as FOLDER/<name>.nnviz; returns the paths."""
    from nnviz.io import save

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in EXAMPLES.items():
        path = folder / f"{name}.nnviz"
        save(build(), path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from nnviz.resources import resource_path

    folder = Path(args[0]) if args else resource_path("examples")
    for path in write_all(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
