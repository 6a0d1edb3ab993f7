"""Light colour and mood grading, applied to the set only: the product's pixels are never graded, so what
the merchant sells looks exactly as photographed."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from api.generation.imaging.arrays import FloatArray, f32
from api.generation.imaging.look import Grade

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def light_colour(warmth: float) -> FloatArray:
    """Multiplier per channel for light of a given warmth (-1 cool blue .. +1 warm amber)."""
    if warmth >= 0:
        return np.array([1 + 0.08 * warmth, 1 + 0.005 * warmth, 1 - 0.16 * warmth], dtype=np.float32)
    cool = -warmth
    return np.array([1 - 0.09 * cool, 1 - 0.01 * cool, 1 + 0.08 * cool], dtype=np.float32)


def apply_grade(image: FloatArray, grade: Grade) -> FloatArray:
    """Saturation, then highlight roll-off, contrast (an S-curve around mid-grey), brightness, warmth and faded
    blacks; values 0..255. Everything after saturation acts on each channel alone, so it is one lookup table
    per channel, applied with a single gather instead of a dozen passes over the image."""
    luma = image @ _LUMA
    saturated = luma[..., None] + (image - luma[..., None]) * grade.saturation
    levels = np.linspace(0, 1, _LUT_SIZE, dtype=np.float32)
    curve = _shoulder(levels.copy())
    if grade.contrast != 1.0:
        # A smooth S-curve keeps whites and blacks in range instead of clipping them like a linear stretch.
        centred = curve * 2 - 1
        curve = f32((np.sign(centred) * (1 - (1 - np.abs(centred)) ** grade.contrast) + 1) / 2)
    tables = curve[:, None] * grade.brightness * light_colour(0.6 * grade.warmth)
    if grade.fade:
        tables = grade.fade + tables * (1 - grade.fade)
    tables = f32(np.clip(tables, 0, 1) * 255)  # (levels, channel)
    index = np.clip(saturated * ((_LUT_SIZE - 1) / 255.0) + 0.5, 0, _LUT_SIZE - 1).astype(np.intp)
    return f32(tables[index, np.arange(3)])


_LUT_SIZE = 4096  # fine enough that the table's steps stay far below one 8-bit level


def _shoulder(values: FloatArray, knee: float = 0.82) -> FloatArray:
    """Roll highlights off smoothly above `knee` instead of clipping them (a window patch on a white wall keeps
    its shape rather than burning out)."""
    over = values > knee
    excess = values[over] - knee
    values[over] = knee + (1 - knee) * (1 - np.exp(-excess / (1 - knee)))
    return values


def vignette(image: FloatArray, strength: float) -> FloatArray:
    """Darken towards the corners, more for moodier grades."""
    if strength <= 0:
        return image
    height, width = image.shape[:2]
    y = (np.arange(height, dtype=np.float32)[:, None] / height - 0.5) * 2
    x = (np.arange(width, dtype=np.float32)[None, :] / width - 0.5) * 2
    falloff = 1 - strength * np.clip((x * x + y * y) / 2, 0, 1) ** 1.4
    return f32(image * falloff[..., None])


_BAYER = (np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.float32) + 0.5) / 16 - 0.5


def to_uint8(image: FloatArray) -> NDArray[np.uint8]:
    """Quantise with an ordered dither: smooth gradients stay free of bands and still compress well as PNG
    (random noise would double the file size)."""
    height, width = image.shape[:2]
    pattern = np.tile(_BAYER, (height // 4 + 1, width // 4 + 1))[:height, :width, None]
    return np.clip(image + pattern + 0.5, 0, 255).astype(np.uint8)
