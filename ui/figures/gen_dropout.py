"""Figures of the generalization page's sections 5–6: data from core.dropout (and the search)
and a translator in, a Figure out. The network with its masks (played over steps), the step's
mini-batch loss, one unit's distribution under inverted and classic dropout, repeated train-mode
passes, Monte-Carlo dropout's error against T, DropConnect's weight mask, the random search."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import MUTED, TEXT, playback, rgba, style, vline, with_frames

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.dropout import MonteCarlo, Passes, Training, Unit
    from core.search import Search

# One colour per idea, on every chart of section 5 (Okabe–Ito).
COLORS = {
    "kept": "#0072b2",
    "dropped": "#c9ced6",
    "inverted": "#0072b2",
    "classic": "#e69f00",
    "convnetjs": "#d55e00",
    "eval": "#000000",
    "limit": "#009e73",
    "train": "#56b4e9",
    "dropconnect": "#cc79a7",
    "reference": MUTED,
    "data": "#555555",
}
DRAWN_CURVES = 30  # train-mode curves drawn one by one (the band covers all passes)
HEIGHT = 360


def _figure(data: list[dict], layout: dict, title: str, height: int = HEIGHT) -> go.Figure:
    return style(
        go.Figure({"data": data, "layout": layout}, _validate=False), title=title, height=height
    )


def _axes(x: str, y: str, **more: object) -> dict:
    return {"xaxis": {"title": {"text": x}}, "yaxis": {"title": {"text": y}}} | more


def _f32(values: object) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


# Log axes label whole decades as powers of ten (10⁻³), never SI prefixes (100µ) or minor digits.
LOG_AXIS = {"type": "log", "dtick": 1, "exponentformat": "power", "minor": {"showgrid": False}}


def _ticks(values: object) -> list[str]:
    return [f"{float(v):g}" for v in np.asarray(values).ravel()]


def log_axis(values: object) -> dict:
    """A log axis for these values: 1–2–5 ticks labelled in full (0.02, 0.05, 0.1) when they
    span up to about two decades, else whole decades as powers of ten."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return dict(LOG_AXIS)
    lo, hi = np.floor(np.log10(v.min())), np.ceil(np.log10(v.max()))
    ticks = [m * 10.0**e for e in np.arange(lo, hi + 1) for m in (1, 2, 5)]
    ticks = [t for t in ticks if v.min() / 2.5 <= t <= v.max() * 2.5]  # beyond: not drawn
    if not 2 <= len(ticks) <= 9:
        return dict(LOG_AXIS)
    vals = [float(f"{t:.3g}") for t in ticks]
    return {"type": "log", "tickvals": vals, "ticktext": _ticks(vals), "minor": {"showgrid": False}}


# --- the network drawn with its masks ----------------------------------------------------------

_LAYERS = (1, 8, 8, 1)
_PAIRS = tuple(itertools.pairwise(_LAYERS))  # (in, out) of each Linear


def _nodes() -> list[np.ndarray]:
    """(x, y) of every unit, layer by layer."""
    return [
        np.column_stack([np.full(n, float(i)), np.linspace(1, -1, n) if n > 1 else [0.0]])
        for i, n in enumerate(_LAYERS)
    ]


def _segments(pairs: list[tuple[np.ndarray, np.ndarray]]) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for a, b in pairs:
        xs += [round(float(a[0]), 3), round(float(b[0]), 3), None]
        ys += [round(float(a[1]), 3), round(float(b[1]), 3), None]
    return xs, ys


def _edges(units: Sequence[np.ndarray], weights: Sequence[np.ndarray]) -> tuple[list, list]:
    """(x, y) of the dropped edges, None-separated: `units[k]` is layer k's kept units (bool),
    `weights[k]` the kept weights (out, in) between layers k and k + 1; a dropped unit drops
    every edge leaving it."""
    nodes = _nodes()
    dropped = [
        (nodes[k][i], nodes[k + 1][j])
        for k in range(3)
        for j in range(_LAYERS[k + 1])
        for i in range(_LAYERS[k])
        if not (units[k][i] and weights[k][j, i])
    ]
    return _segments(dropped)


_LINES = {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False}


def _edge_traces(units: Sequence[np.ndarray], weights: Sequence[np.ndarray]) -> list[dict]:
    """Every edge in the kept colour, then the dropped ones drawn over it in grey."""
    every = [np.zeros(n, dtype=bool) for n in _LAYERS]
    ax, ay = _edges(every, [np.zeros((o, i), dtype=bool) for i, o in _PAIRS])
    dx, dy = _edges(units, weights)
    kept = {"color": rgba(COLORS["kept"], 0.55), "width": 1.4}
    return [
        _LINES | {"x": ax, "y": ay, "line": kept},
        _LINES | {"x": dx, "y": dy, "line": {"color": COLORS["dropped"], "width": 2.2}},
    ]


def _colors(units: Sequence[np.ndarray]) -> list[str]:
    on = np.concatenate([np.asarray(u, dtype=bool) for u in units])
    return [COLORS["kept"] if o else COLORS["dropped"] for o in on]


def _node_trace(units: Sequence[np.ndarray]) -> dict:
    xy = np.concatenate(_nodes())
    return {
        "type": "scatter",
        "mode": "markers",
        "x": xy[:, 0],
        "y": xy[:, 1],
        "marker": {"size": 16, "color": _colors(units), "line": {"color": TEXT, "width": 1}},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def _network_layout(tr: Translate) -> dict:
    ticks = [tr("gen.drop.fig.input"), "h₁", "h₂", tr("gen.drop.fig.output")]
    return {
        "xaxis": {
            "title": {"text": tr("gen.drop.fig.layer_axis")},
            "tickvals": [0, 1, 2, 3],
            "ticktext": ticks,
            "range": [-0.3, 3.3],
            "showgrid": False,
            "zeroline": False,
        },
        "yaxis": {"visible": False, "range": [-1.25, 1.35]},
    }


def _all(n: int) -> np.ndarray:
    return np.ones(n, dtype=bool)


def fig_masks(run: Training, step: int, tr: Translate) -> go.Figure:
    """The network at step `step` (1-based) with sample 1's dropout masks: dropped units and
    the edges leaving them grey; playback over the recorded steps (frames change only those)."""
    full = [np.ones((o, i), dtype=bool) for i, o in _PAIRS]

    def units(k: int) -> list[np.ndarray]:
        return [_all(1), run.masks[k, 0], run.masks[k, 1], _all(1)]

    def label(k: int) -> list[str]:
        return [tr("gen.drop.fig.step_text", step=k + 1, loss=f"{run.loss[k]:.3f}")]

    k = step - 1
    text = {
        "type": "scatter",
        "mode": "text",
        "x": [1.5],
        "y": [1.25],
        "text": label(k),
        "textfont": {"size": 13, "color": TEXT},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    data = [*_edge_traces(units(k), full), _node_trace(units(k)), text]
    names = [str(i + 1) for i in range(len(run.masks))]
    labels = (tr("gen.drop.fig.play"), tr("gen.drop.fig.pause"), tr("gen.drop.fig.step"))
    layout = _network_layout(tr) | playback(
        names, k, labels, frame_ms=500, y=0.0, buttons_above=True, slider_pad=50
    )
    fig = _figure(data, layout, tr("gen.drop.fig.masks_title"), height=420)
    fig.update_layout(margin={"t": 80, "b": 150})

    def frame(i: int, name: str) -> dict:
        x, y = _edges(units(i), full)
        changed = [{"x": x, "y": y}, {"marker": {"color": _colors(units(i))}}, {"text": label(i)}]
        return {"name": name, "data": changed, "traces": [1, 2, 3]}

    return with_frames(fig, [frame(i, n) for i, n in enumerate(names)])


def fig_step_loss(run: Training, trend: np.ndarray, step: int, tr: Translate) -> go.Figure:
    """Each update's mini-batch loss (log axis), the step drawn marked, recorded steps lined."""
    steps = np.arange(1, len(run.loss) + 1)
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": steps,
            "y": _f32(run.loss),
            "name": tr("gen.drop.fig.batch_loss"),
            "line": {"color": COLORS["train"], "width": 1.2},
            "hovertemplate": "%{x}: %{y:.4f}<extra></extra>",
        },
        _line(
            steps,
            trend,
            tr("gen.drop.fig.trend"),
            COLORS["eval"],
            line={"color": COLORS["eval"], "width": 2},
        ),
        {
            "type": "scatter",
            "mode": "markers",
            "x": [step],
            "y": [float(run.loss[step - 1])],
            "name": tr("gen.drop.fig.this_step"),
            "marker": {"color": COLORS["convnetjs"], "size": 10},
            "hovertemplate": "%{x}: %{y:.4f}<extra></extra>",
        },
    ]
    layout = _axes(tr("gen.drop.fig.step_axis"), tr("gen.drop.fig.loss_axis"))
    layout["yaxis"] |= log_axis(run.loss)
    layout["shapes"] = [vline(len(run.masks) + 0.5, {"color": MUTED, "dash": "dot", "width": 1})]
    return _figure(data, layout, tr("gen.drop.fig.loss_title"))


# --- one unit over many masks ------------------------------------------------------------------


def _histogram(values: np.ndarray, name: str, color: str, edges: np.ndarray | None = None) -> dict:
    """Counts in 40 bins (or the given edges), binned here so the samples never travel."""
    counts, edges = np.histogram(values, bins=40 if edges is None else edges)
    return {
        "type": "bar",
        "x": _f32((edges[:-1] + edges[1:]) / 2),
        "y": counts.astype(np.int32),
        "width": float(edges[1] - edges[0]),
        "name": name,
        "marker": {"color": rgba(color, 0.6), "line": {"width": 0}},
        "hovertemplate": "%{x:.3f}: %{y}<extra></extra>",
    }


def _marks(marks: list[tuple]) -> tuple[list[dict], list[dict]]:
    """Vertical lines (value, name, colour, dash[, width]) as shapes drawn in the order given
    (later ones on top), plus legend-only traces naming them."""
    lines = [{"color": m[2], "dash": m[3], "width": m[4] if len(m) > 4 else 2.5} for m in marks]
    shapes = [vline(m[0], line) for m, line in zip(marks, lines, strict=True)]
    legend = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [None],
            "y": [None],
            "name": f"{m[1]}: {m[0]:.3f}",
            "line": line,
        }
        for m, line in zip(marks, lines, strict=True)
    ]
    return shapes, legend


def _unit_figure(samples, marks, name, color, title, tr: Translate) -> go.Figure:
    shapes, legend = _marks(marks)
    layout = _axes(tr("gen.drop.fig.unit_axis"), tr("gen.drop.fig.count_axis"), shapes=shapes)
    lo = min(float(np.min(samples)), *(m[0] for m in marks))
    hi = max(float(np.max(samples)), *(m[0] for m in marks))
    # One value only (p = 0; the marks differ from it by round-off): one narrow bar in a range
    # of ±0.5, so the axis keeps its ticks and title.
    single = hi - lo < 1e-9
    pad = 0.5 if single else 0.05 * (hi - lo)
    layout["xaxis"]["range"] = [lo - pad, hi + pad]  # the outermost bars whole
    edges = float(samples[0]) + np.array([-0.01, 0.01]) if single else None
    return _figure([_histogram(samples, name, color, edges), *legend], layout, title)


def fig_unit_inverted(u: Unit, tr: Translate) -> go.Figure:
    """Inverted dropout's samples of the unit, their mean and the eval() value."""
    marks = [  # eval() wide and pale underneath, the samples' mean dashed on top: both show
        (u.eval_value, tr("gen.drop.fig.eval_value"), rgba(COLORS["eval"], 0.35), "solid", 7),
        (float(u.inverted.mean()), tr("gen.drop.fig.sample_mean"), COLORS["limit"], "dash"),
    ]
    name = tr("gen.drop.fig.inverted", draws=u.draws)
    title = tr("gen.drop.fig.inverted_title")
    return _unit_figure(u.inverted, marks, name, COLORS["inverted"], title, tr)


def fig_unit_classic(u: Unit, tr: Translate) -> go.Figure:
    """The classic rule's samples, their mean, its test value (1 − p) and ConvNetJS's (p)."""
    marks = [
        (u.classic_value, tr("gen.drop.fig.classic_value"), rgba(COLORS["eval"], 0.35), "solid", 7),
        (float(u.classic.mean()), tr("gen.drop.fig.sample_mean"), COLORS["limit"], "dash"),
        (u.convnetjs_value, tr("gen.drop.fig.convnetjs_value"), COLORS["convnetjs"], "dot"),
    ]
    name = tr("gen.drop.fig.classic", draws=u.draws)
    title = tr("gen.drop.fig.classic_title")
    return _unit_figure(u.classic, marks, name, COLORS["classic"], title, tr)


# --- repeated passes ---------------------------------------------------------------------------


def _line(x, y, name: str, color: str, **more: object) -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": _f32(x),
        "y": _f32(y),
        "name": name,
        "line": {"color": color, "width": 2.5},
        "hovertemplate": f"%{{x:.2f}}: %{{y:.3f}}<extra>{name}</extra>",
    } | more


def fig_spread(
    run: Training, view: Passes, passes: int, mc_mean: np.ndarray, t: int, tr: Translate
) -> go.Figure:
    """The first `passes` train-mode passes (a 5–95% band and the first few curves), the eval()
    curve, the mean of T passes, the training data and x = X0 marked."""
    out = view.outputs[:passes]
    lo, hi = np.percentile(out, [5, 95], axis=0)
    g = view.grid
    band = _line(
        np.concatenate([g, g[::-1]]),
        np.concatenate([hi, lo[::-1]]),
        tr("gen.drop.fig.band", passes=passes),
        COLORS["train"],
        fill="toself",
        fillcolor=rgba(COLORS["train"], 0.25),
        line={"width": 0},
        hoverinfo="skip",
    )
    curves = [
        _line(
            g,
            c,
            tr("gen.drop.fig.one_pass"),
            rgba(COLORS["train"], 0.5),
            line={"color": rgba(COLORS["train"], 0.5), "width": 0.8},
            hoverinfo="skip",
            showlegend=k == 0,
            legendgroup="passes",
        )
        for k, c in enumerate(out[:DRAWN_CURVES])
    ]
    data = [
        band,
        *curves,
        _line(g, view.eval_out, tr("gen.drop.fig.eval_curve"), COLORS["eval"]),
        _line(
            g,
            mc_mean,
            tr("gen.drop.fig.mc_curve", t=t),
            COLORS["limit"],
            line={"color": COLORS["limit"], "width": 2.5, "dash": "dash"},
        ),
        {
            "type": "scatter",
            "mode": "markers",
            "x": _f32(run.x[:, 0]),
            "y": _f32(run.y[:, 0]),
            "name": tr("gen.drop.fig.data"),
            "marker": {"color": COLORS["data"], "size": 6},
            "hovertemplate": "%{x:.2f}: %{y:.3f}<extra></extra>",
        },
    ]
    layout = _axes("x", "ŷ", shapes=[vline(view.x0, {"color": MUTED, "dash": "dot", "width": 1})])
    return _figure(data, layout, tr("gen.drop.fig.spread_title"))


def fig_spread_x0(view: Passes, passes: int, tr: Translate) -> go.Figure:
    """The outputs at x = X0 over `passes` passes, under dropout and under DropConnect, with
    the one value eval() gives."""
    shown = min(passes, len(view.connect_at_x0))
    marks = [(float(view.eval_x0), tr("gen.drop.fig.eval_value"), COLORS["eval"], "solid")]
    shapes, legend = _marks(marks)
    both = np.concatenate([view.at_x0[:passes], view.connect_at_x0[:shown]])
    edges = np.linspace(both.min(), both.max(), 41) if np.ptp(both) > 0 else 40
    data = [
        _histogram(
            view.at_x0[:passes],
            tr("gen.drop.fig.dropout_passes", passes=passes),
            COLORS["inverted"],
            edges,
        ),
        _histogram(
            view.connect_at_x0[:shown],
            tr("gen.drop.fig.connect_passes", passes=shown),
            COLORS["dropconnect"],
            edges,
        ),
        *legend,
    ]
    layout = _axes(tr("gen.drop.fig.output_axis"), tr("gen.drop.fig.count_axis"), shapes=shapes)
    layout["barmode"] = "overlay"
    return _figure(data, layout, tr("gen.drop.fig.x0_title"))


def fig_mc_error(mc: MonteCarlo, t: int, tr: Translate) -> go.Figure:
    """RMS error of the average of T passes against the exact limit and against eval(), the
    σ/√T reference and the gap, on log–log axes; values of 0 (p = 0) are left out."""

    def positive(y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        return np.where(y > 0, y, np.nan)

    data = [
        _line(  # wide and pale underneath the green line it coincides with: both show
            mc.ts,
            positive(mc.reference()),
            tr("gen.drop.fig.reference"),
            COLORS["reference"],
            line={"color": rgba(COLORS["reference"], 0.45), "width": 9},
        ),
        _line(
            mc.ts,
            positive(mc.to_limit),
            tr("gen.drop.fig.to_limit"),
            COLORS["limit"],
            mode="lines+markers",
        ),
        _line(
            mc.ts,
            positive(mc.to_eval),
            tr("gen.drop.fig.to_eval"),
            COLORS["eval"],
            mode="lines+markers",
        ),
    ]
    if mc.gap > 0:
        data.append(
            _line(
                mc.ts[[0, -1]],
                [mc.gap, mc.gap],
                tr("gen.drop.fig.gap"),
                COLORS["convnetjs"],
                line={"color": COLORS["convnetjs"], "dash": "dot", "width": 2},
            )
        )
    # Plotly drops NaN from JSON as null: no non-finite number reaches the browser as such.
    for trace in data:
        trace["y"] = [None if not np.isfinite(v) else float(v) for v in trace["y"]]
    layout = _axes(tr("gen.drop.fig.t_axis"), tr("gen.drop.fig.rms_axis"))
    layout["xaxis"] |= {"type": "log", "tickvals": list(mc.ts[::2]), "ticktext": _ticks(mc.ts[::2])}
    layout["yaxis"] |= LOG_AXIS
    at = int(np.searchsorted(mc.ts, t))
    ys = [float(v) for v in (mc.to_limit[at], mc.to_eval[at]) if v > 0]
    mark = {
        "color": COLORS["convnetjs"],
        "size": 11,
        "symbol": "circle-open",
        "line": {"width": 2.5},
    }
    if ys:
        name = tr("gen.drop.fig.this_t", t=t)
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [t] * len(ys),
                "y": ys,
                "name": name,
                "marker": mark,
            }
        )
    return _figure(data, layout, tr("gen.drop.fig.mc_title"))


def fig_dropconnect(view: Passes, tr: Translate) -> go.Figure:
    """One DropConnect mask drawn on the weights of the last two layers: every unit stays, each
    weight is kept with probability 1 − p (dropped ones dotted)."""
    units = [_all(n) for n in _LAYERS]
    weights = [np.ones((8, 1), dtype=bool), view.weight_mask[:8], view.weight_mask[8:9]]
    kept = int(view.weight_mask.sum())
    title = tr("gen.drop.fig.connect_title", kept=kept, total=view.weight_mask.size)
    return _figure([*_edge_traces(units, weights), _node_trace(units)], _network_layout(tr), title)


# --- section 6: the random search ----------------------------------------------------------------


def fig_search(s: Search, tr: Translate) -> go.Figure:
    """Every trial at (lr, width) coloured by log₁₀ validation MSE; the best one starred."""
    log_val = np.log10(s.val_error)
    hover = tr("gen.hyper.fig.hover")
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": _f32(s.lrs),
            "y": s.widths.astype(np.int32),
            "customdata": _f32(s.val_error),
            "name": tr("gen.hyper.fig.trials", trials=len(s.lrs)),
            "marker": {
                "size": 11,
                "color": _f32(log_val),
                "colorscale": "Viridis",
                "reversescale": True,
                "symbol": ["x" if d else "circle" for d in s.diverged],
                "line": {"color": TEXT, "width": 0.5},
                "colorbar": {"title": {"text": tr("gen.hyper.fig.colorbar"), "side": "right"},
                             "thickness": 10, "xpad": 4},
            },
            "hovertemplate": hover + "<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [float(s.lrs[s.best])],
            "y": [int(s.widths[s.best])],
            "name": tr("gen.hyper.fig.best"),
            "marker": {"size": 22, "symbol": "star", "color": "rgba(0,0,0,0)",
                       "line": {"color": COLORS["convnetjs"], "width": 2.5}},
            "hoverinfo": "skip",
        },
    ]  # fmt: skip
    layout = _axes(tr("gen.hyper.fig.lr_axis"), tr("gen.hyper.fig.width_axis"))
    layout["xaxis"] |= LOG_AXIS
    return _figure(data, layout, tr("gen.hyper.fig.search_title"))


def fig_search_progress(s: Search, tr: Translate) -> go.Figure:
    """Each trial's validation MSE in sampling order, the best so far, and the chosen trial's
    one test MSE (log axis)."""
    t = np.arange(1, len(s.lrs) + 1)
    data = [
        {"type": "scatter", "mode": "markers", "x": t, "y": _f32(s.val_error),
         "name": tr("gen.hyper.fig.val"), "marker": {"color": COLORS["train"], "size": 7},
         "hovertemplate": "%{x}: %{y:.4f}<extra></extra>"},
        _line(t, s.running_best, tr("gen.hyper.fig.running"), COLORS["limit"],
              line={"color": COLORS["limit"], "width": 2.5, "shape": "hv"}),
        {"type": "scatter", "mode": "markers", "x": [s.best + 1], "y": [s.test_error],
         "name": tr("gen.hyper.fig.test", test=f"{s.test_error:.4f}"),
         "marker": {"color": COLORS["convnetjs"], "size": 13, "symbol": "diamond"},
         "hovertemplate": "%{y:.4f}<extra></extra>"},
    ]  # fmt: skip
    layout = _axes(tr("gen.hyper.fig.trial_axis"), tr("gen.hyper.fig.mse_axis"))
    layout["yaxis"] |= log_axis(np.append(s.val_error, s.test_error))
    return _figure(data, layout, tr("gen.hyper.fig.progress_title"))
