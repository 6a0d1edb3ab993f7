"""The one interface every image provider implements (local, gemini, openai, fal).

A provider receives an `ImageRequest` whose prompt and scene are already resolved (the settings cascade and the
prompt builder live elsewhere) and answers one `GeneratedImage`. Options a provider cannot honour are refused by
`validate` before any work or spending, never silently changed (design/domain.md, "Generation settings").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol, cast, get_args

from api.core.errors import InvalidInput
from api.generation.settings import ADDITIVE, BubbleType

Quality = Literal["1k", "2k", "4k"]
QUALITIES: Final[tuple[Quality, ...]] = get_args(Quality)
QUALITY_LONG_SIDE: Final[Mapping[Quality, int]] = {"1k": 1024, "2k": 2048, "4k": 4096}

ASPECT_RATIOS: Final[tuple[str, ...]] = ("1:1", "4:5", "3:4", "4:3", "2:3", "3:2", "9:16", "16:9", "21:9")

# Scene types a product can be shown in, with the label the SPA shows.
SCENE_TYPES: Final[Mapping[str, str]] = {
    "studio": "Studio",
    "living_room": "Living room",
    "kitchen": "Kitchen",
    "dining_room": "Dining room",
    "bedroom": "Bedroom",
    "bathroom": "Bathroom",
    "office": "Office",
    "outdoor": "Outdoor",
}

# The ten bubble types (api/generation/settings.py); a "single" type carries at most one resolved value.
SINGLE_BUBBLES: Final[frozenset[str]] = frozenset(bubble.value for bubble in BubbleType if not bubble.additive)
ADDITIVE_BUBBLES: Final[frozenset[str]] = frozenset(bubble.value for bubble in ADDITIVE)
BUBBLE_TYPES: Final[frozenset[str]] = SINGLE_BUBBLES | ADDITIVE_BUBBLES

# Seeds feed numpy's PCG64 and most hosted models, which take unsigned 64-bit (some only 32-bit) values.
MAX_SEED: Final = 2**63 - 1


def output_size(aspect_ratio: str, quality: Quality) -> tuple[int, int]:
    """Pixel size for a ratio and quality: the long side is exactly 1024/2048/4096, the short side is the exact
    ratio rounded to the nearest multiple of 8 (what image models and video encoders want). The rounding moves
    the short side by at most 4 px out of at least 438, so the result keeps the requested ratio within 1%."""
    if aspect_ratio not in ASPECT_RATIOS:
        raise ValueError(f"unknown aspect ratio {aspect_ratio!r}")
    width_part, height_part = (int(part) for part in aspect_ratio.split(":"))
    long_side = QUALITY_LONG_SIDE[quality]
    short_side = 8 * round(long_side * min(width_part, height_part) / max(width_part, height_part) / 8)
    return (long_side, short_side) if width_part >= height_part else (short_side, long_side)


@dataclass(frozen=True, kw_only=True)
class ImageRequest:
    """One image to make. `product_images[0]` is the base photo; `scene` maps a bubble type to its values."""

    product_images: list[bytes]
    reference_images: list[bytes] = field(default_factory=list)
    prompt: str = ""
    scene: dict[str, list[str]] = field(default_factory=dict)
    scene_type: str = "studio"
    aspect_ratio: str = "1:1"
    quality: Quality = "1k"
    seed: int = 0
    variant: int = 0

    def values(self, bubble: str) -> list[str]:
        """The non-empty resolved values of one bubble type ([] when unset)."""
        return [value for value in self.scene.get(bubble, []) if value.strip()]


@dataclass(frozen=True)
class GeneratedImage:
    png: bytes
    width: int
    height: int
    model: str
    units: float  # what the provider bills by (images, megapixels, seconds); recorded on the ProviderCall
    cost_micros: int  # micro-dollars; 0 for the local provider
    duration_ms: int


# AI edits of an existing image (design/domain.md: AI edit, upscale, background removal), each paid per the cost
# table. A provider lists the ones it implements in `ProviderCapabilities.edit_operations`.
EditOperation = Literal["ai_edit", "upscale", "remove_background"]
EDIT_OPERATIONS: Final[tuple[EditOperation, ...]] = get_args(EditOperation)


@dataclass(frozen=True, kw_only=True)
class EditRequest:
    """One edit of one image. `image` is the source (PNG/JPEG/WebP bytes, left untouched); `instruction` and the
    optional `mask` (white = may change) are for `ai_edit`; `quality` is the target of `upscale`."""

    operation: EditOperation
    image: bytes
    instruction: str = ""
    mask: bytes | None = None
    quality: Quality | None = None
    seed: int = 0


@dataclass(frozen=True)
class ProviderCapabilities:
    aspect_ratios: frozenset[str]
    qualities: frozenset[Quality]
    max_product_images: int = 1
    max_reference_images: int = 0
    supports_edits: bool = False
    supports_video: bool = False
    deterministic: bool = False  # the same request (seed included) gives the same bytes
    edit_operations: frozenset[EditOperation] = frozenset()  # the `EditRequest` operations `edit()` implements


class ImageProvider(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def capabilities(self) -> ProviderCapabilities: ...

    async def generate(self, request: ImageRequest) -> GeneratedImage: ...


class ImageEditor(ImageProvider, Protocol):
    """A provider that also edits images: the optional half of the interface. Check `supports_edit` first (the
    hosted adapters do not implement edits yet and say so in their capabilities)."""

    async def edit(self, request: EditRequest) -> GeneratedImage: ...


def supports_edit(provider: ImageProvider, operation: EditOperation) -> bool:
    return operation in provider.capabilities.edit_operations and callable(getattr(provider, "edit", None))


def editor_for(provider: ImageProvider, operation: EditOperation) -> ImageEditor:
    """The provider as an `ImageEditor` for `operation`, or `UnsupportedOption` (422, before anything is held)."""
    if not supports_edit(provider, operation):
        raise UnsupportedOption("provider", f"The {provider.name!r} provider does not offer {operation} edits.")
    return cast(ImageEditor, provider)


class UnsupportedOption(InvalidInput):
    """The request asks for something this provider cannot produce (answered 422 before any work)."""

    code, title = "unsupported_option", "Option not supported by the provider"

    def __init__(self, field: str, message: str):
        super().__init__(field, message, type_="unsupported_option")
        self.field = field


class ProviderError(Exception):
    """A provider call failed. `retryable` says whether the same request may succeed later (after
    `retry_after` seconds when the provider said so); `code` is a stable reason for logs and ProviderCall rows."""

    def __init__(self, message: str, *, retryable: bool, code: str, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code
        self.retry_after = retry_after


class ProviderRetryableError(ProviderError):
    """Timeouts, rate limits, 5xx: try again with backoff."""

    def __init__(self, message: str, *, code: str = "provider_unavailable", retry_after: float | None = None):
        super().__init__(message, retryable=True, code=code, retry_after=retry_after)


class ProviderRejected(ProviderError):
    """The provider refused the content (safety or policy): the same request will be refused again."""

    def __init__(self, message: str, *, code: str = "content_rejected"):
        super().__init__(message, retryable=False, code=code)


class ProviderMisconfigured(ProviderError):
    """Missing or invalid key, unknown model: an operator has to fix the configuration."""

    def __init__(self, message: str, *, code: str = "provider_misconfigured"):
        super().__init__(message, retryable=False, code=code)


def validate(request: ImageRequest, capabilities: ProviderCapabilities) -> None:
    """Raise `UnsupportedOption` for the first option the request asks for that the provider cannot honour."""
    if request.aspect_ratio not in ASPECT_RATIOS or request.aspect_ratio not in capabilities.aspect_ratios:
        raise UnsupportedOption("aspect_ratio", f"Aspect ratio {request.aspect_ratio!r} is not supported")
    if request.quality not in QUALITIES or request.quality not in capabilities.qualities:
        raise UnsupportedOption("quality", f"Quality {request.quality!r} is not supported")
    if not request.product_images:
        raise UnsupportedOption("product_images", "At least one product image is required")
    if len(request.product_images) > capabilities.max_product_images:
        raise UnsupportedOption(
            "product_images", f"At most {capabilities.max_product_images} product image(s) can be used"
        )
    if len(request.reference_images) > capabilities.max_reference_images:
        raise UnsupportedOption(
            "reference_images", f"At most {capabilities.max_reference_images} reference image(s) can be used"
        )
    if request.scene_type not in SCENE_TYPES:
        raise UnsupportedOption("scene_type", f"Unknown scene type {request.scene_type!r}")
    for bubble, values in request.scene.items():
        if bubble not in BUBBLE_TYPES:
            raise UnsupportedOption(f"scene.{bubble}", f"Unknown setting {bubble!r}")
        if bubble in SINGLE_BUBBLES and len(values) > 1:
            raise UnsupportedOption(f"scene.{bubble}", f"{bubble!r} takes a single value")
    if not 0 <= request.seed <= MAX_SEED:
        raise UnsupportedOption("seed", f"Seed must be between 0 and {MAX_SEED}")
    if request.variant < 0:
        raise UnsupportedOption("variant", "Variant must not be negative")
