"""The shipped example networks (resources/examples/*.nnviz), built in code so they are reproducible.

    python -m nnviz.io.examples [FOLDER]      # rewrites the example files (default resources/examples)

The seeds follow ../shared/design/SEEDS.md (networks 1 to 4) with the guide's numbers, its
weight matrices transposed into PyTorch's (out_features, in_features) layout. The tests load the
committed files and check they equal what this module builds, so the two cannot drift apart.
seed-text-lstm.nnviz (network 5) is built by the sequence work (tests/test_seq_example.py), so it is
listed in GALLERY but not rewritten here. The gallery's thumbnails are made by nnviz.ui.shell.start_page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np

from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from nnviz.io.examples_attention import causal_characters, transformer_sentiment

# Column spacing of the left-to-right layout on the canvas.
STEP_X = 270.0  # the canvas's layout column gap: room for an edge's shape label
# Row spacing for a branch drawn above or below the main line.
STEP_Y = 130.0
# LeNet's SGD learning rate: the guide's 0.001 does not learn on the colour shapes in 20 epochs (see seed_lenet).
LENET_LR = 0.003


def _chain(doc: GraphDocument, layers: list[tuple[str, str, dict]]) -> list[str]:
    """Add (type, name, params) nodes left to right and connect each to the next; returns their ids."""
    ids = []
    for i, (type_key, name, params) in enumerate(layers):
        node = doc.add_node(type_key, name=name, params=params, pos=(i * STEP_X, 0.0))
        if ids:
            doc.connect(ids[-1], node.id)
        ids.append(node.id)
    return ids


def _place(doc: GraphDocument, layers: list[tuple[str, str, dict, tuple[float, float]]]) -> list[str]:
    """Add (type, name, params, (column, row)) nodes at grid positions; returns their ids (no edges)."""
    return [doc.add_node(type_key, name=name, params=params, pos=(col * STEP_X, row * STEP_Y)).id
            for type_key, name, params, (col, row) in layers]


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


def seed_mnist_mlp() -> GraphDocument:
    """SEEDS.md network 3 on the shipped 8x8 digits: Flatten, Dense(128, relu), Dropout(0.2), Dense(10, softmax)."""
    doc = GraphDocument()
    _chain(doc, [("input", "image", {"shape": [1, 8, 8]}),
                 ("flatten", "flatten", {}),
                 ("dense", "hidden", {"units": 128, "activation": "relu"}),
                 ("dropout", "dropout", {"p": 0.2}),
                 ("dense", "output", {"units": 10, "activation": "softmax"})])
    # The stand-in offers real MNIST when it is on this computer (nnviz.data.guide_offer): the Input then
    # takes MNIST's (1, 28, 28) and the guide's batch size and learning rate (the same as here) apply.
    doc.set_data({"kind": "digits", "val_split": 0.2, "seed": 0,
                  "real": {"name": "mnist", "input": [1, 28, 28], "training": {"batch_size": 32, "lr": 0.001}}})
    # Keras' defaults: Adam with lr 0.001; "sparse categorical cross-entropy" on a softmax output is nll_probs.
    doc.set_training(TrainingSettings(loss="nll_probs", optimizer="adam", lr=0.001, batch_size=32, epochs=10,
                                      seed=0, dtype="float32"))
    doc.description = {
        "en": ("The beginner guide's MNIST classifier: Flatten -> Dense(128, relu) -> Dropout(0.2) -> "
               "Dense(10, softmax), Adam, sparse categorical cross-entropy (nll_probs: the softmax output's "
               "-log of the true class), batch size 32, 20 % held out for validation. It uses the 1,797 8x8 "
               "handwritten digits that ship with nnviz as a stand-in for MNIST, as (1, 8, 8) images, so "
               "Flatten gives 64 values instead of 784. When MNIST is on this computer (the Data panel's Fetch "
               "or `nnviz data fetch mnist`, or Keras' or torchvision's folders), the Data panel offers it: "
               "Use MNIST makes the Input (1, 28, 28) with the guide's batch size 32 and learning rate 0.001, "
               "and it is the guide's exact network. Step forward and watch "
               "'dropout': its 'mask' zeroes about one hidden value in five and scales the rest by 1/0.8; "
               "the loss starts near ln 10 = 2.30 and the validation accuracy passes 90 % within a few epochs."),
        "zh": ("入门教程中的 MNIST 分类器：Flatten -> Dense(128, relu) -> Dropout(0.2) -> Dense(10, softmax)，"
               "Adam，稀疏分类交叉熵（nll_probs：softmax 输出中正确类别的 -log），批大小 32，留出 20 % 做验证。"
               "这里用 nnviz 自带的 1,797 张 8x8 手写数字代替 MNIST，形状为 (1, 8, 8)，所以 Flatten 给出 64 个值而"
               "不是 784 个。当这台电脑上有 MNIST（用数据面板的“下载”或 `nnviz data fetch mnist` 取得，或在 "
               "Keras、torchvision 的文件夹里）时，数据面板会提供它：点“使用 MNIST”，输入层变成 (1, 28, 28)，"
               "并采用教程的批大小 32 和学习率 0.001，这就是教程中一模一样的网络。"
               "逐步执行前向，观察 'dropout'：它的 'mask' 把大约五分之一"
               "的隐藏值置零，其余的乘以 1/0.8；损失从 ln 10 = 2.30 附近开始，几个 epoch 内验证准确率超过 90 %。"),
    }
    return doc


def seed_lenet() -> GraphDocument:
    """SEEDS.md network 4 (the PyTorch tutorial's LeNet) on the generated colour shapes, 3x32x32, 10 classes."""
    doc = GraphDocument()
    relu = {"activation": "relu"}
    # Two rows, read like lines of text: the convolutional feature extractor, then the classifier.
    ids = _place(doc, [("input", "image", {"shape": [3, 32, 32]}, (0, 0)),
                       ("conv2d", "conv1", {"out_channels": 6, "kernel_size": [5, 5], **relu}, (1, 0)),
                       ("maxpool2d", "pool1", {"kernel_size": [2, 2], "stride": [2, 2]}, (2, 0)),
                       ("conv2d", "conv2", {"out_channels": 16, "kernel_size": [5, 5], **relu}, (3, 0)),
                       ("maxpool2d", "pool2", {"kernel_size": [2, 2], "stride": [2, 2]}, (4, 0)),
                       ("flatten", "flatten", {}, (1, 1.6)),
                       ("dense", "fc1", {"units": 120, **relu}, (2, 1.6)),
                       ("dense", "fc2", {"units": 84, **relu}, (3, 1.6)),
                       ("dense", "fc3", {"units": 10}, (4, 1.6))])
    for src, dst in pairwise(ids):
        doc.connect(src, dst)
    # The stand-in offers real CIFAR-10 when it is on this computer (nnviz.data.guide_offer): same (3, 32, 32)
    # images, and the guide's learning rate 0.001 applies.
    doc.set_data({"kind": "shapes", "n": 1000, "noise": 0.05, "seed": 0, "val_split": 0.2,
                  "real": {"name": "cifar10", "input": [3, 32, 32], "training": {"batch_size": 4, "lr": 0.001}}})
    # The guide's lr 0.001 leaves the loss at 2.29 after 20 epochs on this data; 0.01 learns, then collapses.
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="sgd", lr=LENET_LR, momentum=0.9,
                                      batch_size=4, epochs=30, seed=0, dtype="float32"))
    doc.description = {
        "en": ("The PyTorch tutorial's LeNet from the guide: Conv2d(3, 6, 5) -> ReLU -> MaxPool(2, 2) -> "
               "Conv2d(6, 16, 5) -> ReLU -> MaxPool(2, 2) -> Flatten -> Linear(400, 120) -> ReLU -> "
               "Linear(120, 84) -> ReLU -> Linear(84, 10), cross-entropy, SGD with momentum 0.9, batch size 4. "
               "Each ReLU is drawn inside its layer (the tutorial's F.relu(self.conv1(x))), so a step shows "
               "z before and the output after it. The data is nnviz's generated colour shapes (3x32x32, 10 "
               "classes), standing in for CIFAR-10; when CIFAR-10 is on this computer (the Data panel's Fetch "
               "or `nnviz data fetch cifar10`, or Keras' or torchvision's folders), the Data panel offers it, "
               "and Use CIFAR-10 applies the guide's learning rate 0.001. "
               "Watch the shapes: 32 -> 28 -> 14 -> 10 -> 5, and "
               "16 x 5 x 5 = 400 into fc1. The learning rate is 0.003, not the guide's 0.001: at 0.001 the "
               "loss is still 2.29 after 20 epochs here, and at 0.01 it learns, then collapses. Even so the "
               "loss sits near ln 10 = 2.30 (every class equally likely) for about 10 epochs, barely lower "
               "after the first 40 steps, before the filters find edges and it falls quickly. By epoch 30 the "
               "training loss is far below 1 and the validation accuracy wobbles between about 65 and 80 % "
               "from epoch to epoch: batches of 4 make every step noisy."),
        "zh": ("教程中 PyTorch 入门的 LeNet：Conv2d(3, 6, 5) -> ReLU -> MaxPool(2, 2) -> Conv2d(6, 16, 5) -> "
               "ReLU -> MaxPool(2, 2) -> Flatten -> Linear(400, 120) -> ReLU -> Linear(120, 84) -> ReLU -> "
               "Linear(84, 10)，交叉熵，带动量 0.9 的 SGD，批大小 4。每个 ReLU 画在它所在的层里（就像教程中的 "
               "F.relu(self.conv1(x))），所以每一步都能看到激活前的 z 和激活后的输出。数据是 nnviz 生成的彩色"
               "形状（3x32x32，10 类），代替 CIFAR-10；当这台电脑上有 CIFAR-10（用数据面板的“下载”或 "
               "`nnviz data fetch cifar10` 取得，或在 Keras、torchvision 的文件夹里）时，数据面板会提供它，"
               "点“使用 CIFAR-10”即采用教程的学习率 0.001。观察形状的变化：32 -> 28 -> 14 -> 10 -> 5，"
               "16 × 5 × 5 = 400 个值进入 fc1。学习率是 0.003 而不是教程的 0.001：在这个数据上，用 0.001 时"
               "20 个 epoch 后损失仍是 2.29，用 0.01 时先学会、然后崩溃。即便如此，损失在大约 10 个 epoch 里都"
               "停在 ln 10 = 2.30 附近（每一类的概率都一样），前 40 步之后只低了一点点，之后卷积核找到边缘，"
               "损失才迅速下降。到第 30 个 epoch，训练损失远低于 1，验证准确率在大约 65 % 到 80 % 之间逐个 epoch 地"
               "波动：每批只有 4 个样本，每一步都带着很大的噪声。"),
    }
    return doc


def residual_mlp() -> GraphDocument:
    """An MLP with one residual block on the spirals: h = stem(x); logits(h + block(h))."""
    doc = GraphDocument()
    inp, stem, block, add, logits = _place(doc, [
        ("input", "input", {"shape": [2]}, (0, 0)),
        ("dense", "stem", {"units": 32, "activation": "relu"}, (1, 0)),
        ("dense", "block", {"units": 32, "activation": "relu"}, (2, -1)),  # the branch, above the skip
        ("add", "add", {"num_inputs": 2}, (3, 0)),
        ("dense", "logits", {"units": 2}, (4, 0))])
    doc.connect(inp, stem)
    doc.connect(stem, block)
    doc.connect(block, add, 0)
    doc.connect(stem, add, 1)  # the skip connection: stem's output goes straight on to the sum
    doc.connect(add, logits)
    doc.set_data({"kind": "generated", "name": "spirals", "n": 400, "noise": 0.02, "seed": 0, "val_split": 0.2})
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.02, batch_size=16, epochs=40,
                                      seed=0, dtype="float32"))
    doc.description = {
        "en": ("A residual MLP on the two spirals: h = stem(x), then add = h + block(h), then the logits. The "
               "skip connection carries h around 'block', so the block only has to learn a correction to "
               "it. Forward: 'add' shows its two inputs, input_0 from the block and input_1 from the skip, "
               "and their sum. Backward: the gradient reaches 'stem' along two routes, through the block and "
               "straight along the skip, and stem's grad_output is their sum; that direct route is why deep "
               "residual networks still train. The training accuracy reaches 100 % within 40 epochs."),
        "zh": ("两条螺旋线上的残差 MLP：h = stem(x)，然后 add = h + block(h)，再接 logits。跳跃连接把 h 绕过 "
               "'block' 直接送到加法节点，所以 block 只需要学习对 h 的修正。前向：'add' 显示它的两个输入，"
               "来自 block 的 input_0 和来自跳跃连接的 input_1，以及它们的和。反向：梯度沿两条路到达 "
               "'stem'，一条穿过 block，一条沿跳跃连接直达，stem 的 grad_output 是两者之和；正是这条直达的"
               "路让很深的残差网络也能训练。40 个 epoch 内训练准确率达到 100 %。"),
    }
    return doc


def cnn_batchnorm() -> GraphDocument:
    """A small CNN with BatchNorm2d on the 8x8 digits: conv (no bias) -> batchnorm -> relu -> pool -> dense."""
    doc = GraphDocument()
    _chain(doc, [("input", "image", {"shape": [1, 8, 8]}),
                 # No conv bias: BatchNorm subtracts the channel mean, so a bias would cancel; its beta replaces it.
                 ("conv2d", "conv", {"out_channels": 8, "kernel_size": [3, 3], "padding": [1, 1], "use_bias": False}),
                 ("batchnorm2d", "batchnorm", {}),
                 ("relu", "relu", {}),
                 ("maxpool2d", "pool", {"kernel_size": [2, 2], "stride": [2, 2]}),
                 ("flatten", "flatten", {}),
                 ("dense", "logits", {"units": 10})])
    doc.set_data({"kind": "digits", "val_split": 0.2, "seed": 0})
    # 1,438 training digits = 44 x 32 + 30: no epoch ends in a one-sample batch, which BatchNorm cannot normalise.
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="sgd", lr=0.05, momentum=0.9, batch_size=32,
                                      epochs=10, seed=0, dtype="float32"))
    doc.description = {
        "en": ("A small CNN with batch normalisation on the 8x8 digits: Conv2d(1, 8, 3, padding 1, no bias) -> "
               "BatchNorm2d(8) -> ReLU -> MaxPool(2, 2) -> Flatten -> Linear(128, 10), SGD with momentum. "
               "Step into 'batchnorm': for each of the 8 channels it shows the 'mean' and 'var' over the batch "
               "and the 8x8 positions and 'x_hat', the input normalised to mean 0 and variance 1; the output "
               "is x_hat scaled by weight (gamma) and shifted by bias (beta). Its running_mean and running_var "
               "move 10 % of the way towards each batch's statistics, and evaluation uses them instead. The "
               "conv has no bias because the normalisation would "
               "subtract it again. Batch size 32 splits the 1,438 training digits into 44 batches of 32 and "
               "one of 30: a batch of one sample cannot be normalised. The loss falls within a few dozen steps "
               "and the validation accuracy passes 95 %."),
        "zh": ("8x8 手写数字上带批量归一化的小型 CNN：Conv2d(1, 8, 3, padding 1, 无偏置) -> BatchNorm2d(8) -> "
               "ReLU -> MaxPool(2, 2) -> Flatten -> Linear(128, 10)，带动量的 SGD。单步进入 'batchnorm'：对 8 "
               "个通道中的每一个，它显示在整个批次和 8x8 个位置上求出的 'mean'（均值）和 'var'（方差），以及 "
               "'x_hat'，即归一化为均值 0、方差 1 的输入；输出是 x_hat 乘以 weight（gamma）再加上 bias（beta）。"
               "它的 running_mean 和 running_var 每一步向当前批次的统计量移动 10 %，评估时改用它们。卷积层"
               "没有偏置，因为归一化会把它再减掉。批大小 32 把 1,438 个训练"
               "数字分成 44 批 32 个和一批 30 个：只有一个样本的批次无法归一化。损失在几十步内下降，验证准确率"
               "超过 95 %。"),
    }
    return doc


EXAMPLES: dict[str, Callable[[], GraphDocument]] = {
    "seed-forward-2-2-1": seed_forward,
    "seed-single-neuron": seed_single_neuron,
    "seed-mnist-mlp": seed_mnist_mlp,
    "seed-lenet": seed_lenet,
    "xor": xor,
    "spirals": spirals,
    "residual-mlp": residual_mlp,
    "cnn-batchnorm": cnn_batchnorm,
    "transformer-sentiment": transformer_sentiment,
    "causal-characters": causal_characters,
}


# The gallery's order and titles (the start page shows them; the descriptions live in each file).
TITLES: dict[str, dict[str, str]] = {
    "seed-forward-2-2-1": {"en": "A forward pass, number by number", "zh": "逐个数字看前向传播"},
    "seed-single-neuron": {"en": "One backpropagation step", "zh": "一步反向传播"},
    "xor": {"en": "XOR: why a hidden layer", "zh": "异或：为什么需要隐藏层"},
    "spirals": {"en": "Two spirals", "zh": "双螺旋"},
    "residual-mlp": {"en": "A skip connection (residual MLP)", "zh": "跳跃连接（残差 MLP）"},
    "seed-mnist-mlp": {"en": "Handwritten digits: the MNIST MLP", "zh": "手写数字：MNIST 多层感知机"},
    "cnn-batchnorm": {"en": "Batch normalisation in a small CNN", "zh": "小型卷积网络中的批量归一化"},
    "seed-lenet": {"en": "LeNet on colour images", "zh": "彩色图像上的 LeNet"},
    "seed-text-lstm": {"en": "Sentence sentiment with an LSTM", "zh": "用 LSTM 判断句子情感"},
    "transformer-sentiment": {"en": "Attention: a one-block Transformer", "zh": "注意力：单块 Transformer"},
    "causal-characters": {"en": "Writing Chinese, one character at a time", "zh": "逐字写中文：因果字符模型"},
}
GALLERY: list[str] = list(TITLES)


def gallery_files(folder: Path | None = None) -> list[Path]:
    """The example files in gallery order: the listed ones that exist, then any others by name."""
    if folder is None:
        from nnviz.resources import resource_path

        folder = resource_path("examples")
    files = {path.stem: path for path in Path(folder).glob("*.nnviz")}
    listed = [files[name] for name in GALLERY if name in files]
    return listed + [files[name] for name in sorted(files) if name not in TITLES]


def title_of(name: str, language: str = "en") -> str:
    """The gallery title of example `name` in "en" or "zh" (zh_CN counts as zh); its file name if unlisted."""
    titles = TITLES.get(name)
    if not titles:
        return name.replace("-", " ").replace("_", " ")
    return titles["zh" if language.startswith("zh") else "en"]


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
