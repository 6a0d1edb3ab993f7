"""What the local provider understands in an edit instruction, and what it refuses (all of it, naming the part)."""

from __future__ import annotations

import pytest

from api.generation.providers.local_edits import InstructionNotSupported, understand


@pytest.mark.parametrize(
    ("instruction", "intents"),
    [
        ("make it warmer", ("warmer",)),
        ("Black and white, please", ("monochrome",)),
        ("a bit brighter and more contrast", ("brighter", "more_contrast")),
        ("cooler; less saturated", ("cooler", "less_saturated")),
        ("mirror it", ("mirror",)),
        ("remove the background", ("cutout",)),
    ],
)
def test_colour_and_tone_instructions_are_understood(instruction: str, intents: tuple[str, ...]) -> None:
    assert understand(instruction).intents == intents


def test_softer_and_stronger_words_scale_the_change() -> None:
    assert understand("slightly warmer").adjustments.warmth < understand("warmer").adjustments.warmth
    assert understand("much warmer").adjustments.warmth > understand("warmer").adjustments.warmth


@pytest.mark.parametrize("instruction", ["add a dog", "make it warmer and add a dog", "make the sofa red", "please"])
def test_anything_else_is_refused_whole(instruction: str) -> None:
    with pytest.raises(InstructionNotSupported) as refused:
        understand(instruction)
    assert refused.value.code == "instruction_not_supported"
    assert not refused.value.retryable
