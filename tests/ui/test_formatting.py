"""ui.formatting: numbers as the pages print them (moved from the Activations page's figures)."""

from __future__ import annotations

import pytest

from core import gradient_flow
from ui.formatting import FACTOR_CEILING, FACTOR_FLOOR, format_factor, format_fixed, format_share
from ui.strings import translator


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.25, "0.25"),
        (0.5**20, "9.5 × 10⁻⁷"),
        (3.31e-51, "3.3 × 10⁻⁵¹"),
        (1234.5, "1.2 × 10³"),
        (gradient_flow.VALUE_FLOOR, "≤ 10⁻³⁰⁰"),
        (0.0, "0"),
    ],
)
def test_factors_read_as_plain_numbers_or_powers_of_ten(value, text):
    assert format_factor(value) == text


def test_the_factor_bounds_are_where_gradient_flow_clips():
    assert (FACTOR_FLOOR, FACTOR_CEILING) == (
        gradient_flow.VALUE_FLOOR,
        gradient_flow.VALUE_CEILING,
    )
    assert format_factor(gradient_flow.VALUE_CEILING) == "≥ 10³⁰⁰"
    assert format_factor(float("nan")) == "—"


def test_no_negative_zero():
    assert format_fixed(-1e-17) == "0.000"
    assert format_fixed(-0.0004) == "0.000"
    assert format_fixed(-0.0006) == "-0.001"


def test_small_shares_never_read_as_zero_or_all():
    assert format_share(1e-24) == "< 1%"
    assert format_share(0.0) == "0%"
    assert format_share(0.999) == "> 99%"
    assert format_share(1.0) == "100%"


def test_a_small_share_reads_in_the_translator_s_language():
    assert format_share(1e-3, translator("ko")) == "1% 미만"
    assert format_share(0.999, translator("en")) == "> 99%"
