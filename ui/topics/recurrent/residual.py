"""Section 5 of the recurrent page: residual connections through depth (core.residual).

The controls, the lessons' presets and the sentences the page prints under the charts, every
number in them from core.residual's results (tests/app/test_recurrent_residual.py asserts them on
the data the charts are drawn from)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import residual
from core.initialization import MAX_DEPTH
from ui.formatting import format_factor
from ui.state import Control
from ui.strings import Translate

CONTROLS: tuple[Control, ...] = (
    Control("rsact", "choice", "sigmoid", "rnn.res.ctl.act", options=residual.ACTIVATIONS,
            option_label="act.name.{}"),
    Control("rsscheme", "choice", "xavier_normal", "rnn.res.ctl.scheme",
            help="rnn.res.ctl.scheme_help", options=residual.RESIDUAL_SCHEMES,
            option_label="init.scheme.{}"),
    Control("rsdepth", "integer", 30, "rnn.res.ctl.depth", lo=1, hi=MAX_DEPTH),
    Control("rswidth", "choice", 64, "rnn.res.ctl.width", help="rnn.res.ctl.width_help",
            options=residual.WIDTHS, widget="select_slider"),
    Control("rsalpha", "number", 1.0, "rnn.res.ctl.alpha", help="rnn.res.ctl.alpha_help",
            lo=residual.ALPHA_RANGE[0], hi=residual.ALPHA_RANGE[1], step=0.05),
    Control("rsscale", "flag", False, "rnn.res.ctl.scale", help="rnn.res.ctl.scale_help"),
    Control("rsseed", "integer", 0, "rnn.res.ctl.seed", help="rnn.res.ctl.seed_help", lo=0,
            hi=99),
)  # fmt: skip
TABLE: Mapping[str, Control] = {c.key: c for c in CONTROLS}
ROWS = (("rsact", "rsscheme", "rsdepth", "rswidth"), ("rsalpha", "rsscale", "rsseed"))
# core.residual.compare's and sweep's arguments, in order, by control key
ARG_KEYS = ("rsscheme", "rsact", "rsdepth", "rswidth", "rsalpha", "rsseed", "rsscale")

_LESSON = {"rsdepth": 30, "rswidth": 64, "rsalpha": 1.0, "rsscale": False, "rsseed": 0}
# The lessons (tests/app/test_recurrent_residual.py asserts each on the charts' data).
PRESETS: Mapping[str, Mapping[str, Any]] = {
    # sigmoid's f' ≤ 1/4: the plain gradient at h₀ falls below 1e-10 of the top, the residual
    # one stays within ×2 of it
    "res_sigmoid": {**_LESSON, "rsact": "sigmoid", "rsscheme": "xavier_normal"},
    # 0.01·N(0, 1): the plain stack dies forward and backward, the residual one is nearly the
    # identity (both stds within 20 % of the top's)
    "res_tiny": {**_LESSON, "rsact": "tanh", "rsscheme": "small_normal"},
    # He keeps the plain ReLU stack's scale; with skips activations grow > ×1.4 per block
    "res_relu": {**_LESSON, "rsact": "relu", "rsscheme": "he_normal"},
    # the same with α = 1/√L: activations and the first-layer gradient stay below 10
    "res_scaled": {**_LESSON, "rsact": "relu", "rsscheme": "he_normal", "rsscale": True},
}
VANISHED = 1e-2  # below this share of the top's gradient std, the sentence says it vanished
EXPLODED = 1e2  # above this multiple, that it exploded
GROWTH_PROMISED = 2**0.5  # res_relu: activations (and gradients) grow more than ×√2 per block
BOUND_PROMISED = 10.0  # res_scaled's help: activations and first-layer gradient stay below


def results(*args: Any) -> tuple[residual.Comparison, residual.Sweep]:
    """core.residual.compare(*args) and sweep(*args): what the section's charts draw."""
    return residual.compare(*args), residual.sweep(*args)


def args_of(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """core.residual.compare's (and sweep's) arguments from control values by key."""
    return tuple(values[key] for key in ARG_KEYS)


def verdict(first: float, top: float) -> str:
    """vanishes, explodes or kept: the first-layer gradient std against the top's."""
    ratio = first / top
    return "vanishes" if ratio < VANISHED else "explodes" if ratio > EXPLODED else "kept"


def gradient_words(c: residual.Comparison, tr: Translate) -> dict[str, str]:
    """The gradient sentence's numbers: std of ∂L/∂h at the top and at h₀ for both stacks,
    the mean factor per layer and the verdict in words."""
    depth, words = c.depth, {"depth": str(c.depth)}
    top = float(c.plain.gradient_std[-1])
    words["top"] = format_factor(top)
    for name in ("plain", "residual"):
        first = float(getattr(c, name).gradient_std[0])
        words[name] = format_factor(first)
        words[f"{name}_rate"] = f"{residual.rate(top, first, depth):.3g}"
        words[f"{name}_verdict"] = tr(f"rnn.res.verdict.{verdict(first, top)}")
    return words


def forward_words(c: residual.Comparison) -> dict[str, str]:
    """The forward sentence's numbers: std of h₀ and of h_depth for both stacks, the
    residual's mean factor per block and the α its branch used."""
    start, end = float(c.residual.activation_std[0]), float(c.residual.activation_std[-1])
    return {
        "depth": str(c.depth),
        "start": format_factor(start),
        "plain": format_factor(float(c.plain.activation_std[-1])),
        "residual": format_factor(end),
        "rate": f"{residual.rate(start, end, c.depth):.3g}",
        "alpha": f"{c.alpha:.3g}",
    }


def sweep_words(s: residual.Sweep) -> dict[str, str]:
    """The sweep sentence's numbers: each stack's first-layer gradient std at depth 1, at the
    deepest and its lowest over the depths swept."""
    words = {"depth": str(s.depths[-1])}
    for name in ("plain", "residual"):
        values = getattr(s, name)
        words[f"{name}_first"] = format_factor(float(values[0]))
        words[f"{name}_last"] = format_factor(float(values[-1]))
        words[f"{name}_min"] = format_factor(float(values.min()))
    return words


def sentences(c: residual.Comparison, s: residual.Sweep, tr: Translate) -> dict[str, str]:
    """The section's sentences, translated, by where they go: gradient, forward, sweep, and
    clipped (empty unless a statistic left the range a log axis shows and its point was cut)."""
    clipped = c.plain.clipped or c.residual.clipped or s.clipped
    return {
        "gradient": tr("rnn.res.say.gradient", **gradient_words(c, tr)),
        "forward": tr("rnn.res.say.forward", **forward_words(c)),
        "sweep": tr("rnn.res.say.sweep", **sweep_words(s)),
        "clipped": tr("rnn.res.clipped") if clipped else "",
    }
