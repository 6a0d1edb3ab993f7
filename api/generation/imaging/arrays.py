"""Array types shared by the imaging modules, and converters that pin a result's dtype (numpy's stubs type
most arithmetic as Any, so results are passed through these at function boundaries)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def f32(values: ArrayLike) -> FloatArray:
    """`values` as float32 (no copy when it already is)."""
    return np.asarray(values, dtype=np.float32)


def boolean(values: ArrayLike) -> BoolArray:
    return np.asarray(values, dtype=np.bool_)
