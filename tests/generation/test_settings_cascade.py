"""The settings cascade as properties: the most specific single bubble wins, additive ones accumulate in cascade
order, every resolved value names the level it came from, and style presets only fill what nobody set."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.generation.prompt import CLOSING_ANCHOR, OPENING_ANCHOR, build_prompt
from api.generation.settings import (
    ADDITIVE,
    STYLE_FILLS,
    BubbleType,
    CascadeLevel,
    InvalidSettings,
    Level,
    category_levels,
    normalize,
    resolve,
)

CASCADE = [level for level in Level if level != Level.style_preset]
SINGLE = [bubble for bubble in BubbleType if bubble not in ADDITIVE and bubble != BubbleType.style]
words = st.text(alphabet="abcdefghij ", min_size=0, max_size=12)


def _bubble(kind: BubbleType) -> st.SearchStrategy[dict[str, str]]:
    return st.one_of(
        st.builds(lambda v: {"type": kind.value, "value": v}, words),
        st.builds(lambda p: {"type": kind.value, "preset": p}, words),
    )


def _document() -> st.SearchStrategy[dict[str, Any]]:
    singles = st.lists(st.sampled_from(SINGLE), unique=True, max_size=4).flatmap(
        lambda kinds: st.tuples(*(_bubble(kind) for kind in kinds)) if kinds else st.just(())
    )
    additive = st.lists(st.sampled_from(sorted(ADDITIVE)).flatmap(_bubble), max_size=5)
    short = st.text(alphabet="abc :", max_size=8)
    options = st.dictionaries(st.sampled_from(["aspect_ratio", "quality", "scene_type"]), short, max_size=2)
    return st.builds(lambda a, b, o: {"bubbles": [*a, *b], **o}, singles, additive, options)


def _text(bubble: dict[str, str]) -> str:
    return " ".join((bubble.get("value") or bubble.get("preset") or "").split())


levels_strategy = st.lists(st.tuples(st.sampled_from(CASCADE), _document()), max_size=7).map(
    lambda pairs: [CascadeLevel(level, f"{level.value} #{i}", doc) for i, (level, doc) in enumerate(pairs)]
)


@settings(max_examples=150, deadline=None)
@given(levels_strategy)
def test_the_most_specific_single_value_wins_and_names_its_source(levels: list[CascadeLevel]) -> None:
    resolved = resolve(levels)
    for bubble in SINGLE:
        setters = [(lvl, _text(b)) for lvl in levels for b in lvl.document["bubbles"] if b["type"] == bubble.value]
        setters = [(lvl, text) for lvl, text in setters if text]
        found = resolved.values.get(bubble)
        if not setters:
            assert found is None
            continue
        last, text = setters[-1]
        assert found is not None
        assert [(v.value, v.level, v.label) for v in found] == [(text, last.level, last.label)]
    for option in ("aspect_ratio", "quality", "scene_type"):
        set_by = [lvl for lvl in levels if " ".join(lvl.document.get(option, "").split())]
        found_option = resolved.options.get(option)
        assert (found_option.label if found_option else None) == (set_by[-1].label if set_by else None)


@settings(max_examples=150, deadline=None)
@given(levels_strategy)
def test_additive_values_accumulate_in_cascade_order_each_with_its_first_source(levels: list[CascadeLevel]) -> None:
    resolved = resolve(levels)
    for bubble in ADDITIVE:
        expected: list[tuple[str, str]] = []
        for lvl in levels:
            for raw in (b for b in lvl.document["bubbles"] if b["type"] == bubble.value):
                text = _text(raw)
                if text and text.casefold() not in {e[0].casefold() for e in expected}:
                    expected.append((text, lvl.label))
        assert [(v.value, v.label) for v in resolved.values.get(bubble, [])] == expected


@settings(max_examples=60, deadline=None)
@given(levels_strategy, st.sampled_from(sorted(STYLE_FILLS)))
def test_a_style_preset_fills_only_what_no_level_set(levels: list[CascadeLevel], style: str) -> None:
    workspace = {"bubbles": [{"type": "style", "preset": style}]}
    resolved = resolve([CascadeLevel(Level.organization, "Workspace", workspace), *levels])
    for bubble, preset in STYLE_FILLS[style].items():
        set_by_a_level = any(v.level != Level.style_preset for v in resolved.values.get(bubble, []))
        values = resolved.values[bubble]
        if set_by_a_level:
            assert all(v.level != Level.style_preset for v in values)
        else:
            assert [v.value for v in values] == list(preset)
            assert {v.level for v in values} == {Level.style_preset}
    for found in resolved.values.values():
        assert all(v.level in Level for v in found)


def _doc(*bubbles: tuple[str, str], **options: str) -> dict[str, Any]:
    return {"bubbles": [{"type": kind, "value": value} for kind, value in bubbles], **options}


def test_the_full_cascade_with_category_scene_settings() -> None:
    category = (
        "Outdoor furniture",
        {**_doc(("lighting", "Golden hour")), "by_scene_type": {"outdoor": _doc(("background", "Garden"))}},
    )
    resolved = resolve(
        [
            CascadeLevel(
                Level.organization,
                "Acme",
                _doc(("style", "Scandinavian"), ("color_palette", "Sage green"), aspect_ratio="1:1"),
            ),
            *category_levels(category, "outdoor"),
            CascadeLevel(
                Level.product,
                "Teak bench",
                _doc(("color_palette", "Teak"), ("color_palette", "sage GREEN"), ("mood", "Calm")),
            ),
            CascadeLevel(
                Level.flow,
                "Studio session",
                _doc(("mood", "Fresh"), ("custom", "morning dew on the grass"), aspect_ratio="4:5"),
            ),
        ]
    )
    as_json = resolved.to_json()
    assert as_json["style"] == [{"value": "Scandinavian", "source": "organization", "label": "Acme"}]
    assert as_json["lighting"] == [{"value": "Golden hour", "source": "primary_category", "label": "Outdoor furniture"}]
    assert as_json["background"][0]["source"] == "category_scene_type"
    assert [v["value"] for v in as_json["color_palette"]] == ["Sage green", "Teak"]
    assert as_json["mood"] == [{"value": "Fresh", "source": "flow", "label": "Studio session"}]
    assert as_json["props"] == [{"value": "Potted plant", "source": "style_preset", "label": "Scandinavian style"}]
    assert category_levels(category, "kitchen")[-1].level == Level.primary_category

    assert as_json["aspect_ratio"] == [{"value": "4:5", "source": "flow", "label": "Studio session"}]
    prompt = build_prompt(resolved, scene_type="outdoor", aspect_ratio="4:5", user_prompt="  late  summer ")
    assert prompt.startswith(OPENING_ANCHOR)
    assert prompt.endswith(CLOSING_ANCHOR)
    order = ["Framing: portrait (4:5)", "Interior style", "Mood: Fresh", "Lighting: Golden hour", "Color palette"]
    order += ["Background: Garden", "Props: Potted plant", "Also: morning dew", "Merchant's direction: late summer"]
    positions = [prompt.index(fragment) for fragment in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"colour": "red"}, "colour"),
        ({"bubbles": {"type": "style"}}, "bubbles"),
        ({"bubbles": [{"type": "colour", "value": "red"}]}, "bubbles[0].type"),
        ({"bubbles": [{"type": "style", "value": 3}]}, "bubbles[0].value"),
        ({"bubbles": [{"type": "style", "value": "x" * 301}]}, "bubbles[0].value"),
        ({"bubbles": [{"type": "style", "value": "a"}, {"type": "style", "preset": "Modern"}]}, "bubbles[1]"),
        ({"bubbles": [{"type": "custom", "value": f"v{i}"} for i in range(13)]}, "bubbles"),
        ({"prompt": "x" * 1001}, "prompt"),
    ],
)
def test_bad_documents_name_the_field(document: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidSettings) as error:
        normalize(document)
    assert error.value.path == path


def test_normalize_drops_empty_values() -> None:
    document = {"bubbles": [{"type": "style", "value": "  "}, {"type": "color_palette", "value": " Navy  blue "}]}
    assert normalize({**document, "quality": "", "prompt": None}) == {
        "bubbles": [{"type": "color_palette", "value": "Navy blue"}]
    }
