"""Hostile .nnviz files for the corpus in test_hostile_corpus.py: each a few hundred bytes plus, where the case
needs one, a data file or special path beside it (a device, a FIFO, a socket, a compression bomb).

make_corpus(folder) writes every named case and returns {case name: path of its .nnviz file}.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

XOR = {"kind": "generated", "name": "xor", "n": 40, "noise": 0.05, "seed": 0, "val_split": 0.2}
TRAINING = {"loss": "cross_entropy", "optimizer": "adam", "lr": 0.05, "batch_size": 10, "epochs": 1,
            "seed": 0, "dtype": "float32"}
DENSE = {"activation": "none", "use_bias": True, "weight_init": "default", "bias_init": "default", "init_value": 0.0}


def chain_tree(input_shape: Any, *layers: tuple[str, dict[str, Any]], data: dict[str, Any] | None = None,
               training: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON tree of Input -> layers in a chain."""
    nodes = [{"id": "n0", "type": "input", "name": "input", "params": {"shape": input_shape}, "pos": [0, 0]}]
    edges = []
    for i, (type_key, params) in enumerate(layers, start=1):
        nodes.append({"id": f"n{i}", "type": type_key, "name": f"{type_key}_{i}", "params": params,
                      "pos": [200 * i, 0]})
        edges.append({"src": f"n{i - 1}", "dst": f"n{i}", "port": 0})
    return {"format": "nnviz", "version": 1, "nodes": nodes, "edges": edges,
            "data": XOR if data is None else data, "training": {**TRAINING, **(training or {})}}


def mlp(input_shape: Any = (2,), hidden: int = 8, out: int = 2, data: dict[str, Any] | None = None,
        training: dict[str, Any] | None = None) -> dict[str, Any]:
    shape = list(input_shape) if isinstance(input_shape, tuple) else input_shape
    flatten = [("flatten", {})] if len(shape) > 1 else []
    return chain_tree(shape, *flatten, ("dense", {**DENSE, "units": hidden, "activation": "tanh"}),
                      ("dense", {**DENSE, "units": out}), data=data, training=training)


def text_net(vocabulary: int = 100, maxlen: int = 12, hidden: int = 16, data: dict[str, Any] | None = None
             ) -> dict[str, Any]:
    text = {"kind": "text", "language": "all", "num_words": 100, "maxlen": maxlen, "val_split": 0.2}
    return chain_tree([maxlen], ("embedding", {"num_embeddings": vocabulary, "embedding_dim": 8}),
                      ("lstm", {"hidden_size": hidden}), ("dense", {**DENSE, "units": 2}),
                      data=text if data is None else {**text, **data})


def inline(x: Any, y: Any, task: str = "classification", **more: Any) -> dict[str, Any]:
    return {"kind": "inline", "x": x, "y": y, "task": task, **more}


# --------------------------------------------------------------------------------- special files
def fifo(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.exists():
        os.mkfifo(path)
    return path


def unix_socket(folder: Path, name: str) -> Path:
    """A bound Unix socket file (the socket object is closed; the file stays, as after a crashed server)."""
    path = folder / name
    if not path.exists():
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
    return path


def idx_bomb(folder: Path, n: int = 120_000) -> Path:
    """A gzipped IDX image file of n 28x28 zero images: about 0.1 MB packed, n * 784 bytes unpacked (94 MB
    for the default), 0.75 GB as the float64 the loaders make of it (and its copies)."""
    path = folder / "bomb-images-idx3-ubyte.gz"
    if path.exists():
        return path
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: gzip container
    chunk = bytes(784 * 10_000)
    with open(path, "wb") as out:
        out.write(packer.compress(bytes([0, 0, 8, 3]) + struct.pack(">III", n, 28, 28)))
        for start in range(0, n, 10_000):
            out.write(packer.compress(chunk[: 784 * min(10_000, n - start)]))
        out.write(packer.flush())
    return path


def idx_labels(folder: Path, n: int) -> Path:
    path = folder / f"labels-{n}-idx1-ubyte.gz"
    if not path.exists():
        path.write_bytes(gzip.compress(bytes([0, 0, 8, 1]) + struct.pack(">I", n) + bytes(n), 1))
    return path


def npy_member(shape: tuple[int, ...], dtype: str = "<f8", body: bytes = b"") -> bytes:
    """An .npy file's bytes with the given header and body (the body need not match the header)."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue() + body


def npz(folder: Path, name: str, members: dict[str, bytes], compress: bool = True) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def npz_arrays(folder: Path, name: str, **arrays: np.ndarray) -> Path:
    path = folder / name
    np.savez(path, **arrays)
    return path


def npz_bomb(folder: Path) -> Path:
    """A 0.5 MB npz whose x unpacks to 184 MB of zero bytes (uint8; 1.5 GB as float64)."""
    path = folder / "bomb.npz"
    if path.exists():
        return path
    n = 60_000
    header = npy_member((n, 32, 32, 3), "|u1")
    block = bytes(32 * 32 * 3 * 4096)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("x.npy", "w", force_zip64=True) as member:
            member.write(header)
            for start in range(0, n, 4096):
                member.write(block[: 32 * 32 * 3 * min(4096, n - start)])
        archive.writestr("y.npy", _npy(np.zeros(n, np.int64)))
    return path


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def png_bomb(folder: Path, side: int = 12_000) -> Path:
    """An image folder of two classes; class 'big' holds a side x side grey PNG of zeros (about 140 KB packed,
    side**2 bytes decoded, 3 * 8 * side**2 as float64 RGB)."""
    root = folder / "pngbomb"
    big = root / "big" / "zeros.png"
    if big.exists():
        return root
    big.parent.mkdir(parents=True)
    (root / "small").mkdir()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(1)
    row = bytes(side + 1)  # filter byte 0, then the row's grey values
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    big.write_bytes(png)
    small = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    tiny = zlib.compress(bytes(3) * 2)
    (root / "small" / "tiny.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", small) + chunk(b"IDAT", tiny)
                                              + chunk(b"IEND", b""))
    return root


# ------------------------------------------------------------------------------------ the cases
def _special_paths(folder: Path) -> dict[str, str]:
    return {"dev_zero": "/dev/zero", "dev_urandom": "/dev/urandom", "fifo": str(fifo(folder, "data.fifo")),
            "socket": str(unix_socket(folder, "data.sock")), "folder": str(folder)}


def _path_specs(path: str) -> dict[str, dict[str, Any]]:
    """A data spec of every file-reading kind pointed at path."""
    return {"csv": {"kind": "csv", "path": path}, "npz": {"kind": "npz", "path": path},
            "mnist": {"kind": "mnist", "images": path, "labels": path},
            "cifar": {"kind": "cifar10", "files": [path]}, "text": {"kind": "text", "path": path}}


def cases(folder: Path) -> dict[str, Callable[[], dict[str, Any]]]:
    """name -> a function returning the case's JSON tree (it may write companion files into folder)."""
    found: dict[str, Callable[[], dict[str, Any]]] = {
        # 1. sizes before allocation
        "input_1e18": lambda: mlp([10**18]),
        "input_1e300": lambda: json.loads(json.dumps(mlp([2])).replace('"shape": [2]', '"shape": [1e300]')),
        "dense_1e5_by_1e5": lambda: mlp([100_000], hidden=100_000),
        "dense_3000_by_1e5": lambda: mlp([3000], hidden=100_000),
        "lstm_hidden_1e4": lambda: text_net(hidden=10_000),
        "embedding_1e6_by_1e5": lambda: chain_tree([12], ("embedding", {"num_embeddings": 1_000_000,
                                                                        "embedding_dim": 100_000}),
                                                   ("flatten", {}), ("dense", {**DENSE, "units": 2}),
                                                   data={"kind": "text", "maxlen": 12}),
        "shapes_40000_size_64": lambda: mlp([3, 64, 64], data={"kind": "shapes", "n": 40_000, "size": 64}),
        "shapes_allowed_maximum": lambda: mlp([3, 128, 128], data={"kind": "shapes", "n": 200_000, "size": 128}),
        "text_maxlen_1e6": lambda: text_net(maxlen=1_000_000),
        "generated_huge_n": lambda: mlp(data={**XOR, "n": 10_000_000}),
        "batch_size_huge": lambda: mlp(training={"batch_size": 10**12}),
        # 2. data paths and consistency
        "idx_gzip_bomb": lambda: mlp([1, 28, 28], data={"kind": "mnist", "images": str(idx_bomb(folder)),
                                                         "labels": str(idx_labels(folder, 340_000))}),
        "npz_bomb": lambda: mlp([3, 32, 32], data={"kind": "npz", "path": str(npz_bomb(folder))}),
        "npz_header_claims_1e12": lambda: mlp(data={"kind": "npz", "path": str(npz(
            folder, "claims.npz", {"x.npy": npy_member((10**12, 2)), "y.npy": npy_member((10**12,), "<i8")}))}),
        "npz_member_not_npy": lambda: mlp(data={"kind": "npz", "path": str(npz(
            folder, "notnpy.npz", {"x": b"hello", "y.npy": _npy(np.zeros(4, np.int64))}))}),
        "npz_member_text_named_npy": lambda: mlp(data={"kind": "npz", "path": str(npz(
            folder, "textnpy.npz", {"x.npy": b"not an array", "y.npy": _npy(np.zeros(4, np.int64))}))}),
        "npz_complex": lambda: mlp(data={"kind": "npz", "path": str(npz_arrays(
            folder, "complex.npz", x=np.ones((6, 2), complex), y=np.arange(6) % 2))}),
        "npz_val_only": lambda: mlp(data={"kind": "npz", "path": str(npz_arrays(
            folder, "valonly.npz", x_train=np.ones((6, 2)), y_train=np.arange(6) % 2, xv=np.ones((4, 2)),
            yv=np.arange(4) % 2)), "x_val": "xv", "y_val": "yv"}),
        "npz_val_wrong_width": lambda: mlp(data={"kind": "npz", "path": str(npz_arrays(
            folder, "valwidth.npz", x=np.ones((6, 2)), y=np.arange(6) % 2, xv=np.ones((4, 3)),
            yv=np.arange(4) % 2)), "x": "x", "y": "y", "x_val": "xv", "y_val": "yv"}),
        "npz_nan": lambda: mlp(data={"kind": "npz", "path": str(npz_arrays(
            folder, "nan.npz", x=np.array([[np.nan, 1.0]] * 6), y=np.arange(6) % 2))}),
        "npz_class_1e12": lambda: mlp(data={"kind": "npz", "path": str(npz_arrays(
            folder, "bigclass.npz", x=np.ones((6, 2)), y=np.array([0, 1, 10**12, 0, 1, 0])))}),
        "png_bomb": lambda: mlp([3, 32, 32], data={"kind": "image_folder", "path": str(png_bomb(folder))}),
        "inline_class_minus_7": lambda: mlp(data=inline([[0, 0], [1, 1]], [0, -7])),
        "inline_class_minus_1": lambda: mlp(data=inline([[0, 0], [1, 1]], [0, -1])),
        "inline_class_1e12": lambda: mlp(data=inline([[0, 0], [1, 1]], [0, 10**12])),
        "inline_class_fraction": lambda: mlp(data=inline([[0, 0], [1, 1]], [0, 1.5])),
        "inline_class_text": lambda: mlp(data=inline([[0, 0], [1, 1]], ["a", "b"])),
        "inline_x_val_wrong_width": lambda: mlp(data=inline([[0, 0], [1, 1]], [0, 1], x_val=[[0, 0, 0]],
                                                            y_val=[1])),
        "inline_x_val_without_y_val": lambda: mlp(data=inline([[0, 0], [1, 1]], [0, 1], x_val=[[0, 0]])),
        "inline_nan": lambda: json.loads(json.dumps(mlp(data=inline([[0, 0], [1, 1]], [0, 1]))).replace(
            "[[0, 0], [1, 1]]", "[[NaN, 0], [1, Infinity]]")),
        "inline_ragged": lambda: mlp(data=inline([[0, 0], [1]], [0, 1])),
        "inline_complex_text": lambda: mlp(data=inline([["1+2j", "0"], ["1", "1"]], [0, 1])),
        "inline_regression_targets_wrong_width": lambda: mlp(out=1, data=inline(
            [[0, 0], [1, 1]], [[0, 1], [1, 0]], task="regression"), training={"loss": "mse"}),
        "text_num_words_0": lambda: text_net(data={"num_words": 0}),
        "text_num_words_1e9": lambda: text_net(data={"num_words": 10**9}),
        "text_vocabulary_too_small": lambda: text_net(vocabulary=10),
        "csv_negative_whole_labels": lambda: mlp(data={"kind": "csv", "path": str(_write(
            folder / "neg.csv", "a,b,label\n" + "".join(f"{i},{i},{-i}\n" for i in range(8))))}),
        "csv_nan": lambda: mlp(data={"kind": "csv", "path": str(_write(
            folder / "nan.csv", "a,b,label\nnan,1,x\n1,inf,y\n1,2,x\n3,4,y\n"))}),
        # 3. unknown keys
        "data_key_misspelled": lambda: mlp(data={**XOR, "val_split_": 0.3}),
        "training_key_misspelled": lambda: mlp(training={"batch_sise": 4}),
        # 8. commands
        "seed_2_64": lambda: mlp(training={"seed": 2**64}),
        "seed_float": lambda: mlp(training={"seed": 1.5}),
        "loss_explodes": lambda: mlp(data=inline([[1e30, 1e30], [-1e30, 1e30]], [[1e30], [0]], task="regression"),
                                     out=1, training={"loss": "mse", "optimizer": "sgd", "lr": 1000.0}),
        "empty_graph": lambda: {"format": "nnviz", "version": 1, "nodes": [], "edges": []},
        "input_only": lambda: chain_tree([2]),
    }
    for place, path in _special_paths(folder).items():
        for kind, spec in _path_specs(path).items():
            found[f"{kind}_from_{place}"] = lambda spec=spec, kind=kind: mlp(
                [1, 28, 28] if kind == "mnist" else [3, 32, 32] if kind == "cifar" else [2], data=spec)
        found[f"image_folder_from_{place}"] = lambda path=path: mlp([3, 32, 32], data={"kind": "image_folder",
                                                                                        "path": path})
    return found


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def make_corpus(folder: Path, only: list[str] | None = None) -> dict[str, Path]:
    """Write the cases (all, or those named) into folder; also the .nnviz that is itself a FIFO."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, build in cases(folder).items():
        if only is not None and name not in only:
            continue
        path = folder / f"{name}.nnviz"
        path.write_text(json.dumps(build()), encoding="utf-8")
        written[name] = path
    if only is None or "nnviz_file_is_fifo" in only:
        written["nnviz_file_is_fifo"] = fifo(folder, "fifo.nnviz")
    if only is None or "nnviz_file_is_dev_zero" in only:
        written["nnviz_file_is_dev_zero"] = Path("/dev/zero")
    return written
