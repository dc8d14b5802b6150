"""Fetching MNIST, Fashion-MNIST and CIFAR-10 against a server on 127.0.0.1 only (tests/loopback.py):
progress, resume after an interruption, corrupt files rejected and fetched again, a silent server timing
out with the learner's message, and offline reuse of what was fetched."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from nnviz.data import load_dataset
from nnviz.data.fetch import PARTIAL, FetchCancelled, FetchError, fetch_set
from nnviz.data.known_sets import SETS
from tests.loopback import Loopback, cifar_binary_archive, mnist_files, refuse_non_loopback, with_hashes

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"


@pytest.fixture
def server(monkeypatch):
    refuse_non_loopback(monkeypatch)
    srv = Loopback()
    yield srv
    srv.close()


@pytest.fixture
def mnist(server):
    files = mnist_files()
    for name, data in files.items():
        server.files[f"/mnist/{name}"] = data
    return with_hashes("mnist", files), files


def test_the_guard_refuses_anything_but_loopback(server):
    import requests

    with pytest.raises(AssertionError, match=r"only 127\.0\.0\.1"):
        requests.get("http://example.com/", timeout=1)


def test_fetch_reports_progress_and_gives_a_folder_the_mnist_loader_reads(mnist, server, tmp_path):
    known, files = mnist
    seen: list[tuple[int, int, str]] = []
    folder = fetch_set(known, tmp_path / "mnist", mirror=server.url,
                       progress=lambda done, total, name: seen.append((done, total, name)))
    for name, data in files.items():
        assert (folder / name).read_bytes() == data
        reports = [(d, t) for d, t, n in seen if n == name]
        assert reports[-1] == (len(data), len(data)), name  # the bar ends full, with the right total
        assert [d for d, _ in reports] == sorted(d for d, _ in reports)
    big = [d for d, t, n in seen if n == TRAIN_IMAGES]
    assert len(big) > 2  # several updates for the largest file, not only start and end
    ds = load_dataset({"kind": "mnist", "folder": str(folder)})
    assert ds.x_train.shape == (200, 1, 28, 28) and ds.x_val.shape == (12, 1, 28, 28)
    assert not list((folder / PARTIAL).iterdir())  # nothing left half-written


def test_an_interrupted_fetch_resumes_where_it_stopped(mnist, server, tmp_path):
    known, files = mnist
    path = f"/mnist/{TRAIN_IMAGES}"
    # The first attempt drops the connection halfway and the second is cancelled: the partial file stays.
    server.behaviour[path] = "cut_once"
    cancel = threading.Event()

    def stop_at_first_byte(done: int, total: int, name: str) -> None:
        if name == TRAIN_IMAGES and server.requests_for(path)[-1] is not None:
            cancel.set()  # the resumed request started: press Cancel

    with pytest.raises(FetchCancelled):
        fetch_set(known, tmp_path, mirror=server.url, progress=stop_at_first_byte, cancel=cancel)
    partial = tmp_path / PARTIAL / TRAIN_IMAGES
    size = len(files[TRAIN_IMAGES])
    assert 0 < partial.stat().st_size < size
    assert not (tmp_path / TRAIN_IMAGES).exists()  # a half file never takes the real name
    kept = partial.stat().st_size
    fetch_set(known, tmp_path, mirror=server.url)
    assert server.requests_for(path)[-1] == f"bytes={kept}-"  # asked only for the rest
    assert (tmp_path / TRAIN_IMAGES).read_bytes() == files[TRAIN_IMAGES]
    assert not partial.exists()


def test_a_corrupt_download_is_rejected_and_fetched_again(mnist, server, tmp_path):
    known, files = mnist
    path = f"/mnist/{TRAIN_IMAGES}"
    server.behaviour[path] = "corrupt_once"
    fetch_set(known, tmp_path, mirror=server.url)
    assert len(server.requests_for(path)) == 2
    assert (tmp_path / TRAIN_IMAGES).read_bytes() == files[TRAIN_IMAGES]


def test_a_corrupt_file_already_in_the_folder_is_replaced(mnist, server, tmp_path):
    known, files = mnist
    fetch_set(known, tmp_path, mirror=server.url)
    (tmp_path / TRAIN_IMAGES).write_bytes(b"\x1f\x8b broken")
    fetch_set(known, tmp_path, mirror=server.url)
    assert (tmp_path / TRAIN_IMAGES).read_bytes() == files[TRAIN_IMAGES]


def test_a_server_that_always_sends_wrong_bytes_ends_in_the_message(mnist, server, tmp_path):
    known, _ = mnist
    server.behaviour[f"/mnist/{TRAIN_IMAGES}"] = "corrupt"
    with pytest.raises(FetchError, match="damaged") as caught:
        fetch_set(known, tmp_path, mirror=server.url)
    assert not (tmp_path / TRAIN_IMAGES).exists()
    assert "digits" in str(caught.value)  # the stand-in is offered


def test_a_server_that_never_answers_times_out_with_what_to_do(mnist, server, tmp_path):
    known, _ = mnist
    server.behaviour[f"/mnist/{TRAIN_IMAGES}"] = "hang"
    with pytest.raises(FetchError) as caught:
        fetch_set(known, tmp_path, mirror=server.url, timeout=(0.5, 0.5))
    message = str(caught.value)
    assert "did not answer within 0.5 seconds" in message
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in message
    assert str(tmp_path) in message and "8x8 handwritten digits" in message


def test_the_next_mirror_is_tried_when_one_fails(mnist, server, tmp_path):
    known, files = mnist
    from dataclasses import replace

    # A dead first mirror (a closed port on 127.0.0.1), then the working one.
    probe = Loopback()
    dead = probe.url
    probe.close()
    two = replace(known, mirrors=(dead + "/mnist", server.url + "/mnist"))
    fetch_set(two, tmp_path, mirror="")
    assert (tmp_path / TRAIN_IMAGES).read_bytes() == files[TRAIN_IMAGES]


def test_offline_the_fetched_set_is_reused_without_the_network(mnist, server, tmp_path):
    known, _ = mnist
    fetch_set(known, tmp_path, mirror=server.url)
    asked = len(server.log)
    server.close()  # no server at all now
    assert fetch_set(known, tmp_path, mirror=server.url, timeout=(0.5, 0.5)) == tmp_path
    assert len(server.log) == asked


def test_offline_with_nothing_fetched_says_what_to_download(mnist, server, tmp_path):
    known, _ = mnist
    url = server.url
    server.close()
    with pytest.raises(FetchError, match="no connection") as caught:
        fetch_set(known, tmp_path, mirror=url, timeout=(0.5, 0.5))
    assert "put them, unchanged, in" in str(caught.value)


def test_cifar10_archive_is_fetched_checked_and_unpacked_completely(server, tmp_path):
    archive = cifar_binary_archive()
    server.files["/cifar10/cifar-10-binary.tar.gz"] = archive
    known = with_hashes("cifar10", {"cifar-10-binary.tar.gz": archive})
    folder = fetch_set(known, tmp_path, mirror=server.url)
    assert folder == tmp_path / "cifar-10-batches-bin"
    ds = load_dataset({"kind": "cifar10", "folder": str(folder)})
    assert ds.x_train.shape == (30, 3, 32, 32) and ds.x_val.shape == (6, 3, 32, 32)
    assert not list(tmp_path.glob(".*unpacking"))
    server.close()
    assert fetch_set(known, tmp_path, mirror=server.url, timeout=(0.5, 0.5)) == folder  # offline reuse


def test_registry_holds_the_published_hashes_and_more_than_one_mirror_where_they_exist():
    assert set(SETS) == {"mnist", "fashion-mnist", "cifar10"}
    for known in SETS.values():
        for item in known.files:
            assert len(item.sha256) == 64 and int(item.sha256, 16) >= 0
        assert all(m.startswith(("https://", "http://")) for m in known.mirrors)
    assert len(SETS["mnist"].mirrors) >= 2 and len(SETS["fashion-mnist"].mirrors) >= 2
    assert SETS["mnist"].files[0].sha256.startswith("440fcabf")


def test_the_data_kind_reads_the_set_fetched(mnist, server, tmp_path):
    known, files = mnist
    folder = fetch_set(known, tmp_path, mirror=server.url)
    ds = load_dataset({"kind": known.kind, "folder": str(folder), "flat": True})
    labels = np.frombuffer(__import__("gzip").decompress(files["train-labels-idx1-ubyte.gz"]), np.uint8, offset=8)
    assert sorted(ds.y_train.tolist()) == sorted(labels.tolist())


# ------------------------------------------------------------------------------------- the command line
@pytest.fixture
def cli_mnist(mnist, server, tmp_path, monkeypatch):
    """`nnviz data ...` with the registry's MNIST hashes swapped for the test files' and the mirror on loopback."""
    known, files = mnist
    monkeypatch.setitem(SETS, "mnist", known)
    monkeypatch.setenv("NNVIZ_DATA_MIRROR", server.url)
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "kept"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return files


def test_cli_fetch_then_find_then_offline_fetch(cli_mnist, server, tmp_path, capsys):
    from nnviz.cli import main

    assert main(["data", "fetch", "mnist"]) == 0
    out, err = capsys.readouterr()
    folder = tmp_path / "kept" / "mnist"
    assert f"MNIST is ready in {folder}" in out and '"kind": "mnist"' in out
    assert "train-images-idx3-ubyte.gz" in err  # the progress bar names the file
    assert main(["data", "find", "mnist"]) == 0
    assert f"MNIST: {folder} (fetched by nnviz)" in capsys.readouterr().out
    server.close()
    assert main(["data", "fetch", "mnist", "--timeout", "0.5"]) == 0  # offline: the kept files do


def test_cli_fetch_into_a_chosen_dir_and_a_silent_server(cli_mnist, server, tmp_path, capsys):
    from nnviz.cli import main

    assert main(["data", "fetch", "mnist", "--dir", str(tmp_path / "here")]) == 0
    assert (tmp_path / "here" / TRAIN_IMAGES).read_bytes() == cli_mnist[TRAIN_IMAGES]
    capsys.readouterr()
    server.behaviour[f"/mnist/{TRAIN_IMAGES}"] = "hang"
    assert main(["data", "fetch", "mnist", "--timeout", "0.5"]) == 1
    err = capsys.readouterr().err
    assert "did not answer within 0.5 seconds" in err and "Meanwhile you can train on" in err
