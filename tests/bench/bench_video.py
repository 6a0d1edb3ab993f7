"""Frames per second of the `local` video provider at 720p and 1080p, next to encoding the same number of
prepared frames alone, in the same run.

    .venv/bin/python -m tests.bench.bench_video [--rounds 3] [--seconds 4]

The provider side is the whole clip after composition: the camera moving over the layered still (set and product
card, parallax, eased), each frame encoded twice (the clip, H.264 CRF 20, and its small preview) with the index
moved to the front, and the poster. The baseline is the least any encoder has to do for the same clip: the same
number of frames, already in yuv420p and already computed (the first frame, shifted a pixel per frame so every
frame differs), fed to the same encoder settings once, with no preview and no poster. Rounds are interleaved and
the median reported, so a noisy neighbour slows both alike. The still is composed once, outside the timings.

Target: the render + encode rate is at least half the encode-only rate (the camera work costs less than the
encoder it feeds).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from api.generation.providers.base import ImageRequest
from api.generation.providers.local import compose_layers
from api.generation.video import VideoOptions
from api.generation.video_media import clip_writer, yuv_frame
from api.generation.video_render import Layers, frames, layers_from_scene, render_clip
from tests.video.helpers import product_photo

RESOLUTIONS = ("720p", "1080p")
FPS = 30


def _options(resolution: str, seconds: int) -> VideoOptions:
    return VideoOptions(
        aspect_ratio="16:9",
        resolution="720p" if resolution == "720p" else "1080p",
        duration_s=seconds,
        fps=FPS,
        camera_motion="parallax",
    )


def _render(layers: Layers, options: VideoOptions) -> float:
    started = time.perf_counter()
    render_clip(layers, options, seed=3)
    return options.frame_count / (time.perf_counter() - started)


def _encode_only(prepared: list[np.ndarray], options: VideoOptions) -> float:
    width, height = options.size
    started = time.perf_counter()
    with clip_writer(width, height, options.fps) as clip:
        for planes in prepared:
            clip.write(yuv_frame(planes))
        clip.finish()
    return len(prepared) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is reported")
    parser.add_argument("--seconds", type=int, default=4, help="clip length")
    args = parser.parse_args()
    photo = product_photo()
    scene = compose_layers(
        ImageRequest(product_images=[photo], scene_type="living_room", aspect_ratio="16:9", quality="2k", seed=3),
        product_shadow_in_set=False,
    )
    layers = {r: layers_from_scene(scene, *_options(r, args.seconds).size) for r in RESOLUTIONS}
    prepared: dict[str, list[np.ndarray]] = {}
    for resolution in RESOLUTIONS:
        options = _options(resolution, args.seconds)
        first = next(frames(layers[resolution], options, 3))
        prepared[resolution] = [np.roll(first, index, axis=1) for index in range(options.frame_count)]
    samples: dict[tuple[str, str], list[float]] = {(side, r): [] for side in ("render", "encode") for r in RESOLUTIONS}
    for _ in range(args.rounds):
        for resolution in RESOLUTIONS:
            options = _options(resolution, args.seconds)
            samples["render", resolution].append(_render(layers[resolution], options))
            samples["encode", resolution].append(_encode_only(prepared[resolution], options))
    median = {key: statistics.median(values) for key, values in samples.items()}
    print(f"median of {args.rounds} interleaved rounds, {args.seconds} s clips at {FPS} fps, 16:9, parallax")
    print(f"{'':48}{'720p':>10}{'1080p':>10}")
    print(
        f"{'local render + encode (clip, preview), fps':48}"
        + "".join(f"{median['render', r]:10.1f}" for r in RESOLUTIONS)
    )
    print(f"{'encode prepared frames only, fps':48}" + "".join(f"{median['encode', r]:10.1f}" for r in RESOLUTIONS))
    ratios = [median["render", r] / median["encode", r] for r in RESOLUTIONS]
    print(f"{'render + encode / encode only':48}" + "".join(f"{ratio:9.2f}x" for ratio in ratios))
    met = all(ratio >= 0.5 for ratio in ratios)
    print(f"target: render + encode at least half the encode-only rate: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
