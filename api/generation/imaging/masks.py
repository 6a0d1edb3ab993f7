"""Binary-mask helpers in plain numpy/Pillow: connected components and small morphological filters.

There is no scipy here, so components are labelled by propagating the smallest pixel index along horizontal and
vertical runs (one vectorised pass per direction) with pointer jumping in between; on photos this settles in a
handful of passes, where a pixel-by-pixel flood fill in Python would take seconds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from api.generation.imaging.arrays import BoolArray, IntArray, f32


def _run_starts(mask: BoolArray) -> IntArray:
    """Flat indices where a run of equal mask values starts along each row."""
    width = mask.shape[1]
    flat = mask.ravel()
    change = np.empty(flat.size, dtype=np.bool_)
    change[0] = True
    change[1:] = flat[1:] != flat[:-1]
    change[::width] = True
    return np.flatnonzero(change)


def _run_min(values: IntArray, starts: IntArray) -> IntArray:
    """Every pixel takes the minimum of its run (runs given by `starts`, rows of `values`)."""
    minima = np.minimum.reduceat(values.ravel(), starts)
    lengths = np.diff(np.append(starts, values.size))
    return np.repeat(minima, lengths).reshape(values.shape)


def label(mask: BoolArray) -> tuple[IntArray, int]:
    """4-connected components of `mask`: (labels, count), labels 0..count-1 on the mask and -1 off it."""
    size = mask.size
    on = np.flatnonzero(mask)
    if on.size == 0:
        return np.full(mask.shape, -1, dtype=np.int64), 0
    # Every mask pixel starts labelled with its own flat index; off-mask pixels hold `size`, larger than any.
    labels = np.full(size, size, dtype=np.int64)
    labels[on] = on
    row_starts = _run_starts(mask)
    column_starts = _run_starts(np.ascontiguousarray(mask.T))
    total = int(labels.sum())
    while True:
        labels = _run_min(labels.reshape(mask.shape), row_starts).ravel()
        labels = np.ascontiguousarray(_run_min(np.ascontiguousarray(labels.reshape(mask.shape).T), column_starts).T)
        labels = labels.ravel()
        # Pointer jumping: a pixel's label is the index of a pixel of the same component whose own label is no
        # larger, so following it shortens long chains (spirals, combs) without another full pass.
        for _ in range(2):
            labels[on] = labels[labels[on]]
        # Labels only ever decrease, so an unchanged sum means nothing changed (cheaper than comparing arrays).
        new_total = int(labels.sum())
        if new_total == total:
            break
        total = new_total
    # Settled: every pixel holds its component's smallest index, whose own label is itself (the root).
    roots = on[labels[on] == on]
    compact = np.full(size, -1, dtype=np.int64)
    compact[roots] = np.arange(roots.size)
    result = np.full(size, -1, dtype=np.int64)
    result[on] = compact[labels[on]]
    return result.reshape(mask.shape), int(roots.size)


def touching_border(labels: IntArray, count: int) -> BoolArray:
    """Which components (by label) have a pixel on the image border."""
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    touching = np.zeros(count, dtype=np.bool_)
    touching[edge[edge >= 0]] = True
    return touching


def _shift_reduce(mask: BoolArray, radius: int, axis: int, *, grow: bool) -> BoolArray:
    """OR (grow) or AND (shrink) of the mask shifted by -radius..radius along one axis, edges replicated."""
    padding = [(0, 0), (0, 0)]
    padding[axis] = (radius, radius)
    padded = np.pad(mask, padding, mode="edge")
    length = mask.shape[axis]
    result = mask.copy()
    for offset in range(2 * radius + 1):
        window = padded[offset : offset + length] if axis == 0 else padded[:, offset : offset + length]
        if grow:
            result |= window
        else:
            result &= window
    return result


def erode(mask: BoolArray, size: int = 3) -> BoolArray:
    """Binary erosion by a size-by-size square (separable: rows, then columns)."""
    radius = size // 2
    return _shift_reduce(_shift_reduce(mask, radius, 1, grow=False), radius, 0, grow=False)


def dilate(mask: BoolArray, size: int = 3) -> BoolArray:
    """Binary dilation by a size-by-size square."""
    radius = size // 2
    return _shift_reduce(_shift_reduce(mask, radius, 1, grow=True), radius, 0, grow=True)


def opening(mask: BoolArray, size: int = 3) -> BoolArray:
    return dilate(erode(mask, size), size)


def closing(mask: BoolArray, size: int = 3) -> BoolArray:
    return erode(dilate(mask, size), size)


def box_mean(values: NDArray[np.float32], radius: int) -> NDArray[np.float32]:
    """Mean over a (2·radius+1)² square around each pixel, edges replicated (integral image, any radius)."""
    size = 2 * radius + 1
    padded = np.pad(values.astype(np.float64), radius + 1, mode="edge")
    padded[0, :], padded[:, 0] = 0, 0  # a zero row and column make the integral image's differences exact
    integral = padded.cumsum(axis=0).cumsum(axis=1)
    height, width = values.shape
    total = (
        integral[size : size + height, size : size + width]
        - integral[:height, size : size + width]
        - integral[size : size + height, :width]
        + integral[:height, :width]
    )
    return f32(total / (size * size))
