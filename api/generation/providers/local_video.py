"""The built-in `local` video provider: no key, no network, deterministic. It composes the product into its scene
with the local image pipeline, keeping the set and the product apart, and moves a camera over the two layers
(api/generation/video_render.py); a still made elsewhere moves as one plane.

PyAV is imported when a clip is rendered (in the worker), never when the provider is listed or a request is
validated in the web process.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from api.generation.providers.base import output_size
from api.generation.video import (
    CAMERA_MOTIONS,
    FRAME_RATES,
    MAX_DURATION_S,
    MIN_DURATION_S,
    RESOLUTIONS,
    VIDEO_ASPECT_RATIOS,
    GeneratedVideo,
    Heartbeat,
    VendorCall,
    VideoCapabilities,
    VideoRequest,
    no_heartbeat,
    validate_video,
)

if TYPE_CHECKING:
    from api.generation.video_media import StoredClip

MODEL = "epox-local-video-1"


class LocalVideoProvider:
    name = "local"
    video_capabilities = VideoCapabilities(
        aspect_ratios=frozenset(VIDEO_ASPECT_RATIOS),
        resolutions=frozenset(RESOLUTIONS),
        durations=frozenset(range(MIN_DURATION_S, MAX_DURATION_S + 1)),
        frame_rates=frozenset(FRAME_RATES),
        camera_motions=frozenset(CAMERA_MOTIONS),
        deterministic=True,
    )

    async def generate_video(
        self, request: VideoRequest, calls: list[VendorCall], heartbeat: Heartbeat = no_heartbeat
    ) -> GeneratedVideo:
        validate_video(request.options, self.video_capabilities, self.name)
        started = time.perf_counter()
        try:
            clip = await asyncio.to_thread(render, request)
        except Exception:
            calls.append(VendorCall("video.render", MODEL, _ms(started), success=False, error_code="render_failed"))
            raise
        seconds = float(request.options.duration_s)
        calls.append(VendorCall("video.render", MODEL, _ms(started), units=seconds))
        return GeneratedVideo(
            mp4=clip.mp4,
            model=MODEL,
            units=seconds,
            cost_micros=0,
            duration_ms=_ms(started),
            preview_mp4=clip.preview_mp4,
            poster_webp=clip.poster_webp,
        )


def render(request: VideoRequest) -> StoredClip:
    """The clip with its preview and poster (blocking)."""
    from api.generation.providers.local import compose_layers
    from api.generation.video_render import layers_from_scene, layers_from_still, render_clip

    width, height = request.options.size
    if request.compose is not None:
        # Composed at 2k (long side 2048, at least the clip's 1920) with the clip's aspect ratio, then fitted.
        compose = replace(request.compose, aspect_ratio=request.options.aspect_ratio, quality="2k")
        assert max(output_size(compose.aspect_ratio, compose.quality)) >= max(width, height)
        layers = layers_from_scene(compose_layers(compose, product_shadow_in_set=False), width, height)
    else:
        layers = layers_from_still(request.still, width, height)
    return render_clip(layers, request.options, request.seed)


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
