"""Generation settings: the ten "bubble" types that describe a scene, their presets, and the cascade that resolves
them for one image (design/domain.md, Generation settings).

A settings document has the shape of a generation request's `settings` (design/api.md), at every level of the
cascade: `{"bubbles": [{"type", "preset"?, "value"?}], "scene_type"?, "aspect_ratio"?, "quality"?, "prompt"?}`,
plus the video options `resolution`, `duration_s`, `fps` and `camera_motion`.
A *single* bubble type appears at most once per document and the most specific level that sets it wins; an
*additive* type may appear many times and every level's values are kept, in cascade order. Output options and
the prompt are single too. Empty values are dropped. Categories may add `by_scene_type: {scene: document}`.
Organizations, categories, products, collections, collection sections and flows all store this shape.

Every resolved value remembers the level it came from, so the studio can show "Lighting: Golden hour (from
category Outdoor furniture)" and every asset stores exactly why it looks the way it does.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_VALUE_LENGTH = 300
MAX_ADDITIVE_VALUES = 12


class BubbleType(enum.StrEnum):
    style = "style"
    lighting = "lighting"
    camera_angle = "camera_angle"
    mood = "mood"
    props = "props"
    background = "background"
    human_interaction = "human_interaction"
    color_palette = "color_palette"
    reference = "reference"
    custom = "custom"

    @property
    def additive(self) -> bool:
        return self in ADDITIVE

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


ADDITIVE = frozenset({BubbleType.color_palette, BubbleType.reference, BubbleType.custom})

PRESETS: dict[BubbleType, tuple[str, ...]] = {
    BubbleType.style: (
        "Modern",
        "Minimalist",
        "Industrial",
        "Scandinavian",
        "Bohemian",
        "Mid-Century",
        "Contemporary",
        "Traditional",
        "Rustic",
        "Eclectic",
    ),
    BubbleType.lighting: (
        "Soft window light from the left",
        "Soft window light from the right",
        "Golden hour",
        "Bright daylight",
        "Studio softbox",
        "Warm evening lamps",
        "Cool overcast",
    ),
    BubbleType.camera_angle: ("Eye level", "Slightly above", "Low angle", "Top-down", "Three-quarter view"),
    BubbleType.mood: ("Calm", "Cozy", "Energetic", "Luxurious", "Fresh", "Dramatic"),
    BubbleType.props: ("Potted plant", "Stack of books", "Ceramic vase", "Throw blanket", "Coffee cup", "None"),
    BubbleType.background: (
        "Plain wall",
        "Textured plaster",
        "Wood paneling",
        "Brick wall",
        "Garden",
        "Seamless paper",
    ),
    BubbleType.human_interaction: ("None", "Hand holding the product", "Person in the background", "Person using it"),
    BubbleType.color_palette: ("Warm neutrals", "Sage green", "Terracotta", "Navy and white", "Pastels", "Monochrome"),
    BubbleType.reference: (),
    BubbleType.custom: (),
}

# A style preset fills the bubbles it implies when nothing more specific set them (source "style preset").
STYLE_FILLS: dict[str, dict[BubbleType, tuple[str, ...]]] = {
    "Modern": {
        BubbleType.lighting: ("Bright daylight",),
        BubbleType.color_palette: ("White", "Charcoal"),
        BubbleType.props: ("Ceramic vase",),
    },
    "Minimalist": {
        BubbleType.lighting: ("Studio softbox",),
        BubbleType.color_palette: ("Monochrome",),
        BubbleType.props: ("None",),
    },
    "Industrial": {
        BubbleType.lighting: ("Cool overcast",),
        BubbleType.color_palette: ("Charcoal", "Rust"),
        BubbleType.props: ("Metal lamp",),
    },
    "Scandinavian": {
        BubbleType.lighting: ("Soft window light from the left",),
        BubbleType.color_palette: ("Warm neutrals", "Light oak"),
        BubbleType.props: ("Potted plant",),
    },
    "Bohemian": {
        BubbleType.lighting: ("Golden hour",),
        BubbleType.color_palette: ("Terracotta", "Mustard"),
        BubbleType.props: ("Throw blanket",),
    },
    "Mid-Century": {
        BubbleType.lighting: ("Warm evening lamps",),
        BubbleType.color_palette: ("Teak", "Olive green"),
        BubbleType.props: ("Ceramic vase",),
    },
    "Contemporary": {
        BubbleType.lighting: ("Bright daylight",),
        BubbleType.color_palette: ("Greige", "Black"),
        BubbleType.props: ("Stack of books",),
    },
    "Traditional": {
        BubbleType.lighting: ("Warm evening lamps",),
        BubbleType.color_palette: ("Burgundy", "Cream"),
        BubbleType.props: ("Stack of books",),
    },
    "Rustic": {
        BubbleType.lighting: ("Golden hour",),
        BubbleType.color_palette: ("Warm neutrals", "Walnut"),
        BubbleType.props: ("Potted plant",),
    },
    "Eclectic": {
        BubbleType.lighting: ("Bright daylight",),
        BubbleType.color_palette: ("Pastels", "Emerald"),
        BubbleType.props: ("Ceramic vase",),
    },
}


class Level(enum.StrEnum):
    """The cascade, least to most specific: later levels override earlier ones."""

    organization = "organization"
    primary_category = "primary_category"
    category_scene_type = "category_scene_type"
    product = "product"
    collection = "collection"
    collection_section = "collection_section"
    flow = "flow"
    style_preset = "style_preset"  # fills only what no level set


class InvalidSettings(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


# Video clips add their own output options (api/generation/video.py); they cascade like the others.
VIDEO_OPTION_FIELDS = ("resolution", "duration_s", "fps", "camera_motion")
OPTION_FIELDS = ("scene_type", "aspect_ratio", "quality", "prompt", *VIDEO_OPTION_FIELDS)
_OPTION_LIMITS = {
    "scene_type": 50,
    "aspect_ratio": 10,
    "quality": 10,
    "prompt": 1000,
    "resolution": 10,
    "duration_s": 4,
    "fps": 4,
    "camera_motion": 20,
}
_NUMERIC_OPTIONS = frozenset({"duration_s", "fps"})  # stored as text like every option; given as numbers too


def _clean(value: Any, path: str, limit: int = MAX_VALUE_LENGTH) -> str:
    if not isinstance(value, str):
        raise InvalidSettings(path, "must be a string")
    text = " ".join(value.split())
    if len(text) > limit:
        raise InvalidSettings(path, f"must be at most {limit} characters")
    return text


def _bubbles(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise InvalidSettings("bubbles", "must be a list of {type, preset, value}")
    result: list[dict[str, str]] = []
    singles: set[BubbleType] = set()
    for index, raw in enumerate(value):
        path = f"bubbles[{index}]"
        if not isinstance(raw, Mapping) or set(raw) - {"type", "preset", "value"}:
            raise InvalidSettings(path, "must be an object with type, and preset or value")
        try:
            bubble = BubbleType(str(raw.get("type")))
        except ValueError as exc:
            raise InvalidSettings(f"{path}.type", "is not a bubble type: " + ", ".join(BubbleType)) from exc
        cleaned = {"type": bubble.value}
        for field_name in ("preset", "value"):
            if raw.get(field_name) is not None:
                text = _clean(raw[field_name], f"{path}.{field_name}")
                if text:
                    cleaned[field_name] = text
        if len(cleaned) == 1:
            continue  # an empty bubble is dropped
        if not bubble.additive:
            if bubble in singles:
                raise InvalidSettings(path, f"{bubble.value} takes a single value")
            singles.add(bubble)
        result.append(cleaned)
    for bubble in ADDITIVE:
        if sum(1 for item in result if item["type"] == bubble.value) > MAX_ADDITIVE_VALUES:
            raise InvalidSettings("bubbles", f"{bubble.value} takes at most {MAX_ADDITIVE_VALUES} values")
    return result


def normalize(document: Mapping[str, Any], *, allow_scene_types: bool = False) -> dict[str, Any]:
    """A settings document validated and cleaned: known fields only, whitespace collapsed, empty values dropped.
    Raises `InvalidSettings` naming the bad field."""
    if not isinstance(document, Mapping):
        raise InvalidSettings("generation_settings", "must be an object")
    result: dict[str, Any] = {}
    for key, value in document.items():
        if key == "by_scene_type" and allow_scene_types:
            if not isinstance(value, Mapping):
                raise InvalidSettings(key, "must be an object keyed by scene type")
            nested = {str(scene): normalize(doc) for scene, doc in value.items()}
            if any(nested.values()):
                result[key] = {scene: doc for scene, doc in nested.items() if doc}
        elif key == "bubbles":
            if bubbles := _bubbles(value):
                result[key] = bubbles
        elif key in OPTION_FIELDS:
            if key in _NUMERIC_OPTIONS and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if value is not None and (text := _clean(value, key, _OPTION_LIMITS[key])):
                result[key] = text
        else:
            fields = ", ".join(("bubbles", *OPTION_FIELDS))
            raise InvalidSettings(key, f"is not a setting (use {fields})")
    return result


def bubble_text(bubble: Mapping[str, str]) -> str:
    """What a bubble says: its own words, else its preset."""
    return bubble.get("value") or bubble.get("preset") or ""


@dataclass(frozen=True)
class SourcedValue:
    value: str
    level: Level
    label: str  # which one of that level, e.g. the category's name


@dataclass(frozen=True)
class ResolvedSettings:
    """Each bubble type's values (one for single types) with where each came from."""

    values: dict[BubbleType, list[SourcedValue]] = field(default_factory=dict)
    options: dict[str, SourcedValue] = field(default_factory=dict)  # scene_type, aspect_ratio, quality, prompt

    def option(self, name: str, default: str | None = None) -> str | None:
        found = self.options.get(name)
        return found.value if found else default

    def get(self, bubble: BubbleType) -> list[str]:
        return [v.value for v in self.values.get(bubble, [])]

    def first(self, bubble: BubbleType) -> str | None:
        found = self.values.get(bubble)
        return found[0].value if found else None

    def as_scene(self) -> dict[str, list[str]]:
        """The shape providers take: bubble type → values."""
        return {bubble.value: self.get(bubble) for bubble in BubbleType if self.values.get(bubble)}

    def to_json(self) -> dict[str, list[dict[str, str]]]:
        """Stored on every asset: each bubble's and option's values with their sources."""
        sourced = {bubble.value: found for bubble, found in self.values.items()}
        sourced |= {name: [value] for name, value in self.options.items()}
        return {
            name: [{"value": v.value, "source": v.level.value, "label": v.label} for v in found]
            for name, found in sourced.items()
        }


@dataclass(frozen=True)
class CascadeLevel:
    level: Level
    label: str
    document: Mapping[str, Any]


def resolve(levels: Sequence[CascadeLevel]) -> ResolvedSettings:
    """Resolve the cascade (levels in order, least specific first): single types and output options take the
    last level that sets them; additive types keep every level's values in order (a value repeated by a later
    level is kept once, at its first source). Then the resolved style's preset fills what is still unset."""
    values: dict[BubbleType, list[SourcedValue]] = {}
    options: dict[str, SourcedValue] = {}
    for entry in levels:
        document = normalize(entry.document)
        for name in OPTION_FIELDS:
            if name in document:
                options[name] = SourcedValue(document[name], entry.level, entry.label)
        for raw in document.get("bubbles", []):
            bubble, text = BubbleType(raw["type"]), bubble_text(raw)
            if bubble.additive:
                seen = {v.value.casefold() for v in values.get(bubble, [])}
                if text.casefold() not in seen:
                    values.setdefault(bubble, []).append(SourcedValue(text, entry.level, entry.label))
            else:
                values[bubble] = [SourcedValue(text, entry.level, entry.label)]
    style = values.get(BubbleType.style)
    fills = STYLE_FILLS.get(style[0].value, {}) if style else {}
    for bubble, preset_values in fills.items():
        if bubble not in values:
            label = f"{style[0].value} style" if style else "style"
            values[bubble] = [SourcedValue(v, Level.style_preset, label) for v in preset_values]
    ordered = {bubble: values[bubble] for bubble in BubbleType if bubble in values}
    return ResolvedSettings(ordered, options)


def category_levels(
    primary_category: tuple[str, Mapping[str, Any]] | None, scene_type: str | None
) -> list[CascadeLevel]:
    """The primary category's own settings, then its settings for the scene type (`by_scene_type`)."""
    if primary_category is None:
        return []
    name, document = primary_category
    levels = [CascadeLevel(Level.primary_category, name, {k: v for k, v in document.items() if k != "by_scene_type"})]
    by_scene = document.get("by_scene_type") or {}
    if scene_type and isinstance(by_scene, Mapping) and scene_type in by_scene:
        levels.append(CascadeLevel(Level.category_scene_type, f"{name} · {scene_type}", by_scene[scene_type]))
    return levels


def options() -> Iterable[dict[str, Any]]:
    """The bubble types for `GET /generation/options`."""
    for bubble in BubbleType:
        yield {
            "type": bubble.value,
            "label": bubble.label,
            "additive": bubble.additive,
            "presets": list(PRESETS[bubble]),
        }
