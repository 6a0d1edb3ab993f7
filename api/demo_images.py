"""Studio-style product shots for the demo catalog, drawn with Pillow at seed time (nothing is downloaded).

Each picture is a simple product shape with gradient shading and a soft contact shadow on a warm, light
backdrop. Shapes are drawn at twice the size and scaled down, which smooths their edges.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

SIZE = 1000
SCALE = 2
Color = tuple[int, int, int]
Box = tuple[float, float, float, float]
Canvas = Image.Image


def _s(*values: float) -> list[int]:
    return [round(v * SCALE) for v in values]


def _gradient(size: tuple[int, int], start: Color, end: Color, *, horizontal: bool = False) -> Image.Image:
    ramp = Image.linear_gradient("L").resize((max(size[1], 1), max(size[0], 1)) if horizontal else size)
    if horizontal:
        ramp = ramp.rotate(90, expand=True).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), ramp)


def _fill(
    canvas: Canvas,
    draw_mask: Callable[[ImageDraw.ImageDraw], None],
    box: Box,
    start: Color,
    end: Color,
    *,
    horizontal: bool = False,
) -> None:
    mask = Image.new("L", canvas.size, 0)
    draw_mask(ImageDraw.Draw(mask))
    x0, y0, x1, y1 = _s(*box)
    layer = Image.new("RGB", canvas.size)
    # +1: shapes include their last row and column, the gradient must cover them too.
    layer.paste(_gradient((x1 - x0 + 1, y1 - y0 + 1), start, end, horizontal=horizontal), (x0, y0))
    canvas.paste(layer, (0, 0), mask)


def _rounded(canvas: Canvas, box: Box, radius: float, start: Color, end: Color, *, horizontal: bool = False) -> None:
    _fill(
        canvas,
        lambda d: d.rounded_rectangle(_s(*box), radius=radius * SCALE, fill=255),
        box,
        start,
        end,
        horizontal=horizontal,
    )


def _polygon(
    canvas: Canvas, points: list[tuple[float, float]], start: Color, end: Color, *, horizontal: bool = False
) -> None:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    box = (min(xs), min(ys), max(xs), max(ys))
    _fill(
        canvas,
        lambda d: d.polygon([tuple(_s(x, y)) for x, y in points], fill=255),
        box,
        start,
        end,
        horizontal=horizontal,
    )


def _ellipse(canvas: Canvas, box: Box, start: Color, end: Color, *, horizontal: bool = False) -> None:
    _fill(canvas, lambda d: d.ellipse(_s(*box), fill=255), box, start, end, horizontal=horizontal)


def _shadow(canvas: Canvas, box: Box, strength: int = 110, blur: float = 22) -> None:
    mask = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(mask).ellipse(_s(*box), fill=strength)
    mask = mask.filter(ImageFilter.GaussianBlur(blur * SCALE))
    canvas.paste(Image.new("RGB", canvas.size, (92, 80, 68)), (0, 0), mask)


def _backdrop(wall: Color = (246, 241, 234), floor: Color = (228, 219, 206)) -> Canvas:
    canvas = _gradient((SIZE * SCALE, SIZE * SCALE), wall, (236, 229, 219))
    horizon = 700
    floor_layer = _gradient((SIZE * SCALE, (SIZE - horizon) * SCALE), floor, (214, 203, 188))
    mask = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(mask).rectangle(_s(0, horizon, SIZE, SIZE), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(6 * SCALE))
    layer = Image.new("RGB", canvas.size, floor)  # floor-coloured above too, so the blurred edge stays light
    layer.paste(floor_layer, (0, horizon * SCALE))
    canvas.paste(layer, (0, 0), mask)
    return canvas


def _shade(color: Color, factor: float) -> Color:
    return (
        max(0, min(255, round(color[0] * factor))),
        max(0, min(255, round(color[1] * factor))),
        max(0, min(255, round(color[2] * factor))),
    )


def _legs(canvas: Canvas, xs: list[float], top: float, bottom: float, width: float, color: Color) -> None:
    for x in xs:
        _polygon(
            canvas,
            [(x - width / 2, top), (x + width / 2, top), (x + width / 3, bottom), (x - width / 3, bottom)],
            _shade(color, 1.15),
            _shade(color, 0.8),
            horizontal=True,
        )


def sofa(canvas: Canvas) -> None:
    green = (120, 146, 118)
    _shadow(canvas, (150, 700, 850, 780))
    _legs(canvas, [215, 785], 690, 748, 22, (92, 64, 44))
    _rounded(canvas, (180, 390, 820, 560), 46, _shade(green, 1.12), _shade(green, 0.88))  # back
    _rounded(canvas, (170, 540, 830, 700), 30, _shade(green, 0.98), _shade(green, 0.72))  # base
    for x0 in (250, 503):
        _rounded(canvas, (x0, 505, x0 + 247, 585), 26, _shade(green, 1.2), _shade(green, 0.95))  # seat cushions
    for x0 in (140, 768):
        _rounded(canvas, (x0, 470, x0 + 92, 700), 40, _shade(green, 1.08), _shade(green, 0.7), horizontal=True)


def armchair(canvas: Canvas) -> None:
    mustard = (206, 160, 72)
    _shadow(canvas, (280, 705, 720, 785))
    _legs(canvas, [330, 670], 690, 760, 20, (70, 52, 38))
    _rounded(canvas, (320, 300, 680, 560), 70, _shade(mustard, 1.12), _shade(mustard, 0.85))
    _rounded(canvas, (305, 540, 695, 700), 34, _shade(mustard, 0.98), _shade(mustard, 0.7))
    _rounded(canvas, (370, 500, 630, 585), 28, _shade(mustard, 1.2), _shade(mustard, 0.95))
    for x0 in (280, 630):
        _rounded(canvas, (x0, 430, x0 + 90, 700), 42, _shade(mustard, 1.05), _shade(mustard, 0.68), horizontal=True)


def lamp(canvas: Canvas) -> None:
    brass = (196, 162, 98)
    shade = (244, 233, 210)
    _shadow(canvas, (380, 745, 620, 795), strength=120, blur=16)
    _ellipse(canvas, (400, 735, 600, 775), _shade(brass, 1.15), _shade(brass, 0.7), horizontal=True)
    _rounded(canvas, (490, 330, 510, 755), 8, _shade(brass, 1.3), _shade(brass, 0.7), horizontal=True)
    _polygon(
        canvas,
        [(395, 200), (605, 200), (680, 390), (320, 390)],
        _shade(shade, 1.03),
        _shade(shade, 0.8),
        horizontal=True,
    )
    _ellipse(canvas, (320, 375, 680, 405), _shade(shade, 0.9), _shade(shade, 0.72))
    # Warm light spilling under the shade.
    glow = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(glow).ellipse(_s(360, 395, 640, 520), fill=70)
    canvas.paste(Image.new("RGB", canvas.size, (255, 226, 160)), (0, 0), glow.filter(ImageFilter.GaussianBlur(40)))


def side_table(canvas: Canvas) -> None:
    walnut = (120, 80, 52)
    _shadow(canvas, (330, 720, 670, 790))
    _legs(canvas, [385, 500, 615], 500, 755, 26, walnut)
    _ellipse(canvas, (300, 458, 700, 542), _shade(walnut, 0.75), _shade(walnut, 0.55))  # edge
    _ellipse(canvas, (300, 445, 700, 525), _shade(walnut, 1.3), _shade(walnut, 0.95), horizontal=True)  # top
    _ellipse(canvas, (430, 455, 570, 485), _shade(walnut, 1.45), _shade(walnut, 1.2))  # highlight


def vase(canvas: Canvas) -> None:
    terracotta = (196, 112, 82)
    _shadow(canvas, (380, 730, 620, 790), strength=120)
    left: list[tuple[float, float]] = []
    for i in range(41):
        t = i / 40
        y = 300 + 450 * t
        radius = 55 + 85 * math.sin(math.pi * (0.15 + 0.8 * t)) ** 1.4
        left.append((500 - radius, y))
    right = [(1000 - x, y) for x, y in reversed(left)]
    _polygon(canvas, left + right, _shade(terracotta, 1.25), _shade(terracotta, 0.7), horizontal=True)
    _ellipse(canvas, (440, 288, 560, 316), _shade(terracotta, 0.6), _shade(terracotta, 0.5))
    # Two dried branches.
    draw = ImageDraw.Draw(canvas)
    for end, bend in (((380, 110), (440, 200)), ((600, 140), (560, 220))):
        draw.line(
            [tuple(_s(500, 300)), tuple(_s(*bend)), tuple(_s(*end))],
            fill=(150, 120, 84),
            width=5 * SCALE,
            joint="curve",
        )


def rug(canvas: Canvas) -> None:
    base = (178, 96, 72)
    cream = (238, 226, 204)
    corners: list[tuple[float, float]] = [(250, 610), (750, 610), (900, 860), (100, 860)]
    _shadow(canvas, (110, 620, 890, 880), strength=60, blur=12)
    _polygon(canvas, corners, _shade(base, 1.1), _shade(base, 0.9))

    def at(u: float, v: float) -> tuple[float, float]:
        top = (corners[0][0] + (corners[1][0] - corners[0][0]) * u, corners[0][1])
        bottom = (corners[3][0] + (corners[2][0] - corners[3][0]) * u, corners[3][1])
        return top[0] + (bottom[0] - top[0]) * v, top[1] + (bottom[1] - top[1]) * v

    _polygon(canvas, [at(0.06, 0.08), at(0.94, 0.08), at(0.94, 0.92), at(0.06, 0.92)], cream, _shade(cream, 0.92))
    _polygon(
        canvas, [at(0.1, 0.15), at(0.9, 0.15), at(0.9, 0.85), at(0.1, 0.85)], _shade(base, 1.0), _shade(base, 0.85)
    )
    for k in range(5):  # a row of diamonds
        cu = 0.2 + 0.15 * k
        _polygon(canvas, [at(cu, 0.3), at(cu + 0.06, 0.5), at(cu, 0.7), at(cu - 0.06, 0.5)], cream, _shade(cream, 0.9))
    draw = ImageDraw.Draw(canvas)
    for i in range(41):  # fringe on the near edge
        x, y = at(i / 40, 1.0)
        draw.line([tuple(_s(x, y)), tuple(_s(x, y + 14))], fill=cream, width=2 * SCALE)


def product_shot(draw: Callable[[Canvas], None]) -> bytes:
    """One product picture as PNG bytes."""
    canvas = _backdrop()
    draw(canvas)
    out = io.BytesIO()
    canvas.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, "PNG")
    return out.getvalue()
