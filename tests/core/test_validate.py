"""core.validate: each check takes what it should, refuses the rest, and says what it wanted."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import validate


@pytest.mark.parametrize("value", [0, 1.5, -2, np.float32(0.25), np.int64(3)])
def test_real_takes_finite_reals_and_returns_a_float(value):
    out = validate.real("x", value)
    assert type(out) is float
    assert out == float(value)


@pytest.mark.parametrize("value", [True, np.True_, "1", None, 1j, [1.0]])
def test_real_refuses_what_is_not_a_real_number(value):
    with pytest.raises(ValueError, match="x must be a real number"):
        validate.real("x", value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_real_refuses_non_finite_numbers(value):
    with pytest.raises(ValueError, match="x must be finite"):
        validate.real("x", value)


@pytest.mark.parametrize(
    ("kwargs", "inside", "outside", "wording"),
    [
        ({"lo": 0}, 0.0, -1e-9, r"\[0, inf\)"),
        ({"lo": 0, "lo_open": True}, 1e-9, 0.0, r"\(0, inf\)"),
        ({"hi": 1}, 1.0, 1.5, r"\(-inf, 1\]"),
        ({"lo": 0, "hi": 1, "hi_open": True}, 0.5, 1.0, r"\[0, 1\)"),
    ],
)
def test_real_keeps_to_its_interval_and_names_it(kwargs, inside, outside, wording):
    assert validate.real("lr", inside, **kwargs) == inside
    with pytest.raises(ValueError, match=rf"lr must be in {wording}, got"):
        validate.real("lr", outside, **kwargs)


def test_integer_takes_whole_numbers_in_range_only():
    assert validate.integer("n", np.int32(4), lo=1, hi=4) == 4
    assert type(validate.integer("n", np.int32(4))) is int
    for bad in (True, 2.0, "3", None):
        with pytest.raises(ValueError, match="n must be an integer"):
            validate.integer("n", bad)
    with pytest.raises(ValueError, match=r"n must be in \[1, 4\], got 5"):
        validate.integer("n", 5, lo=1, hi=4)


def test_flag_takes_only_bools():
    assert validate.flag("training", np.True_) is True
    assert validate.flag("training", False) is False
    for bad in (0, 1, "True", None):
        with pytest.raises(ValueError, match="training must be True or False"):
            validate.flag("training", bad)


def test_choice_lists_the_valid_names():
    assert validate.choice("scheme", "he_normal", ("zeros", "he_normal")) == "he_normal"
    with pytest.raises(ValueError, match="unknown scheme 'he'; choose one of: zeros, he_normal"):
        validate.choice("scheme", "he", ("zeros", "he_normal"))
    with pytest.raises(ValueError, match="unknown scheme 3"):
        validate.choice("scheme", 3, ("zeros",))
