"""Procedural surface textures: value noise, walls seen face-on, and floors seen in perspective.

Everything answers float32 arrays of colours (0..255). Lines (plank joints, grout, mortar) are drawn with a
width of at least the pixel's footprint on the surface, and fade as they get thinner than that: far away on a
floor they blend into the surface instead of shimmering into moiré.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from api.generation.imaging.arrays import FloatArray, f32
from api.generation.imaging.colors import RGB, mix
from api.generation.imaging.look import Texture

_TILE = 256  # side of the noise tile sampled by floor textures


def value_noise(shape: tuple[int, int], cells: float, rng: np.random.Generator, octaves: int = 3) -> FloatArray:
    """Smooth noise in 0..1 with about `cells` features across the longer side (bicubic-upscaled random grids)."""
    height, width = shape
    total = np.zeros(shape, dtype=np.float32)
    weight, amplitude = 0.0, 1.0
    for octave in range(octaves):
        count = max(2.0, cells * 2**octave)
        grid_h = max(2, round(count * height / max(height, width)) + 2)
        grid_w = max(2, round(count * width / max(height, width)) + 2)
        grid = Image.fromarray(rng.random((grid_h, grid_w), dtype=np.float32), mode="F")
        total += amplitude * np.asarray(grid.resize((width, height), Image.Resampling.BICUBIC), dtype=np.float32)
        weight += amplitude
        amplitude *= 0.5
    return f32(np.clip(total / weight, 0, 1))


def tiling_noise(size: int, cells: int, rng: np.random.Generator, octaves: int = 4) -> FloatArray:
    """Square value noise (0..1) that wraps around seamlessly, for lookups at any surface coordinate."""
    total = np.zeros((size, size), dtype=np.float32)
    weight, amplitude = 0.0, 1.0
    for octave in range(octaves):
        count = cells * 2**octave
        # Pad the random grid with its own opposite edges: the bicubic upscale then wraps without a seam.
        grid = np.pad(rng.random((count, count), dtype=np.float32), 2, mode="wrap")
        step = size / count
        big = Image.fromarray(grid, mode="F").resize((round(step * (count + 4)),) * 2, Image.Resampling.BICUBIC)
        offset = round(2 * step)
        total += amplitude * np.asarray(big, dtype=np.float32)[offset : offset + size, offset : offset + size]
        weight += amplitude
        amplitude *= 0.5
    return f32(np.clip(total / weight, 0, 1))


def _colour(colour: RGB) -> FloatArray:
    return np.asarray(colour, dtype=np.float32)


def _line(distance: FloatArray, width: float | FloatArray, footprint: float | FloatArray) -> FloatArray:
    """Coverage (0..1) of a line of `width` at `distance` from its centre, filtered over one pixel footprint."""
    spread = np.maximum(width, footprint)
    return (np.exp(-((distance / spread) ** 2) * 2.0) * np.minimum(1.0, width / spread)).astype(np.float32)


def _periodic_distance(value: FloatArray, period: float) -> FloatArray:
    """Distance from `value` to the nearest multiple of `period`."""
    phase = np.mod(value, period)
    return np.minimum(phase, period - phase).astype(np.float32)


def wall(texture: Texture, colour: RGB, shape: tuple[int, int], rng: np.random.Generator) -> FloatArray:
    """A wall seen face-on, `shape` = (height, width) in pixels; units are fractions of the frame height."""
    height, width = shape
    unit = float(max(height, 1))
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) / unit
    base = _colour(colour)
    mottle = value_noise(shape, 6, rng)[..., None]
    pixel = 1.0 / unit
    if texture == "brick":
        row_h, brick_w = 0.05, 0.11
        row = np.floor(y / row_h)
        shifted = x + (np.mod(row, 2) * brick_w / 2)
        brick_id = (row * 131 + np.floor(shifted / brick_w)).astype(np.int64) % 997
        tone = rng.uniform(0.82, 1.12, 997).astype(np.float32)[brick_id][..., None]
        mortar = np.maximum(
            _line(_periodic_distance(y, row_h), 0.004, pixel), _line(_periodic_distance(shifted, brick_w), 0.004, pixel)
        )[..., None]
        bricks = base * tone * (0.9 + 0.2 * mottle)
        return f32(bricks * (1 - mortar) + _colour(mix(colour, (226, 220, 210), 0.7)) * mortar)
    if texture in ("tile", "panel", "wood"):
        if texture == "tile":  # subway tiles: white-ish bricks with thin grey grout and a soft sheen
            row_h, tile_w, grout = 0.038, 0.076, 0.0022
            row = np.floor(y / row_h)
            shifted = x + np.mod(row, 2) * tile_w / 2
            lines = np.maximum(
                _line(_periodic_distance(y, row_h), grout, pixel),
                _line(_periodic_distance(shifted, tile_w), grout, pixel),
            )[..., None]
            sheen = 1.0 + 0.035 * np.cos(np.mod(y, row_h) / row_h * np.pi)[..., None]
            return f32(base * sheen * (1 - 0.18 * lines) * (0.98 + 0.04 * mottle))
        # Boards: vertical planks with shadowed grooves and a faint grain.
        board_w = 0.085 if texture == "wood" else 0.16
        board = np.floor(x / board_w).astype(np.int64) % 997
        tone = rng.uniform(0.93, 1.06, 997).astype(np.float32)[board][..., None]
        grain = value_noise((height, max(8, width // 16)), 40, rng)
        grain_full = np.asarray(
            Image.fromarray(grain, mode="F").resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32
        )[..., None]
        groove = _line(_periodic_distance(x, board_w), 0.003, pixel)[..., None]
        amount = 0.1 if texture == "wood" else 0.04
        return f32(base * tone * (1 - amount / 2 + amount * grain_full) * (1 - 0.35 * groove))
    if texture == "marble":
        return _marble(base, x, y, rng)
    if texture == "concrete":
        fine = value_noise(shape, 60, rng, octaves=2)[..., None]
        return base * (0.9 + 0.16 * mottle + 0.06 * fine)
    if texture == "curtain":
        folds = np.sin(x * 70 + 6 * value_noise((1, width), 4, rng)[0]) * 0.5 + 0.5
        return f32(base * (0.9 + 0.14 * folds[..., None] + 0.03 * mottle))
    if texture == "plaster":
        fine = value_noise(shape, 40, rng, octaves=2)[..., None]
        return base * (0.975 + 0.035 * mottle + 0.02 * fine)
    return base * (0.985 + 0.03 * mottle)


def _marble(base: FloatArray, x: FloatArray, y: FloatArray, rng: np.random.Generator) -> FloatArray:
    return _marble_at(base, x, y, value_noise(x.shape, 3, rng, octaves=5), value_noise(x.shape, 2, rng, octaves=2))


def _marble_at(base: FloatArray, u: FloatArray, v: FloatArray, turbulence: FloatArray, fade: FloatArray) -> FloatArray:
    """Thin grey veins along a turbulent diagonal, fading in and out, over a faintly clouded white."""
    phase = (u * 1.0 + v * 0.55) * 4.0 + turbulence * 3.0
    veins = (1.0 - np.abs(np.sin(phase))) ** 28 + 0.35 * (1.0 - np.abs(np.sin(phase * 2.3 + 1.7))) ** 40
    amount = (0.5 * veins * np.clip(fade * 2.2 - 0.5, 0, 1))[..., None]
    vein_colour = base * np.asarray([0.7, 0.7, 0.72], dtype=np.float32)
    return f32(base * (0.975 + 0.035 * turbulence[..., None]) * (1 - amount) + vein_colour * amount)


def floor(
    texture: Texture,
    colour: RGB,
    lateral: FloatArray,
    depth: FloatArray,
    footprint: tuple[FloatArray, FloatArray],
    rng: np.random.Generator,
) -> FloatArray:
    """A floor seen in perspective. `lateral`/`depth` are surface coordinates (camera heights) of each pixel,
    `footprint` how much of the surface one pixel covers across and along."""
    base = _colour(colour)
    across, along = footprint
    noise = tiling_noise(_TILE, 8, rng)
    if texture == "wood":
        plank_w, plank_l = 0.14, 1.3
        plank = np.floor(lateral / plank_w)
        plank_id = plank.astype(np.int64) % 997
        offsets = rng.random(997).astype(np.float32)
        tone = rng.uniform(0.9, 1.07, 997).astype(np.float32)[plank_id]
        # Grain runs along the planks: sample the noise stretched along the depth direction.
        grain = _sample(noise, (lateral / plank_w) * 40 + plank_id * 17, depth * 6)
        joints = np.maximum(
            _line(_periodic_distance(lateral, plank_w), 0.004, across),
            _line(_periodic_distance(depth + offsets[plank_id] * plank_l, plank_l), 0.006, along),
        )
        shade = tone * (0.92 + 0.16 * grain) * (1 - 0.32 * joints)
        return f32(base * shade[..., None])
    if texture in ("tile", "stone"):
        size = 0.5 if texture == "tile" else 0.7
        cell = (np.floor(lateral / size) * 31 + np.floor(depth / size)).astype(np.int64) % 997
        tone = (
            rng.uniform(0.93, 1.06, 997).astype(np.float32)[cell]
            if texture == "tile"
            else (rng.uniform(0.8, 1.12, 997).astype(np.float32)[cell])
        )
        grout = np.maximum(
            _line(_periodic_distance(lateral, size), 0.008, across),
            _line(_periodic_distance(depth, size), 0.008, along),
        )
        speckle = _sample(noise, lateral * 30, depth * 30)
        shade = tone * (0.95 + 0.08 * speckle) * (1 - 0.3 * grout)
        return f32(base * shade[..., None])
    if texture == "marble":
        turbulence = _sample(noise, lateral * 25, depth * 25)
        fade = _sample(noise, lateral * 10 + 97, depth * 10 + 31)
        return _marble_at(base, lateral, depth * 0.5, turbulence, fade)
    if texture == "grass":
        blades = _sample(noise, lateral * 160, depth * 60)
        patches = _sample(noise, lateral * 6, depth * 6)
        return base * (0.75 + 0.3 * blades + 0.15 * patches)[..., None]
    if texture == "sand":
        ripples = 0.5 + 0.5 * np.sin(depth * 40 + _sample(noise, lateral * 8, depth * 8) * 6)
        return f32(base * (0.94 + 0.05 * ripples + 0.04 * _sample(noise, lateral * 90, depth * 90))[..., None])
    if texture == "concrete":
        mottle = _sample(noise, lateral * 6, depth * 6)
        fine = _sample(noise, lateral * 70, depth * 70)
        return base * (0.9 + 0.14 * mottle + 0.05 * fine)[..., None]
    mottle = _sample(noise, lateral * 4, depth * 4)
    return base * (0.985 + 0.03 * mottle)[..., None]


def _sample(tile: FloatArray, u: FloatArray, v: FloatArray) -> FloatArray:
    """Bilinear lookup of a tiling noise texture at (u, v), in tile pixels (smooth even when magnified)."""
    size = tile.shape[0]
    u0, v0 = np.floor(u), np.floor(v)
    fu, fv = (u - u0).astype(np.float32), (v - v0).astype(np.float32)
    x0, y0 = np.mod(u0.astype(np.int64), size), np.mod(v0.astype(np.int64), size)
    x1, y1 = np.mod(x0 + 1, size), np.mod(y0 + 1, size)
    top = tile[y0, x0] * (1 - fu) + tile[y0, x1] * fu
    bottom = tile[y1, x0] * (1 - fu) + tile[y1, x1] * fu
    return f32(top * (1 - fv) + bottom * fv)
