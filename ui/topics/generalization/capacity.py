"""Sections 1–2 of the generalization page: capacity and the U curve, more data.

Controls (keys start with "cap"), presets and the sentences that put core.capacity's numbers
into words. Every sentence's verdict is chosen from the data it describes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core import capacity
from ui.state import Control

RIDGES = (0.0, 1e-6, 1e-4, 1e-2, 1.0)
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1)
MLP_WIDTH_OPTIONS = capacity.MLP_WIDTHS
RATIO_FLOOR = 1e-300  # test/train of an interpolating fit (train MSE 0) stays finite


def _choice(key: str, default: Any, options: tuple, label: str | None, **more: Any) -> Control:
    return Control(
        key, "choice", default, f"gen.cap.ctl.{key}", options=options, option_label=label, **more
    )


def _integer(key: str, default: int, lo: int, hi: int, **more: Any) -> Control:
    return Control(key, "integer", default, f"gen.cap.ctl.{key}", lo=lo, hi=hi, **more)


def _noise(key: str, default: float) -> Control:
    lo, hi = capacity.NOISE_RANGE
    return Control(
        key,
        "number",
        default,
        "gen.cap.ctl.noise",
        help="gen.cap.ctl.noise_help",
        lo=lo,
        hi=hi,
        step=0.05,
    )


_TARGET = {"options": capacity.TARGETS, "label": "gen.cap.target.{}"}
CAPACITY_CONTROLS = (
    _choice("capm", "poly", ("poly", "mlp"), "gen.cap.model.{}", widget="radio"),
    _choice(
        "capt",
        "d2l",
        capacity.TARGETS,
        "gen.cap.target.{}",
        widget="radio",
        help="gen.cap.ctl.capt_help",
    ),
    _integer("capn", 100, *capacity.POINTS_RANGE, help="gen.cap.ctl.capn_help"),
    _noise("capsd", 0.1),
    _integer("capseed", 0, 0, 999),
    *(_integer(f"capd{i}", d, 0, capacity.MAX_DEGREE) for i, d in ((1, 1), (2, 3), (3, 20))),
    _choice("capl2", 0.0, RIDGES, None, widget="select_slider", help="gen.cap.ctl.capl2_help"),
    _choice("capax", "width", ("width", "depth"), "gen.cap.axis.{}", widget="radio"),
    _choice(
        "capw", 16, MLP_WIDTH_OPTIONS, None, widget="select_slider", help="gen.cap.ctl.capw_help"
    ),
    _integer("capep", 2000, *capacity.MLP_EPOCHS_RANGE, step=100),
    _choice("caplr", 0.01, LEARNING_RATES, None, widget="select_slider"),
)
DATA_CONTROLS = (
    _choice("capdt", "sin", capacity.TARGETS, "gen.cap.target.{}", widget="radio"),
    _noise("capdsd", 0.3),
    _integer("capdlo", 1, 0, capacity.MAX_DEGREE, help="gen.cap.ctl.capdlo_help"),
    _integer("capdhi", 12, 0, capacity.MAX_DEGREE, help="gen.cap.ctl.capdhi_help"),
    _integer("capdr", 20, *capacity.RESAMPLES_RANGE, help="gen.cap.ctl.capdr_help"),
    _integer("capdseed", 0, 0, 999),
)
CONTROLS: tuple[Control, ...] = (*CAPACITY_CONTROLS, *DATA_CONTROLS)

# How section 1 lays out its controls: the data row, then the model's own row.
DATA_KEYS = ("capt", "capn", "capsd", "capseed")
MODEL_KEYS: Mapping[str, tuple[str, ...]] = {
    "poly": ("capd1", "capd2", "capd3", "capl2"),
    "mlp": ("capax", "capw", "capep", "caplr"),
}
LEARNING_KEYS = ("capdt", "capdsd", "capdlo", "capdhi", "capdr", "capdseed")

_DEFAULTS = {c.key: c.default for c in CONTROLS}
# Each preset is a claim the page makes; tests/app/test_generalization_capacity.py asserts it.
SECTION_PRESETS: Mapping[str, Mapping[str, Any]] = {
    # d2l's polynomial regression: 100 train + 100 test points, σ = 0.1, degrees 1, 3 and 20.
    "cap_u_curve": {k: _DEFAULTS[k] for k in ("capm", "capt", "capn", "capsd", "capseed")}
    | {"capd1": 1, "capd2": 3, "capd3": 20, "capl2": 0.0},
    # Few noisy points, long full-batch Adam: the widest tanh network fits the noise.
    "cap_mlp_width": {
        "capm": "mlp",
        "capt": "sin",
        "capn": 15,
        "capsd": 0.3,
        "capseed": 0,
        "capax": "width",
        "capep": 2000,
        "caplr": 0.01,
    },
}
DATA_PRESETS: Mapping[str, Mapping[str, Any]] = {
    "cap_more_data": {k: _DEFAULTS[k] for k in LEARNING_KEYS},
}
PRESETS: Mapping[str, Mapping[str, Any]] = {**SECTION_PRESETS, **DATA_PRESETS}


def shown(key: str, v: Mapping[str, Any]) -> bool:
    """Whether section 1 draws `key` given the values drawn before it: the hidden layers' width
    only when depth is the capacity (the width sweep sets every width itself)."""
    return key != "capw" or v.get("capax") == "depth"


def sweep_args(v: Mapping[str, Any]) -> tuple[str, tuple]:
    """(kind, arguments of core.capacity.sweep or mlp_sweep) from section 1's drawn values."""
    data = (v["capt"], v["capn"], v["capsd"], v["capseed"])
    if v["capm"] == "poly":
        return "poly", (*data, float(v["capl2"]), (v["capd1"], v["capd2"], v["capd3"]))
    width = v.get("capw", _DEFAULTS["capw"])
    epochs = mlp_epochs(v["capn"], v["capax"], width, v["capep"])
    return v["capax"], (*data, v["capax"], width, epochs, float(v["caplr"]))


def capped(v: Mapping[str, Any], kind: str, args: tuple) -> list[tuple[str, dict[str, Any]]]:
    """A notice when the MLP sweep runs fewer epochs than asked (the work budget)."""
    if kind == "poly" or args[6] == v["capep"]:
        return []
    return [("gen.cap.epochs_capped", {"asked": v["capep"], "epochs": args[6]})]


def learning_args(v: Mapping[str, Any]) -> tuple:
    """Arguments of core.capacity.learning_curve from section 2's drawn values."""
    return v["capdt"], v["capdsd"], v["capdseed"], v["capdlo"], v["capdhi"], v["capdr"]


# The MLP sweep's cost, in ui.heavy's multiply-add units (2**35 ≈ 1 s on one core), fitted to
# bench/generalization.py's timings: a fixed cost per layer and epoch (NumPy's per-call overhead
# of the forward, backward and Adam step), a cost per activation element of the padded batch
# (tanh and its derivative dominate), and the hidden-to-hidden matrix products.
LAYER_CALL, PER_ELEMENT = 3e6, 1.8e3
MLP_BUDGET = 2**36  # about 2 s: past it the epochs are capped (and said so)


def mlp_epoch_cost(points: int, axis: str, width: int) -> float:
    """ui.heavy units per epoch of the whole sweep (every network of it)."""
    if axis == "width":
        groups = [(len(capacity.MLP_WIDTHS), max(capacity.MLP_WIDTHS), 1)]
    else:
        groups = [(1, width, d) for d in capacity.MLP_DEPTHS]
    return sum(
        LAYER_CALL * (d + 1) + PER_ELEMENT * k * points * h * d + 6.0 * k * points * h * h * (d - 1)
        for k, h, d in groups
    )


def mlp_epochs(points: int, axis: str, width: int, epochs: int) -> int:
    """The epochs a sweep runs: those asked for, capped (in hundreds) to MLP_BUDGET."""
    affordable = int(MLP_BUDGET / mlp_epoch_cost(points, axis, width)) // 100 * 100
    return max(capacity.MLP_EPOCHS_RANGE[0], min(epochs, affordable))


def mlp_cost(target, points, noise, seed, axis, width, epochs, lr) -> tuple[float, float]:
    """(work, cells) of core.capacity.mlp_sweep for ui.heavy."""
    return epochs * mlp_epoch_cost(points, axis, width), 0.0


NB_HYPHEN = "\u2011"  # an exponent's minus that never breaks the line
ZERO_BELOW = 1e-12  # relative to the least test error: an interpolating fit's "≈ 0"


def number(value: float, scale: float = 0.0) -> str:
    """Three significant digits, trailing zeros kept (0.180 beside 0.188); "≈ 0" under
    ZERO_BELOW × scale; an exponent joined by a non-breaking hyphen so it never wraps."""
    value = float(value)
    if value == 0.0:
        return "0"
    if abs(value) < ZERO_BELOW * scale:
        return "≈ 0"
    mantissa, _, exponent = f"{value:#.3g}".partition("e")
    mantissa = mantissa.rstrip(".")
    if not exponent:
        return mantissa
    return mantissa + "e" + str(int(exponent)).replace("-", NB_HYPHEN)


def sweep_words(sw: capacity.Sweep, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Section 1's sentences: where test MSE is least (inside the range: a U; at an end: none),
    the two ends' train and test MSE, σ², (polynomials) the basis's condition number; and
    whether the largest model's training MSE is under σ² (it has fitted noise)."""
    i = int(np.argmin(sw.test_mse))
    inside = 0 < i < len(sw.capacities) - 1
    scale = float(sw.test_mse.min())
    words = {
        "best": sw.capacities[i],
        "best_test": number(sw.test_mse[i], scale),
        "low": sw.capacities[0],
        "high": sw.capacities[-1],
        "low_train": number(sw.train_mse[0], scale),
        "low_test": number(sw.test_mse[0], scale),
        "high_train": number(sw.train_mse[-1], scale),
        "high_test": number(sw.test_mse[-1], scale),
        "var": number(sw.noise**2),
    }
    if kind == "poly":
        words["cond"] = f"{sw.condition:.1e}"
    notes = [(f"gen.cap.say.{kind}_{'u' if inside else 'edge'}", words)]
    if kind == "poly" and (rises := training_rises(sw)):
        notes.append(("gen.cap.say.rounding", {"low": rises[0], "high": rises[1]}))
    if fits_below_noise(sw):
        notes.append(("gen.cap.say.below_noise", {}))
    return notes


def training_rises(sw: capacity.Sweep) -> tuple[int, int] | None:
    """The first pair of consecutive degrees whose training MSE rises (beyond 1e-9 relative):
    in exact arithmetic it cannot, each basis containing the previous one, but at a condition
    number near 1/eps the solver drops directions; None when it never rises."""
    rise = np.flatnonzero(np.diff(sw.train_mse) > 1e-9 * max(1.0, float(sw.train_mse[0])))
    return None if rise.size == 0 else (sw.capacities[rise[0]], sw.capacities[rise[0] + 1])


def fits_below_noise(sw: capacity.Sweep) -> bool:
    """Whether the highest capacity's training MSE is under σ²: it has fitted some noise."""
    return bool(sw.noise > 0 and sw.train_mse[-1] < sw.noise**2)


def learning_facts(lc: capacity.LearningCurve) -> dict[str, Any]:
    """Medians at the smallest and largest sizes for both models, and their test/train ratios."""
    train, test = lc.median("train"), lc.median("test")
    ratio = test / np.maximum(train, RATIO_FLOOR)
    scale = float(test.min())
    return {
        "low": lc.degrees[0],
        "high": lc.degrees[1],
        "n_min": lc.sizes[0],
        "n_max": lc.sizes[-1],
        "resamples": lc.resamples,
        "low_train": number(train[0, -1], scale),
        "low_test": number(test[0, -1], scale),
        "high_train_min": number(train[1, 0], scale),
        "high_test_min": number(test[1, 0], scale),
        "high_train": number(train[1, -1], scale),
        "high_test": number(test[1, -1], scale),
        "gap_min": number(test[1, 0] - train[1, 0], scale),
        "gap_max": number(test[1, -1] - train[1, -1], scale),
        "ratio_max": number(ratio[1, -1]),
        "low_ratio": number(ratio[0, -1]),
        "var": number(lc.noise**2),
    }


def learning_words(lc: capacity.LearningCurve) -> list[tuple[str, dict[str, Any]]]:
    """Section 2's sentences: the numbers always; "they meet high" only when the low model's
    train and test MSE end within 25 % of each other and above 2σ²; "the gap closes" only when
    the high model's gap (test − train MSE) at the largest size is under a tenth of the gap at
    the smallest and its test/train ratio ends under 1.5."""
    facts = learning_facts(lc)
    train, test = lc.median("train"), lc.median("test")
    ratio = test / np.maximum(train, RATIO_FLOOR)
    notes = [("gen.cap.data.facts", facts)]
    if ratio[0, -1] < 1.25 and train[0, -1] > 2 * lc.noise**2:
        notes.append(("gen.cap.data.meet_high", facts))
    gaps = test[1] - train[1]
    if gaps[-1] < 0.1 * gaps[0] and ratio[1, -1] < 1.5:
        notes.append(("gen.cap.data.gap_closes", facts))
    return notes


def thumbnail_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The home card: train and test MSE against degree on 30 noisy points of sin(πx), where the
    test error's U spans one decade each side (d2l's climbs thirteen decades on the right)."""
    sw = capacity.sweep("sin", 30, 0.3, 0)
    return np.asarray(sw.capacities), sw.train_mse, sw.test_mse


def thumbnail() -> go.Figure:
    from ui.figures import gen_capacity as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(*thumbnail_data())
