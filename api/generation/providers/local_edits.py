"""The `local` provider's AI edits: what can honestly be done without a model, and a clear refusal otherwise.

- `upscale`: Lanczos resampling to a long side of 2048 (2k) or 4096 (4k), then a light unsharp mask to restore
  the edge contrast resampling softens. It adds no detail that was not there.
- `remove_background`: the product cut-out the local generator uses (api/generation/imaging/cutout.py), saved as
  an RGBA PNG with the background transparent. An image without a plain background to separate (a busy scene)
  is refused rather than cut badly.
- `ai_edit`: instructions made only of colour and tone changes it can perform ("make it warmer", "black and
  white", "a bit brighter, more contrast", "sharper", "mirror it", "remove the background"), done with the
  editor's documented adjustments, optionally only where the mask is white. Any part of an instruction it cannot
  perform ("add a dog", "replace the sofa") makes it refuse the whole edit, saying what it can do: it never
  applies half of an instruction and calls it done.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from dataclasses import dataclass, field, fields
from typing import Final

import numpy as np
from PIL import Image, ImageFilter

from api.assets import editor
from api.generation.imaging.cutout import cut_out
from api.generation.providers.base import QUALITY_LONG_SIDE, EditRequest, GeneratedImage, ProviderRejected

MODEL: Final = "epox-local-edit-1"
PNG_COMPRESS_LEVEL: Final = 3

# Below this share of the frame a cut-out found nothing; above it, no background was told apart.
MIN_PRODUCT_SHARE: Final = 0.005
MAX_PRODUCT_SHARE: Final = 0.97


async def edit(request: EditRequest) -> GeneratedImage:
    started = time.perf_counter()
    png, width, height = await asyncio.to_thread(render_edit, request)
    return GeneratedImage(
        png=png,
        width=width,
        height=height,
        model=MODEL,
        units=1.0,
        cost_micros=0,
        duration_ms=round((time.perf_counter() - started) * 1000),
    )


def render_edit(request: EditRequest) -> tuple[bytes, int, int]:
    try:
        image = editor.open_image(request.image)
    except (OSError, ValueError) as exc:
        raise ProviderRejected("The source image could not be read.", code="invalid_source") from exc
    if request.operation == "upscale":
        result = upscale(image, request.quality)
    elif request.operation == "remove_background":
        result = remove_background(image)
    else:
        result = instruction_edit(image, request.instruction, request.mask)
    out = io.BytesIO()
    result.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue(), result.width, result.height


def upscale(image: Image.Image, quality: str | None) -> Image.Image:
    if quality not in {"2k", "4k"}:
        raise ProviderRejected("Upscale to 2k or 4k.", code="unsupported_quality")
    target = QUALITY_LONG_SIDE["2k" if quality == "2k" else "4k"]
    long_side = max(image.size)
    if long_side >= target:
        raise ProviderRejected(f"The image is already {long_side} px on its long side.", code="already_large_enough")
    scale = target / long_side
    size = (
        (target, max(1, round(image.height * scale)))
        if image.width >= image.height
        else (max(1, round(image.width * scale)), target)
    )
    resized = image.resize(size, Image.Resampling.LANCZOS)
    # The softness to undo is about one source pixel wide (capped: a wide mask on a big factor draws halos).
    return resized.filter(ImageFilter.UnsharpMask(radius=min(2.5, 0.6 * scale), percent=45, threshold=2))


def remove_background(image: Image.Image) -> Image.Image:
    rgba, mask = cut_out(image)
    share = float(mask.mean())
    if not MIN_PRODUCT_SHARE <= share <= MAX_PRODUCT_SHARE:
        raise ProviderRejected(
            "No plain background could be told apart from the subject here; the local provider removes "
            "backgrounds from studio-style shots. Try a hosted provider for busy scenes.",
            code="background_not_separable",
        )
    return rgba


# --- instructions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Intent:
    name: str
    pattern: re.Pattern[str]
    adjustments: editor.Adjustments = field(default_factory=editor.Adjustments)
    scalable: bool = True  # "slightly" halves it, "much" makes it 1.6 times as strong
    geometric: str | None = None  # "mirror" | "cutout": not a tone change, cannot take a mask


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


A = editor.Adjustments
# In this order: a phrase that matches is removed before the next intents look (so "less contrast" is not also
# "contrast").
_INTENTS: Final[tuple[_Intent, ...]] = (
    _Intent("monochrome", _words("monochrome", "gr[ae]y ?scale", "b ?& ?w", "colou?rless"), A(saturation=-1), False),
    _Intent("sepia", _words("sepia", "vintage"), A(saturation=-1, warmth=0.6), False),
    _Intent("warmer", _words("warm(?:er|th)?", "golden", "cozier", "cosier"), A(warmth=0.35)),
    _Intent("cooler", _words("cool(?:er)?", "cold(?:er)?", "bluer"), A(warmth=-0.35)),
    _Intent("brighter", _words("bright(?:er|en|ness)?", "light(?:er|en)"), A(exposure=0.5)),
    _Intent("darker", _words("dark(?:er|en)?", "dimmer", "moodier"), A(exposure=-0.5)),
    _Intent("less_contrast", _words("(?:less|lower|reduced?) (?:the )?contrast", "flatter"), A(contrast=-0.25)),
    _Intent("more_contrast", _words("(?:more |higher )?contrast", "punchier"), A(contrast=0.25)),
    _Intent(
        "less_saturated",
        _words("less saturated", "desaturated?", "muted", "less colou?rful", "washed out"),
        A(saturation=-0.4),
    ),
    _Intent("more_saturated", _words("saturated?", "vibrant", "vivid", "colou?rful", "pop"), A(saturation=0.3)),
    _Intent("sharper", _words("sharp(?:er|en)?", "crisp(?:er)?"), A(sharpness=0.8)),
    _Intent("mirror", _words("mirror(?:ed)?", "flip(?:ped)?(?: (?:it )?horizontally)?"), geometric="mirror"),
    _Intent(
        "cutout",
        _words("remove (?:the )?background", "transparent background", "no background", "cut (?:it )?out"),
        geometric="cutout",
    ),
)
# Words that say how much, and words that carry no request of their own ("make it a bit warmer, please").
_SOFTER: Final = _words("slightly", "a (?:little )?bit", "a little", "a touch", "somewhat", "subtly")
_STRONGER: Final = _words("much", "very", "a lot", "really", "strongly", "significantly")
_FILLER: Final = _words(
    "please",
    "make",
    "it",
    "its",
    "the",
    "whole",
    "image",
    "photo",
    "picture",
    "shot",
    "look",
    "looks",
    "more",
    "a",
    "an",
    "bit",
    "little",
    "slightly",
    "much",
    "very",
    "lot",
    "too",
    "also",
    "overall",
    "tone",
    "tones",
    "colou?rs?",
    "lighting",
    "light",
    "mood",
    "feel",
    "to",
    "be",
    "so",
    "that",
    "is",
    "of",
    "just",
    "can",
    "you",
    "could",
    "would",
    "turn",
    "into",
    "somewhat",
    "subtly",
    "touch",
    "really",
    "strongly",
    "significantly",
    "give",
    "some",
    "version",
    "increase",
    "boost",
    "add",
    "bump",
    "up",
    "in",
)


class InstructionNotSupported(ProviderRejected):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="instruction_not_supported")


CAN_DO: Final = (
    "warmer or cooler, brighter or darker, more or less contrast, more or less saturated, black and white, sepia, "
    "sharper, mirrored, or with the background removed"
)


@dataclass(frozen=True)
class Plan:
    """What an instruction asks for, as the local provider understands it."""

    adjustments: editor.Adjustments
    mirror: bool
    cutout: bool
    intents: tuple[str, ...]


def understand(instruction: str) -> Plan:
    """The edit an instruction asks for; `InstructionNotSupported` when any part of it is not something the local
    provider can do (naming that part)."""
    text = instruction.lower().replace("black and white", "monochrome").replace("black & white", "monochrome")
    clauses = [c.strip() for c in re.split(r"[,;.!]|\band\b|\bthen\b|\bplus\b|\bwith\b", text) if c.strip()]
    if not clauses:
        raise InstructionNotSupported(f"Say what to change. The local provider can make the image {CAN_DO}.")
    totals = {spec.name: 0.0 for spec in fields(editor.Adjustments)}
    mirror = cutout = False
    names: list[str] = []
    for clause in clauses:
        rest, matched = clause, False
        factor = 0.5 if _SOFTER.search(clause) else 1.6 if _STRONGER.search(clause) else 1.0
        for intent in _INTENTS:
            if not intent.pattern.search(rest):
                continue
            matched = True
            names.append(intent.name)
            rest = intent.pattern.sub(" ", rest)
            mirror = mirror or intent.geometric == "mirror"
            cutout = cutout or intent.geometric == "cutout"
            for name in totals:
                totals[name] += getattr(intent.adjustments, name) * (factor if intent.scalable else 1.0)
        leftover = re.search(r"[a-z]{3,}", _FILLER.sub(" ", rest))
        if not matched and leftover is None:
            continue  # only politeness ("please") or emphasis
        if not matched or leftover is not None:
            raise InstructionNotSupported(
                f"The local provider cannot do {clause!r}: it makes colour and tone changes to the whole image (or "
                f"where the mask is white), not new or changed content. It can make the image {CAN_DO}. "
                "Use a hosted provider for generative edits."
            )
    if not names:
        raise InstructionNotSupported(f"Say what to change. The local provider can make the image {CAN_DO}.")
    bounded = {name: min(editor.RANGES[name][1], max(editor.RANGES[name][0], v)) for name, v in totals.items()}
    return Plan(editor.Adjustments(**bounded), mirror, cutout, tuple(names))


def instruction_edit(image: Image.Image, instruction: str, mask: bytes | None) -> Image.Image:
    plan = understand(instruction)
    if mask is not None and (plan.mirror or plan.cutout):
        raise ProviderRejected(
            "A mask limits colour and tone changes; mirroring or removing the background applies to the whole image.",
            code="mask_not_supported",
        )
    result = remove_background(image) if plan.cutout else image
    if not plan.adjustments.is_identity:
        adjusted = editor.adjust(result, plan.adjustments)
        result = _blend(result, adjusted, mask) if mask is not None else adjusted
    if plan.mirror:
        result = editor.flip(result, "horizontal")
    return result


def _blend(original: Image.Image, edited: Image.Image, mask_bytes: bytes) -> Image.Image:
    """`edited` where the mask is white, `original` where it is black, in between by the mask's grey level."""
    try:
        with Image.open(io.BytesIO(mask_bytes)) as opened:
            mask = opened.convert("L").resize(original.size, Image.Resampling.BILINEAR)
    except (OSError, ValueError) as exc:
        raise ProviderRejected("The mask could not be read.", code="invalid_mask") from exc
    weight = np.asarray(mask, dtype=np.float32)[..., None] / 255
    before = np.asarray(original.convert(edited.mode), dtype=np.float32)
    after = np.asarray(edited, dtype=np.float32)
    mixed = np.floor(before + (after - before) * weight + 0.5).astype(np.uint8)
    return Image.fromarray(mixed, edited.mode)
