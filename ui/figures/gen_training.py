"""Figures of the generalization page's sections 3–4: train, validation and test loss over
epochs with early stopping's epochs marked, the fitted curve over the data, data loss beside
total loss, the parameters' histogram and ‖θ‖ over epochs.

Builders take core.regularization records (or plain arrays) and a translator and return a plotly
Figure; nothing here runs Streamlit or computes in core. Arrays travel as float32; a value that is
not finite is left out of its line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import MUTED, TEXT, playback, style, vline, with_frames

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.regularization import Fit, Splits, Stop

# The playground's train, test and penalty colours, and a blue for validation.
TRAIN, VALIDATION, TEST, PENALTY = "#1f2430", "#1971c2", "#e8590c", "#6741d9"
TRUTH = "#868e96"
BASE = "#1f2430"
NORM_COLORS = (BASE, "#d55e00", "#8f3b00")  # the optimizers page's Adam and AdamW
NORM_DASHES = ("dot", "solid", "dash")
LOG_FLOOR = 1e-12  # a value of exactly 0 has no place on a log axis: drawn at the floor
HIST_BINS = 41
PLAYBACK_HEIGHT = 420


def _f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _finite(x, y, floor: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y) & np.isfinite(x)
    y = y[keep] if floor is None else np.maximum(y[keep], floor)
    return _f32(x[keep]), _f32(y)


def _line(x, y, name: str, color: str, dash: str = "solid", floor: float | None = None) -> dict:
    x, y = _finite(x, y, floor)
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "line": {"color": color, "width": 2.2, "dash": dash},
        "hovertemplate": f"%{{y:.4g}}<extra>{name}</extra>",
    }


def _figure(data: list[dict], layout: dict, title: str, height: int = 320) -> go.Figure:
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=title, height=height)


def _log_ticks(values) -> tuple[list[float], list[str]]:
    """1-2-5 ticks (1 only, beyond four decades) over the values' range, labelled in full."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return [1.0], ["1"]
    lo, hi = math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))
    steps = (1.0, 2.0, 5.0) if hi - lo <= 4 else (1.0,)
    ticks = [m * 10.0**k for k in range(lo, hi + 1) for m in steps]
    ticks = [t for t in ticks if v.min() / 1.5 <= t <= v.max() * 1.5] or [10.0**lo]
    return ticks, [f"{t:.12g}" for t in ticks]


def _log_axis(tr: Translate, data: list[dict], key: str = "gen.fit.fig.loss_axis") -> dict:
    # Explicit ticks with full values (0.02, 0.05, 0.1 …), never bare minor digits.
    tickvals, ticktext = _log_ticks(np.concatenate([d["y"] for d in data]))
    axis = {"type": "log", "tickvals": tickvals, "ticktext": ticktext}
    return axis | {"title": {"text": tr(key)}}


def _epoch_axis(tr: Translate) -> dict:
    return {"title": {"text": tr("gen.fit.fig.epoch_axis")}, "hoverformat": "d"}


def fig_epochs(fit: Fit, stop: Stop, tr: Translate) -> go.Figure:
    """Train, validation and test MSE against epochs (log axis); a solid line at the epoch whose
    weights early stopping restores, a dotted one where it stops."""
    epochs = np.arange(fit.epochs_done + 1)
    data = [
        _line(epochs, fit.train_loss, tr("gen.fit.fig.train"), TRAIN, floor=LOG_FLOOR),
        _line(epochs, fit.val_loss, tr("gen.fit.fig.val"), VALIDATION, floor=LOG_FLOOR),
        _line(epochs, fit.test_loss, tr("gen.fit.fig.test"), TEST, "dash", floor=LOG_FLOOR),
    ]
    best = stop.best_epoch
    data.append(
        {
            "type": "scatter",
            "x": _f32([best]),
            "y": _f32([max(fit.val_loss[best], LOG_FLOOR)]),
            "mode": "markers",
            "name": tr("gen.fit.fig.restored", epoch=best),
            "marker": {"color": VALIDATION, "size": 11, "symbol": "star", "line": {"width": 1}},
            "hovertemplate": "%{y:.4g}<extra></extra>",
        }
    )
    shapes = [vline(best, {"color": VALIDATION, "width": 1.5})]
    notes = [_top_note(best, tr("gen.fit.fig.best_note", epoch=best), "right")]
    if stop.stopped_epoch is not None:
        shapes.append(vline(stop.stopped_epoch, {"color": MUTED, "width": 1.5, "dash": "dot"}))
        notes.append(_top_note(stop.stopped_epoch, tr("gen.fit.fig.stop_note"), "left"))
    layout = {
        "xaxis": _epoch_axis(tr),
        "yaxis": _log_axis(tr, data),
        "hovermode": "x unified",
        "shapes": shapes,
        "annotations": notes,
    }
    return _figure(data, layout, tr("gen.fit.fig.epochs_title"), height=340)


def _top_note(x: float, text: str, side: str) -> dict:
    return {
        "x": x,
        "y": 1.0,
        "xref": "x",
        "yref": "paper",
        "text": text,
        "showarrow": False,
        "xanchor": "right" if side == "right" else "left",
        "yanchor": "bottom",
        "xshift": -4 if side == "right" else 4,
        "font": {"size": 12, "color": TEXT},
    }


def _points(splits: Splits, tr: Translate) -> list[dict]:
    shown = (
        (splits.x_train, splits.y_train, "gen.fit.fig.train_points", TRAIN, "circle"),
        (splits.x_val, splits.y_val, "gen.fit.fig.val_points", VALIDATION, "x"),
    )
    return [
        {
            "type": "scatter",
            "x": _f32(x),
            "y": _f32(y),
            "mode": "markers",
            "name": tr(key),
            "marker": {"color": color, "size": 7, "symbol": symbol},
            "hoverinfo": "skip",
        }
        for x, y, key, color, symbol in shown
    ]


def _truth(fit: Fit, tr: Translate) -> dict:
    return _line(fit.grid, fit.truth, tr("gen.fit.fig.truth"), TRUTH, "dot")


def _fit_layout(tr: Translate) -> dict:
    return {
        "xaxis": {"title": {"text": "x"}, "range": [-1.05, 1.05]},
        "yaxis": {"title": {"text": "y"}, "range": [-2.2, 2.2]},
    }


def fig_fit(fit: Fit, curve, title: str, tr: Translate, *, beside_playback: bool = False):
    """The network's output over x with the training and validation points and sin(πx); with
    `beside_playback`, sized as fig_fit_playback (the same plot area and legend place)."""
    data = [_truth(fit, tr), *_points(fit.splits, tr)]
    data.append(_line(fit.grid, np.clip(curve, -5, 5), tr("gen.fit.fig.network"), TEST))
    fig = _figure(data, _fit_layout(tr), title)
    if beside_playback:
        plot = PLAYBACK_HEIGHT - 80
        fig.update_layout(height=PLAYBACK_HEIGHT + 200, margin={"t": 80, "b": 200})
        fig.update_layout(legend={"y": -135 / plot})
    return fig


def fig_fit_playback(fit: Fit, title: str, tr: Translate) -> go.Figure:
    """fig_fit at the last epoch, with the network's curve played back over the run's snapshot
    epochs in the browser (▶, or the slider under the plot)."""
    fig = fig_fit(fit, np.nan_to_num(fit.curve), title, tr, beside_playback=True)
    line = len(fig.data) - 1  # the network's curve, the last trace
    names = [str(int(e)) for e in fit.snapshot_epochs]
    frames = []
    for name, curve in zip(names, fit.snapshots, strict=True):
        y = _f32(np.clip(np.nan_to_num(curve), -5, 5))  # finite, on the trace's own x
        frames.append({"name": name, "data": [{"y": y}], "traces": [line]})
    labels = (tr("gen.fit.fig.play"), tr("gen.fit.fig.pause"), tr("gen.fit.fig.epoch_axis"))
    controls = playback(names, len(names) - 1, labels, frame_ms=80, y=0.0, buttons_above=True,
                        slider_pad=50)  # fmt: skip
    fig.update_layout(**controls)
    return with_frames(fig, frames)


def fig_two_fits(fit: Fit, without, tr: Translate) -> go.Figure:
    """The curve without the penalty (dashed) and with it (fit's), over the same points."""
    data = [_truth(fit, tr), *_points(fit.splits, tr)]
    grid = fit.grid
    data.append(_line(grid, np.clip(without, -5, 5), tr("gen.fit.fig.no_penalty"), BASE, "dash"))
    data.append(_line(grid, np.clip(fit.curve, -5, 5), tr("gen.fit.fig.with_penalty"), PENALTY))
    return _figure(data, _fit_layout(tr), tr("gen.fit.fig.fits_title"))


def fig_penalty_losses(fit: Fit, base: Fit, tr: Translate) -> go.Figure:
    """The training set's data loss, the penalty and their sum (what SGD and Adam minimize; for
    AdamW labelled a reference),
    and the test loss with λ beside the test loss without it."""
    epochs = np.arange(fit.epochs_done + 1)
    epochs0 = np.arange(base.epochs_done + 1)
    adamw = fit.settings.optimizer == "adamw"  # AdamW minimizes no such sum: a reference only
    total = "gen.fit.fig.total_reference" if adamw else "gen.fit.fig.total_loss"
    data = [
        _line(epochs, fit.train_loss, tr("gen.fit.fig.data_loss"), TRAIN, floor=LOG_FLOOR),
        _line(epochs, fit.total_loss, tr(total), PENALTY, floor=LOG_FLOOR),
        _line(epochs, fit.penalty, tr("gen.fit.fig.penalty"), PENALTY, "dot", floor=LOG_FLOOR),
        _line(epochs, fit.test_loss, tr("gen.fit.fig.test"), TEST, floor=LOG_FLOOR),
        _line(epochs0, base.test_loss, tr("gen.fit.fig.test0"), TEST, "dot", floor=LOG_FLOOR),
    ]
    if not np.any(np.asarray(fit.penalty) > 0):  # λ = 0: no penalty line on a log axis
        data = [data[0], data[3], data[4]]
    layout = {"xaxis": _epoch_axis(tr), "yaxis": _log_axis(tr, data), "hovermode": "x unified"}
    return _figure(data, layout, tr("gen.fit.fig.penalty_title"), height=340)


def fig_histogram(without, with_, tr: Translate) -> go.Figure:
    """Counts of the parameters' values without and with the penalty, on shared bins; the
    parameters exactly 0 are a bar of their own at 0, drawn over the bins."""
    a, b = np.asarray(without, dtype=np.float64), np.asarray(with_, dtype=np.float64)
    both = np.concatenate([a, b])
    top = float(np.max(np.abs(both[np.isfinite(both)]), initial=1e-3))
    edges = np.linspace(-top, top, HIST_BINS + 1)
    centres, width = 0.5 * (edges[1:] + edges[:-1]), edges[1] - edges[0]
    data = []
    shown = ((a, "gen.fit.fig.no_penalty", BASE), (b, "gen.fit.fig.with_penalty", PENALTY))
    for values, key, color in shown:
        counts = np.histogram(values[np.isfinite(values) & (values != 0)], bins=edges)[0]
        data.append(
            {
                "type": "bar",
                "x": _f32(centres),
                "y": counts.astype(np.int32),
                "width": width,
                "name": tr(key),
                "marker": {"color": color, "opacity": 0.55},
                "hovertemplate": "%{x:.3g}: %{y}<extra></extra>",
            }
        )
    zeros = int(np.count_nonzero(b == 0.0))
    data.append(
        {
            "type": "bar",
            "x": _f32([0.0]),
            "y": np.array([zeros], dtype=np.int32),
            "width": width / 2,
            "name": tr("gen.fit.fig.exact_zeros", count=zeros),
            "marker": {"color": "#c92a2a"},
            "hovertemplate": "0: %{y}<extra></extra>",
        }
    )
    layout = {
        "barmode": "overlay",
        "xaxis": {"title": {"text": tr("gen.fit.fig.value_axis")}},
        "yaxis": {"title": {"text": tr("gen.fit.fig.count_axis")}},
    }
    return _figure(data, layout, tr("gen.fit.fig.hist_title", count=f"{b.size:,}"))


def fig_norms(runs: Sequence[Fit], names: Sequence[str], tr: Translate) -> go.Figure:
    """‖θ‖ against epochs for the compared runs (no penalty dotted)."""
    data = [
        _line(np.arange(run.epochs_done + 1), run.norm, name, color, dash)
        for run, name, color, dash in zip(runs, names, NORM_COLORS, NORM_DASHES, strict=True)
    ]
    layout = {
        "xaxis": _epoch_axis(tr),
        "yaxis": {"title": {"text": tr("gen.fit.fig.norm_axis")}, "rangemode": "tozero"},
        "hovermode": "x unified",
    }
    return _figure(data, layout, tr("gen.fit.fig.norm_title"))
