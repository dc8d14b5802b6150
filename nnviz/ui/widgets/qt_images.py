"""Images through Qt: the decoder the app hands to image-folder loading, and arrays back to QImages.

The core (nnviz.data) never imports Qt; it takes a `decode(path) -> (H, W, C) uint8` callable, and
in the app that is `decode_image` here (QImageReader reads PNG, JPEG, BMP, GIF, PPM... without Pillow).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage, QImageReader

from nnviz.data.images import check_pixels

MAX_SIDE = 8192  # refuse absurd images (a hostile header can claim gigapixels)


def install_decoder() -> None:
    """Make Qt's decoder the default for image folders everywhere in this process (the app calls this)."""
    from nnviz.data.images import set_default_decoder

    set_default_decoder(decode_image)


def decode_image(path: Path | str) -> np.ndarray:
    """(H, W, 4) uint8 RGBA of an image file; ValueError with Qt's reason when it cannot be read."""
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > MAX_SIDE:
        raise ValueError(f"the image is {size.width()}x{size.height()} pixels; at most {MAX_SIDE} per side")
    if size.isValid():
        check_pixels(Path(path), size.width(), size.height())  # before decoding: a small file can claim gigapixels
    image = reader.read()
    if image.isNull():
        raise ValueError(reader.errorString() or "Qt cannot read this image")
    return qimage_to_array(image)


def qimage_to_array(image: QImage) -> np.ndarray:
    """Any QImage -> (H, W, 4) uint8 RGBA copy (rows may be padded in Qt's buffer; the stride handles it)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w, stride = rgba.height(), rgba.width(), rgba.bytesPerLine()
    buffer = np.frombuffer(rgba.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return buffer[:, : w * 4].reshape(h, w, 4).copy()


def array_to_qimage(pixels: np.ndarray) -> QImage:
    """(H, W) grey or (H, W, 3) RGB, float in [0, 1] or uint8 -> a QImage that owns its pixels."""
    a = np.asarray(pixels)
    if a.dtype != np.uint8:
        a = (np.clip(a, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    a = np.ascontiguousarray(a)
    h, w = a.shape[:2]
    if a.ndim == 2:
        image = QImage(a.data, w, h, w, QImage.Format.Format_Grayscale8)
    else:
        image = QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer, which may be freed
