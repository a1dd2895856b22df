"""Numbers as a reader reads them: factors, fixed decimals and shares, the same on every page.

Pure: no Streamlit, no core. A share takes the page's translator for its "below 1%" words.
"""

from __future__ import annotations

import math

from ui.strings import Translate

# Where a product of many factors is clipped before it reaches a log axis
# (core.gradient_flow.VALUE_FLOOR / VALUE_CEILING): values at the clip read as bounds.
FACTOR_FLOOR = 1e-300
FACTOR_CEILING = 1e300

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value: float) -> str:
    return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPT)


def format_factor(
    value: float, *, floor: float = FACTOR_FLOOR, ceiling: float = FACTOR_CEILING
) -> str:
    """A factor for a reader: 1 → "1", 0.25 → "0.25", 3.31e-51 → "3.3 × 10⁻⁵¹"; at or beyond
    the clip values it reads as a bound ("≤ 10⁻³⁰⁰")."""
    if not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    if abs(value) <= floor:
        return "≤ " + _power_of_ten(floor)
    if abs(value) >= ceiling:
        return "≥ " + _power_of_ten(ceiling)
    if 1e-3 <= abs(value) < 1e3:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10" + str(int(exponent)).translate(_SUPERSCRIPT)


def format_fixed(value: float, digits: int = 3) -> str:
    """value with `digits` decimals and never a negative zero ("-0.000" reads as 0.000)."""
    rounded = round(float(value), digits) + 0.0  # −0.0 + 0.0 is +0.0
    return f"{rounded:.{digits}f}"


def format_share(share: float, tr: Translate | None = None) -> str:
    """A probability as a whole percentage that never rounds a small nonzero share to 0 %
    ("< 1%"; with a translator, fmt.share_below / fmt.share_above: Korean says "1% 미만")."""
    if 0 < share < 0.005:
        return tr("fmt.share_below", share="1%") if tr else "< 1%"
    if 0.995 <= share < 1:
        return tr("fmt.share_above", share="99%") if tr else "> 99%"
    return f"{share:.0%}"
