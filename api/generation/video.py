"""Video generation: the options a clip can be asked for, the request a video provider receives, what it answers,
and the interface every video provider implements (local, gemini/Veo, fal).

A clip is made from a still: either the product's photo composed into a scene by the local image pipeline (the
"layered still": the set and the cut-out product kept apart, so they can move with parallax), or an image asset
of the workspace. Options a provider cannot honour are refused by `validate_video` before any credits are held,
never silently changed (design/domain.md, Generation settings).

Nothing here imports PyAV: the web process quotes and validates video requests without loading it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol, get_args

from api.generation.providers.base import ImageRequest, UnsupportedOption

Resolution = Literal["720p", "1080p"]
RESOLUTIONS: Final[tuple[Resolution, ...]] = get_args(Resolution)
CameraMotion = Literal["static", "push_in", "pull_out", "pan", "parallax"]
CAMERA_MOTIONS: Final[tuple[CameraMotion, ...]] = get_args(CameraMotion)
CAMERA_MOTION_LABELS: Final[dict[str, str]] = {
    "static": "Static (camera holds still)",
    "push_in": "Push in (slowly closer)",
    "pull_out": "Pull out (slowly back)",
    "pan": "Pan (slide sideways)",
    "parallax": "Orbit-like parallax (around the product)",
}
VIDEO_ASPECT_RATIOS: Final[tuple[str, ...]] = ("16:9", "9:16", "1:1", "4:5")
FRAME_RATES: Final[tuple[int, ...]] = (24, 30)
MIN_DURATION_S: Final = 3
MAX_DURATION_S: Final = 10
DEFAULT_DURATION_S: Final = 6
DEFAULT_FPS: Final = 24
DEFAULT_RESOLUTION: Final[Resolution] = "720p"
DEFAULT_MOTION: Final[CameraMotion] = "push_in"
DEFAULT_VIDEO_ASPECT: Final = "16:9"
# The short side of each resolution; the long side follows from the aspect ratio (both even, as yuv420p needs).
SHORT_SIDE: Final[dict[str, int]] = {"720p": 720, "1080p": 1080}


def video_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """Pixel size of a clip: 16:9 at 1080p is 1920x1080, 9:16 is 1080x1920, 1:1 is 1080x1080, 4:5 is 1080x1350."""
    if aspect_ratio not in VIDEO_ASPECT_RATIOS:
        raise ValueError(f"unknown video aspect ratio {aspect_ratio!r}")
    width_part, height_part = (int(part) for part in aspect_ratio.split(":"))
    short = SHORT_SIDE[resolution]
    long = 2 * round(short * max(width_part, height_part) / min(width_part, height_part) / 2)
    return (long, short) if width_part >= height_part else (short, long)


def looks_like_mp4(data: bytes) -> bool:
    """An ISO media file starts with an `ftyp` box (what vendors' answers are checked against before decoding)."""
    return len(data) >= 12 and data[4:8] == b"ftyp"


def resolution_label(width: int, height: int) -> str:
    """What a clip's size is called: 720p/1080p for the standard sizes, else its short side ("608p")."""
    return f"{min(width, height)}p"


@dataclass(frozen=True)
class VideoOptions:
    """One clip's resolved output options."""

    aspect_ratio: str = DEFAULT_VIDEO_ASPECT
    resolution: Resolution = DEFAULT_RESOLUTION
    duration_s: int = DEFAULT_DURATION_S
    fps: int = DEFAULT_FPS
    camera_motion: CameraMotion = DEFAULT_MOTION

    @property
    def size(self) -> tuple[int, int]:
        return video_size(self.aspect_ratio, self.resolution)

    @property
    def frame_count(self) -> int:
        return self.duration_s * self.fps


@dataclass(frozen=True)
class VideoCapabilities:
    aspect_ratios: frozenset[str]
    resolutions: frozenset[str]
    durations: frozenset[int]  # whole seconds it can make
    frame_rates: frozenset[int]
    camera_motions: frozenset[str]
    deterministic: bool = False
    # Durations it makes only at some resolutions (Veo makes 1080p at 8 s only): resolution -> durations.
    durations_by_resolution: dict[str, frozenset[int]] = field(default_factory=dict)


def validate_video(options: VideoOptions, capabilities: VideoCapabilities, provider: str) -> None:
    """Raise `UnsupportedOption` (422, before anything is held) for the first option the provider cannot make."""
    if options.aspect_ratio not in capabilities.aspect_ratios:
        offered = ", ".join(r for r in VIDEO_ASPECT_RATIOS if r in capabilities.aspect_ratios)
        raise UnsupportedOption(
            "settings.aspect_ratio", f"{provider} makes videos in {offered}, not {options.aspect_ratio}."
        )
    if options.resolution not in capabilities.resolutions:
        offered = ", ".join(r for r in RESOLUTIONS if r in capabilities.resolutions)
        raise UnsupportedOption(
            "settings.resolution", f"{provider} makes videos at {offered}, not {options.resolution}."
        )
    durations = capabilities.durations_by_resolution.get(options.resolution, capabilities.durations)
    if options.duration_s not in durations:
        offered = ", ".join(f"{d} s" for d in sorted(durations))
        raise UnsupportedOption(
            "settings.duration_s",
            f"{provider} makes {options.resolution} clips of {offered}, not {options.duration_s} s.",
        )
    if options.fps not in capabilities.frame_rates:
        offered = " or ".join(str(f) for f in sorted(capabilities.frame_rates))
        raise UnsupportedOption("settings.fps", f"{provider} makes videos at {offered} fps, not {options.fps}.")
    if options.camera_motion not in capabilities.camera_motions:
        raise UnsupportedOption(
            "settings.camera_motion", f"{provider} cannot follow the {options.camera_motion!r} camera motion."
        )


@dataclass(frozen=True, kw_only=True)
class VideoRequest:
    """One clip to make. `still` is the first frame's image (a product photo or an image asset) for hosted models;
    `compose`, when set, is how the local pipeline composes that product photo into a layered scene (so the local
    renderer can move the set and the product apart)."""

    still: bytes
    compose: ImageRequest | None = None
    prompt: str = ""
    options: VideoOptions = field(default_factory=VideoOptions)
    seed: int = 0


@dataclass(frozen=True)
class GeneratedVideo:
    """The provider's clip (an MP4 as it came); the worker checks and normalizes it before storing."""

    mp4: bytes
    model: str
    units: float  # seconds of video, what video models bill by
    cost_micros: int  # micro-dollars; 0 for the local provider
    duration_ms: int
    # A provider that encodes the clip itself (local) hands over its preview clip and poster too.
    preview_mp4: bytes | None = None
    poster_webp: bytes | None = None


@dataclass(frozen=True)
class VendorCall:
    """One HTTP call (or local render) made for a clip, for the ProviderCall rows: what, how long, what it cost."""

    operation: str  # video.render, video.submit, video.status, video.result, video.download, video.cancel
    model: str
    duration_ms: int
    success: bool = True
    error_code: str | None = None
    units: float = 0.0
    cost_micros: int = 0


# Called between polls of a long operation: renews the job's lease and raises when the job should stop (canceled,
# superseded); the adapter then cancels the vendor's operation and re-raises.
Heartbeat = Callable[[], Awaitable[None]]


async def no_heartbeat() -> None:
    return None


@dataclass(frozen=True)
class VideoPolicy:
    """How patient a hosted video adapter is. The worker reads it from its context; tests pass a faster one."""

    operation_timeout: float = 900.0  # submit to result; past it the operation is canceled and the item fails
    poll_interval: float = 5.0  # first wait between status calls, growing by `poll_backoff` up to `max_poll`
    poll_backoff: float = 1.5
    max_poll: float = 30.0
    max_retry_wait: float = 60.0  # the longest Retry-After honoured while polling
    heartbeat_every: float = 20.0  # seconds between lease renewals while waiting


DEFAULT_VIDEO_POLICY = VideoPolicy()


class VideoProvider(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def video_capabilities(self) -> VideoCapabilities: ...

    async def generate_video(
        self, request: VideoRequest, calls: list[VendorCall], heartbeat: Heartbeat = no_heartbeat
    ) -> GeneratedVideo:
        """Make one clip; every call made is appended to `calls` as it happens (also when it then fails)."""
        ...
