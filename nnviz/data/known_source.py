"""The "known" data kind: a guide's data set wherever it already is, or a shipped stand-in until it is fetched.

Spec: {"kind": "known", "name": "mnist" | "fashion-mnist" | "cifar10",
       "folder": null,            # also look here first (the set's files, or a Keras/torchvision layout)
       "flat": false, "limit": 0, "seed": 0,
       "fallback": {"kind": "digits", ...}}   # used, and said so, while the set is not on this computer
Where it looks and in which order: nnviz.data.locate. The Dataset's description says which copy was used
and where it came from (or that the stand-in is used, and how to fetch the real set).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.dataset import (
    DataError,
    Dataset,
    LoadContext,
    load_dataset,
    read_option,
    register_source,
)
from nnviz.data.known_sets import STAND_IN_WORDS, known_set, set_folder
from nnviz.data.locate import find_copies
from nnviz.data.options import FLAT, LIMIT
from nnviz.i18n import Message, mark, translate

PASSED_ON = ("limit", "seed", "val_split")


def real_copy(spec: dict[str, Any], ctx: LoadContext | None = None):
    """The copy a "known" spec would load (a locate.Copy), or None when the set is not on this computer."""
    known = known_set(str(spec.get("name", "")))
    folders = [ctx.path(spec, "folder", mark("folder"))] if (ctx and spec.get("folder")) else []
    if not ctx and spec.get("folder"):
        folders = [Path(str(spec["folder"])).expanduser()]
    copies = find_copies(known.key, folders)
    return copies[0] if copies else None


def _idx_float32(folder: Path, kind: str, limit: int) -> Dataset:
    """A whole MNIST-style folder, fast: each image array is converted once, straight to float32 (what
    training uses, so the session needs no copy of its own), and kept in the files' order, which is
    already mixed; training shuffles every epoch. 60,000 images take 188 MB instead of 2 x 376 MB."""
    from nnviz.data.idx import FASHION_NAMES, read_idx
    from nnviz.data.locate import IDX_STEMS

    arrays = []
    for stem in IDX_STEMS:
        path = next((p for p in (folder / stem, folder / f"{stem}.gz") if p.is_file()), None)
        if path is None:
            raise DataError(Message("{folder} has no {stem} (gzipped or not)", folder=folder, stem=stem))
        arrays.append(read_idx(path))
    parts = []
    for images, labels in ((arrays[0], arrays[1]), (arrays[2], arrays[3])):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels) or images.dtype != np.uint8:
            raise DataError(Message("{folder}: the IDX files are not MNIST-style images and labels", folder=folder))
        if labels.size and (labels.min() < 0 or labels.max() > 9):
            raise DataError(Message(
                "{folder}: MNIST labels are 0-9, found {min}..{max}",
                folder=folder, min=int(labels.min()), max=int(labels.max())))
        if limit:
            images, labels = images[:limit], labels[:limit]
        x = np.empty((len(images), 1, *images.shape[1:]), np.float32)
        np.multiply(images[:, None], np.float32(1 / 255), out=x)
        parts += [x, labels.astype(np.int64)]
    names = list(FASHION_NAMES) if kind == "fashion_mnist" else [str(i) for i in range(10)]
    return Dataset(parts[0], parts[1], parts[2], parts[3], "classification", class_names=names)


@register_source("known")
def load_known(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    try:
        known = known_set(str(spec.get("name", "")))
    except KeyError as exc:
        raise DataError(exc.args[0]) from None
    flat = read_option(spec, FLAT)
    read_option(spec, LIMIT)
    copy = real_copy(spec, ctx)
    if copy is None:
        fallback = spec.get("fallback")
        how = translate("fetch it with the Data panel's Fetch button or `nnviz data fetch {key}` (about {size} "
                        "MB), or put its files in {folder}", key=known.key, size=known.size_mb,
                        folder=set_folder(known))
        if not isinstance(fallback, dict):
            raise DataError(translate("{title} is not on this computer yet: {how}.", title=known.title, how=how))
        ds = load_dataset(fallback, base_dir=ctx.base_dir, decode=ctx.decode)
        kind = str(fallback.get("kind"))
        stand_in = translate(STAND_IN_WORDS[kind]) if kind in STAND_IN_WORDS else kind
        ds.description = translate("{title} is not on this computer yet, so this uses {stand_in}. To use {title}, "
                                   "{how}.", title=known.title, stand_in=stand_in, how=how)
        return ds
    inner = {**copy.spec, **{k: spec[k] for k in PASSED_ON if k in spec}}
    if inner["kind"] in ("mnist", "fashion_mnist") and "val_split" not in spec:
        ds = _idx_float32(Path(inner["folder"]), inner["kind"], read_option(spec, LIMIT))
    else:
        ds = load_dataset(inner, base_dir=ctx.base_dir)
    if flat:
        ds.x_train = ds.x_train.reshape(len(ds.x_train), -1)
        ds.x_val = ds.x_val.reshape(len(ds.x_val), -1)
    ds.name = known.key.replace("-", "_")
    ds.description = f"{known.title} from {copy.words}"
    return ds
