"""The checks every core module makes of its arguments, each with one wording of its error.

Every function returns the value in its plain Python type (a float, an int, a bool, the name) or
raises ValueError naming the argument, what it must be and what it got.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def _bounds(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> str:
    left = "-inf" if lo is None else f"{lo:g}"
    right = "inf" if hi is None else f"{hi:g}"
    opening = "(" if lo_open or lo is None else "["
    closing = ")" if hi_open or hi is None else "]"
    return f"{opening}{left}, {right}{closing}"


def _within(value: float, lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> bool:
    above = lo is None or (value > lo if lo_open else value >= lo)
    below = hi is None or (value < hi if hi_open else value <= hi)
    return above and below


def real(
    name: str,
    value: object,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
) -> float:
    """A finite real number (not a bool) in the interval given, as a float."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if not _within(number, lo, hi, lo_open, hi_open):
        raise ValueError(f"{name} must be in {_bounds(lo, hi, lo_open, hi_open)}, got {value!r}")
    return number


def integer(name: str, value: object, *, lo: int | None = None, hi: int | None = None) -> int:
    """A whole number (not a bool, not a float) from lo to hi inclusive, as an int."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    number = int(value)
    if not _within(number, lo, hi, False, False):
        raise ValueError(f"{name} must be in {_bounds(lo, hi, False, False)}, got {value!r}")
    return number


def flag(name: str, value: object) -> bool:
    """True or False (NumPy's bools too), nothing that merely converts to one."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def choice(name: str, value: object, options: Iterable[str]) -> str:
    """One of the registered names, with every valid choice in the error."""
    valid = tuple(options)
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"unknown {name} {value!r}; choose one of: {', '.join(valid)}")
    return value
