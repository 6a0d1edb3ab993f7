"""Shadows that put an object on the set: a contact shadow where it touches the surface and, under directional
light, a faint cast shadow falling away from the light. Both come from the object's own silhouette, so legs
leave four small dark spots and a bottle a single ellipse.

Darkness maps are 0..1 (how much light is taken away) and combine multiplicatively, so overlapping shadows
deepen without ever going black.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from api.generation.imaging.arrays import FloatArray, f32
from api.generation.imaging.look import SceneLook

# How flat the floor looks from each camera: a shadow's depth on screen per unit of object height.
_FLATNESS = {"eye": 1.0, "high": 2.2, "low": 0.45, "top": 1.0}


def _blur(values: FloatArray, radius: float) -> FloatArray:
    if radius < 0.3:
        return values
    image = Image.fromarray(np.clip(values * 255 + 0.5, 0, 255).astype(np.uint8))
    return f32(np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255)


def add_object_shadow(
    darkness: FloatArray, alpha: FloatArray, left: int, top: int, look: SceneLook, strength: float = 1.0
) -> None:
    """Darken `darkness` (frame-sized, in place) with the shadows of an object whose coverage `alpha` sits with
    its top-left corner at (left, top) and which stands on the surface at its lowest row."""
    rows = np.flatnonzero(alpha.max(axis=1) > 0.5)
    if rows.size == 0:
        return
    object_h = float(rows[-1] - rows[0] + 1)
    bottom = int(rows[-1])
    frame_h, frame_w = darkness.shape
    margin = int(object_h * 0.9) + 8
    x0, y0 = max(0, left - margin), max(0, top - margin)
    x1, y1 = min(frame_w, left + alpha.shape[1] + margin), min(frame_h, top + alpha.shape[0] + margin // 2)
    if x1 <= x0 or y1 <= y0:
        return
    # The object's coverage on a canvas around it, with room for its shadows.
    canvas = np.zeros((y1 - y0, x1 - x0), dtype=np.float32)
    cy0, cx0 = top - y0, left - x0
    src_y0, src_x0 = max(0, -cy0), max(0, -cx0)
    dst_y0, dst_x0 = max(0, cy0), max(0, cx0)
    h = min(alpha.shape[0] - src_y0, canvas.shape[0] - dst_y0)
    w = min(alpha.shape[1] - src_x0, canvas.shape[1] - dst_x0)
    if h <= 0 or w <= 0:
        return
    canvas[dst_y0 : dst_y0 + h, dst_x0 : dst_x0 + w] = alpha[src_y0 : src_y0 + h, src_x0 : src_x0 + w]
    contact = cy0 + bottom

    if look.camera == "top":
        shade = _flatlay_shadow(canvas, object_h, look)
    else:
        shade = _contact_shadow(canvas, contact, object_h, look)
        if not look.light_from_top:
            cast = _cast_shadow(canvas, contact, object_h, look)
            shade = 1 - (1 - shade) * (1 - cast)
    region = darkness[y0:y1, x0:x1]
    region[...] = 1 - (1 - region) * (1 - np.clip(shade * strength, 0, 1))


def _contact_shadow(canvas: FloatArray, contact: int, object_h: float, look: SceneLook) -> FloatArray:
    """Ambient occlusion around the object's base: wide and soft from its lower part (a sofa's body shades the
    floor between its legs, a table top high above it hardly does), dark and tight right at the points that
    touch the surface."""
    height = canvas.shape[0]
    rows = np.arange(height, dtype=np.float32)[:, None]
    above = np.clip(contact - rows, 0, None)
    standing = rows <= contact
    # Lower parts shade the floor most: weight each row by its closeness to the surface.
    footprint = (canvas * np.exp(-above / (0.18 * object_h)) * standing).max(axis=0)
    touching = (canvas * (above <= 0.03 * object_h) * standing).max(axis=0)
    flat = _FLATNESS[look.camera]
    wide_sigma = max(1.5, 0.03 * object_h * flat)
    tight_sigma = max(1.0, 0.008 * object_h * flat)
    # The floor behind the contact line (up the frame) is more in the object's shade than the floor in front.
    offset = rows - contact
    wide_profile = np.exp(-((offset / np.where(offset < 0, 2.2 * wide_sigma, 0.8 * wide_sigma)) ** 2) / 2)
    tight_profile = np.exp(-((offset / tight_sigma) ** 2) / 2)
    # Separable: a horizontal profile (blurred footprint) times a vertical falloff around the contact line.
    wide = _blur_1d(footprint, 0.05 * object_h)[None, :] * wide_profile
    tight = _blur_1d(touching, 0.01 * object_h)[None, :] * tight_profile
    softness = 1.0 - 0.35 * look.hardness
    return np.clip(0.6 * softness * wide + 0.6 * tight, 0, 0.85).astype(np.float32)


def _blur_1d(values: FloatArray, sigma: float) -> FloatArray:
    radius = max(1, int(3 * sigma))
    kernel = np.exp(-((np.arange(-radius, radius + 1) / max(sigma, 0.5)) ** 2) / 2)
    kernel /= kernel.sum()
    return np.convolve(np.pad(values, radius, mode="edge"), kernel, mode="valid").astype(np.float32)


def _cast_shadow(canvas: FloatArray, contact: int, object_h: float, look: SceneLook) -> FloatArray:
    """The silhouette laid down on the floor, away from the light: behind the object (up the frame) for front
    and side light, towards the camera for back light. Softer and fainter with distance from the object."""
    squash = 0.3 * _FLATNESS[look.camera]
    shear = -0.55 * look.light_side  # sideways shift per unit of height, away from the light
    towards_camera = look.back_light
    height, width = canvas.shape
    sign = -1.0 if towards_camera else 1.0
    # Output (x, y) on the floor samples the object at height t = sign * (contact - y) / squash above the contact.
    data = (
        1.0,
        sign * shear / squash,
        -sign * shear * contact / squash,
        0.0,
        sign / squash,
        contact - sign * contact / squash,
    )
    source = Image.fromarray(np.clip(canvas * 255 + 0.5, 0, 255).astype(np.uint8))
    laid = source.transform((width, height), Image.Transform.AFFINE, data, Image.Resampling.BILINEAR)
    near = laid.filter(ImageFilter.GaussianBlur(max(0.5, (0.006 + 0.012 * (1 - look.hardness)) * object_h)))
    far = laid.filter(ImageFilter.GaussianBlur(max(1.0, (0.03 + 0.06 * (1 - look.hardness)) * object_h)))
    rows = np.arange(height, dtype=np.float32)[:, None]
    distance = np.clip(sign * (contact - rows) / (squash * object_h), 0, 1)
    mixed = (np.asarray(near, dtype=np.float32) * (1 - distance) + np.asarray(far, dtype=np.float32) * distance) / 255
    opacity = (0.1 + 0.3 * look.hardness) * (1 - 0.7 * distance)
    on_floor = (rows <= contact) if not towards_camera else (rows >= contact)
    return f32(mixed * opacity * on_floor)


def _flatlay_shadow(canvas: FloatArray, object_h: float, look: SceneLook) -> FloatArray:
    """Seen from above, the shadow is the silhouette shifted away from the light and blurred."""
    shift_x = round(-look.light_side * 0.035 * object_h)
    shift_y = round(0.03 * object_h)
    shifted = np.roll(np.roll(canvas, shift_y, axis=0), shift_x, axis=1)
    soft = _blur(shifted, (0.015 + 0.03 * (1 - look.hardness)) * object_h)
    return (0.4 * soft).astype(np.float32)
