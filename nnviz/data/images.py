"""A folder of the user's images with one sub-folder per class, resized to one size.

Spec: {"kind": "image_folder", "path": "pets/",   # pets/cat/*.png, pets/dog/*.jpg ...
       "size": [32, 32],          # (height, width) every image is resized to (or one number)
       "grayscale": false,        # true: 1 channel, else 3 (RGB; grey images are repeated, alpha dropped)
       "limit_per_class": 0, "val_split": 0.2, "seed": 0}
The core does not decode images itself: load_dataset's `decode(path) -> (H, W[, C]) uint8` does, else
the one set with set_default_decoder (the app sets its Qt one), else Pillow when it is installed.
x: (n, C, H, W) float64 in [0, 1]; y: (n,) int64, classes in sorted folder-name order.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.budget import DATA_BYTES_PER_VALUE, require
from nnviz.data.dataset import (
    DataError,
    Dataset,
    ImageDecoder,
    LoadContext,
    opt_bool,
    opt_int,
    register_source,
    split_spec,
)
from nnviz.i18n import Message, mark

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".ppm", ".pgm", ".pbm", ".tif", ".tiff"}
MAX_IMAGES = 200_000
# Pixels of one image, read from its header before decoding: a few-KB PNG can claim 12000x12000 (a
# decompression bomb). 25 million is a 6000x4000 camera photo.
MAX_PIXELS = 25_000_000


_default_decoder: ImageDecoder | None = None


def set_default_decoder(decode: ImageDecoder | None) -> None:
    """The decoder used when load_dataset gets none: the app installs its Qt one at start-up, so data
    loaded anywhere in the app (training sessions, export) reads image folders without Pillow."""
    global _default_decoder
    _default_decoder = decode


def pillow_decoder() -> ImageDecoder:
    """Pillow's decoder, or a DataError saying how to get one."""
    try:
        from PIL import Image  # optional: only for image folders outside the app
    except ImportError:
        raise DataError(Message(
            "reading a folder of images needs the nnviz app (it decodes with Qt) or, headless, Pillow: pip install "
            "pillow")) from None

    def decode(path: Path) -> np.ndarray:
        with warnings.catch_warnings():  # Pillow's own bomb warning: check_pixels says it in words instead
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path)
        with img:
            check_pixels(path, *img.size)
            return np.asarray(img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB"))

    return decode


def check_pixels(path: Path, width: int, height: int) -> None:
    """DataError when an image's header claims more than MAX_PIXELS, before it is decoded."""
    if width * height > MAX_PIXELS:
        raise DataError(Message(
            "{path} is {width:,}x{height:,} pixels; nnviz reads images up to {megapixels} million pixels: "
            "shrink it first",
            path=path, width=width, height=height, megapixels=MAX_PIXELS // 10 ** 6))


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """(H, W, C) float -> (height, width, C): box-average by whole factors first (so shrinking a big photo
    does not alias), then bilinear with pixel centres aligned (as PyTorch's align_corners=False)."""
    h, w = image.shape[:2]
    fy, fx = max(h // height, 1), max(w // width, 1)
    if fy > 1 or fx > 1:
        h, w = h // fy * fy, w // fx * fx
        image = image[:h, :w].reshape(h // fy, fy, w // fx, fx, -1).mean(axis=(1, 3))
        h, w = image.shape[:2]
    if (h, w) == (height, width):
        return image

    def axis(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, n_in - 1)
        return lo, hi, (pos - lo)

    y0, y1, wy = axis(h, height)
    x0, x1, wx = axis(w, width)
    rows = image[y0] * (1 - wy)[:, None, None] + image[y1] * wy[:, None, None]
    return rows[:, x0] * (1 - wx)[None, :, None] + rows[:, x1] * wx[None, :, None]


def to_chw(pixels: np.ndarray, height: int, width: int, grayscale: bool, path: Path) -> np.ndarray:
    """A decoded (H, W) or (H, W, 1|3|4) uint8 image -> (C, height, width) float64 in [0, 1]."""
    a = np.asarray(pixels)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3 or a.shape[2] not in (1, 2, 3, 4) or a.shape[0] == 0 or a.shape[1] == 0:
        raise DataError(Message(
            "{path}: decoded to an array of shape {shape}, not an image",
            path=path, shape=a.shape))
    a = a.astype(np.float64) / (255.0 if a.dtype == np.uint8 else max(float(a.max()), 1.0))
    if a.shape[2] in (2, 4):
        # Transparent parts over white: what a viewer shows, and better than whatever RGB lies underneath.
        alpha = a[:, :, -1:]
        a = a[:, :, :-1] * alpha + (1.0 - alpha)
    if grayscale and a.shape[2] == 3:
        a = a @ np.array([[0.299], [0.587], [0.114]])
    elif not grayscale and a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    return resize(a, height, width).transpose(2, 0, 1)


def scan(folder: Path, limit_per_class: int = 0) -> tuple[list[str], list[tuple[Path, int]]]:
    """Class names (sorted sub-folder names) and (file, class id) pairs; DataError when nothing fits."""
    if not folder.is_dir():
        raise DataError(Message("{folder}: no such folder", folder=folder))
    classes = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DataError(Message(
            "{folder} needs one sub-folder per class (at least two), each holding that class's images; found "
            "{n_classes} sub-folder(s)",
            folder=folder, n_classes=len(classes)))
    files: list[tuple[Path, int]] = []
    for cid, name in enumerate(classes):
        found = sorted(p for p in (folder / name).iterdir()
                       if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith("."))
        if not found:
            raise DataError(Message(
                "class folder '{name}' in {folder} has no images ({image_extensions})",
                name=name, folder=folder, image_extensions=', '.join(sorted(IMAGE_EXTENSIONS))))
        if limit_per_class:
            found = found[:limit_per_class]
        files += [(p, cid) for p in found]
        if len(files) > MAX_IMAGES:
            raise DataError(Message(
                "{folder} has more than {max_images} images; use limit_per_class",
                folder=folder, max_images=MAX_IMAGES))
    return classes, files


def _size(spec: dict[str, Any]) -> tuple[int, int]:
    value = spec.get("size", [32, 32])
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, value]
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 512 for v in value)):
        raise DataError(Message(
            "data option 'size' must be [height, width] with each from 1 to 512, not {value!r}",
            value=value))
    return int(value[0]), int(value[1])


@register_source("image_folder", keys=("path", "size", "grayscale", "limit_per_class", "val_split", "seed"))
def load_image_folder(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    folder = ctx.path(spec, "path", mark("folder of class sub-folders"))
    height, width = _size(spec)
    grayscale = opt_bool(spec, "grayscale", False)
    classes, files = scan(folder, opt_int(spec, "limit_per_class", 0, 0, MAX_IMAGES))
    decode = ctx.decode or _default_decoder or pillow_decoder()
    channels = 1 if grayscale else 3
    require(len(files) * channels * height * width * DATA_BYTES_PER_VALUE,
            Message("{count:,} images of {channels}x{height}x{width} would need {size} as numbers", count=len(files),
                    channels=channels, height=height, width=width),
            mark("use fewer images (limit_per_class) or a smaller size"), DataError)
    x = np.empty((len(files), channels, height, width))
    for i, (path, _) in enumerate(files):
        try:
            pixels = decode(path)
        except DataError:
            raise
        except Exception as exc:  # any decoder failure on a user's file is that file's problem, not a crash
            raise DataError(Message("{path}: cannot read this image ({problem})", path=path, problem=exc)) from None
        if pixels is None:
            raise DataError(Message("{path}: cannot read this image (broken or unsupported format)", path=path))
        if np.ndim(pixels) >= 2:
            check_pixels(path, np.shape(pixels)[1], np.shape(pixels)[0])
        x[i] = to_chw(pixels, height, width, grayscale, path)
    y = np.array([cid for _, cid in files], dtype=np.int64)
    x_tr, y_tr, x_va, y_va = split_spec(x, y, spec)
    return Dataset(x_tr, y_tr, x_va, y_va, "classification", name=folder.name, class_names=classes,
                   description=f"{len(files)} images from {folder.name}/ resized to {height}x{width}")
