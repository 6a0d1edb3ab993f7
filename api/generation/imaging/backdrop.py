"""The set behind the product: a paper sweep, a room corner (wall + floor), a garden, or a flat-lay surface,
and the light falling on it. Works in render pixels; the caller upscales for 4k (a backdrop is soft anyway).

The floor is drawn in perspective from a pinhole camera: a row `y` below the horizon sees the floor at depth
f * h / (y - horizon), so planks converge to the vanishing point and shrink with distance the way they do in a photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from api.generation.imaging import textures
from api.generation.imaging.arrays import FloatArray, f32
from api.generation.imaging.colors import mix
from api.generation.imaging.look import SceneLook


@dataclass(frozen=True)
class Stage:
    """Where the set's lines are, in render pixels."""

    width: int
    height: int
    floor_y: float  # where the wall meets the floor (or the sweep curves); unused for flat lays
    horizon_y: float  # the camera's eye height: the floor's vanishing line (may lie above the frame)
    camera_height: float  # in surface units; a higher camera shows the floor larger
    contact_y: float  # where the product stands
    centre_x: float  # where the product stands


def _smoothstep(values: FloatArray) -> FloatArray:
    t = np.clip(values, 0, 1)
    return (t * t * (3 - 2 * t)).astype(np.float32)


def albedo(look: SceneLook, stage: Stage, rng: np.random.Generator) -> FloatArray:
    """The set's colours before lighting, (height, width, 3) in 0..255."""
    if look.backdrop == "flatlay":
        return _flatlay(look, stage, rng)
    if look.backdrop == "outdoor":
        return _outdoor(look, stage, rng)
    if look.backdrop == "sweep" and look.floor_texture == "plain" and look.wall_texture == "plain":
        return _sweep(look, stage, rng)
    return _room(look, stage, rng)


def _sweep(look: SceneLook, stage: Stage, rng: np.random.Generator) -> FloatArray:
    """Seamless paper: the wall colour bends into the floor colour through a soft cove, no visible edge."""
    height, width = stage.height, stage.width
    y = np.arange(height, dtype=np.float32)[:, None, None]
    cove = 0.16 * height
    blend = _smoothstep((y - (stage.floor_y - cove)) / (2 * cove))
    wall, floor = np.asarray(look.wall, dtype=np.float32), np.asarray(look.floor, dtype=np.float32)
    paper = 0.99 + 0.02 * textures.value_noise((height, width), 3, rng)[..., None]
    return f32((wall * (1 - blend) + floor * blend) * paper)


def _room(look: SceneLook, stage: Stage, rng: np.random.Generator) -> FloatArray:
    height, width = stage.height, stage.width
    floor_row = int(np.clip(round(stage.floor_y), 1, height - 1))
    image = np.empty((height, width, 3), dtype=np.float32)
    image[:floor_row] = textures.wall(look.wall_texture, look.wall, (floor_row, width), rng)
    image[floor_row:] = _floor(look, stage, floor_row, rng)
    if look.skirting:  # a painted skirting board where wall meets floor
        board = max(2, round(0.018 * height))
        top = max(0, floor_row - board)
        image[top:floor_row] = np.asarray(mix(look.wall, (246, 244, 240), 0.6), dtype=np.float32)
        image[max(0, top - 1) : top + 1] *= 0.93  # the board's top edge catches a little shadow
    return image


def _floor(look: SceneLook, stage: Stage, first_row: int, rng: np.random.Generator) -> FloatArray:
    """Floor rows from `first_row` down, in perspective."""
    height, width = stage.height, stage.width
    focal = 1.2 * max(width, height)
    rows = np.arange(first_row, height, dtype=np.float32)
    below = np.maximum(rows - stage.horizon_y, 1.0)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    lateral = ((x - stage.centre_x) * stage.camera_height / below).astype(np.float32)
    depth = np.broadcast_to(focal * stage.camera_height / below, lateral.shape).astype(np.float32)
    across = np.broadcast_to(stage.camera_height / below, lateral.shape).astype(np.float32)
    along = np.broadcast_to(focal * stage.camera_height / below**2, lateral.shape).astype(np.float32)
    return textures.floor(look.floor_texture, look.floor, lateral, depth, (across, along), rng)


def _outdoor(look: SceneLook, stage: Stage, rng: np.random.Generator) -> FloatArray:
    """Sky, a soft line of distant greenery (out of focus), and the ground in perspective."""
    height, width = stage.height, stage.width
    floor_row = int(np.clip(round(stage.floor_y), 1, height - 1))
    y = np.arange(floor_row, dtype=np.float32)[:, None, None] / max(floor_row, 1)
    sky_low = np.asarray(mix(look.wall, (246, 244, 236), 0.5), dtype=np.float32)
    sky_high = np.asarray(mix(look.wall, (112, 156, 214), 0.45), dtype=np.float32)
    sky = sky_high * (1 - y) + sky_low * y
    image = np.empty((height, width, 3), dtype=np.float32)
    image[:floor_row] = np.broadcast_to(sky, (floor_row, width, 3))
    # Distant shrubs: a low, gently bumpy silhouette, out of focus and hazier the higher it reaches.
    ridge = textures.value_noise((1, width), 5, rng, octaves=2)[0]
    tops = floor_row - (0.05 + 0.09 * ridge) * height
    rows = np.arange(floor_row, dtype=np.float32)[:, None]
    inside = _smoothstep((rows - tops[None, :]) / (0.025 * height))[..., None]
    leaves = textures.value_noise((floor_row, width), 14, rng)[..., None]
    green = np.asarray((98, 126, 84), dtype=np.float32) * (0.85 + 0.25 * leaves)
    haze = np.clip((floor_row - rows[..., None]) / (0.2 * height), 0, 1) * 0.45
    image[:floor_row] = image[:floor_row] * (1 - inside) + (green * (1 - haze) + sky_low * haze) * inside
    image[floor_row:] = _floor(look, stage, floor_row, rng)
    return image


def _flatlay(look: SceneLook, stage: Stage, rng: np.random.Generator) -> FloatArray:
    """Seen from straight above: the surface fills the frame, without perspective."""
    height, width = stage.height, stage.width
    unit = 1.6 / height
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    lateral, depth = ((x - width / 2) * unit).astype(np.float32), (y * unit).astype(np.float32)
    footprint = np.full(lateral.shape, unit, dtype=np.float32)
    texture = "plain" if look.floor_texture == "plain" and look.wall_texture == "plain" else look.floor_texture
    colour = look.floor if texture != "plain" else look.wall
    return textures.floor(texture, colour, lateral, depth, (footprint, footprint), rng)


def light_map(look: SceneLook, stage: Stage, rng: np.random.Generator) -> FloatArray:
    """How much light falls on each pixel of the set (1 = as lit as the base colour), (height, width)."""
    height, width = stage.height, stage.width
    y = np.arange(height, dtype=np.float32)[:, None] / height
    x = np.arange(width, dtype=np.float32)[None, :] / width
    floor = stage.floor_y / height
    side = 0.05 + 0.12 * look.hardness
    light = look.light_level * (1 + side * look.light_side * (2 * x - 1))  # brighter towards the light
    light = light * np.ones_like(y)
    if look.backdrop == "flatlay":
        falloff = np.hypot(x - 0.5 + 0.25 * look.light_side, y - 0.45)
        return (light * (1.04 - 0.14 * falloff**2)).astype(np.float32)
    on_wall = y < floor
    depth_below = np.clip((y - floor) / max(1 - floor, 1e-3), 0, 1)
    height_above = np.clip((floor - y) / max(floor, 1e-3), 0, 1)
    if look.backdrop == "outdoor":
        ground = 1 - 0.1 * depth_below**1.5
        return np.where(on_wall, 1.0, light * ground).astype(np.float32)
    # The wall fades a little towards the ceiling; the floor towards the camera; both darken into the corner
    # where they meet (ambient occlusion). A sweep has no corner.
    corner = 0.0 if look.backdrop == "sweep" else 1.0
    wall_shade = (1 - 0.08 * height_above) * (1 - corner * 0.1 * np.exp(-(floor - y) / 0.025))
    floor_shade = (1 - 0.1 * depth_below**1.5) * (1 - corner * 0.12 * np.exp(-(y - floor) / 0.02))
    light = light * np.where(on_wall, wall_shade, floor_shade)
    centre_x, centre_y = stage.centre_x / width, (stage.contact_y / height + floor) / 2 - 0.15
    if look.window:
        light = light + _window(look, stage, rng) * (0.07 + 0.1 * look.hardness)
    if look.spotlight:
        glow = np.exp(-((x - centre_x) ** 2 * (width / height) ** 2 + (y - centre_y) ** 2) / (2 * 0.22**2))
        light = light * (0.72 + 0.4 * glow)
    if look.back_light:
        halo = np.exp(-((x - centre_x) ** 2 * (width / height) ** 2 + (y - centre_y) ** 2) / (2 * 0.16**2))
        light = light + 0.22 * halo * on_wall
    if look.light_from_top:
        pool = np.exp(-((x - centre_x) ** 2 * (width / height) ** 2 + (y - stage.contact_y / height) ** 2) / 0.05)
        light = light * (1 - 0.06 * height_above) + 0.1 * pool * ~on_wall
    return light.astype(np.float32)


def _window(look: SceneLook, stage: Stage, rng: np.random.Generator) -> FloatArray:
    """A soft patch of window light on the wall, on the light's side, with the shadow of the window's cross."""
    height, width = stage.height, stage.width
    patch = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(patch)
    centre = width * (0.5 + 0.27 * (look.light_side or -1.0) + rng.uniform(-0.05, 0.05))
    pane_w, pane_h = 0.17 * height, 0.24 * height
    top = stage.floor_y * 0.18 + rng.uniform(-0.03, 0.03) * height
    skew = -0.35 * (look.light_side or -1.0) * pane_h  # the light comes in at an angle
    bar = max(2.0, 0.012 * height)
    for column in (-1, 0):
        for row in (0, 1):
            x0 = centre + column * (pane_w + bar)
            y0 = top + row * (pane_h + bar)
            draw.polygon(
                [(x0, y0), (x0 + pane_w, y0), (x0 + pane_w + skew, y0 + pane_h), (x0 + skew, y0 + pane_h)], fill=255
            )
    softness = (0.004 + 0.014 * (1 - look.hardness)) * height
    blurred = patch.filter(ImageFilter.GaussianBlur(softness))
    result = np.asarray(blurred, dtype=np.float32) / 255
    floor_row = int(np.clip(round(stage.floor_y), 0, height))
    result[floor_row:] = 0  # the patch lands on the wall only
    return f32(result)
