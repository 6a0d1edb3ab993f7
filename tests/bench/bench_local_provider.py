"""Milliseconds per image from the `local` provider, next to a baseline measured in the same run.

    .venv/bin/python -m tests.bench.bench_local_provider [--rounds 5]

For each quality (1k, 2k) the provider renders a studio shot of a drawn product into a living-room set with
props, lighting and a mood (the whole path: decode, cut-out, set, shadows, grade, composite, PNG). The baseline
is the least any provider has to do for the same request: decode the source photo, resize it to the output size
and encode that as a PNG with the same settings. Rounds are interleaved and the median is reported, so a noisy
neighbour slows both sides alike. The cut-out cache is cleared before every render: each figure is a first
render of its photo.

Target: 1k well under a second; the ratio says what the scene costs on top of the unavoidable work.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from PIL import Image

from api.generation.providers import local
from api.generation.providers.base import ImageRequest, Quality, output_size
from tests.generation.test_local_provider import product_photo

QUALITIES: tuple[Quality, ...] = ("1k", "2k")
SCENE = {
    "style": ["Scandinavian"],
    "lighting": ["Soft window light from the left"],
    "props": ["Plants"],
    "mood": ["Calm"],
}


def _baseline(photo: bytes, quality: Quality) -> None:
    width, height = output_size("4:3", quality)
    with Image.open(io.BytesIO(photo)) as image:
        resized = image.convert("RGB").resize((width, height), Image.Resampling.BICUBIC)
    resized.save(io.BytesIO(), "PNG", compress_level=local.PNG_COMPRESS_LEVEL)


def _render(request: ImageRequest) -> None:
    local._COVERAGE_CACHE.clear()
    local.render_png(request)


def _milliseconds(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is reported")
    args = parser.parse_args()
    photo = product_photo("bottle", "white", (40, 90, 160), size=(1200, 1200), seed=3, shadow=True).png
    requests = {
        quality: ImageRequest(
            product_images=[photo], scene=SCENE, scene_type="living_room", aspect_ratio="4:3", quality=quality
        )
        for quality in QUALITIES
    }
    for quality in QUALITIES:  # warm up imports, caches and the allocator
        _render(requests[quality])
        _baseline(photo, quality)
    samples: dict[tuple[str, str], list[float]] = {
        (side, quality): [] for side in ("provider", "baseline") for quality in QUALITIES
    }
    for _ in range(args.rounds):
        for quality in QUALITIES:
            samples["provider", quality].append(_milliseconds(lambda q=quality: _render(requests[q])))
            samples["baseline", quality].append(_milliseconds(lambda q=quality: _baseline(photo, q)))
    median = {key: statistics.median(values) for key, values in samples.items()}
    print(f"median of {args.rounds} interleaved rounds, 1200 px source photo, 4:3 output")
    print(f"{'':44}{'1k':>10}{'2k':>10}")
    print(f"{'local provider, ms per image':44}" + "".join(f"{median['provider', q]:10.0f}" for q in QUALITIES))
    print(f"{'baseline (decode, resize, PNG), ms':44}" + "".join(f"{median['baseline', q]:10.0f}" for q in QUALITIES))
    ratios = [median["provider", q] / median["baseline", q] for q in QUALITIES]
    print(f"{'ratio':44}" + "".join(f"{ratio:9.1f}x" for ratio in ratios))
    target = median["provider", "1k"] < 1000
    print(f"target: 1k under 1000 ms: {'met' if target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
