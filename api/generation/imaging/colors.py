"""Colours named in settings ("sage green", "#2E6B5E", "Warm neutrals") as RGB triples.

Bubble values are free text, so the parser looks for hex codes, known palette names and colour names with an
optional modifier ("light", "dark", "muted"), in the order they appear.
"""

from __future__ import annotations

import re
from typing import Final

RGB = tuple[float, float, float]

COLOURS: Final[dict[str, RGB]] = {
    "white": (244, 243, 240),
    "off-white": (240, 236, 228),
    "off white": (240, 236, 228),
    "ivory": (242, 237, 222),
    "cream": (238, 228, 206),
    "beige": (226, 212, 190),
    "sand": (216, 196, 164),
    "tan": (200, 170, 130),
    "camel": (190, 150, 104),
    "taupe": (170, 156, 142),
    "greige": (200, 194, 184),
    "stone": (196, 190, 178),
    "silver": (196, 198, 202),
    "grey": (160, 160, 160),
    "gray": (160, 160, 160),
    "charcoal": (64, 66, 70),
    "black": (28, 28, 30),
    "navy": (36, 50, 86),
    "blue": (62, 104, 170),
    "cobalt": (40, 76, 160),
    "sky": (160, 196, 228),
    "teal": (36, 112, 116),
    "turquoise": (64, 176, 176),
    "aqua": (120, 200, 200),
    "mint": (176, 222, 196),
    "sage": (156, 172, 144),
    "olive": (118, 120, 70),
    "green": (72, 130, 84),
    "emerald": (30, 120, 86),
    "forest green": (40, 80, 52),
    "sky blue": (160, 196, 228),
    "dusty rose": (196, 140, 146),
    "sage green": (156, 172, 144),
    "navy blue": (36, 50, 86),
    "olive green": (118, 120, 70),
    "burnt orange": (196, 96, 44),
    "yellow": (236, 204, 80),
    "mustard": (208, 160, 50),
    "gold": (200, 162, 80),
    "brass": (180, 150, 90),
    "copper": (184, 112, 72),
    "orange": (226, 130, 60),
    "peach": (240, 190, 160),
    "coral": (236, 128, 108),
    "terracotta": (190, 104, 76),
    "rust": (160, 76, 46),
    "red": (184, 48, 48),
    "burgundy": (112, 30, 46),
    "wine": (112, 30, 46),
    "pink": (230, 170, 180),
    "blush": (236, 200, 196),
    "rose": (214, 150, 156),
    "purple": (112, 72, 140),
    "lavender": (196, 184, 222),
    "lilac": (200, 170, 210),
    "plum": (100, 50, 80),
    "brown": (120, 82, 56),
    "chocolate": (88, 56, 40),
    "walnut": (110, 74, 50),
    "oak": (196, 160, 116),
    "wood": (160, 116, 78),
}

# Palette presets name several colours at once (wall, surface, accents).
PALETTES: Final[dict[str, list[RGB]]] = {
    "warm neutral": [(234, 224, 208), (198, 172, 140), (150, 118, 88)],
    "cool neutral": [(226, 228, 230), (184, 186, 190), (110, 116, 124)],
    "neutral": [(232, 228, 220), (196, 188, 176), (120, 112, 104)],
    "earth": [(214, 190, 156), (156, 104, 70), (112, 116, 76)],
    "monochrom": [(236, 236, 236), (150, 150, 150), (40, 40, 42)],
    "black and white": [(240, 240, 240), (30, 30, 32), (150, 150, 150)],
    "pastel": [(240, 216, 222), (212, 230, 222), (216, 220, 242)],
    "jewel": [(26, 92, 84), (108, 30, 62), (40, 52, 112)],
    "cool tone": [(214, 224, 232), (150, 170, 190), (70, 92, 122)],
    "warm tone": [(236, 214, 186), (200, 130, 80), (150, 70, 50)],
    "ocean": [(204, 226, 236), (60, 120, 150), (230, 220, 200)],
    "sunset": [(246, 210, 178), (226, 130, 90), (150, 80, 100)],
    "vibrant": [(240, 200, 60), (220, 80, 80), (50, 120, 190)],
    "bold": [(30, 60, 110), (230, 170, 40), (190, 50, 50)],
    "muted": [(214, 208, 198), (164, 160, 150), (120, 126, 120)],
}

_LIGHTER = ("light", "pale", "soft", "pastel", "powder", "baby")
_DARKER = ("dark", "deep", "rich")
_DULLER = ("muted", "dusty", "greyed", "grayed", "faded")
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_PREVIOUS_WORD = re.compile(r"([a-z]+)\W*$")
# Longest names first, so "sky blue" is one colour rather than "sky" and "blue", and "warm neutral" wins
# over "neutral".
_NAMES: Final[list[tuple[re.Pattern[str], list[RGB]]]] = [
    (re.compile(rf"\b{re.escape(name)}"), colours)
    for name, colours in sorted(
        [*((name, [colour]) for name, colour in COLOURS.items()), *PALETTES.items()], key=lambda item: -len(item[0])
    )
]


def parse_colours(text: str) -> list[RGB]:
    """Every colour named in `text`, in order: hex codes, palette presets (several colours), colour names."""
    found: list[tuple[int, list[RGB]]] = []
    for match in _HEX.finditer(text):
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        found.append((match.start(), [(int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))]))
    lowered = _HEX.sub(lambda match: " " * len(match.group()), text.lower())
    claimed: list[tuple[int, int]] = []
    for pattern, colours in _NAMES:
        for match in pattern.finditer(lowered):
            if any(start < match.end() and match.start() < end for start, end in claimed):
                continue
            claimed.append(match.span())
            previous = _PREVIOUS_WORD.search(lowered[: match.start()])
            modifier = previous.group(1) if previous else ""
            found.append((match.start(), [_modify(colour, modifier) for colour in colours]))
    found.sort(key=lambda item: item[0])
    return [colour for _, colours in found for colour in colours]


def _modify(colour: RGB, modifier: str) -> RGB:
    if modifier in _LIGHTER:
        return mix(colour, (248, 246, 242), 0.45)
    if modifier in _DARKER:
        return scale(colour, 0.62)
    if modifier in _DULLER:
        grey = sum(colour) / 3
        return mix(colour, (grey, grey, grey), 0.45)
    return colour


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """`a` moved `amount` (0..1) of the way to `b`."""
    return (a[0] + (b[0] - a[0]) * amount, a[1] + (b[1] - a[1]) * amount, a[2] + (b[2] - a[2]) * amount)


def scale(colour: RGB, factor: float) -> RGB:
    return (min(255.0, colour[0] * factor), min(255.0, colour[1] * factor), min(255.0, colour[2] * factor))


def luminance(colour: RGB) -> float:
    return 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
