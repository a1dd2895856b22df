"""Each control spec reads only what its widget could hold, and writes what it reads back."""

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.state import Choice, Choices, Flag, Integer, Invalid, LogNumber, Number, log_grid

SLIDER = Number(default=6.0, lo=1.0, hi=20.0, step=0.5)
DEPTH = Integer(default=20, lo=1, hi=100)
PICK = Choices(default=("sigmoid",), options=("sigmoid", "tanh", "relu"), max_count=None)
ONE = Choice(default="none", options=("none", "tanh"))
LR = Choice(default=0.01, options=(0.001, 0.01, 0.1))
TOGGLE = Flag(default=False)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e400",
        "0.5",
        "20.5",
        "-3",
        "1" * 300,
        "0x10",
        "<script>alert(1)</script>",
        "６",
        "1,5",
    ],
)
def test_number_refuses_what_the_slider_cannot_hold(raw):
    with pytest.raises(Invalid):
        SLIDER.parse([raw])


@pytest.mark.parametrize(
    ("raw", "value"),
    [("6", 6.0), ("1", 1.0), ("20", 20.0), (" 7.5 ", 7.5), ("7.3", 7.5), ("1e1", 10.0)],
)
def test_number_reads_and_snaps_to_the_slider_grid(raw, value):
    assert SLIDER.parse([raw]) == value


def test_number_takes_the_last_of_repeated_keys():
    assert SLIDER.parse(["3", "4"]) == 4.0


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1.0, max_value=20.0))
def test_number_round_trips_through_its_text(value):
    snapped = SLIDER.snap(value)
    assert SLIDER.parse([SLIDER.serialize(snapped)]) == snapped
    assert math.isclose((snapped - 1.0) / 0.5, round((snapped - 1.0) / 0.5), abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_number_never_raises_anything_but_invalid(raw):
    try:
        value = SLIDER.parse([raw])
    except Invalid:
        return
    assert 1.0 <= value <= 20.0


@pytest.mark.parametrize("raw", ["0", "101", "2.5", "ten", "-", "", "1e2", "9" * 40])
def test_integer_refuses_non_integers_and_out_of_range(raw):
    with pytest.raises(Invalid):
        DEPTH.parse([raw])


def test_integer_reads_its_range_inclusive():
    assert DEPTH.parse(["1"]) == 1
    assert DEPTH.parse(["100"]) == 100


def test_choices_keep_option_order_and_drop_repeats():
    assert PICK.parse(["relu,sigmoid,relu"]) == ("relu", "sigmoid")
    assert PICK.parse(["sigmoid", "tanh"]) == ("sigmoid", "tanh")
    assert PICK.parse([""]) == ()


@pytest.mark.parametrize("raw", ["sigmoid,bogus", "<b>relu</b>", "SIGMOID", "x" * 500])
def test_choices_refuse_any_unknown_item(raw):
    with pytest.raises(Invalid):
        PICK.parse([raw])


def test_choices_refuse_more_than_allowed():
    capped = Choices(default=("sigmoid",), options=("sigmoid", "tanh", "relu"), max_count=2)
    with pytest.raises(Invalid):
        capped.parse(["sigmoid,tanh,relu"])


def test_choice_reads_options_by_their_text():
    assert ONE.parse(["tanh"]) == "tanh"
    assert LR.parse(["0.1"]) == 0.1
    with pytest.raises(Invalid):
        LR.parse(["0.2"])
    assert LR.parse([LR.serialize(0.001)]) == 0.001


def test_a_number_option_written_another_way_is_the_same_option():
    assert LR.parse(["0.10"]) == LR.parse(["1e-1"]) == LR.parse([".1"]) == 0.1
    with pytest.raises(Invalid, match="unknown option"):
        LR.parse(["0.1000001"])


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("0", False), ("true", True), ("OFF", False)]
)
def test_flag_reads_on_and_off(raw, value):
    assert TOGGLE.parse([raw]) is value


def test_flag_refuses_anything_else():
    with pytest.raises(Invalid):
        TOGGLE.parse(["2"])


def test_default_is_recognised_despite_float_noise():
    assert SLIDER.is_default(6.000000000001)
    assert not SLIDER.is_default(6.5)


LOG_LR = LogNumber(default=0.01, options=log_grid(1e-4, 10.0))


def test_log_grid_is_one_two_five_per_decade_within_bounds():
    assert log_grid(1e-3, 1.0) == (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
    assert log_grid(0.3, 40.0) == (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


def test_finer_log_grid_is_increasing_and_evenly_spread_in_log_space():
    grid = log_grid(1e-3, 1.0, per_decade=4)
    ratios = [b / a for a, b in itertools.pairwise(grid)]
    assert all(1.6 < r < 1.95 for r in ratios)


@pytest.mark.parametrize(("raw", "value"), [("0.01", 0.01), ("0.013", 0.01), ("0.04", 0.05)])
def test_log_number_snaps_to_the_nearest_grid_value_in_log_space(raw, value):
    assert LOG_LR.parse([raw]) == value


@pytest.mark.parametrize("raw", ["0", "-0.1", "11", "nan", "1e-9", "abc", "<b>1</b>"])
def test_log_number_refuses_out_of_range_and_garbage(raw):
    with pytest.raises(Invalid):
        LOG_LR.parse([raw])


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(log_grid(1e-4, 10.0)))
def test_log_number_round_trips_every_grid_value(value):
    assert LOG_LR.parse([LOG_LR.serialize(value)]) == value
