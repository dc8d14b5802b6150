"""docs/file-format.md stays true: its example is the shipped file, its encodings decode as it says."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from nnviz import io as nio
from nnviz.io import arrays, reader
from nnviz.resources import resource_path

DOC = (Path(__file__).resolve().parent.parent / "docs" / "file-format.md").read_text(encoding="utf-8")


def test_the_complete_example_is_the_shipped_file_and_loads():
    block = re.search(r"```json\n(.*?)\n```", DOC, re.S).group(1)
    shipped = resource_path("examples", "seed-single-neuron.nnviz").read_text(encoding="utf-8")
    assert block + "\n" == shipped
    assert nio.loads(block).analysis().valid


def test_the_base64_example_decodes_to_the_values_stated():
    value = {"dtype": "float64", "shape": [3], "base64": "AAAAAAAA4D8AAAAAAADQvwAAAAAAAPA/"}
    assert "[0.5, -0.25, 1.0]" in DOC and value["base64"] in DOC
    assert arrays.decode_weight(value, "w").tolist() == [0.5, -0.25, 1.0]


def test_every_key_is_documented():
    for key in (*reader.TOP_KEYS, *reader.NODE_KEYS, *reader.EDGE_KEYS, "$array", "$float"):
        assert f"`{key}`" in DOC or f'"{key}"' in DOC, key
    assert f"The current one is **{nio.FORMAT_VERSION}**" in DOC


def test_the_documented_limits_are_the_real_ones():
    assert f"{reader.MAX_NODES:,} layers" in DOC and f"{reader.MAX_EDGES:,} connections" in DOC
    assert f"{nio.MAX_FILE_BYTES // 2**20} MB" in DOC
    assert f"at most {arrays.SMALL_ARRAY} values" in DOC
    assert f"more than {arrays.MAX_RANK} dimensions" in DOC


def test_the_documented_state_example_shape_is_what_save_writes():
    tree = arrays.encode_state({"exp_avg": np.array([0.5, 0.25], dtype=np.float32), "best_loss": float("inf")})
    assert tree == {"exp_avg": {"$array": "float32", "shape": [2], "values": [0.5, 0.25]},
                    "best_loss": {"$float": "inf"}}
    assert '"exp_avg": {"$array": "float32", "shape": [2], "values": [0.5, 0.25]}' in DOC
