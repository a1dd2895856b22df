"""What the torch comparisons share: importing the real torch (or skipping) and ulp distances."""

from types import ModuleType

import numpy as np
import numpy.typing as npt
import pytest


def import_torch() -> ModuleType:
    """The installed torch package; without one, skip the calling test module."""
    return pytest.importorskip("torch", reason="PyTorch is not installed")


def ulps(a: npt.ArrayLike, b: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """|a − b| in units of the spacing at max(|a|, |b|) (0 where equal)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.spacing(np.maximum(np.abs(a), np.abs(b)))
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.abs(a - b) / scale
    return np.where(a == b, 0.0, u)
