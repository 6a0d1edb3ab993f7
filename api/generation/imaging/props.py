"""A few cheap procedural props (plant, vase, books, candle, shapes, bowl), drawn with Pillow at twice the size
and scaled down for smooth edges. Each is shaded from the scene's light side and comes as a sprite: colours and
coverage, placed and shadowed by the caller like the product."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from api.generation.imaging.arrays import FloatArray, f32
from api.generation.imaging.colors import RGB, mix, scale
from api.generation.imaging.look import Prop

_SUPERSAMPLE = 2


@dataclass(frozen=True)
class Sprite:
    rgb: FloatArray  # (height, width, 3), 0..255
    alpha: FloatArray  # (height, width), 0..1


# Width over height of each prop's sprite, side view and from above.
ASPECT: dict[Prop, float] = {"plant": 0.8, "vase": 0.5, "books": 1.5, "candle": 0.75, "shapes": 1.2, "bowl": 1.6}
# Height relative to the product's, before the frame's limits apply.
RELATIVE_HEIGHT: dict[Prop, float] = {
    "plant": 0.95,
    "vase": 0.6,
    "books": 0.24,
    "candle": 0.42,
    "shapes": 0.42,
    "bowl": 0.3,
}


class _Canvas:
    """A supersampled RGB + coverage canvas; shapes are filled with a colour shaded across their width."""

    def __init__(self, width: int, height: int, light_side: float):
        self.width, self.height = width * _SUPERSAMPLE, height * _SUPERSAMPLE
        self.size = (width, height)
        self.colour = Image.new("RGB", (self.width, self.height), (0, 0, 0))
        self.alpha = Image.new("L", (self.width, self.height), 0)
        self.light_side = light_side

    def s(self, *values: float) -> list[float]:
        return [v * _SUPERSAMPLE for v in values]

    def shaded(self, colour: RGB, x0: float, x1: float, *, round_body: bool = True) -> Image.Image:
        """A layer whose colour is lit from the light's side across [x0, x1] (a cylinder, or a flat face)."""
        columns = np.arange(self.width, dtype=np.float32) / _SUPERSAMPLE
        u = np.clip((columns - x0) / max(x1 - x0, 1), 0, 1)
        bright = 0.5 - 0.32 * self.light_side
        if round_body:
            factor = 0.66 + 0.42 * np.exp(-(((u - bright) / 0.34) ** 2)) - 0.1 * np.abs(u - 0.5)
        else:
            factor = 0.92 + 0.12 * (1 - np.abs(u - bright))
        row = np.clip(np.asarray(colour, dtype=np.float32)[None, :] * factor[:, None], 0, 255).astype(np.uint8)
        return Image.fromarray(np.broadcast_to(row[None], (self.height, self.width, 3)).copy())

    def fill(self, shape: Image.Image, layer: Image.Image) -> None:
        self.colour.paste(layer, (0, 0), shape)
        self.alpha.paste(255, (0, 0), shape)

    def polygon(self, points: list[tuple[float, float]], colour: RGB, *, round_body: bool = True) -> None:
        xs = [p[0] for p in points]
        shape = Image.new("L", (self.width, self.height), 0)
        ImageDraw.Draw(shape).polygon([(x * _SUPERSAMPLE, y * _SUPERSAMPLE) for x, y in points], fill=255)
        self.fill(shape, self.shaded(colour, min(xs), max(xs), round_body=round_body))

    def ellipse(self, box: tuple[float, float, float, float], colour: RGB, *, round_body: bool = True) -> None:
        shape = Image.new("L", (self.width, self.height), 0)
        ImageDraw.Draw(shape).ellipse(self.s(*box), fill=255)
        self.fill(shape, self.shaded(colour, box[0], box[2], round_body=round_body))

    def line(self, points: list[tuple[float, float]], colour: RGB, width: float) -> None:
        shape = Image.new("L", (self.width, self.height), 0)
        ImageDraw.Draw(shape).line(
            [(x * _SUPERSAMPLE, y * _SUPERSAMPLE) for x, y in points], fill=255, width=max(1, round(width * 2))
        )
        self.fill(shape, Image.new("RGB", (self.width, self.height), tuple(round(c) for c in colour)))

    def sprite(self) -> Sprite:
        colour = self.colour.resize(self.size, Image.Resampling.BOX)
        alpha = self.alpha.resize(self.size, Image.Resampling.BOX)
        return Sprite(f32(np.asarray(colour, dtype=np.float32)), f32(np.asarray(alpha, dtype=np.float32) / 255))


def draw_prop(
    kind: Prop, height: int, accents: tuple[RGB, ...], light_side: float, rng: np.random.Generator, *, top: bool
) -> Sprite:
    """One prop, `height` px tall (seen from the side) or deep (seen from above, `top`)."""
    width = max(4, round(height * ASPECT[kind]))
    height = max(4, height)
    canvas = _Canvas(width, height, light_side)
    accent = accents[0] if accents else (178, 150, 118)
    second = accents[1] if len(accents) > 1 else scale(accent, 0.7)
    drawers = {
        "plant": _plant,
        "vase": _vase,
        "books": _books,
        "candle": _candle,
        "shapes": _shapes,
        "bowl": _bowl,
    }
    drawers[kind](canvas, float(width), float(height), accent, second, rng, top)
    return canvas.sprite()


def _leaf(cx: float, cy: float, angle: float, length: float, width: float) -> list[tuple[float, float]]:
    """A pointed leaf from (cx, cy) towards `angle` (radians from straight up)."""
    points = []
    for side in (1, -1):
        steps = range(0, 13) if side == 1 else range(12, -1, -1)
        for i in steps:
            t = i / 12
            along, across = t * length, side * width / 2 * math.sin(math.pi * t) ** 0.8
            points.append(
                (
                    cx + along * math.sin(angle) + across * math.cos(angle),
                    cy - along * math.cos(angle) + across * math.sin(angle),
                )
            )
    return points


def _plant(c: _Canvas, w: float, h: float, accent: RGB, second: RGB, rng: np.random.Generator, top: bool) -> None:
    greens = [(64, 112, 70), (82, 130, 78), (52, 96, 62), (96, 140, 90)]
    if top:
        cx, cy = w / 2, h / 2
        for i in range(9):
            angle = i / 9 * 2 * math.pi + rng.uniform(-0.2, 0.2)
            c.polygon(_leaf(cx, cy, angle, 0.48 * h, 0.2 * h), greens[i % 4])
        c.ellipse((cx - 0.12 * h, cy - 0.12 * h, cx + 0.12 * h, cy + 0.12 * h), mix(accent, (190, 104, 76), 0.5))
        return
    pot_top, pot_w = h * 0.66, w * 0.42
    for i in range(11):
        angle = (i / 10 - 0.5) * 2.3 + rng.uniform(-0.12, 0.12)
        length = h * rng.uniform(0.45, 0.66) * (1 - 0.25 * abs(angle) / 1.2)
        c.polygon(_leaf(w / 2, pot_top, angle, length, length * 0.36), greens[int(rng.integers(4))])
    pot = mix(accent, (190, 110, 80), 0.4)
    c.polygon(
        [
            (w / 2 - pot_w / 2, pot_top),
            (w / 2 + pot_w / 2, pot_top),
            (w / 2 + pot_w * 0.38, h - 1),
            (w / 2 - pot_w * 0.38, h - 1),
        ],
        pot,
    )
    c.polygon(
        [
            (w / 2 - pot_w * 0.53, pot_top - h * 0.03),
            (w / 2 + pot_w * 0.53, pot_top - h * 0.03),
            (w / 2 + pot_w * 0.53, pot_top + h * 0.04),
            (w / 2 - pot_w * 0.53, pot_top + h * 0.04),
        ],
        scale(pot, 1.08),
    )


def _vase(c: _Canvas, w: float, h: float, accent: RGB, second: RGB, rng: np.random.Generator, top: bool) -> None:
    colour = mix(accent, (226, 218, 204), 0.25)
    if top:
        c.ellipse((0, h * 0.1, w, h * 0.1 + w), colour)
        c.ellipse((w * 0.3, h * 0.1 + w * 0.3, w * 0.7, h * 0.1 + w * 0.7), scale(colour, 0.55))
        return
    neck = h * 0.3
    stems = (140, 112, 80)
    for end_x, end_y in ((w * 0.1, 0.0), (w * 0.85, h * 0.08), (w * 0.45, h * 0.02)):
        c.line([(w / 2, neck + h * 0.05), (end_x, end_y)], stems, max(1.0, w * 0.025))
        c.ellipse((end_x - w * 0.05, end_y, end_x + w * 0.05, end_y + w * 0.1), (214, 190, 150))
    profile = []
    for i in range(25):
        t = i / 24
        radius = w * (0.16 + 0.32 * math.sin(math.pi * (0.1 + 0.85 * t)) ** 1.5)
        profile.append((w / 2 - radius, neck + (h - 1 - neck) * t))
    body = profile + [(w - x, y) for x, y in reversed(profile)]
    c.polygon(body, colour)
    c.ellipse((w / 2 - w * 0.17, neck - h * 0.02, w / 2 + w * 0.17, neck + h * 0.03), scale(colour, 0.6))


def _books(c: _Canvas, w: float, h: float, accent: RGB, second: RGB, rng: np.random.Generator, top: bool) -> None:
    covers = [accent, second, mix(accent, (236, 230, 220), 0.5), scale(second, 0.8)]
    if top:
        for i in range(2):
            x0, y0 = w * (0.05 + 0.08 * i), h * (0.08 + 0.12 * i)
            c.polygon(
                [(x0, y0), (x0 + w * 0.8, y0), (x0 + w * 0.8, y0 + h * 0.75), (x0, y0 + h * 0.75)],
                covers[i],
                round_body=False,
            )
        return
    count = int(rng.integers(2, 4))
    thickness = h / count
    y = h
    for i in range(count):
        inset = w * rng.uniform(0.0, 0.08)
        x0, x1 = inset, w - w * rng.uniform(0.0, 0.08)
        top_y = y - thickness
        c.polygon([(x0, top_y + 1), (x1, top_y + 1), (x1, y), (x0, y)], covers[i % 4], round_body=False)
        page = (x1 - w * 0.05, top_y + thickness * 0.18, x1 - 1, y - thickness * 0.18)
        c.polygon(
            [(page[0], page[1]), (page[2], page[1]), (page[2], page[3]), (page[0], page[3])],
            (238, 232, 216),
            round_body=False,
        )
        y = top_y


def _candle(c: _Canvas, w: float, h: float, accent: RGB, second: RGB, rng: np.random.Generator, top: bool) -> None:
    wax = (240, 234, 220)
    if top:
        c.ellipse((w * 0.1, h * 0.1, w * 0.9, h * 0.1 + w * 0.8), wax, round_body=False)
        c.ellipse((w * 0.47, h * 0.1 + w * 0.37, w * 0.53, h * 0.1 + w * 0.43), (60, 50, 40))
        return
    for x0, x1, top_y in ((w * 0.05, w * 0.45, h * 0.3), (w * 0.52, w * 0.95, h * 0.5)):
        c.polygon([(x0, top_y), (x1, top_y), (x1, h - 1), (x0, h - 1)], wax)
        c.ellipse((x0, top_y - w * 0.04, x1, top_y + w * 0.04), scale(wax, 0.94), round_body=False)
        mid = (x0 + x1) / 2
        c.line([(mid, top_y), (mid, top_y - h * 0.05)], (50, 40, 30), max(1.0, w * 0.012))
        c.ellipse(
            (mid - w * 0.03, top_y - h * 0.16, mid + w * 0.03, top_y - h * 0.05), (255, 214, 120), round_body=False
        )


def _shapes(c: _Canvas, w: float, h: float, accent: RGB, second: RGB, rng: np.random.Generator, top: bool) -> None:
    if top:
        c.ellipse((0, h * 0.2, h * 0.6, h * 0.8), accent)
        c.polygon(
            [(w * 0.55, h * 0.15), (w * 0.98, h * 0.15), (w * 0.98, h * 0.6), (w * 0.55, h * 0.6)],
            second,
            round_body=False,
        )
        return
    c.polygon(
        [(w * 0.02, h * 0.12), (w * 0.5, h * 0.12), (w * 0.5, h - 1), (w * 0.02, h - 1)],
        mix(second, (230, 226, 220), 0.5),
    )
    c.ellipse((w * 0.02, h * 0.06, w * 0.5, h * 0.18), scale(mix(second, (230, 226, 220), 0.5), 1.06), round_body=False)
    diameter = h * 0.55
    c.ellipse((w * 0.56, h - diameter - 1, w * 0.56 + diameter, h - 1), accent)


def _bowl(c: _Canvas, w: float, h: float, accent: RGB, second: RGB, rng: np.random.Generator, top: bool) -> None:
    fruit = [(236, 196, 60), (226, 140, 50), (150, 170, 70)]
    if top:
        c.ellipse((0, 0, w, h), mix(accent, (236, 230, 220), 0.3))
        c.ellipse((w * 0.1, h * 0.1, w * 0.9, h * 0.9), scale(mix(accent, (236, 230, 220), 0.3), 0.85))
        for i, (fx, fy) in enumerate(((0.35, 0.4), (0.6, 0.55), (0.45, 0.65))):
            c.ellipse((w * fx - h * 0.15, h * fy - h * 0.15, w * fx + h * 0.15, h * fy + h * 0.15), fruit[i])
        return
    rim = h * 0.42
    for i, fx in enumerate((0.32, 0.52, 0.7)):
        size = h * 0.42
        c.ellipse((w * fx - size / 2, rim - size * 0.75, w * fx + size / 2, rim + size * 0.25), fruit[i])
    bowl = mix(accent, (236, 230, 220), 0.3)
    c.polygon(
        [(w * (0.5 + 0.5 * math.cos(a)), rim + (h - 1 - rim) * math.sin(a)) for a in np.linspace(0, math.pi, 24)],
        bowl,
    )
