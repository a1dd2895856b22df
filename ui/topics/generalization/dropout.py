"""Sections 5–6 of the generalization page: dropout as PyTorch does it, parameters and
hyperparameters.

Section 5 is drawn in four parts, each a pair of charts with its own controls and sentence:
`masks` (the network's masks over the first steps), `unit` (inverted against classic dropout),
`spread` (train-mode passes: forgetting eval()), `mc` (Monte-Carlo dropout and DropConnect).
Every number a sentence states comes from core.dropout through `view`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core import dropout, search
from ui.state import Control
from ui.strings import Translate

T_OPTIONS = tuple(2**k for k in range(int(np.log2(dropout.T_MAX)) + 1))

CONTROLS: tuple[Control, ...] = (
    Control("drp", "number", 0.3, "gen.drop.ctl.p", help="gen.drop.ctl.p_help",
            lo=dropout.P_RANGE[0], hi=dropout.P_RANGE[1], step=0.05),
    Control("drseed", "integer", 0, "gen.drop.ctl.seed", lo=0, hi=20),
    Control("drstep", "integer", 1, "gen.drop.ctl.step", lo=1, hi=dropout.SHOWN_STEPS),
    Control("drpass", "integer", 50, "gen.drop.ctl.passes", help="gen.drop.ctl.passes_help",
            lo=10, hi=dropout.CONNECT_PASSES, step=10),
    Control("drt", "choice", 64, "gen.drop.ctl.t", help="gen.drop.ctl.t_help",
            options=T_OPTIONS, widget="select_slider"),
    Control("hptrials", "integer", 20, "gen.hyper.ctl.trials", help="gen.hyper.ctl.trials_help",
            lo=search.TRIALS_RANGE[0], hi=search.TRIALS_RANGE[1]),
    Control("hpseed", "integer", 0, "gen.hyper.ctl.seed", lo=0, hi=20),
)  # fmt: skip
HYPER_KEYS = ("hptrials", "hpseed")
PRESETS: Mapping[str, Mapping[str, Any]] = {
    "forget_eval": {"drp": 0.5, "drpass": 200},
    "mc_dropout": {"drp": 0.3, "drt": dropout.T_MAX},
    "convnetjs_p": {"drp": 0.2},
    "no_dropout": {"drp": 0.0},
    "hyper_few": {"hptrials": search.TRIALS_RANGE[0]},
    "hyper_many": {"hptrials": search.TRIALS_RANGE[1]},
}
HYPER_PRESETS = ("hyper_few", "hyper_many")
DROP_PRESETS = ("forget_eval", "mc_dropout", "convnetjs_p", "no_dropout")
TOP_KEYS = ("drp", "drseed")
PARTS = ("masks", "unit", "spread", "mc")
PART_KEYS: Mapping[str, tuple[str, ...]] = {
    "masks": ("drstep",),
    "unit": (),
    "spread": ("drpass", "drt"),
    "mc": (),
}
PART_ARGS: Mapping[str, tuple[str, ...]] = PART_KEYS | {"mc": ("drt",)}
# The parts drawn by one fragment each: the MC part reads T and the pass count drawn in "spread".
FRAGMENTS = (("masks",), ("unit",), ("spread", "mc"))


@dataclass(frozen=True)
class View:
    """Everything section 5 draws for one (p, seed)."""

    run: dropout.Training
    unit: dropout.Unit
    passes: dropout.Passes
    mc: dropout.MonteCarlo


def view(p: float, seed: int) -> View:
    run = dropout.train(p, seed)
    passes = dropout.passes(run)
    return View(run, dropout.unit(run), passes, dropout.monte_carlo(passes))


def args(part: str, values: Mapping[str, Any]) -> tuple:
    """The controls a part's charts depend on, in order."""
    return tuple(values[k] for k in PART_ARGS[part])


def charts(part: str, v: View, settings: tuple, tr: Translate) -> tuple[go.Figure, go.Figure]:
    from ui.figures import gen_dropout as figures

    if part == "masks":
        (step,) = settings
        trend = dropout.running_mean(v.run.loss)
        return figures.fig_masks(v.run, step, tr), figures.fig_step_loss(v.run, trend, step, tr)
    if part == "unit":
        return figures.fig_unit_inverted(v.unit, tr), figures.fig_unit_classic(v.unit, tr)
    if part == "spread":
        count, t = settings
        mean = dropout.mc_mean(v.passes, t)
        spread = figures.fig_spread(v.run, v.passes, count, mean, t, tr)
        return spread, figures.fig_spread_x0(v.passes, count, tr)
    (t,) = settings
    # p = 0: nothing random to average, so no error to plot (chart_note says so instead)
    error = None if chart_note(part, v) else figures.fig_mc_error(v.mc, t, tr)
    return error, figures.fig_dropconnect(v.passes, tr)


def chart_note(part: str, v: View) -> str | None:
    """The key of the note drawn instead of a part's first chart, or None when it is drawn."""
    return "gen.drop.fig.mc_none" if part == "mc" and v.run.p == 0.0 else None


# --- sentences ---------------------------------------------------------------------------------


def _n(value: float, digits: int = 3) -> str:
    return f"{round(float(value), digits) + 0.0:.{digits}f}".replace("-", "−")


def _g(value: float) -> str:
    return f"{float(value):.2g}".replace("-", "−")


def say_key(part: str, v: View) -> str:
    """The sentence for a part: with p = 0 nothing is random; at p = 0.5 ConvNetJS's p is right."""
    if v.run.p == 0.0 and part in ("unit", "spread", "mc"):
        return f"gen.drop.say.{part}_none"
    if v.run.p == 0.5 and part == "unit":  # ConvNetJS's p is 1 − p here
        return "gen.drop.say.unit_half"
    return f"gen.drop.say.{part}"


def mask_words(v: View, step: int) -> dict[str, str]:
    masks, p = v.run.masks, v.run.p
    return {
        "step": str(step),
        "kept1": str(int(masks[step - 1, 0].sum())),
        "kept2": str(int(masks[step - 1, 1].sum())),
        "width": str(dropout.WIDTH),
        "loss": _n(v.run.loss[step - 1]),
        "steps": str(len(masks)),
        "rate": _n(masks.mean(), 2),
        "keep": _n(1 - p, 2),
        "p": _n(p, 2),
    }


def standard_error(samples: np.ndarray) -> float:
    return float(np.std(samples, ddof=1) / np.sqrt(len(samples)))


def unit_words(v: View) -> dict[str, str]:
    u = v.unit
    se_c = standard_error(u.classic)
    off = abs(u.convnetjs_value - u.classic.mean()) / se_c if se_c > 0 else 0.0
    return {
        "draws": str(u.draws),
        "p": _n(u.p, 2),
        "keep": _n(1 - u.p, 2),
        "inv_mean": _n(u.inverted.mean()),
        "inv_se": _n(standard_error(u.inverted)),
        "eval": _n(u.eval_value),
        "cl_mean": _n(u.classic.mean()),
        "cl_se": _n(se_c),
        "cl_value": _n(u.classic_value),
        "cj": _n(u.convnetjs_value),
        "cj_off": f"{off:.0f}",
    }


def spread_words(v: View, count: int, t: int) -> dict[str, str]:
    at = v.passes.at_x0[:count]
    mean = dropout.mc_mean(v.passes, t)
    return {
        "passes": str(count),
        "distinct": str(len(np.unique(at))),
        "x0": _n(v.passes.x0, 1),
        "lo": _n(at.min()),
        "hi": _n(at.max()),
        "sd": _n(at.std()),
        "eval": _n(v.passes.eval_x0),
        "t": str(t),
        "mc_off": _n(np.max(np.abs(mean - v.passes.eval_out))),
    }


def mc_words(v: View, t: int, count: int) -> dict[str, str]:
    """The MC sentence; its spreads are over the `count` passes the histogram above draws."""
    mc, passes = v.mc, v.passes
    at = int(np.searchsorted(mc.ts, t))
    shown = min(count, len(passes.connect_at_x0))
    return {
        "t": str(t),
        "to_limit": _g(mc.to_limit[at]),
        "ref": _g(mc.reference()[at]),
        "to_eval": _g(mc.to_eval[at]),
        "gap": _g(mc.gap),
        "slope": _n(dropout.slope(mc.ts, mc.to_limit), 2) if mc.sigma > 0 else "—",
        "rate": _n(passes.connect_keep_rate, 3),
        "keep": _n(1 - passes.p, 2),
        "passes": str(shown),
        "sd_d": _n(passes.at_x0[:shown].std()),
        "sd_c": _n(passes.connect_at_x0[:shown].std()),
    }


def words(part: str, v: View, values: Mapping[str, Any]) -> dict[str, str]:
    """The numbers of a part's sentence, for the controls drawn."""
    if part == "masks":
        return mask_words(v, values["drstep"])
    if part == "unit":
        return unit_words(v)
    if part == "spread":
        return spread_words(v, values["drpass"], values["drt"])
    return mc_words(v, values["drt"], values["drpass"])


# --- section 6 ---------------------------------------------------------------------------------

# Which is which for the networks on this page: (row key, kind); the words are gen.hyper.row.*.
TABLE_ROWS = (
    ("weights", "parameter"),
    ("biases", "parameter"),
    ("layers", "hyper"),
    ("width", "hyper"),
    ("activation", "hyper"),
    ("lr", "hyper"),
    ("lambda", "hyper"),
    ("p", "hyper"),
    ("epochs", "hyper"),
    ("patience", "hyper"),
)
TABLE_COLUMNS = ("name", "kind", "found", "here")


def table_rows(tr: Translate) -> list[dict[str, str]]:
    """The parameter/hyperparameter table in the session's language, one dict per row."""
    head = {c: tr(f"gen.hyper.col.{c}") for c in TABLE_COLUMNS}
    return [
        {
            head["name"]: tr(f"gen.hyper.row.{row}.name"),
            head["kind"]: tr(f"gen.hyper.kind.{kind}"),
            head["found"]: tr(f"gen.hyper.found.{kind}"),
            head["here"]: tr(f"gen.hyper.row.{row}.here"),
        }
        for row, kind in TABLE_ROWS
    ]


def search_charts(s: search.Search, tr: Translate) -> tuple[go.Figure, go.Figure]:
    from ui.figures import gen_dropout as figures

    return figures.fig_search(s, tr), figures.fig_search_progress(s, tr)


def search_words(s: search.Search) -> dict[str, str]:
    b = s.best
    return {
        "trials": str(len(s.lrs)),
        "best": str(b + 1),
        "lr": f"{s.lrs[b]:.2g}",
        "width": str(int(s.widths[b])),
        "val": _n(s.val_error[b], 4),
        "worst": _n(s.val_error.max(), 4),
        "test": _n(s.test_error, 4),
        "found_at": str(int(np.argmax(s.running_best <= s.val_error[b])) + 1),
    }
