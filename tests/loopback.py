"""A local HTTP server on 127.0.0.1 for the fetch tests, small files in the data sets' real formats, and a
guard that refuses any connection beyond the loopback address (no test may reach the internet).

The server answers Range requests (206 Partial Content) as real mirrors do, and can misbehave on purpose
per path: "cut" sends half of a file and drops the connection, "corrupt" flips bytes, "hang" accepts the
request and never answers. A misbehaviour given as "cut_once"/"corrupt_once" happens on the first request
only. Every request is logged as (path, Range header).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import re
import socket
import tarfile
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from nnviz.data.known_sets import SETS, KnownFile, KnownSet

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def refuse_non_loopback(monkeypatch) -> None:
    """Make every connection to anything but the loopback address fail loudly inside the test."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOOPBACK and sock.family != socket.AF_UNIX:
            raise AssertionError(f"a test tried to connect to {address}: only 127.0.0.1 is allowed")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            raise AssertionError(f"a test tried to look up {host!r}: only 127.0.0.1 is allowed")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class Loopback:
    """ThreadingHTTPServer on 127.0.0.1:<free port> serving `files` (path -> bytes)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.behaviour: dict[str, str] = {}
        self.log: list[tuple[str, str | None]] = []
        self.release = threading.Event()  # ends every "hang"
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output clean
                pass

            def do_GET(self) -> None:
                owner.serve(self)

            def do_HEAD(self) -> None:
                self.send_response(200 if self.path in owner.files else 404)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def requests_for(self, path: str) -> list[str | None]:
        return [rng for p, rng in self.log if p == path]

    def serve(self, h: BaseHTTPRequestHandler) -> None:
        path, wanted = h.path, h.headers.get("Range")
        self.log.append((path, wanted))
        mode = self.behaviour.get(path, "")
        if mode.endswith("_once"):
            del self.behaviour[path]
            mode = mode[: -len("_once")]
        if mode == "hang":
            self.release.wait(30)
            return
        data = self.files.get(path)
        if data is None:
            h.send_error(404)
            return
        if mode == "corrupt":
            data = bytes(b ^ 0xFF for b in data[:64]) + data[64:]
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", wanted or "")
        if match:
            start = int(match.group(1))
            if start >= len(data):
                h.send_response(416)
                h.send_header("Content-Range", f"bytes */{len(data)}")
                h.end_headers()
                return
            h.send_response(206)
            h.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            h.send_response(200)
        body = data[start:]
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if mode == "cut":
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        h.wfile.write(body)


# ------------------------------------------------------------------------------ small real-format files
def idx_images(images: np.ndarray) -> bytes:
    """uint8 (n, rows, cols) as a gzipped IDX file (magic 0x00000803)."""
    header = b"\x00\x00\x08\x03" + np.array(images.shape, ">u4").tobytes()
    return gzip.compress(header + images.astype(np.uint8).tobytes(), mtime=0)


def idx_labels(labels: np.ndarray) -> bytes:
    header = b"\x00\x00\x08\x01" + np.array([len(labels)], ">u4").tobytes()
    return gzip.compress(header + labels.astype(np.uint8).tobytes(), mtime=0)


def mnist_files(n_train: int = 200, n_test: int = 12, seed: int = 0) -> dict[str, bytes]:
    """The four MNIST file names, each holding small random images/labels in the real format."""
    rng = np.random.default_rng(seed)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        out[f"{prefix}-images-idx3-ubyte.gz"] = idx_images(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        out[f"{prefix}-labels-idx1-ubyte.gz"] = idx_labels(rng.integers(0, 10, n))
    return out


def cifar_records(n: int, rng: np.random.Generator) -> bytes:
    labels = rng.integers(0, 10, n).astype(np.uint8)
    pixels = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    return np.concatenate([labels[:, None], pixels], axis=1).tobytes()


def cifar_binary_archive(per_batch: int = 6, seed: int = 0) -> bytes:
    """cifar-10-binary.tar.gz's layout: cifar-10-batches-bin/data_batch_1..5.bin, test_batch.bin, meta."""
    rng = np.random.default_rng(seed)
    members = {f"data_batch_{i}.bin": cifar_records(per_batch, rng) for i in range(1, 6)}
    members["test_batch.bin"] = cifar_records(per_batch, rng)
    members["batches.meta.txt"] = "\n".join(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                                             "horse", "ship", "truck"]).encode() + b"\n"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def cifar_python_batch(n: int, seed: int = 0) -> bytes:
    """One batch of cifar-10-python.tar.gz's layout: a pickled dict (labels list, data uint8 (n, 3072))."""
    rng = np.random.default_rng(seed)
    batch = {b"batch_label": b"test batch", b"labels": rng.integers(0, 10, n).tolist(),
             b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
             b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
    return pickle.dumps(batch, protocol=2)


def with_hashes(key: str, files: dict[str, bytes]) -> KnownSet:
    """The registry entry `key` with its files' hashes replaced by those of the small test files."""
    known = SETS[key]
    return replace(known, files=tuple(KnownFile(f.name, hashlib.sha256(files[f.name]).hexdigest())
                                      for f in known.files))
