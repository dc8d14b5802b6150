"""The one-block Transformer of bench_engine.py: the same network in the engine and in PyTorch.

Tokens (12,) with padding (id 0) at the end -> Embedding(100, 32, padding 0) -> learned positions ->
SelfAttention(4 heads, padding masked from the ids) -> Add -> LayerNorm -> Dense(64, relu) -> Dense(32)
-> Add -> LayerNorm -> MeanOverTime (padding left out) -> Dense(2); cross-entropy, Adam(0.001),
batch 32, float32. PyTorch runs the same modules as a learner would write them (nn.MultiheadAttention
with key_padding_mask, need_weights=False).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnviz.data.dataset import Dataset
from nnviz.engine.session import Session
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings

STEPS, VOCAB, WIDTH, HEADS, FF, CLASSES, BATCH = 12, 100, 32, 4, 64, 2, 32
SETTINGS = TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.001, batch_size=BATCH,
                            epochs=1_000_000, dtype="float32", seed=0)


def transformer_doc() -> GraphDocument:
    layers = [("tokens", "input", {"shape": (STEPS,)}, ()),
              ("embed", "embedding", {"num_embeddings": VOCAB, "embedding_dim": WIDTH, "padding_idx": 0},
               ("tokens",)),
              ("pos", "positional_embedding", {"max_len": STEPS}, ("embed",)),
              ("attn", "self_attention", {"num_heads": HEADS, "num_inputs": 2}, ("pos", "tokens")),
              ("res1", "add", {"num_inputs": 2}, ("pos", "attn")),
              ("ln1", "layernorm", {}, ("res1",)),
              ("ff1", "dense", {"units": FF, "activation": "relu"}, ("ln1",)),
              ("ff2", "dense", {"units": WIDTH}, ("ff1",)),
              ("res2", "add", {"num_inputs": 2}, ("ln1", "ff2")),
              ("ln2", "layernorm", {}, ("res2",)),
              ("pool", "mean_over_time", {"num_inputs": 2}, ("ln2", "tokens")),
              ("out", "dense", {"units": CLASSES}, ("pool",))]
    doc, ids = GraphDocument(), {}
    for name, key, params, sources in layers:
        ids[name] = doc.add_node(key, params=params, name=name).id
        for port, src in enumerate(sources):
            doc.connect(ids[src], ids[name], port)
    doc.training = SETTINGS
    return doc


def transformer_data(n: int = 1024, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, VOCAB, size=(n, STEPS)).astype(np.float64)
    for i, length in enumerate(rng.integers(3, STEPS + 1, size=n)):
        x[i, length:] = 0
    y = rng.integers(0, CLASSES, n)
    return Dataset(x, y, x[:0], y[:0], "classification", "bench-tokens", [str(i) for i in range(CLASSES)])


def engine_runner(data: Dataset) -> Callable[[int], None]:
    session = Session(transformer_doc(), data, SETTINGS)
    return lambda steps: session.run(steps=steps)


def torch_runner(torch, data: Dataset) -> Callable[[int], None]:
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(VOCAB, WIDTH, padding_idx=0)
            self.pos = nn.Parameter(torch.randn(STEPS, WIDTH))
            self.attn = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
            self.ln1, self.ln2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
            self.ff1, self.ff2 = nn.Linear(WIDTH, FF), nn.Linear(FF, WIDTH)
            self.out = nn.Linear(WIDTH, CLASSES)

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            padding = ids == 0
            x = self.embed(ids) + self.pos
            x = self.ln1(x + self.attn(x, x, x, key_padding_mask=padding, need_weights=False)[0])
            x = self.ln2(x + self.ff2(torch.relu(self.ff1(x))))
            keep = (~padding).to(x.dtype)
            pooled = (x * keep.unsqueeze(-1)).sum(dim=1) / keep.sum(dim=1, keepdim=True).clamp(min=1)
            return self.out(pooled)

    model = Block()
    opt = torch.optim.Adam(model.parameters(), lr=SETTINGS.lr)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.from_numpy(data.x_train.astype(np.int64))
    y = torch.from_numpy(data.y_train.astype(np.int64))
    n = len(x)
    gen = torch.Generator().manual_seed(0)
    state = {"perm": torch.randperm(n, generator=gen), "at": 0}

    def run(steps: int) -> None:
        for _ in range(steps):
            if state["at"] >= n:
                state["perm"], state["at"] = torch.randperm(n, generator=gen), 0
            idx = state["perm"][state["at"]:state["at"] + BATCH]
            state["at"] += BATCH
            value = loss_fn(model(x[idx]), y[idx])
            opt.zero_grad()
            value.backward()
            opt.step()
            value.item()

    return run
