"""From resolved bubble values (free text) to the numbers a procedural scene is drawn with.

Presets ("Soft window light from the left", "Golden hour", "Cozy", "High angle") and custom text are read by
keywords; anything not recognised keeps the scene type's and style's defaults. Nothing here draws: `SceneLook`
is plain data, so a look can be checked (and logged) without rendering it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

import numpy as np

from api.generation.imaging.colors import RGB, mix, parse_colours, scale

Backdrop = Literal["sweep", "room", "outdoor", "flatlay"]
Camera = Literal["eye", "high", "low", "top"]
Texture = Literal[
    "plain", "plaster", "brick", "wood", "panel", "concrete", "tile", "marble", "curtain", "grass", "stone", "sand"
]
Prop = Literal["plant", "books", "vase", "candle", "shapes", "bowl"]


@dataclass(frozen=True)
class Grade:
    """A mood as a colour grade, applied to the backdrop only (the product is never graded)."""

    saturation: float = 1.0
    contrast: float = 1.0
    brightness: float = 1.0
    warmth: float = 0.0  # -1 cool .. +1 warm
    fade: float = 0.0  # lifts the blacks (0..0.15)
    vignette: float = 0.15  # darkening at the corners (0..0.6)


@dataclass(frozen=True)
class SceneLook:
    backdrop: Backdrop = "sweep"
    wall: RGB = (236, 233, 228)
    floor: RGB = (222, 216, 207)
    accents: tuple[RGB, ...] = ((178, 150, 118), (120, 140, 116), (70, 72, 76))
    wall_texture: Texture = "plain"
    floor_texture: Texture = "plain"
    skirting: bool = False
    light_side: float = -0.5  # -1 from the left .. +1 from the right
    light_from_top: bool = False
    back_light: bool = False
    window: bool = False
    spotlight: bool = False
    light_warmth: float = 0.0  # -1 cool .. +1 warm
    hardness: float = 0.4  # 0 soft (diffuse) .. 1 hard (direct sun)
    light_level: float = 1.0
    camera: Camera = "eye"
    zoom: float = 1.0
    props: tuple[Prop, ...] = ()
    grade: Grade = field(default_factory=Grade)


_ROOMS: Final[dict[str, SceneLook]] = {
    "studio": SceneLook(),
    "living_room": SceneLook(
        backdrop="room",
        wall=(232, 226, 216),
        floor=(176, 138, 100),
        wall_texture="plaster",
        floor_texture="wood",
        skirting=True,
    ),
    "kitchen": SceneLook(
        backdrop="room", wall=(238, 236, 232), floor=(226, 224, 220), wall_texture="tile", floor_texture="marble"
    ),
    "dining_room": SceneLook(
        backdrop="room", wall=(226, 218, 206), floor=(150, 106, 72), wall_texture="plaster", floor_texture="wood"
    ),
    "bedroom": SceneLook(
        backdrop="room",
        wall=(230, 222, 214),
        floor=(200, 180, 156),
        wall_texture="plaster",
        floor_texture="wood",
        skirting=True,
    ),
    "bathroom": SceneLook(
        backdrop="room", wall=(234, 236, 236), floor=(218, 218, 216), wall_texture="tile", floor_texture="marble"
    ),
    "office": SceneLook(
        backdrop="room", wall=(222, 222, 218), floor=(170, 134, 98), wall_texture="plaster", floor_texture="wood"
    ),
    "outdoor": SceneLook(
        backdrop="outdoor", wall=(196, 216, 232), floor=(196, 186, 170), floor_texture="stone", hardness=0.7
    ),
}


@dataclass(frozen=True)
class _Style:
    """What a style preset sets: the room's colours and textures, accent colours and the props that suit it."""

    wall: RGB
    floor: RGB
    accents: tuple[RGB, ...]
    props: tuple[Prop, ...]
    wall_texture: Texture = "plaster"
    floor_texture: Texture = "wood"


_STYLES: Final[dict[str, _Style]] = {
    "modern": _Style(
        (234, 232, 228), (190, 186, 180), ((40, 40, 42), (180, 150, 110)), ("shapes", "vase"), "plain", "concrete"
    ),
    "minimal": _Style((242, 240, 236), (224, 218, 208), ((214, 208, 198), (160, 156, 150)), ("shapes",), "plain"),
    "industrial": _Style(
        (150, 146, 140), (110, 106, 100), ((40, 40, 40), (150, 80, 50)), ("books", "plant"), "brick", "concrete"
    ),
    "scandinavian": _Style((240, 238, 234), (214, 190, 158), ((170, 182, 164), (222, 204, 184)), ("plant", "vase")),
    "bohemian": _Style((226, 202, 172), (176, 128, 88), ((190, 104, 76), (208, 160, 50)), ("plant", "bowl")),
    "mid-century": _Style(
        (224, 216, 198), (132, 88, 58), ((40, 112, 112), (208, 160, 50)), ("plant", "shapes"), "panel"
    ),
    "contemporary": _Style(
        (216, 212, 206), (182, 172, 160), ((90, 96, 104), (200, 186, 170)), ("vase", "books"), "plain", "concrete"
    ),
    "traditional": _Style((206, 200, 176), (120, 80, 52), ((40, 54, 90), (112, 30, 46)), ("books", "candle"), "panel"),
    "rustic": _Style((214, 196, 170), (128, 90, 60), ((110, 120, 80), (170, 120, 80)), ("bowl", "candle")),
    "eclectic": _Style((70, 118, 116), (164, 112, 72), ((226, 130, 60), (230, 170, 180)), ("plant", "books")),
    "luxur": _Style(
        (46, 50, 56), (228, 226, 222), ((200, 162, 80), (28, 28, 30)), ("vase", "candle"), "plain", "marble"
    ),
    "coastal": _Style((232, 238, 240), (214, 200, 176), ((120, 170, 200), (236, 228, 206)), ("vase", "bowl"), "plain"),
    "japandi": _Style((228, 222, 212), (190, 160, 124), ((60, 58, 54), (160, 150, 130)), ("vase", "shapes")),
}

_MOODS: Final[list[tuple[tuple[str, ...], Grade]]] = [
    (("calm", "serene", "peace", "relax", "tranquil", "zen"), Grade(0.82, 0.9, 1.02, 0.0, 0.03, 0.1)),
    (("energetic", "vibrant", "playful", "bold", "fun", "lively", "dynamic"), Grade(1.3, 1.14, 1.03, 0.05, 0, 0.1)),
    (("luxur", "elegant", "sophisticat", "premium", "opulent", "glamo"), Grade(0.95, 1.16, 0.92, 0.15, 0, 0.38)),
    (("cozy", "cosy", "warm", "inviting", "homey", "hygge"), Grade(1.02, 0.95, 0.99, 0.45, 0.02, 0.22)),
    (("dramatic", "moody", "dark", "mysterious", "intense"), Grade(0.88, 1.28, 0.8, 0.0, 0, 0.5)),
    (("fresh", "airy", "bright", "clean", "light", "crisp"), Grade(0.96, 0.9, 1.07, -0.1, 0.02, 0.05)),
    (("romantic", "dreamy", "soft", "gentle"), Grade(0.88, 0.9, 1.03, 0.2, 0.05, 0.15)),
    (("natural", "organic", "earthy", "rustic"), Grade(0.95, 1.0, 1.0, 0.12, 0.01, 0.15)),
    (("vintage", "retro", "nostalgic"), Grade(0.78, 0.9, 1.0, 0.3, 0.1, 0.25)),
    (("minimal", "simple", "understated"), Grade(0.85, 0.96, 1.02, 0.0, 0.01, 0.08)),
    (("professional", "corporate", "focused"), Grade(0.92, 1.04, 1.0, -0.1, 0, 0.1)),
]

_PROPS: Final[list[tuple[tuple[str, ...], Prop]]] = [
    (("plant", "green", "leaf", "leaves", "foliage", "botanical", "fern", "palm", "monstera"), "plant"),
    (("book", "magazine", "novel"), "books"),
    (("vase", "flower", "ceramic", "pottery", "bloom", "dried"), "vase"),
    (("candle", "lantern"), "candle"),
    (("geometric", "shape", "sphere", "cube", "sculpt", "plinth", "pedestal", "object"), "shapes"),
    (("bowl", "fruit", "lemon", "apple", "tray", "dish"), "bowl"),
]

_TEXTURES: Final[list[tuple[tuple[str, ...], Texture]]] = [
    (("brick",), "brick"),
    (("marble", "granite", "quartz"), "marble"),
    (("concrete", "cement", "terrazzo", "industrial"), "concrete"),
    (("tile", "tiled", "subway", "ceramic"), "tile"),
    (("panel", "wainscot", "slat", "board"), "panel"),
    (("wood", "oak", "walnut", "timber", "parquet", "plank", "pine", "deck"), "wood"),
    (("plaster", "limewash", "stucco", "venetian", "textured"), "plaster"),
    (("curtain", "drape", "linen", "fabric", "velvet"), "curtain"),
    (("grass", "lawn", "garden", "meadow"), "grass"),
    (("sand", "beach", "dune"), "sand"),
    (("stone", "patio", "pavement", "slate", "cobble", "gravel", "rock"), "stone"),
]
_SURFACE_WORDS: Final = ("floor", "table", "counter", "desk", "surface", "shelf", "ground", "rug", "deck", "slab")


def scene_look(scene: Mapping[str, Sequence[str]], scene_type: str, rng: np.random.Generator) -> SceneLook:
    """The look for a request's resolved bubbles and scene type; `rng` decides only what the text leaves open."""
    look = _ROOMS.get(scene_type, _ROOMS["studio"])
    text = {bubble: " ".join(values).lower() for bubble, values in scene.items()}
    look = _apply_camera(look, text.get("camera_angle", ""))
    look = _apply_style(look, text.get("style", ""))
    look = _apply_background(look, text.get("background", "") + " " + text.get("custom", ""))
    look = _apply_palette(look, " ".join(scene.get("color_palette", [])))
    look = _apply_lighting(look, text.get("lighting", ""), rng)
    return replace(look, props=_props(text.get("props", ""), look.props, rng), grade=_grade(text.get("mood", "")))


def _mentions(text: str, words: Sequence[str]) -> bool:
    """Whether a word in `text` starts with one of `words` ("golden" finds "Golden hour", "right" does not
    find "bright")."""
    return any(re.search(rf"\b{re.escape(word)}", text) for word in words)


def _apply_style(look: SceneLook, text: str) -> SceneLook:
    text = text.replace("midcentury", "mid-century").replace("mid century", "mid-century")
    style = next((preset for name, preset in _STYLES.items() if _mentions(text, [name])), None)
    if style is None:
        return look
    if look.backdrop == "sweep":  # a studio keeps its paper; the style brings its accents and props
        return replace(look, accents=style.accents, props=style.props)
    if look.backdrop == "outdoor":
        return replace(look, floor=style.floor, accents=style.accents, props=style.props)
    return replace(
        look,
        wall=style.wall,
        floor=style.floor,
        wall_texture=style.wall_texture,
        floor_texture=style.floor_texture,
        accents=style.accents,
        props=style.props,
    )


def _apply_background(look: SceneLook, text: str) -> SceneLook:
    """ "White brick wall", "Marble countertop", "Wooden table", "Sage green backdrop": textures and colours go
    to the surface when the text names one, otherwise to the wall."""
    if not text.strip():
        return look
    on_surface = _mentions(text, _SURFACE_WORDS)
    texture = next((found for words, found in _TEXTURES if _mentions(text, words)), None)
    colours = parse_colours(text)
    if texture is not None:
        ground = texture in ("grass", "sand", "stone")
        if ground or on_surface or look.backdrop == "flatlay":
            backdrop: Backdrop = (
                "outdoor" if texture in ("grass", "sand") and look.backdrop != "flatlay" else look.backdrop
            )
            look = replace(look, floor_texture=texture, backdrop=backdrop)
            if not colours:
                look = replace(look, floor=_TEXTURE_COLOURS[texture])
        else:
            look = replace(look, wall_texture=texture)
            if look.backdrop == "sweep":  # a textured wall makes a room set, no longer a paper sweep
                floor_texture: Texture = "concrete" if texture in ("brick", "concrete") else "wood"
                look = replace(look, backdrop="room", floor_texture=floor_texture)
            if not colours:
                look = replace(look, wall=_TEXTURE_COLOURS[texture])
    if colours:
        look = replace(look, floor=colours[0]) if on_surface and "wall" not in text else replace(look, wall=colours[0])
    return look


_TEXTURE_COLOURS: Final[dict[Texture, RGB]] = {
    "brick": (168, 96, 74),
    "marble": (232, 230, 226),
    "concrete": (168, 166, 162),
    "tile": (236, 236, 234),
    "panel": (206, 196, 176),
    "wood": (168, 124, 84),
    "plaster": (226, 216, 202),
    "curtain": (222, 214, 200),
    "grass": (96, 140, 70),
    "sand": (222, 204, 170),
    "stone": (176, 170, 160),
    "plain": (232, 228, 222),
}


def _apply_palette(look: SceneLook, text: str) -> SceneLook:
    """First colour: the wall (or the sweep), second: the surface, the rest: props. A single colour also
    tints the surface, so the picture reads as that colour rather than as one coloured wall."""
    colours = parse_colours(text)
    if not colours:
        return look
    wall = colours[0]
    floor = colours[1] if len(colours) > 1 else mix(look.floor, scale(wall, 0.88), 0.55)
    if look.backdrop in ("sweep", "flatlay") and len(colours) == 1:
        floor = scale(wall, 0.94)
    accents = (*colours[2:], *colours[1:2], *look.accents)
    return replace(look, wall=wall, floor=floor, accents=accents[:4])


_WARMTH: Final[list[tuple[tuple[str, ...], float]]] = [
    (("golden", "sunset", "sunrise", "candle", "fire"), 0.85),
    (("warm", "tungsten", "incandescent", "amber", "cozy", "cosy", "evening"), 0.55),
    (("blue hour", "moon", "night"), -0.75),
    (("cool", "cold", "overcast", "north", "cloud", "shade"), -0.45),
    (("daylight", "natural", "morning"), -0.1),
]


def _apply_lighting(look: SceneLook, text: str, rng: np.random.Generator) -> SceneLook:
    """Direction, warmth, hardness and level of the key light."""
    if not text.strip():
        return replace(look, light_side=float(rng.choice([-0.6, 0.6])))
    if _mentions(text, ["left"]):
        side = -1.0
    elif _mentions(text, ["right"]):
        side = 1.0
    elif _mentions(text, ["front", "even", "flat", "ring"]):
        side = 0.0
    else:
        side = float(rng.choice([-0.8, 0.8]))
    golden = _mentions(text, ["golden", "sunset", "sunrise"])
    if golden and side == 0.0:
        side = float(rng.choice([-1.0, 1.0]))  # a low sun comes from a side
    warmth = next((value for words, value in _WARMTH if _mentions(text, words)), 0.0)
    hardness = look.hardness
    if _mentions(text, ["soft", "diffuse", "overcast", "cloud", "gentle", "even"]):
        hardness = 0.2
    elif _mentions(text, ["hard", "harsh", "direct", "dramatic", "spot", "sun", "golden", "strong"]):
        hardness = 0.8
    level = 1.0
    if _mentions(text, ["dramatic", "low key", "low-key", "moody", "dim", "night", "candle"]):
        level = 0.8
    elif _mentions(text, ["bright", "high key", "high-key", "airy"]):
        level = 1.06
    return replace(
        look,
        light_side=side,
        light_from_top=_mentions(text, ["top", "above", "overhead", "pendant", "skylight"]),
        back_light=_mentions(text, ["back", "rim", "behind", "silhouette", "halo"]),
        window=_mentions(text, ["window", "natural", "daylight"]),
        spotlight=_mentions(text, ["spot", "dramatic", "gallery"]),
        light_warmth=warmth,
        hardness=hardness,
        light_level=level,
    )


def _apply_camera(look: SceneLook, text: str) -> SceneLook:
    """Camera height (eye level, high, low, straight down) and framing (close-up, wide)."""
    if _mentions(text, ["top-down", "top down", "flat lay", "flatlay", "overhead", "bird", "90"]):
        look = replace(look, camera="top", backdrop="flatlay")
    elif _mentions(text, ["low", "worm", "below", "hero"]):
        look = replace(look, camera="low")
    elif _mentions(text, ["high", "elevated", "above", "45", "three-quarter", "3/4"]):
        look = replace(look, camera="high")
    if _mentions(text, ["close", "macro", "detail", "tight"]):
        look = replace(look, zoom=1.25)
    elif _mentions(text, ["wide", "full", "establishing", "room view"]):
        look = replace(look, zoom=0.8)
    return look


def _props(text: str, style_props: tuple[Prop, ...], rng: np.random.Generator) -> tuple[Prop, ...]:
    """Props named in the text (at most two kinds); a vague value ("Decor", "Styled") picks from the style's."""
    if not text.strip() or _mentions(text, ["none", "no prop", "without", "clean", "nothing"]):
        return ()
    named = [prop for words, prop in _PROPS if _mentions(text, words)]
    if not named:
        pool: list[Prop] = list(style_props) or ["plant", "vase", "books"]
        named = [pool[int(rng.integers(len(pool)))]]
        if not _mentions(text, ["minimal"]) and len(pool) > 1 and rng.random() < 0.6:
            named.append(pool[(pool.index(named[0]) + 1) % len(pool)])
    return tuple(dict.fromkeys(named))[:2]


def _grade(text: str) -> Grade:
    for words, grade in _MOODS:
        if any(word in text for word in words):
            return grade
    return Grade()
