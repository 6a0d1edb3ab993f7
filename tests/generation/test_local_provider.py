"""The built-in `local` provider: sizes, determinism, product fidelity, cut-out quality, scene settings.

The product photos are drawn here (nothing is downloaded): simple products with shading, light interior details
and known masks, on white, light grey and beige backdrops with mild noise, a gentle vignette and, for half of
them, a soft contact shadow that is not part of the product.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from api.generation.imaging import masks
from api.generation.imaging.cutout import cut_out
from api.generation.providers.base import (
    ASPECT_RATIOS,
    QUALITIES,
    QUALITY_LONG_SIDE,
    SCENE_TYPES,
    ImageRequest,
    ProviderCapabilities,
    Quality,
    UnsupportedOption,
    output_size,
    validate,
)
from api.generation.providers.local import MODEL, LocalComposition, LocalImageProvider, compose

SUPERSAMPLE = 2
Color = tuple[int, int, int]
BACKDROPS: dict[str, Color] = {"white": (250, 250, 249), "grey": (226, 227, 229), "beige": (239, 231, 216)}


# --- synthetic product photos with known masks ---------------------------------------------------------------


@dataclass(frozen=True)
class ProductPhoto:
    image: Image.Image  # RGB
    mask: NDArray[np.bool_]  # where the product covers at least half a pixel
    name: str

    @cached_property
    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, "PNG")
        return out.getvalue()


def _draw_product(kind: str, size: tuple[int, int], rng: np.random.Generator) -> tuple[Image.Image, list[Image.Image]]:
    """The product's shape and its light details (highlights, labels), supersampled."""
    width, height = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    shape = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(shape)
    cx, cy = width / 2 + rng.uniform(-0.05, 0.05) * width, height / 2 + rng.uniform(-0.04, 0.04) * height
    s = min(width, height) * rng.uniform(0.34, 0.42)
    details: list[tuple[str, list[float]]] = []
    if kind == "bottle":
        draw.rounded_rectangle([cx - 0.45 * s, cy - 0.35 * s, cx + 0.45 * s, cy + 1.0 * s], radius=0.3 * s, fill=255)
        draw.rounded_rectangle([cx - 0.17 * s, cy - 0.95 * s, cx + 0.17 * s, cy - 0.2 * s], radius=0.08 * s, fill=255)
        draw.rectangle([cx - 0.2 * s, cy - 1.1 * s, cx + 0.2 * s, cy - 0.8 * s], fill=255)
        details = [
            ("ellipse", [cx - 0.3 * s, cy - 0.1 * s, cx - 0.18 * s, cy + 0.8 * s]),  # a highlight
            ("rectangle", [cx - 0.3 * s, cy + 0.1 * s, cx + 0.3 * s, cy + 0.55 * s]),  # a label
        ]
    elif kind == "box":
        corners = [(-0.8, -0.5), (-0.2, -0.8), (0.8, -0.55), (0.8, 0.6), (0.2, 0.95), (-0.8, 0.7)]
        draw.polygon([(cx + x * s, cy + y * s) for x, y in corners], fill=255)
        details = [("rectangle", [cx - 0.6 * s, cy - 0.1 * s, cx + 0.0 * s, cy + 0.5 * s])]
    elif kind == "mug":
        draw.ellipse([cx + 0.1 * s, cy - 0.45 * s, cx + 0.95 * s, cy + 0.45 * s], fill=255)
        draw.ellipse([cx + 0.38 * s, cy - 0.22 * s, cx + 0.75 * s, cy + 0.22 * s], fill=0)  # the handle's hole
        draw.rounded_rectangle([cx - 0.6 * s, cy - 0.7 * s, cx + 0.4 * s, cy + 0.8 * s], radius=0.12 * s, fill=255)
        details = [("rectangle", [cx - 0.45 * s, cy - 0.5 * s, cx - 0.3 * s, cy + 0.6 * s])]
    elif kind == "shoe":
        draw.ellipse([cx - 1.0 * s, cy - 0.1 * s, cx + 1.0 * s, cy + 0.6 * s], fill=255)
        draw.ellipse([cx - 1.0 * s, cy - 0.6 * s, cx + 0.1 * s, cy + 0.5 * s], fill=255)
        draw.rectangle([cx - 0.95 * s, cy + 0.3 * s, cx + 0.98 * s, cy + 0.55 * s], fill=255)
        details = [
            ("ellipse", [cx - 0.6 * s, cy - 0.35 * s, cx - 0.3 * s, cy + 0.1 * s]),
            ("rectangle", [cx + 0.1 * s, cy + 0.05 * s, cx + 0.6 * s, cy + 0.2 * s]),
        ]
    elif kind == "stool":  # thin legs, and holes between legs, seat and stretcher
        draw.rounded_rectangle([cx - 0.8 * s, cy - 0.6 * s, cx + 0.8 * s, cy - 0.3 * s], radius=0.1 * s, fill=255)
        for leg in (-0.7, -0.25, 0.25, 0.7):
            x0, splay = cx + leg * s, leg * 0.1 * s
            draw.polygon(
                [
                    (x0 - 0.06 * s, cy - 0.35 * s),
                    (x0 + 0.06 * s, cy - 0.35 * s),
                    (x0 + 0.06 * s + splay, cy + 1.0 * s),
                    (x0 - 0.03 * s + splay, cy + 1.0 * s),
                ],
                fill=255,
            )
        draw.rectangle([cx - 0.7 * s, cy + 0.4 * s, cx + 0.7 * s, cy + 0.47 * s], fill=255)
        details = [("rectangle", [cx - 0.6 * s, cy - 0.55 * s, cx + 0.5 * s, cy - 0.45 * s])]
    elif kind == "lamp":
        shade = [(cx - 0.35 * s, cy - 1.0 * s), (cx + 0.35 * s, cy - 1.0 * s), (cx + 0.65 * s, cy - 0.3 * s)]
        draw.polygon([*shade, (cx - 0.65 * s, cy - 0.3 * s)], fill=255)
        draw.rectangle([cx - 0.04 * s, cy - 0.3 * s, cx + 0.04 * s, cy + 0.85 * s], fill=255)
        draw.ellipse([cx - 0.4 * s, cy + 0.78 * s, cx + 0.4 * s, cy + 1.0 * s], fill=255)
        details = [("ellipse", [cx - 0.3 * s, cy - 0.85 * s, cx + 0.1 * s, cy - 0.45 * s])]
    else:
        raise ValueError(kind)
    layers = []
    for figure, box in details:
        layer = Image.new("L", (width, height), 0)
        getattr(ImageDraw.Draw(layer), figure)(box, fill=255)
        layers.append(layer)
    return shape, layers


def _coverage(layer: Image.Image, size: tuple[int, int]) -> NDArray[np.float32]:
    return np.asarray(layer.resize(size, Image.Resampling.BOX), dtype=np.float32) / 255


def product_photo(
    kind: str, backdrop: str, base: Color, *, size: tuple[int, int] = (720, 720), seed: int = 0, shadow: bool = False
) -> ProductPhoto:
    """A studio shot of a drawn product whose light details are only 10-28 levels away from the backdrop."""
    rng = np.random.default_rng(seed)
    width, height = size
    shape, details = _draw_product(kind, size, rng)
    coverage = _coverage(shape, size)
    back = np.asarray(BACKDROPS[backdrop], dtype=np.float32)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    radius = np.hypot(x / width - 0.5, y / height - 0.5) / math.sqrt(0.5)
    light = 1.0 - 0.07 * radius**2 - 0.015 * (y / height)  # a gentle vignette: corners about 7% darker
    if shadow:
        rows, columns = np.flatnonzero(coverage.max(axis=1) > 0.5), np.flatnonzero(coverage.max(axis=0) > 0.5)
        blob = Image.new("L", size, 0)
        ImageDraw.Draw(blob).ellipse([columns[0] + 10, rows[-1] - 14, columns[-1] - 10, rows[-1] + 12], fill=255)
        light *= 1 - np.asarray(blob.filter(ImageFilter.GaussianBlur(9)), dtype=np.float32) / 255 * 0.45
    background = back * light[..., None] + 2.0 * rng.standard_normal((height, width, 3), dtype=np.float32)
    # The product: lit like a cylinder, a little from the left, darker towards its edges and its bottom.
    columns, rows = np.flatnonzero(coverage.max(axis=0) > 0), np.flatnonzero(coverage.max(axis=1) > 0)
    u = np.clip((x - columns[0]) / (columns[-1] - columns[0]), 0, 1)
    v = np.clip((y - rows[0]) / (rows[-1] - rows[0]), 0, 1)
    shading = 0.72 + 0.38 * np.sin(np.pi * np.clip(u * 1.1, 0, 1)) - 0.12 * v
    if kind in ("box", "shoe"):
        shading += 0.05 * np.sin(x / width * 37 + y / height * 11)
    product = np.asarray(base, dtype=np.float32) * shading[..., None]
    product += 1.5 * rng.standard_normal(product.shape, dtype=np.float32)
    for detail in details:
        amount = _coverage(detail, size)[..., None]
        highlight = back - rng.uniform(10, 28) + 6 * np.sin(x / 23)[..., None]
        product = product * (1 - amount) + highlight * amount
    pixels = background * (1 - coverage[..., None]) + product * coverage[..., None]
    image = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8))
    return ProductPhoto(image=image, mask=coverage >= 0.5, name=f"{kind}/{backdrop}/{base}")


KINDS = ("bottle", "box", "mug", "shoe", "stool", "lamp")
BASES: list[Color] = [(40, 90, 160), (150, 60, 50), (60, 120, 80), (200, 170, 60), (90, 90, 95), (160, 110, 180)]
SIZES = [(540, 540), (640, 500), (480, 640)]


def product_set() -> list[ProductPhoto]:
    """18 photos: every kind on every backdrop, colours and sizes rotated, every other one with a shadow."""
    return [
        product_photo(kind, backdrop, BASES[i % len(BASES)], size=SIZES[i % len(SIZES)], seed=i, shadow=i % 2 == 0)
        for i, (kind, backdrop) in enumerate((k, b) for k in KINDS for b in BACKDROPS)
    ]


def iou(found: NDArray[np.bool_], truth: NDArray[np.bool_]) -> float:
    return float((found & truth).sum() / (found | truth).sum())


# --- helpers -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bottle() -> ProductPhoto:
    return product_photo("bottle", "white", (40, 90, 160), seed=3, shadow=True)


def request(photo: ProductPhoto, **changes: object) -> ImageRequest:
    """A 1k 16:9 studio shot unless `changes` say otherwise (wide frames are the cheapest to render)."""
    base = ImageRequest(product_images=[photo.png], scene_type="studio", aspect_ratio="16:9", seed=11)
    return replace(base, **changes)  # type: ignore[arg-type]


def pixels(image: Image.Image) -> NDArray[np.float32]:
    return np.asarray(image.convert("RGB"), dtype=np.float32)


def backdrop_only(image: Image.Image, composition: LocalComposition) -> NDArray[np.bool_]:
    """True outside the product's box (and its shadow, just below it)."""
    keep = np.ones((image.height, image.width), dtype=np.bool_)
    left, top, width, height = composition.product_box
    keep[max(0, top - 4) : top + height + height // 8, max(0, left - 4) : left + width + 4] = False
    return keep


def product_interior(photo: ProductPhoto, composition: LocalComposition) -> NDArray[np.bool_]:
    """The true product mask, scaled into the output box and shrunk by a few pixels (edges are blended)."""
    left, top, right, bottom = composition.source_box
    _, _, width, height = composition.product_box
    truth = Image.fromarray(photo.mask[top:bottom, left:right].astype(np.uint8) * 255)
    scaled = truth.resize((width, height), Image.Resampling.BOX).filter(ImageFilter.MinFilter(9))
    interior = np.asarray(scaled) == 255
    # The filter copies the box's outer rows outwards; the product may touch the box there, so stay off it.
    interior[:5], interior[-5:], interior[:, :5], interior[:, -5:] = False, False, False, False
    return interior


# --- sizes and options ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("quality", QUALITIES)
@pytest.mark.parametrize("aspect_ratio", ASPECT_RATIOS)
def test_output_size_has_the_exact_long_side_and_the_ratio_within_one_percent(
    aspect_ratio: str, quality: Quality
) -> None:
    width, height = output_size(aspect_ratio, quality)
    ratio_w, ratio_h = (int(part) for part in aspect_ratio.split(":"))
    assert max(width, height) == QUALITY_LONG_SIDE[quality]
    assert width % 8 == 0
    assert height % 8 == 0
    assert abs((width / height) / (ratio_w / ratio_h) - 1) < 0.01
    assert (width >= height) == (ratio_w >= ratio_h)


SIZE_CASES = [(ratio, "1k") for ratio in ASPECT_RATIOS] + [("4:5", "2k"), ("16:9", "4k")]


@pytest.mark.parametrize(("aspect_ratio", "quality"), SIZE_CASES)
async def test_every_aspect_ratio_renders_at_exactly_its_output_size(
    bottle: ProductPhoto, aspect_ratio: str, quality: Quality
) -> None:
    # Cycle through the scene types too, so every kind of set is drawn at least once.
    scene_type = list(SCENE_TYPES)[SIZE_CASES.index((aspect_ratio, quality)) % len(SCENE_TYPES)]
    result = await LocalImageProvider().generate(
        request(bottle, aspect_ratio=aspect_ratio, quality=quality, scene_type=scene_type)
    )
    with Image.open(io.BytesIO(result.png)) as image:
        assert image.format == "PNG"
        assert image.size == (result.width, result.height) == output_size(aspect_ratio, quality)
    assert result.model == MODEL
    assert result.cost_micros == 0
    assert result.units == 1


async def test_the_same_seed_and_variant_give_identical_bytes(bottle: ProductPhoto) -> None:
    provider = LocalImageProvider()
    scene = {"lighting": ["Golden hour"], "props": ["Plants and books"], "mood": ["Cozy"]}
    first = await provider.generate(request(bottle, scene=scene, scene_type="bedroom"))
    again = await provider.generate(request(bottle, scene=scene, scene_type="bedroom"))
    assert first.png == again.png


def test_variants_and_seeds_change_the_picture(bottle: ProductPhoto) -> None:
    scene = {"props": ["Decor"]}
    base, _ = compose(request(bottle, scene=scene, scene_type="living_room", variant=0))
    other_variant, _ = compose(request(bottle, scene=scene, scene_type="living_room", variant=1))
    other_seed, _ = compose(request(bottle, scene=scene, scene_type="living_room", seed=12))
    assert np.abs(pixels(base) - pixels(other_variant)).mean() > 2
    assert np.abs(pixels(base) - pixels(other_seed)).mean() > 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"aspect_ratio": "5:4"}, "aspect_ratio"),
        ({"quality": "8k"}, "quality"),
        ({"scene_type": "moon_base"}, "scene_type"),
        ({"scene": {"mood": ["Calm", "Energetic"]}}, "scene.mood"),
        ({"scene": {"weather": ["Rain"]}}, "scene.weather"),
        ({"seed": -1}, "seed"),
        ({"variant": -1}, "variant"),
        ({"product_images": []}, "product_images"),
        ({"reference_images": [b"x"] * 5}, "reference_images"),
    ],
)
async def test_unsupported_options_are_refused_before_any_work(changes: dict[str, object], field: str) -> None:
    # The photo is not even an image: the refusal has to come before anything reads it.
    unreadable = replace(ImageRequest(product_images=[b"not an image"]), **changes)  # type: ignore[arg-type]
    with pytest.raises(UnsupportedOption) as refused:
        await LocalImageProvider().generate(unreadable)
    assert refused.value.field == field
    assert refused.value.to_problem()["code"] == "unsupported_option"


def test_validate_follows_the_provider_capabilities() -> None:
    square_only = ProviderCapabilities(aspect_ratios=frozenset({"1:1"}), qualities=frozenset({"1k"}))
    validate(ImageRequest(product_images=[b"x"]), square_only)
    with pytest.raises(UnsupportedOption, match="16:9"):
        validate(ImageRequest(product_images=[b"x"], aspect_ratio="16:9"), square_only)
    with pytest.raises(UnsupportedOption, match="2k"):
        validate(ImageRequest(product_images=[b"x"], quality="2k"), square_only)


# --- the product -----------------------------------------------------------------------------------------------


def test_product_pixels_are_preserved_apart_from_scaling(bottle: ProductPhoto) -> None:
    scene = {"mood": ["Dramatic"], "lighting": ["Warm light from the left"], "color_palette": ["Terracotta"]}
    image, composition = compose(request(bottle, scene=scene, scene_type="living_room", aspect_ratio="4:5"))
    left, top, right, bottom = composition.source_box
    _, _, width, height = composition.product_box
    expected = bottle.image.crop((left, top, right, bottom)).resize((width, height), Image.Resampling.LANCZOS)
    box = composition.product_box
    actual = image.crop((box[0], box[1], box[0] + box[2], box[1] + box[3]))
    interior = product_interior(bottle, composition)
    assert interior.mean() > 0.3
    error = np.abs(pixels(actual) - pixels(expected))[interior].mean()
    assert error < 3
    assert composition.scale == pytest.approx(width / (right - left))


def test_cut_out_matches_the_true_mask_on_every_product() -> None:
    photos = product_set()
    assert len(photos) >= 12
    scores = {photo.name: iou(cut_out(photo.image)[1], photo.mask) for photo in photos}
    worst = min(scores, key=scores.__getitem__)
    assert scores[worst] >= 0.95, f"{worst}: IoU {scores[worst]:.3f}"
    assert np.mean(list(scores.values())) >= 0.95


def test_cut_out_keeps_light_details_inside_and_opens_real_holes() -> None:
    mug = product_photo("mug", "white", (150, 60, 50), seed=5)
    rgba, mask = cut_out(mug.image)
    assert rgba.mode == "RGBA"
    # The highlight strip is almost the backdrop's colour, but enclosed by the product: kept.
    near_backdrop = np.linalg.norm(pixels(mug.image) - np.asarray(BACKDROPS["white"]), axis=-1) < 40
    light_details = masks.erode(mug.mask & near_backdrop, 5)
    assert light_details.sum() > 1000
    assert mask[light_details].mean() > 0.99
    # The inside of the handle is enclosed too, but it is the backdrop itself: a hole.
    labels, count = masks.label(~mug.mask)
    enclosed = (labels >= 0) & ~masks.touching_border(labels, count)[labels]
    assert enclosed.sum() > 1000
    assert (~mask[masks.erode(enclosed, 5)]).mean() > 0.99


def test_a_photo_with_transparency_keeps_its_own_alpha() -> None:
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse([50, 40, 150, 160], fill=(200, 40, 40, 255))
    _, mask = cut_out(image)
    assert mask.sum() == (np.asarray(image.getchannel("A")) >= 128).sum()


# --- the scene follows the settings ----------------------------------------------------------------------------


def test_warm_light_warms_the_backdrop_and_cool_light_cools_it(bottle: ProductPhoto) -> None:
    def red_minus_blue(lighting: str) -> float:
        image, composition = compose(request(bottle, scene={"lighting": [lighting]}))
        backdrop = pixels(image)[backdrop_only(image, composition)]
        return float(backdrop[:, 0].mean() - backdrop[:, 2].mean())

    warm, neutral, cool = (red_minus_blue(f"Soft {tone} light from the left") for tone in ("warm", "even", "cool"))
    assert warm > neutral + 5
    assert cool < neutral - 5


def test_the_light_side_is_the_brighter_side_of_the_backdrop(bottle: ProductPhoto) -> None:
    def left_minus_right(lighting: str) -> float:
        image, composition = compose(request(bottle, scene={"lighting": [lighting]}))
        luma = pixels(image) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        keep = backdrop_only(image, composition)
        third = image.width // 3
        return float(luma[:, :third][keep[:, :third]].mean() - luma[:, -third:][keep[:, -third:]].mean())

    assert left_minus_right("Soft window light from the left") > 3
    assert left_minus_right("Soft window light from the right") < -3


@pytest.mark.parametrize(("palette", "colour"), [("#2E6B5E", (46, 107, 94)), ("Terracotta", (190, 104, 76))])
def test_palette_colours_appear_in_the_backdrop(bottle: ProductPhoto, palette: str, colour: Color) -> None:
    image, composition = compose(request(bottle, scene={"color_palette": [palette], "lighting": ["Even light"]}))
    backdrop = pixels(image)[backdrop_only(image, composition)]
    distance = np.linalg.norm(backdrop - np.asarray(colour, dtype=np.float32), axis=1)
    assert (distance < 30).mean() > 0.25  # a good part of the set is that colour, give or take the light


def test_mood_grading_changes_the_backdrop_and_never_the_product(bottle: ProductPhoto) -> None:
    renders = {
        mood: compose(request(bottle, scene={"mood": [mood], "lighting": ["Soft light from the left"]}))
        for mood in ("Calm", "Energetic", "Luxurious")
    }
    (calm, composition), *others = renders.values()
    interior = product_interior(bottle, composition)
    left, top, width, height = composition.product_box
    for image, other in others:
        assert other.product_box == composition.product_box
        assert np.array_equal(
            pixels(image)[top : top + height, left : left + width][interior],
            pixels(calm)[top : top + height, left : left + width][interior],
        )
        keep = backdrop_only(image, other)
        assert np.abs(pixels(image)[keep] - pixels(calm)[keep]).mean() > 3


def test_props_appear_only_when_asked_for(bottle: ProductPhoto) -> None:
    plain, without = compose(request(bottle, scene={"props": ["No props"]}))
    styled, with_plant = compose(request(bottle, scene={"props": ["Potted plant"]}))
    assert without.props == ()
    assert [prop.kind for prop in with_plant.props] == ["plant"]
    left, top, width, height = with_plant.props[0].box
    region = (slice(max(0, top), top + height), slice(max(0, left), left + width))
    green = pixels(styled)[region]
    assert (green[..., 1] > green[..., 0] + 15).mean() > 0.1  # leaves
    assert np.abs(pixels(styled)[region] - pixels(plain)[region]).mean() > 10


def test_the_camera_angle_moves_the_horizon(bottle: ProductPhoto) -> None:
    def floor_line(angle: str) -> float:
        _, composition = compose(request(bottle, scene={"camera_angle": [angle]}, scene_type="living_room"))
        return composition.stage.floor_y / composition.stage.height

    eye, high, low = floor_line("Eye level"), floor_line("High angle"), floor_line("Low angle")
    assert high < eye < low
    _, top_down = compose(request(bottle, scene={"camera_angle": ["Top-down flat lay"]}))
    assert top_down.look.backdrop == "flatlay"
