"""The SPA's live preview mirrors the server's adjustments from their published description: an independent
implementation of `ADJUSTMENTS` (plain per-pixel loops, as a canvas would do them) must match the server's output
within 2/255 mean absolute error, for every step alone and all together."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import numpy as np
import pytest
from PIL import Image

from api.assets import editor

SPEC: dict[str, Any] = json.loads(json.dumps(editor.ADJUSTMENTS))  # exactly what GET /assets/edit-options serves


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def preview(pixels: list[list[tuple[int, int, int]]], values: dict[str, float]) -> list[list[tuple[int, int, int]]]:
    """What a canvas implementation following the description computes."""
    steps = SPEC["steps"]
    height, width = len(pixels), len(pixels[0])
    image = [[[c / 255 for c in pixel] for pixel in row] for row in pixels]
    for step in SPEC["order"]:
        amount = values.get(step, 0.0)
        if amount == 0 or step == "sharpness":
            continue
        for row in image:
            for px in row:
                if step == "exposure":
                    px[:] = [clamp(v * 2**amount) for v in px]
                elif step == "brightness":
                    px[:] = [clamp(v + amount) for v in px]
                elif step == "contrast":
                    px[:] = [clamp((v - 0.5) * (1 + amount) + 0.5) for v in px]
                elif step == "saturation":
                    wr, wg, wb = steps["saturation"]["luma"]
                    luma = wr * px[0] + wg * px[1] + wb * px[2]
                    px[:] = [clamp(luma + (v - luma) * (1 + amount)) for v in px]
                elif step == "warmth":
                    gain = steps["warmth"]["gain"]
                    px[0] = clamp(px[0] * (1 + gain * amount))
                    px[2] = clamp(px[2] * (1 - gain * amount))
    amount = values.get("sharpness", 0.0)
    if amount:
        kernel, divisor = steps["sharpness"]["kernel"], steps["sharpness"]["kernel_divisor"]
        sharpened = []
        for y in range(height):
            row = []
            for x in range(width):
                out = []
                for c in range(3):
                    blur = 0.0
                    for dy in (-1, 0, 1):
                        for dx in (-1, 0, 1):
                            yy, xx = min(height - 1, max(0, y + dy)), min(width - 1, max(0, x + dx))
                            blur += kernel[dy + 1][dx + 1] * image[yy][xx][c]
                    v = image[y][x][c]
                    out.append(clamp(v + amount * (v - blur / divisor)))
                row.append(out)
            sharpened.append(row)
        image = sharpened
    return [[tuple(math.floor(v * 255 + 0.5) for v in px) for px in row] for row in image]  # type: ignore[misc]


def _sample(seed: int, size: int = 24) -> Image.Image:
    rng = random.Random(seed)
    array = np.array([[[rng.randrange(256) for _ in range(3)] for _ in range(size)] for _ in range(size)], np.uint8)
    # Half noise, half smooth gradient: both the flat-area and the edge behaviour of each step are exercised.
    ramp = np.linspace(0, 255, size, dtype=np.float32)
    array[size // 2 :] = np.stack([np.tile(ramp, (size - size // 2, 1))] * 3, axis=2).astype(np.uint8)
    return Image.fromarray(array, "RGB")


CASES = [
    {"exposure": 1.0},
    {"exposure": -2.5},
    {"brightness": 0.3},
    {"brightness": -0.6},
    {"contrast": 0.8},
    {"contrast": -0.5},
    {"saturation": 1.0},
    {"saturation": -1.0},
    {"warmth": 1.0},
    {"warmth": -0.7},
    {"sharpness": 2.0},
    {"exposure": 0.4, "brightness": -0.1, "contrast": 0.3, "saturation": 0.5, "warmth": 0.4, "sharpness": 1.0},
]


@pytest.mark.parametrize("values", CASES, ids=lambda values: ",".join(values))
def test_the_documented_formulas_reproduce_the_server_output(values: dict[str, float]) -> None:
    image = _sample(len(values) * 7 + int(sum(values.values()) * 10))
    server = np.asarray(editor.adjust(image, editor.Adjustments(**values)), dtype=np.float32)
    mirrored = np.asarray(preview(np.asarray(image).tolist(), values), dtype=np.float32)
    mean_abs_error = float(np.abs(server - mirrored).mean())
    assert mean_abs_error <= 2.0, f"mean absolute error {mean_abs_error:.3f}/255"
    assert float(np.abs(server - mirrored).max()) <= 2.0


def test_the_description_is_complete() -> None:
    assert SPEC["order"] == list(editor.ORDER)
    for name, (low, high) in editor.RANGES.items():
        assert SPEC["steps"][name]["range"] == [low, high]
        assert SPEC["steps"][name]["default"] == 0
        assert SPEC["steps"][name]["formula"]
