"""The instant editor: crop, rotate, flip, resize and adjustments, done on the server with Pillow and numpy.

Every operation takes the source image and returns a new one; the source (and its stored bytes) is never
changed, and the caller stores the result as a new asset whose parent is the source (a revision).

Adjustments are plain per-pixel arithmetic, documented exactly so the SPA's canvas preview can compute the same
thing (`ADJUSTMENTS` is the same description as data, served by `GET /assets/edit-options`):

- Values are the stored sRGB bytes scaled to 0..1, ``v = byte / 255``, per channel R, G, B. No linearisation,
  no colour management. Alpha is never touched.
- The steps run in this fixed order, each one clamping its result to 0..1 (``clamp(x) = min(1, max(0, x))``);
  a step whose value is its default (0) is skipped, which is the same as applying it:

  1. exposure ``e`` (stops, -3..3):       ``v = clamp(v * 2^e)``
  2. brightness ``b`` (-1..1):            ``v = clamp(v + b)``
  3. contrast ``c`` (-1..1):              ``v = clamp((v - 0.5) * (1 + c) + 0.5)``
  4. saturation ``s`` (-1..1):            ``L = 0.2126 R + 0.7152 G + 0.0722 B`` (Rec. 709 weights on the
                                          values above), then ``v = clamp(L + (v - L) * (1 + s))``; -1 is grey
  5. warmth ``w`` (-1..1):                ``R = clamp(R * (1 + 0.2 w))``, ``B = clamp(B * (1 - 0.2 w))``, G as is
  6. sharpness ``k`` (0..2), an unsharp mask on the result of steps 1-5:
                                          ``blur`` = the 3x3 kernel [1 2 1; 2 4 2; 1 2 1] / 16 per channel, with
                                          edge pixels repeated beyond the border; ``v = clamp(v + k * (v - blur))``

- Output bytes: ``byte = floor(v * 255 + 0.5)``. A canvas that rounds halves to even differs by at most 1/255.

Everything here is CPU-bound: callers run it in a thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from math import gcd
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from api.generation.providers.base import ASPECT_RATIOS

FloatImage = NDArray[np.float32]

# The smallest side an edit may leave, and the ranges the adjustments accept (beyond them is refused, 422).
MIN_SIDE: Final = 8
LUMA: Final = (0.2126, 0.7152, 0.0722)
WARMTH_GAIN: Final = 0.2
RANGES: Final[dict[str, tuple[float, float]]] = {
    "exposure": (-3.0, 3.0),
    "brightness": (-1.0, 1.0),
    "contrast": (-1.0, 1.0),
    "saturation": (-1.0, 1.0),
    "warmth": (-1.0, 1.0),
    "sharpness": (0.0, 2.0),
}
ORDER: Final = ("exposure", "brightness", "contrast", "saturation", "warmth", "sharpness")

# The same formulas as data, for the SPA to mirror (and for a test to re-implement independently).
ADJUSTMENTS: Final[dict[str, Any]] = {
    "version": 1,
    "space": "sRGB bytes scaled to 0..1 (v = byte / 255), per channel R, G, B; no linearisation; alpha unchanged",
    "order": list(ORDER),
    "clamp": "after every step, to 0..1",
    "output": "byte = floor(v * 255 + 0.5)",
    "steps": {
        "exposure": {"range": list(RANGES["exposure"]), "default": 0, "unit": "stops", "formula": "v = v * 2^e"},
        "brightness": {"range": list(RANGES["brightness"]), "default": 0, "formula": "v = v + b"},
        "contrast": {"range": list(RANGES["contrast"]), "default": 0, "formula": "v = (v - 0.5) * (1 + c) + 0.5"},
        "saturation": {
            "range": list(RANGES["saturation"]),
            "default": 0,
            "formula": "L = 0.2126 R + 0.7152 G + 0.0722 B; v = L + (v - L) * (1 + s)",
            "luma": list(LUMA),
        },
        "warmth": {
            "range": list(RANGES["warmth"]),
            "default": 0,
            "formula": "R = R * (1 + 0.2 w); B = B * (1 - 0.2 w); G unchanged",
            "gain": WARMTH_GAIN,
        },
        "sharpness": {
            "range": list(RANGES["sharpness"]),
            "default": 0,
            "formula": "v = v + k * (v - blur), blur = 3x3 kernel [[1,2,1],[2,4,2],[1,2,1]] / 16, edges repeated",
            "kernel": [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
            "kernel_divisor": 16,
        },
    },
}

Direction = Literal["horizontal", "vertical"]
Box = tuple[int, int, int, int]  # left, top, width, height


class EditRefused(ValueError):
    """The edit cannot be done on this image (a crop outside it, a resize above its size): `field` says which
    parameter, the message says why (answered 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Adjustments:
    exposure: float = 0.0
    brightness: float = 0.0
    contrast: float = 0.0
    saturation: float = 0.0
    warmth: float = 0.0
    sharpness: float = 0.0

    @property
    def is_identity(self) -> bool:
        return all(getattr(self, name) == 0 for name in ORDER)


# --- geometry -------------------------------------------------------------------------------------------------


def aspect_box(width: int, height: int, aspect: str) -> Box:
    """The largest box of `aspect` ("4:5") inside the image, centred."""
    if aspect not in ASPECT_RATIOS:
        raise EditRefused("params.aspect", f"Aspect {aspect!r} is not one of {', '.join(ASPECT_RATIOS)}.")
    aw, ah = (int(part) for part in aspect.split(":"))
    box_w, box_h = width, round(width * ah / aw)
    if box_h > height:
        box_w, box_h = round(height * aw / ah), height
    return (width - box_w) // 2, (height - box_h) // 2, box_w, box_h


def check_box(width: int, height: int, box: Box) -> None:
    left, top, box_w, box_h = box
    if box_w < MIN_SIDE or box_h < MIN_SIDE:
        raise EditRefused("params.width", f"The crop must be at least {MIN_SIDE} x {MIN_SIDE} pixels.")
    if left < 0 or top < 0 or left + box_w > width or top + box_h > height:
        raise EditRefused(
            "params",
            f"The crop box ({left}, {top}, {box_w} x {box_h}) reaches outside the {width} x {height} image.",
        )


def crop(image: Image.Image, box: Box) -> Image.Image:
    check_box(image.width, image.height, box)
    left, top, box_w, box_h = box
    return image.crop((left, top, left + box_w, top + box_h))


def rotate(image: Image.Image, degrees: int) -> Image.Image:
    """Clockwise by 90, 180 or 270 degrees (lossless)."""
    steps = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    if degrees not in steps:
        raise EditRefused("params.degrees", "Rotate by 90, 180 or 270 degrees (clockwise).")
    return image.transpose(steps[degrees])


def flip(image: Image.Image, direction: Direction) -> Image.Image:
    if direction == "horizontal":
        return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def resize_size(width: int, height: int, target_w: int | None, target_h: int | None) -> tuple[int, int]:
    """The size a resize gives: one side given keeps the aspect; both given fit inside that box (aspect kept).
    Free resizes only shrink: making an image larger is the paid `upscale`."""
    if target_w is None and target_h is None:
        raise EditRefused("params.width", "Give a width, a height, or both.")
    scale = min(
        target_w / width if target_w is not None else float("inf"),
        target_h / height if target_h is not None else float("inf"),
    )
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    if scale > 1:
        raise EditRefused(
            "params.width", f"The image is {width} x {height}; resizing only makes it smaller (use upscale)."
        )
    if min(new_w, new_h) < MIN_SIDE:
        raise EditRefused("params.width", f"The result would be smaller than {MIN_SIDE} pixels on a side.")
    return new_w, new_h


def resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return image.resize(size, Image.Resampling.LANCZOS)


# --- adjustments ----------------------------------------------------------------------------------------------


def _clamp(values: FloatImage) -> FloatImage:
    return np.clip(values, 0.0, 1.0, out=values)


def blur3(values: FloatImage) -> FloatImage:
    """The [1 2 1] x [1 2 1] / 16 kernel per channel, edge pixels repeated (`ADJUSTMENTS`, sharpness)."""
    padded = np.pad(values, ((1, 1), (1, 1), (0, 0)), mode="edge")
    rows = padded[:-2] + 2 * padded[1:-1] + padded[2:]
    result: FloatImage = (rows[:, :-2] + 2 * rows[:, 1:-1] + rows[:, 2:]) / np.float32(16)
    return result


def adjust_rgb(rgb: FloatImage, adjustments: Adjustments) -> FloatImage:
    """The formulas of the module docstring on an (h, w, 3) float32 array in 0..1; returns a new array."""
    v = rgb.astype(np.float32, copy=True)
    a = adjustments
    if a.exposure:
        v = _clamp(v * np.float32(2.0**a.exposure))
    if a.brightness:
        v = _clamp(v + np.float32(a.brightness))
    if a.contrast:
        v = _clamp((v - np.float32(0.5)) * np.float32(1 + a.contrast) + np.float32(0.5))
    if a.saturation:
        luma = (v[..., 0] * LUMA[0] + v[..., 1] * LUMA[1] + v[..., 2] * LUMA[2])[..., None]
        v = _clamp(luma + (v - luma) * np.float32(1 + a.saturation))
    if a.warmth:
        v[..., 0] *= np.float32(1 + WARMTH_GAIN * a.warmth)
        v[..., 2] *= np.float32(1 - WARMTH_GAIN * a.warmth)
        v = _clamp(v)
    if a.sharpness:
        v = _clamp(v + np.float32(a.sharpness) * (v - blur3(v)))
    return v


def to_bytes(values: FloatImage) -> NDArray[np.uint8]:
    result: NDArray[np.uint8] = np.floor(values * 255 + 0.5).astype(np.uint8)
    return result


def adjust(image: Image.Image, adjustments: Adjustments) -> Image.Image:
    """Apply the adjustments to an RGB or RGBA image (alpha kept as it is)."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    source = image.convert("RGBA" if has_alpha else "RGB")
    pixels = np.asarray(source)
    rgb = pixels[..., :3].astype(np.float32) / np.float32(255)
    out = to_bytes(adjust_rgb(rgb, adjustments))
    if has_alpha:
        out = np.concatenate([out, pixels[..., 3:4]], axis=2)
    return Image.fromarray(out, "RGBA" if has_alpha else "RGB")


# --- reading and writing ----------------------------------------------------------------------------------------


def open_image(data: bytes) -> Image.Image:
    """The stored image, decoded, EXIF orientation applied (stored assets have none, but uploads might)."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        image = ImageOps.exif_transpose(opened)
    if image.mode not in {"RGB", "RGBA"}:
        has_alpha = image.mode in {"LA", "PA"} or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    return image


@dataclass(frozen=True)
class Encoded:
    original: bytes
    preview: bytes
    content_type: str
    extension: str
    width: int
    height: int


def encode(image: Image.Image, source_content_type: str, preview_side: int) -> Encoded:
    """The result stored the way its source was (PNG stays PNG; JPEG stays JPEG unless it gained transparency),
    plus the WebP preview every asset has."""
    out = io.BytesIO()
    if source_content_type == "image/jpeg" and image.mode == "RGB":
        image.save(out, "JPEG", quality=92)
        content_type, extension = "image/jpeg", "jpg"
    elif source_content_type == "image/webp":
        image.save(out, "WEBP", quality=90, method=4)
        content_type, extension = "image/webp", "webp"
    else:
        image.save(out, "PNG", compress_level=3)
        content_type, extension = "image/png", "png"
    preview_image = image.copy()
    preview_image.thumbnail((preview_side, preview_side), Image.Resampling.LANCZOS)
    preview = io.BytesIO()
    preview_image.save(preview, "WEBP", quality=82, method=4)
    return Encoded(out.getvalue(), preview.getvalue(), content_type, extension, image.width, image.height)


def aspect_label(width: int, height: int) -> str:
    """The aspect ratio an edited image has: a named one when within 1%, else the reduced fraction."""
    for ratio in ASPECT_RATIOS:
        aw, ah = (int(part) for part in ratio.split(":"))
        if abs(width / height - aw / ah) <= 0.01 * aw / ah:
            return ratio
    divisor = gcd(width, height)
    label = f"{width // divisor}:{height // divisor}"
    return label if len(label) <= 10 else f"{width / height:.3f}:1"


def quality_label(width: int, height: int) -> str:
    long_side = max(width, height)
    return "1k" if long_side <= 1024 else "2k" if long_side <= 2048 else "4k"
