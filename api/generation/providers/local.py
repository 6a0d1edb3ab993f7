"""The built-in `local` provider: no key, no network, deterministic. It cuts the product out of its photo,
builds a set from the scene settings (backdrop, light, palette, props, camera height), lays contact and cast
shadows, grades the set for the mood, and puts the product on top untouched.

What it cannot draw it leaves out rather than fake: no people (`human_interaction`), and a reference image only
lends its colours when no palette is set. Light-coloured products on a backdrop of nearly their own colour lose
the parts that match it (there is no edge to find); studio shots of anything else cut out cleanly.

The set is rendered at most `RENDER_LONG_SIDE` px long and upscaled for larger outputs: it is soft by nature
(out of focus behind a sharp product), and this keeps a 4k image within a couple of seconds on a slow core.
The product is always scaled once, from the original photo straight to its output size.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from api.generation.imaging import backdrop, grading, props, shadows
from api.generation.imaging.arrays import FloatArray, f32
from api.generation.imaging.colors import RGB
from api.generation.imaging.cutout import cut_out, estimate_coverage
from api.generation.imaging.look import Prop, SceneLook, scene_look
from api.generation.providers import local_edits
from api.generation.providers.base import (
    ASPECT_RATIOS,
    EDIT_OPERATIONS,
    QUALITIES,
    EditRequest,
    GeneratedImage,
    ImageRequest,
    ProviderCapabilities,
    output_size,
    validate,
)

MODEL = "epox-local-1"
RENDER_LONG_SIDE = 1600
PNG_COMPRESS_LEVEL = 3  # level 6 is three times slower for a 1-2% smaller file


Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class PlacedProp:
    kind: Prop
    box: Box  # left, top, width, height in output pixels


@dataclass(frozen=True)
class LocalComposition:
    """Where things went, for tests and logs: the product's box in the output (left, top, width, height), the
    part of the source photo it came from (left, top, right, bottom), and the scale between the two."""

    width: int
    height: int
    product_box: Box
    source_box: Box
    scale: float
    look: SceneLook
    stage: backdrop.Stage  # in render pixels
    render_scale: float  # render pixels per output pixel
    props: tuple[PlacedProp, ...]


class LocalImageProvider:
    name = "local"
    capabilities = ProviderCapabilities(
        aspect_ratios=frozenset(ASPECT_RATIOS),
        qualities=frozenset(QUALITIES),
        max_product_images=4,  # the first is used; the others are accepted so a flow can always pass them
        max_reference_images=4,
        deterministic=True,
        supports_edits=True,
        edit_operations=frozenset(EDIT_OPERATIONS),
    )

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        validate(request, self.capabilities)
        started = time.perf_counter()
        png, width, height = await asyncio.to_thread(render_png, request)
        return GeneratedImage(
            png=png,
            width=width,
            height=height,
            model=MODEL,
            units=1.0,
            cost_micros=0,
            duration_ms=round((time.perf_counter() - started) * 1000),
        )

    async def edit(self, request: EditRequest) -> GeneratedImage:
        """Upscale, background removal and the instruction edits it can really do (providers/local_edits.py)."""
        return await local_edits.edit(request)


def render_png(request: ImageRequest) -> tuple[bytes, int, int]:
    image, composition = compose(request)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue(), composition.width, composition.height


def rng_for(request: ImageRequest) -> np.random.Generator:
    """Every random choice comes from the seed and the variant: same request, same bytes; another variant,
    another layout."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([request.seed, request.variant])))


def compose(request: ImageRequest) -> tuple[Image.Image, LocalComposition]:
    """The finished image (RGB, exactly `output_size`) and where everything was placed."""
    layers = compose_layers(request, product_shadow_in_set=True)
    image = layers.set_image
    # The product last, scaled once from the original photo, over the graded set: its pixels are the photo's.
    left, top, _, _ = layers.composition.product_box
    image.paste(layers.product, (left, top), layers.product)
    return image, layers.composition


@dataclass(frozen=True)
class SceneLayers:
    """The still in two layers, for the video renderer to move apart: the graded set (exactly `output_size`),
    the product scaled to its box (RGBA), and, when the product's own shadow was kept out of the set, that
    shadow as a darkness map in set pixels (0..1, how much light it takes away), so it can travel with the
    product."""

    set_image: Image.Image
    product: Image.Image
    product_shadow: FloatArray | None
    composition: LocalComposition


def compose_layers(request: ImageRequest, *, product_shadow_in_set: bool) -> SceneLayers:
    rng = rng_for(request)
    with Image.open(io.BytesIO(request.product_images[0])) as opened:
        photo = ImageOps.exif_transpose(opened)
        photo.load()
    cutout, mask = cut_out(photo, _coverage(request.product_images[0], photo))
    source_box = _bounding_box(mask) or (0, 0, photo.width, photo.height)

    look = scene_look(request.scene, request.scene_type, rng)
    if request.reference_images and not request.values("color_palette"):
        look = _borrow_colours(look, request.reference_images[0])
    width, height = output_size(request.aspect_ratio, request.quality)
    render_scale = min(1.0, RENDER_LONG_SIDE / max(width, height))
    render_w, render_h = round(width * render_scale), round(height * render_scale)

    product_box, contact_y = _place_product(look, source_box, width, height, rng)
    stage = _stage(look, product_box, contact_y, width, height, render_scale)
    placed = _place_props(look, product_box, contact_y, stage, width, height, render_scale, rng)

    # The set in render pixels: colours under the light, shadows, props (lit the same way), then the mood.
    light = backdrop.light_map(look, stage, rng)
    tint = grading.light_colour(look.light_warmth)
    scene = backdrop.albedo(look, stage, rng) * light[..., None] * tint
    sprites = []
    for prop in placed:
        left, top, _, prop_h = (round(v * render_scale) for v in prop.box)
        sprite = props.draw_prop(prop.kind, prop_h, look.accents, look.light_side, rng, top=look.camera == "top")
        sprites.append((sprite, left, top))
    product = cutout.crop(source_box)
    product_alpha = product.getchannel("A").resize(
        (max(1, round(product_box[2] * render_scale)), max(1, round(product_box[3] * render_scale))),
        Image.Resampling.BOX,
    )
    darkness = np.zeros((render_h, render_w), dtype=np.float32)
    for sprite, left, top in sprites:
        shadows.add_object_shadow(darkness, sprite.alpha, left, top, look, strength=0.85)
    # Darkness maps combine as 1 - (1 - a)(1 - b) whichever map the product's shadow is drawn into first.
    product_darkness = darkness if product_shadow_in_set else np.zeros_like(darkness)
    shadows.add_object_shadow(
        product_darkness,
        f32(np.asarray(product_alpha, dtype=np.float32) / 255),
        round(product_box[0] * render_scale),
        round(product_box[1] * render_scale),
        look,
    )
    # Shadows are lit by the sky and the room, not by the key light: a little cooler than the light.
    fill = np.array([0.97, 0.99, 1.03], dtype=np.float32)
    scene = scene * (1 - darkness[..., None]) * (1 + (fill - 1) * darkness[..., None])
    for sprite, left, top in sprites:  # after the shadows, so a prop is not darkened by its own
        lit = sprite.rgb * _crop(light, left, top, sprite.alpha.shape)[..., None] * tint
        _paste(scene, lit, sprite.alpha, left, top)
    scene = grading.vignette(grading.apply_grade(scene, look.grade), look.grade.vignette)

    image = Image.fromarray(grading.to_uint8(scene))
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.BICUBIC)
    _, _, product_w, product_h = product_box
    scaled = product.resize((product_w, product_h), Image.Resampling.LANCZOS)
    composition = LocalComposition(
        width=width,
        height=height,
        product_box=product_box,
        source_box=source_box,
        scale=product_w / (source_box[2] - source_box[0]),
        look=look,
        stage=stage,
        render_scale=render_scale,
        props=tuple(placed),
    )
    return SceneLayers(
        set_image=image,
        product=scaled,
        product_shadow=None if product_shadow_in_set else product_darkness,
        composition=composition,
    )


_COVERAGE_CACHE: OrderedDict[bytes, FloatArray] = OrderedDict()
_COVERAGE_CACHE_SIZE = 32  # about 1 MB each
_COVERAGE_LOCK = threading.Lock()


def _coverage(photo_bytes: bytes, photo: Image.Image) -> FloatArray:
    """The cut-out's working mask, kept for the photo's next variants (a job renders up to four)."""
    key = hashlib.sha256(photo_bytes).digest()
    with _COVERAGE_LOCK:
        if key in _COVERAGE_CACHE:
            _COVERAGE_CACHE.move_to_end(key)
            return _COVERAGE_CACHE[key]
    coverage = estimate_coverage(photo)
    with _COVERAGE_LOCK:
        _COVERAGE_CACHE[key] = coverage
        while len(_COVERAGE_CACHE) > _COVERAGE_CACHE_SIZE:
            _COVERAGE_CACHE.popitem(last=False)
    return coverage


def _bounding_box(mask: NDArray[np.bool_]) -> Box | None:
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    # One pixel of margin keeps the anti-aliased edge, which lies just outside the 50% mask.
    height, width = mask.shape
    return (
        max(0, int(columns[0]) - 1),
        max(0, int(rows[0]) - 1),
        min(width, int(columns[-1]) + 2),
        min(height, int(rows[-1]) + 2),
    )


def _borrow_colours(look: SceneLook, reference: bytes) -> SceneLook:
    """Without a palette, a reference image lends its colours: the mean of its upper part for the wall, of its
    lower part for the floor."""
    try:
        with Image.open(io.BytesIO(reference)) as opened:
            small = np.asarray(opened.convert("RGB").resize((16, 16), Image.Resampling.BOX), dtype=np.float32)
    except (OSError, ValueError):
        return look
    upper: RGB = tuple(float(v) for v in small[:8].reshape(-1, 3).mean(axis=0))  # type: ignore[assignment]
    lower: RGB = tuple(float(v) for v in small[8:].reshape(-1, 3).mean(axis=0))  # type: ignore[assignment]
    return replace(look, wall=upper, floor=lower if look.backdrop != "sweep" else look.floor)


# Product height as a fraction of the frame height, and where it stands, per camera.
_PRODUCT_HEIGHT = {"eye": 0.56, "high": 0.5, "low": 0.62, "top": 0.58}
_CONTACT = {"eye": 0.85, "high": 0.83, "low": 0.9, "top": 0.5}


def _place_product(
    look: SceneLook, source_box: Box, width: int, height: int, rng: np.random.Generator
) -> tuple[Box, float]:
    """The product's box in the output, and the row it stands on."""
    source_w, source_h = source_box[2] - source_box[0], source_box[3] - source_box[1]
    aspect = source_h / source_w
    max_h = _PRODUCT_HEIGHT[look.camera] * height * look.zoom
    max_w = (0.5 if look.props else 0.62) * width * look.zoom
    product_h = min(max_h, max_w * aspect, 0.9 * height)
    product_w = max(1, round(product_h / aspect))
    product_h = max(1, round(product_h))
    shift = rng.uniform(-0.05, 0.05) * width
    centre_x = width / 2 + shift
    if look.camera == "top":
        centre_y = height * (0.5 + rng.uniform(-0.03, 0.03))
        top = round(centre_y - product_h / 2)
        contact = float(top + product_h)
    else:
        contact = height * (_CONTACT[look.camera] + rng.uniform(-0.015, 0.015))
        contact = min(max(contact, product_h + 0.05 * height), 0.97 * height)
        top = round(contact - product_h)
    left = int(np.clip(round(centre_x - product_w / 2), 0, max(0, width - product_w)))
    top = int(np.clip(top, 0, max(0, height - product_h)))
    return (left, top, product_w, product_h), float(top + product_h)


def _stage(
    look: SceneLook, product_box: Box, contact_y: float, width: int, height: int, render_scale: float
) -> backdrop.Stage:
    product_h = product_box[3]
    if look.camera == "high":
        horizon, floor, camera_height = -0.45 * height, min(0.34 * height, contact_y - product_h * 0.8), 4.0
        if look.backdrop == "outdoor":
            horizon = floor = 0.12 * height
    elif look.camera == "low":
        horizon, camera_height = contact_y - 0.1 * height, 0.35
        floor = contact_y - 0.05 * height
    else:
        # Eye level: the camera is at the product's mid-height; the wall stands a little behind the product.
        horizon, camera_height = contact_y - 0.5 * product_h, 1.0
        floor = max(horizon + 0.05 * height, contact_y - 0.22 * height)
    if look.backdrop == "outdoor" and look.camera != "high":
        floor = horizon
    return backdrop.Stage(
        width=round(width * render_scale),
        height=round(height * render_scale),
        floor_y=floor * render_scale,
        horizon_y=horizon * render_scale,
        camera_height=camera_height,
        contact_y=contact_y * render_scale,
        centre_x=(product_box[0] + product_box[2] / 2) * render_scale,
    )


def _place_props(
    look: SceneLook,
    product_box: Box,
    contact_y: float,
    stage: backdrop.Stage,
    width: int,
    height: int,
    render_scale: float,
    rng: np.random.Generator,
) -> list[PlacedProp]:
    """Props stand beside the product, a little behind it (so a little smaller), one per side, first on the
    side with more room. They are drawn before the product, so an overlap puts them behind it."""
    if not look.props:
        return []
    left, top, product_w, product_h = product_box
    room_left, room_right = left, width - (left + product_w)
    sides = [-1, 1] if room_left >= room_right else [1, -1]
    if rng.random() < 0.25:
        sides.reverse()
    horizon = stage.horizon_y / render_scale
    placed = []
    for kind, side in zip(look.props, sides, strict=False):
        if look.camera == "top":
            # Seen from above: beside the product, somewhere along its height.
            size = round(min(0.32 * height, max(0.1 * height, props.RELATIVE_HEIGHT[kind] * product_h * 1.4)))
            prop_w = round(size * props.ASPECT[kind])
            x = left - prop_w - 0.03 * width if side < 0 else left + product_w + 0.03 * width
            y = top + rng.uniform(-0.1, 0.5) * product_h
            placed.append(PlacedProp(kind=kind, box=(round(x), round(y), prop_w, size)))
            continue
        back = {"eye": 0.03, "high": 0.09, "low": 0.01}[look.camera] * height
        prop_contact = contact_y - back
        perspective = float(np.clip((prop_contact - horizon) / max(contact_y - horizon, 1.0), 0.6, 1.0))
        prop_height = float(np.clip(props.RELATIVE_HEIGHT[kind] * product_h, 0.1 * height, 0.6 * height))
        prop_height *= perspective
        gap = (0.02 + rng.uniform(0, 0.025)) * width
        room = (left if side < 0 else width - left - product_w) - gap - 0.03 * width
        # Shrink a prop that does not fit beside the product (down to 70%), then let it tuck behind the
        # product's edge rather than leave the frame.
        prop_height *= float(np.clip(room / (prop_height * props.ASPECT[kind]), 0.7, 1.0))
        prop_width = prop_height * props.ASPECT[kind]
        x = left - gap - prop_width if side < 0 else left + product_w + gap
        x = float(np.clip(x, 0.03 * width, width - 0.03 * width - prop_width))
        box = (round(x), round(prop_contact - prop_height), max(1, round(prop_width)), max(1, round(prop_height)))
        placed.append(PlacedProp(kind=kind, box=box))
    return placed


def _crop(values: FloatArray, left: int, top: int, shape: tuple[int, ...]) -> FloatArray:
    """`values` under a sprite of `shape` at (left, top); outside the frame, the nearest edge value."""
    rows = np.clip(np.arange(top, top + shape[0]), 0, values.shape[0] - 1)
    columns = np.clip(np.arange(left, left + shape[1]), 0, values.shape[1] - 1)
    return values[np.ix_(rows, columns)]


def _paste(scene: FloatArray, rgb: FloatArray, alpha: FloatArray, left: int, top: int) -> None:
    """Alpha-blend a sprite into the scene in place, clipped to the frame."""
    height, width = scene.shape[:2]
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(width, left + rgb.shape[1]), min(height, top + rgb.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    sprite_rgb = rgb[y0 - top : y1 - top, x0 - left : x1 - left]
    sprite_alpha = alpha[y0 - top : y1 - top, x0 - left : x1 - left, None]
    region = scene[y0:y1, x0:x1]
    region[...] = region * (1 - sprite_alpha) + sprite_rgb * sprite_alpha
