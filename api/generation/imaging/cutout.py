"""Cut a product out of a studio photo (plain or light, possibly vignetted, background).

The mask is estimated on a copy at most `WORK_SIDE` px long (box-averaged, which also tames sensor noise):

1. The background is modelled as a smooth colour field: a quadratic in x and y per channel, fitted robustly to
   a band along the border. A quadratic follows a gentle vignette or light fall-off, which a single colour
   would not.
2. Pixels within a colour distance of that field (the threshold scales with the noise measured on the border)
   are background candidates. Only candidates connected to the border are background: a flood fill from the
   border, so light areas inside the product (highlights, white labels) stay product. The candidates are
   opened first so a one-pixel gap in the product outline does not let the fill leak inside.
3. The field is refitted on everything found to be background and steps 2-3 run once more.
4. Enclosed candidate areas that match the background field tightly and are not tiny are real holes (a mug
   handle) and become background again; other enclosed areas are filled.
5. Morphological opening and closing remove specks and nicks; components much smaller than the largest are
   dropped (a pair of shoes keeps both shoes, dust does not survive).

The full-size alpha is the working mask slightly blurred, upscaled, and steepened again: the edge follows the
outline smoothly with about a pixel and a half of anti-aliasing, instead of the working mask's staircase.
A photo that already has transparency keeps its own alpha.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

from api.generation.imaging import masks
from api.generation.imaging.arrays import BoolArray, FloatArray, boolean, f32

WORK_SIDE = 512
_FIT_SAMPLES = 6000


def cut_out(image: Image.Image, coverage: FloatArray | None = None) -> tuple[Image.Image, BoolArray]:
    """The photo as RGBA with the product's soft alpha, and the binary product mask (alpha >= 128).
    `coverage` is a result of `estimate_coverage` for this photo, when the caller kept one."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        if (alpha < 128).mean() > 0.01:
            return rgba, alpha >= 128
    rgb = image.convert("RGB")
    alpha = _full_alpha(estimate_coverage(rgb) if coverage is None else coverage, rgb.size)
    rgba = rgb.copy()
    rgba.putalpha(Image.fromarray(alpha))
    return rgba, alpha >= 128


def estimate_coverage(image: Image.Image) -> FloatArray:
    """The product's coverage on a copy of the photo at most `WORK_SIDE` px long (the expensive part of a cut-out,
    small enough to keep for the next variant of the same photo)."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    factor = min(1.0, WORK_SIDE / max(width, height))
    small_size = (max(1, round(width * factor)), max(1, round(height * factor)))
    small = rgb.resize(small_size, Image.Resampling.BOX) if factor < 1 else rgb
    return estimate_alpha(np.asarray(small, dtype=np.float32))


def estimate_alpha(pixels: FloatArray) -> FloatArray:
    """Product coverage (0..1) for an RGB float array (height, width, 3) of a studio shot."""
    height, width, _ = pixels.shape
    if min(height, width) < 16:
        return np.ones((height, width), dtype=np.float32)
    band = max(2, round(0.015 * min(height, width)))
    border = np.zeros((height, width), dtype=np.bool_)
    border[:band], border[-band:], border[:, :band], border[:, -band:] = True, True, True, True

    smooth_field, _ = _fit_background(pixels, _basis(height, width), border)
    field = smooth_field + _coons_patch(_border_profiles(pixels - smooth_field, band))
    distance = _distance(pixels, field)
    noise = max(1.0, float(np.median(distance[border])))
    threshold = float(np.clip(5.0 * noise, 14.0, 45.0))
    plain = distance < threshold
    product = _without_shadows(~_flood_from_border(plain), plain, pixels, field)
    product &= ~_true_holes(product & plain, distance, noise, float(product.sum()))
    product = masks.closing(product)
    product = _main_components(product)
    # Not a studio shot (no plain border) or nothing found: use the whole photo rather than a broken cut-out.
    if not 0.002 < product.mean() < 0.97:
        return np.ones((height, width), dtype=np.float32)
    return _edge_coverage(product, plain, distance, threshold)


def _distance(pixels: FloatArray, field: FloatArray) -> FloatArray:
    difference = pixels - field
    return f32(np.sqrt(np.einsum("...c,...c->...", difference, difference)))


def _basis(height: int, width: int) -> FloatArray:
    """Quadratic polynomial terms 1, x, y, x², y², xy over [-1, 1]², shape (height, width, 6)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    x = x / max(width - 1, 1) * 2 - 1
    y = y / max(height - 1, 1) * 2 - 1
    return np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=-1)


def _fit_background(pixels: FloatArray, basis: FloatArray, where: BoolArray) -> tuple[FloatArray, float]:
    """Least-squares colour field over `where`, refitted without outliers (product parts touching the border).
    Answers the field and the typical colour distance of background pixels to it (the noise level)."""
    samples = np.flatnonzero(where)
    if samples.size > _FIT_SAMPLES:  # a regular subsample fits just as well and keeps the solve cheap
        samples = samples[:: samples.size // _FIT_SAMPLES]
    terms = basis.reshape(-1, basis.shape[-1])[samples].astype(np.float64)
    colours = pixels.reshape(-1, 3)[samples].astype(np.float64)
    keep = np.ones(samples.size, dtype=np.bool_)
    coefficients = np.zeros((basis.shape[-1], 3))
    residual = np.zeros(samples.size)
    for _ in range(3):
        # Normal equations: six unknowns per channel, a tiny ridge keeps a degenerate selection solvable.
        kept = terms[keep]
        gram = kept.T @ kept + 1e-6 * np.eye(kept.shape[1])
        coefficients = np.asarray(np.linalg.solve(gram, kept.T @ colours[keep]), dtype=np.float64)
        residual = np.sqrt(((colours - terms @ coefficients) ** 2).sum(axis=-1))
        typical = float(np.median(residual[keep]))
        next_keep = residual <= max(3.0 * typical, 2.0)
        if next_keep.sum() < 50:
            break
        keep = next_keep
    noise = float(np.median(residual[keep]))
    return (basis @ coefficients.astype(np.float32)).astype(np.float32), max(noise, 1.0)


def _border_profiles(residual: FloatArray, band: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """What the smooth field misses along each edge (top, bottom, left, right): the median over the border
    band, e.g. the step where a wall meets the floor. Spots far off the field (a product touching the edge)
    are bridged from their neighbours instead, so the product's colour is not spread into the backdrop."""
    profiles = (
        np.median(residual[:band], axis=0),
        np.median(residual[-band:], axis=0),
        np.median(residual[:, :band], axis=1),
        np.median(residual[:, -band:], axis=1),
    )
    cleaned = []
    for profile in profiles:
        good = np.linalg.norm(profile, axis=-1) < 40.0
        positions = np.arange(profile.shape[0])
        if good.all() or not good.any():
            fixed = profile if good.all() else np.zeros_like(profile)
        else:
            fixed = np.stack([np.interp(positions, positions[good], profile[good, c]) for c in range(3)], axis=-1)
        # A short running mean keeps steps but drops the noise the median left.
        kernel = np.ones(5) / 5
        padded = np.pad(fixed, ((2, 2), (0, 0)), mode="edge")
        cleaned.append(np.stack([np.convolve(padded[:, c], kernel, mode="valid") for c in range(3)], -1))
    top, bottom, left, right = (profile.astype(np.float32) for profile in cleaned)
    return top, bottom, left, right


def _coons_patch(profiles: tuple[FloatArray, FloatArray, FloatArray, FloatArray]) -> FloatArray:
    """The surface that takes the four edge profiles exactly and blends them linearly inside (a Coons patch):
    a horizontal wall/floor line seen on both sides continues straight behind the product."""
    top, bottom, left, right = profiles
    height, width = left.shape[0], top.shape[0]
    u = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
    v = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    corners = (
        (top[0] + left[0]) / 2,
        (top[-1] + right[0]) / 2,
        (bottom[0] + left[-1]) / 2,
        (bottom[-1] + right[-1]) / 2,
    )
    # Built in place: this runs on every photo, and each full-size temporary costs as much as the sum itself.
    result = np.empty((height, width, 3), dtype=np.float32)
    np.multiply(1 - v, top[None], out=result)
    result += v * bottom[None]
    result += (1 - u) * left[:, None]
    result += u * right[:, None]
    result -= (1 - v) * ((1 - u) * corners[0] + u * corners[1])
    result -= v * ((1 - u) * corners[2] + u * corners[3])
    return result


_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _without_shadows(product: BoolArray, plain: BoolArray, pixels: FloatArray, field: FloatArray) -> BoolArray:
    """Take the contact shadow off what the flood found: shadow-like pixels (see `_shadow_like`) reached from
    the backdrop through the lower half of the found area.

    A product nearly the backdrop's colour can look like a shadow of itself, and a flood that slips in where its
    outline has no contrast would carry on through it. So each removed piece is checked: a shadow fades into the
    backdrop softly along most of its edge, a product piece meets the backdrop at a sharp outline. Pieces that
    fail keep their pixels: losing a shadow is far better than losing the product."""
    rows = np.flatnonzero(product.any(axis=1))
    if rows.size == 0:
        return product
    lower = np.zeros_like(product)
    lower[(rows[0] + rows[-1]) // 2 :] = True
    shadow_like, smooth = _shadow_like(pixels, field)
    removed = product & _flood_from_border(plain | (shadow_like & lower))
    labels, count = masks.label(removed)
    if count == 0:
        return product
    edge = removed & masks.dilate(~product)  # removed pixels next to the backdrop found before
    on_edge = labels[edge]
    edge_pixels = np.bincount(on_edge, minlength=count)
    soft_pixels = np.bincount(on_edge, weights=smooth[edge], minlength=count)
    is_shadow = (edge_pixels > 0) & (soft_pixels >= 0.6 * edge_pixels)
    result = product.copy()
    result[labels >= 0] &= ~is_shadow[labels[labels >= 0]]
    return result


def _shadow_like(pixels: FloatArray, field: FloatArray) -> tuple[BoolArray, BoolArray]:
    """Pixels that differ from the backdrop only by a soft loss of light, like a contact shadow: nearly the same
    hue, darker, and smooth (and, separately, which pixels are smooth). The product's outline is a sharp change,
    so a flood through these pixels stops there even when the product is grey."""
    luma = pixels @ _LUMA
    field_luma = np.maximum(field @ _LUMA, 1.0)
    ratio = luma / field_luma
    chroma = pixels / np.maximum(luma, 1.0)[..., None] - field / field_luma[..., None]
    same_hue = np.einsum("...c,...c->...", chroma, chroma) < 0.06**2
    # Smooth means the colour changes as much per pixel over a 1-pixel step as over a 3-pixel one: true of a
    # soft shadow, not of an outline, whose whole change happens within a pixel or two.
    near, wide = _steepness(pixels, 1), _steepness(pixels, 3)
    smooth = (near < 6.0) | (near < 1.7 * wide + 2.0)
    return boolean(same_hue & (ratio > 0.35) & (ratio < 0.97) & smooth & (luma > 20)), boolean(smooth)


def _steepness(pixels: FloatArray, step: int) -> FloatArray:
    """Colour change per pixel between the pixels `step` away on either side (both axes); inf at the edges."""
    result = np.full(pixels.shape[:2], np.inf, dtype=np.float32)
    inner = (slice(step, -step), slice(step, -step))
    across = pixels[step:-step, 2 * step :] - pixels[step:-step, : -2 * step]
    down = pixels[2 * step :, step:-step] - pixels[: -2 * step, step:-step]
    squared = np.einsum("...c,...c->...", across, across) + np.einsum("...c,...c->...", down, down)
    result[inner] = np.sqrt(squared) / (2 * step)
    return result


def _flood_from_border(candidates: BoolArray) -> BoolArray:
    """Candidates connected to the image border, through passages wider than a pixel."""
    opened = masks.erode(candidates)
    labels, count = masks.label(opened)
    if count == 0:
        return np.zeros_like(candidates)
    reached = masks.touching_border(labels, count)
    seeds = np.zeros(candidates.shape, dtype=np.bool_)
    seeds[labels >= 0] = reached[labels[labels >= 0]]
    # Grow back what the erosion took from the reached regions (the pixel next to the product outline).
    return masks.dilate(seeds) & candidates


def _true_holes(enclosed: BoolArray, distance: FloatArray, noise: float, product_area: float) -> BoolArray:
    """Enclosed backdrop-coloured areas that match the backdrop tightly and are not tiny are holes (the inside
    of a mug handle); light parts of the product are rarely that flat and that close to the backdrop colour."""
    labels, count = masks.label(enclosed)
    if count == 0:
        return np.zeros_like(enclosed)
    on = labels >= 0
    areas = np.bincount(labels[on], minlength=count)
    # The backdrop seen through a hole differs from the model by noise only: on average about the noise level
    # measured on the border. A highlight 10 levels off the backdrop is already twice that or more.
    mean_distance = np.bincount(labels[on], weights=distance[on], minlength=count) / np.maximum(areas, 1)
    holes = (areas >= max(12.0, 0.002 * product_area)) & (mean_distance < 1.6 * noise + 1.0)
    result = np.zeros_like(enclosed)
    result[on] = holes[labels[on]]
    return result


def _main_components(product: BoolArray) -> BoolArray:
    labels, count = masks.label(product)
    if count <= 1:
        return product
    on = labels >= 0
    areas = np.bincount(labels[on], minlength=count)
    keep = areas >= 0.05 * areas.max()
    result = np.zeros_like(product)
    result[on] = keep[labels[on]]
    return result


def _edge_coverage(product: BoolArray, plain: BoolArray, distance: FloatArray, threshold: float) -> FloatArray:
    """Fractional coverage along the outline: an edge pixel mixes product and backdrop, and its distance from
    the backdrop is that mix times the product's own contrast nearby (measured a few pixels inside). This puts
    the edge where the photo has it, to a fraction of a working pixel, instead of wherever the threshold cut."""
    core = masks.erode(product)
    ring = masks.dilate(product) & ~core
    weight = masks.box_mean(core.astype(np.float32), 3)
    contrast = masks.box_mean(np.where(core, distance, 0).astype(np.float32), 3) / np.maximum(weight, 1e-6)
    # Where the product is about as light as the backdrop the ratio means nothing: keep the binary decision.
    # Outside the product only plain backdrop can be partly covered: a shadow next to the product is not.
    reliable = ring & (weight > 0.05) & (contrast > 2 * threshold) & (product | plain)
    coverage = product.astype(np.float32)
    coverage[reliable] = np.clip(distance[reliable] / contrast[reliable], 0, 1)
    return coverage


def _full_alpha(coverage: FloatArray, size: tuple[int, int]) -> NDArray[np.uint8]:
    """Upscale the working coverage to `size` with a smooth, anti-aliased outline."""
    work = Image.fromarray(np.clip(coverage * 255 + 0.5, 0, 255).astype(np.uint8))
    if work.size == size:
        return np.asarray(work)
    factor = size[0] / work.size[0]
    # Upscaling stretches the edge ramp by `factor`; steepen it back to about 1.5 output pixels around the 50%
    # level, where the photo's edge is. A slight blur first rounds off the working grid's staircase.
    soft = work.filter(ImageFilter.GaussianBlur(0.5)).resize(size, Image.Resampling.BILINEAR)
    gain = max(1.0, factor / 1.5)
    alpha = (np.asarray(soft, dtype=np.float32) - 127.5) * gain + 127.5
    return np.asarray(np.clip(alpha + 0.5, 0, 255), dtype=np.uint8)
