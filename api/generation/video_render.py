"""The `local` provider's clips: a camera moving over the layered still, encoded as H.264 with PyAV.

The still comes in two layers (api/generation/providers/local.py `compose_layers`): the graded set, and the
product on a card of its own together with its contact shadow. Each frame the camera (zoom and position, eased in
and out) crops the set, and the card moves a little more or less than the set, anchored where the product
stands: nearer things move more, so the product stays on its spot on the floor while the room slides behind it.
A still with no layers to separate (an image asset made elsewhere) moves as one plane.

Speed: the layers are converted to yuv420p planes once, so each frame is three separable resizes of the set
(Pillow, in C), a blend of the card's region (numpy, integer maths) and the encoder's own work; no per-frame
colour conversion. The preview clip is the same frames scaled down by FFmpeg's scaler and encoded beside the clip.

Deterministic: the motion depends on the options and the seed (which way a pan or orbit goes), nothing else.
Only the worker imports this module.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from api.generation.providers.local import SceneLayers
from api.generation.video import VideoOptions
from api.generation.video_media import (
    PIXEL_FORMAT,
    PREVIEW_CRF,
    StoredClip,
    clip_writer,
    encode_webp,
    finished,
    preview_size,
    yuv_frame,
)

Plane = NDArray[np.uint8]
PAD = 4  # transparent border around the card, so a sub-pixel source box never reaches outside it
BLACK_Y, NEUTRAL_C = 16, 128  # limited-range black and neutral chroma


@dataclass(frozen=True)
class Planes:
    """An image as yuv420p planes (Y full size, U and V half size), as PIL "L" images for fast resizing."""

    y: Image.Image
    u: Image.Image
    v: Image.Image

    @classmethod
    def of(cls, image: Image.Image) -> Planes:
        # FFmpeg's own RGB -> yuv420p conversion, so the colours are exactly what encoding the RGB would give.
        frame = av.VideoFrame.from_image(image.convert("RGB")).reformat(format=PIXEL_FORMAT)  # type: ignore[no-untyped-call]
        stacked = frame.to_ndarray()
        height, width = image.height, image.width
        y = stacked[:height]
        chroma = stacked[height:].reshape(2, height // 2, width // 2)
        return cls(Image.fromarray(y), Image.fromarray(chroma[0]), Image.fromarray(chroma[1]))


@dataclass(frozen=True)
class Card:
    """The product and its shadow, padded, in layer pixels: planes, coverage `alpha` and shadow `shade` (0..255)
    at full and half size, and where the card's top-left corner sits on the set."""

    planes: Planes
    alpha: Image.Image
    alpha_half: Image.Image
    shade: Image.Image
    shade_half: Image.Image
    left: float
    top: float
    contact: tuple[float, float]  # where the product stands (bottom centre), in layer pixels
    focus: tuple[float, float]  # the product's centre, in layer pixels


@dataclass(frozen=True)
class Layers:
    width: int
    height: int
    set_planes: Planes
    card: Card | None


def _even_size(width: int, height: int) -> tuple[int, int]:
    return width + width % 2, height + height % 2


def layers_from_scene(scene: SceneLayers, width: int, height: int) -> Layers:
    """The composed still's two layers at the clip's size (the composition has the clip's aspect ratio)."""
    composition = scene.composition
    scale_x, scale_y = width / composition.width, height / composition.height
    background = scene.set_image.resize((width, height), Image.Resampling.BICUBIC)
    left, top, product_w, product_h = composition.product_box
    box = (left * scale_x, top * scale_y, product_w * scale_x, product_h * scale_y)
    # The card covers the product and the part of its shadow that is dark enough to matter.
    shadow = scene.product_shadow
    x0, y0, x1, y1 = box[0], box[1], box[0] + box[2], box[1] + box[3]
    shade_full: NDArray[np.float32] | None = None
    if shadow is not None and float(shadow.max()) > 0:
        shade_full = np.asarray(
            Image.fromarray(np.clip(shadow * 255 + 0.5, 0, 255).astype(np.uint8)).resize(
                (width, height), Image.Resampling.BILINEAR
            ),
            dtype=np.float32,
        )
        rows = np.flatnonzero(shade_full.max(axis=1) > 2)
        columns = np.flatnonzero(shade_full.max(axis=0) > 2)
        if rows.size and columns.size:
            x0, y0 = min(x0, float(columns[0])), min(y0, float(rows[0]))
            x1, y1 = max(x1, float(columns[-1] + 1)), max(y1, float(rows[-1] + 1))
    card_left, card_top = math.floor(x0) - PAD, math.floor(y0) - PAD
    card_w, card_h = _even_size(math.ceil(x1) + PAD - card_left, math.ceil(y1) + PAD - card_top)
    rgba = Image.new("RGBA", (card_w, card_h), (0, 0, 0, 0))
    product = scene.product.resize((max(1, round(box[2])), max(1, round(box[3]))), Image.Resampling.LANCZOS)
    rgba.paste(product, (round(box[0]) - card_left, round(box[1]) - card_top))
    shade = Image.new("L", (card_w, card_h), 0)
    if shade_full is not None:
        # The shadow's pixels under the card, cut from the frame-sized map (outside the frame: no shadow).
        region = np.zeros((card_h, card_w), dtype=np.uint8)
        sx0, sy0 = max(0, card_left), max(0, card_top)
        sx1, sy1 = min(width, card_left + card_w), min(height, card_top + card_h)
        if sx1 > sx0 and sy1 > sy0:
            region[sy0 - card_top : sy1 - card_top, sx0 - card_left : sx1 - card_left] = np.clip(
                shade_full[sy0:sy1, sx0:sx1] + 0.5, 0, 255
            ).astype(np.uint8)
        shade = Image.fromarray(region)
    alpha = rgba.getchannel("A")
    card = Card(
        planes=Planes.of(rgba),
        alpha=alpha,
        alpha_half=alpha.resize((card_w // 2, card_h // 2), Image.Resampling.BOX),
        shade=shade,
        shade_half=shade.resize((card_w // 2, card_h // 2), Image.Resampling.BOX),
        left=float(card_left),
        top=float(card_top),
        contact=(box[0] + box[2] / 2, box[1] + box[3]),
        focus=(box[0] + box[2] / 2, box[1] + box[3] / 2),
    )
    return Layers(width, height, Planes.of(background), card)


def layers_from_still(still: bytes, width: int, height: int) -> Layers:
    """One layer: the still cropped to the clip's aspect ratio (centred) at the clip's size."""
    with Image.open(io.BytesIO(still)) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    fitted = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    return Layers(width, height, Planes.of(fitted), None)


# --- the camera ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    """One frame's camera: zoom (>= 1) and the layer point at the frame's centre; and the card's motion relative
    to the set, about the point the product stands on: a scale and a horizontal shift (layer pixels)."""

    zoom: float
    centre_x: float
    centre_y: float
    card_scale: float = 1.0
    card_shift: float = 0.0


def ease(t: float) -> float:
    """Slow in, slow out (half a cosine): no jolt at the start or the end of the move."""
    return 0.5 - 0.5 * math.cos(math.pi * min(1.0, max(0.0, t)))


def shots(layers: Layers, options: VideoOptions, seed: int) -> list[Shot]:
    width, height = layers.width, layers.height
    frames = options.frame_count
    cx, cy = width / 2, height / 2
    fx, fy = layers.card.focus if layers.card is not None else (cx, cy)
    direction = 1.0 if seed % 2 == 0 else -1.0  # which way a pan or an orbit goes
    result = []
    for index in range(frames):
        e = ease(index / (frames - 1)) if frames > 1 else 0.0
        motion = options.camera_motion
        if motion == "static":
            shot = Shot(1.0, cx, cy)
        elif motion in ("push_in", "pull_out"):
            p = e if motion == "push_in" else 1.0 - e
            # Closer to the product: the frame's centre drifts towards it as the camera moves in.
            shot = Shot(1.0 + 0.12 * p, cx + (fx - cx) * 0.6 * p, cy + (fy - cy) * 0.6 * p, 1.0 + 0.05 * p)
        elif motion == "pan":
            zoom = 1.1
            room = 0.85 * (width / 2) * (1 - 1 / zoom)
            offset = direction * room * (2 * e - 1)
            # A sideways move: the product, nearer than the wall, crosses the frame a little faster.
            shot = Shot(zoom, cx + offset, cy + (fy - cy) * 0.3, 1.0, -0.3 * offset)
        else:  # parallax: around the product, which holds its place while the room turns behind it
            zoom = 1.08 + 0.02 * e
            room = 0.85 * (width / 2) * (1 - 1 / zoom)
            offset = direction * room * (1 - 2 * e)
            shot = Shot(zoom, cx + offset, cy + (fy - cy) * 0.3, 1.0 + 0.03 * e, 0.9 * offset)
        result.append(shot)
    return result


def _set_box(shot: Shot, width: int, height: int) -> tuple[float, float, float, float]:
    """The part of the set the frame shows (left, top, right, bottom), kept inside the set."""
    box_w, box_h = width / shot.zoom, height / shot.zoom
    left = min(max(0.0, shot.centre_x - box_w / 2), width - box_w)
    top = min(max(0.0, shot.centre_y - box_h / 2), height - box_h)
    return left, top, left + box_w, top + box_h


def _blend(base: Plane, colour: Plane, alpha: Plane, shade: Plane, neutral: int) -> None:
    """In place: darken `base` towards `neutral` by `shade`, then lay `colour` over it by `alpha` (0..255)."""
    shaded = base.astype(np.int32)
    if shade.any():
        shaded = neutral + ((shaded - neutral) * (255 - shade.astype(np.int32)) + 127) // 255
    a = alpha.astype(np.int32)
    base[...] = ((shaded * (255 - a) + colour.astype(np.int32) * a + 127) // 255).astype(np.uint8)


def _place_card(
    layers: Layers, card: Card, shot: Shot, box: tuple[float, float, float, float], planes: list[Plane]
) -> None:
    """Draw the card into the frame's planes where this shot puts it."""
    scale = shot.zoom * shot.card_scale
    kx, ky = card.contact
    # The card's top-left corner in layer pixels after its own motion, then in frame pixels.
    left = kx + (card.left - kx) * shot.card_scale + shot.card_shift
    top = ky + (card.top - ky) * shot.card_scale
    frame_left, frame_top = (left - box[0]) * shot.zoom, (top - box[1]) * shot.zoom
    card_w, card_h = card.alpha.size
    # An even-aligned target rectangle, so the half-size planes line up with the full-size one.
    x0 = max(0, 2 * math.floor(frame_left / 2))
    y0 = max(0, 2 * math.floor(frame_top / 2))
    x1 = min(layers.width, 2 * math.ceil((frame_left + card_w * scale) / 2))
    y1 = min(layers.height, 2 * math.ceil((frame_top + card_h * scale) / 2))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    source = (
        (x0 - frame_left) / scale,
        (y0 - frame_top) / scale,
        (x1 - frame_left) / scale,
        (y1 - frame_top) / scale,
    )
    source = (
        max(0.0, source[0]),
        max(0.0, source[1]),
        min(float(card_w), source[2]),
        min(float(card_h), source[3]),
    )
    if source[2] <= source[0] or source[3] <= source[1]:
        return
    half = (source[0] / 2, source[1] / 2, source[2] / 2, source[3] / 2)
    size, size_half = (x1 - x0, y1 - y0), ((x1 - x0) // 2, (y1 - y0) // 2)
    resample = Image.Resampling.BILINEAR

    def cut(image: Image.Image, full: bool) -> Plane:
        return np.asarray(
            image.resize(size if full else size_half, resample, box=source if full else half), dtype=np.uint8
        )

    alpha, shade = cut(card.alpha, True), cut(card.shade, True)
    _blend(planes[0][y0:y1, x0:x1], cut(card.planes.y, True), alpha, shade, BLACK_Y)
    alpha_half, shade_half = cut(card.alpha_half, False), cut(card.shade_half, False)
    for plane, colour in ((planes[1], card.planes.u), (planes[2], card.planes.v)):
        _blend(plane[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2], cut(colour, False), alpha_half, shade_half, NEUTRAL_C)


def render_frame(layers: Layers, shot: Shot) -> Plane:
    """One frame as stacked yuv420p planes (height * 3 / 2, width)."""
    width, height = layers.width, layers.height
    box = _set_box(shot, width, height)
    half_box = (box[0] / 2, box[1] / 2, box[2] / 2, box[3] / 2)
    resample = Image.Resampling.BILINEAR
    out = np.empty((height * 3 // 2, width), dtype=np.uint8)
    out[:height] = np.asarray(layers.set_planes.y.resize((width, height), resample, box=box))
    chroma = out[height:].reshape(2, height // 2, width // 2)
    chroma[0] = np.asarray(layers.set_planes.u.resize((width // 2, height // 2), resample, box=half_box))
    chroma[1] = np.asarray(layers.set_planes.v.resize((width // 2, height // 2), resample, box=half_box))
    if layers.card is not None:
        _place_card(layers, layers.card, shot, box, [out[:height], chroma[0], chroma[1]])
    return out


def frames(layers: Layers, options: VideoOptions, seed: int) -> Iterator[Plane]:
    previous: Shot | None = None
    frame: Plane | None = None
    for shot in shots(layers, options, seed):
        if shot != previous or frame is None:  # a camera that holds still draws its frame once
            frame = render_frame(layers, shot)
            previous = shot
        yield frame


def render_clip(layers: Layers, options: VideoOptions, seed: int) -> StoredClip:
    """The clip, its preview and its poster (the first frame)."""
    width, height = layers.width, layers.height
    preview_w, preview_h = preview_size(width, height)
    poster: bytes | None = None
    with (
        clip_writer(width, height, options.fps) as clip,
        clip_writer(preview_w, preview_h, options.fps, crf=PREVIEW_CRF) as preview,
    ):
        for planes in frames(layers, options, seed):
            frame = yuv_frame(planes)
            if poster is None:
                poster = encode_webp(frame.to_image())  # type: ignore[no-untyped-call]
            clip.write(frame)
            preview.write(frame.reformat(width=preview_w, height=preview_h))
        assert poster is not None
        return finished(clip.finish(), preview.finish(), poster)
