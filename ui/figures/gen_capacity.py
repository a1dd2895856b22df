"""Figures of the generalization page's sections 1–2: train and test MSE against capacity (the
U curve), the fitted curves over the data, the learning curves, the home card's thumbnail.
Data from core.capacity and a translator in, a Figure out; log axes where errors span decades,
and a value below LOSS_FLOOR (an interpolating fit's training MSE) drawn at the floor."""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import HIDDEN_AXIS, MUTED, rgba, style, thumbnail_figure

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.capacity import LearningCurve, Sweep

# Train and test as on the playground's loss chart: train dark and solid, test orange and dashed.
TRAIN_LINE, TEST_LINE = "#1f2430", "#e8590c"
TRUTH_LINE = "#868e96"
# The three shown capacities: low, middle, high (Okabe–Ito sky blue, green, reddish purple).
FIT_COLORS = ("#56b4e9", "#009e73", "#cc79a7")
FIT_DASHES = ("solid", "solid", "dash")
LOSS_FLOOR = 1e-12  # log axes: an MSE of (nearly) exactly 0 is drawn at the floor
KINDS = ("poly", "width", "depth")
SIZE_TICKS = (5, 10, 20, 50, 100, 200)


@functools.lru_cache(maxsize=64)
def _house_layout(title: str, height: int) -> dict:
    """What ui.theme.style sets (margins, title, legend, height) for this title and height,
    computed once: style's validated update_layout costs ~6 ms a figure, most of a redraw."""
    layout = style(go.Figure(), title=title, height=height).layout.to_plotly_json()
    return {k: v for k, v in layout.items() if k != "template"}


def _styled(data: list, layout: dict, title: str, height: int = 340) -> go.Figure:
    """A figure in the house style (as ui.theme.style draws it), built without re-validation."""
    whole = layout | copy.deepcopy(_house_layout(title, height))
    return go.Figure({"data": data, "layout": whole}, _validate=False)


def _f32(values: object) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _floored(values: object) -> np.ndarray:
    return _f32(
        np.maximum(np.nan_to_num(np.asarray(values, dtype=float), nan=LOSS_FLOOR), LOSS_FLOOR)
    )


def _tick_text(value: float) -> str:
    """A log axis's tick as a full value: 0.2, 5, 1000, or 10⁻⁵ style for far decades."""
    exponent = int(np.floor(np.log10(value) + 1e-9))
    if -3 <= exponent <= 3:
        return f"{value:.6g}"
    mantissa = f"{value / 10.0**exponent:.2g}"
    power = f"10<sup>{exponent}</sup>".replace("-", "\u2212")
    return power if mantissa == "1" else f"{mantissa}×{power}"


def log_ticks(values: object) -> dict:
    """tickvals and ticktext of a log axis spanning `values`: 1, 1.5, 2, 3, 5, 7 per decade over
    up to 1.5 decades, 1, 2, 5 up to three, every decade up to eight, else every second or
    third; never bare minor digits or SI prefixes."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (1.0, 10.0)
    first, last = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    decades = np.log10(hi / lo)
    steps = (1, 1.5, 2, 3, 5, 7) if decades <= 1.5 else (1, 2, 5) if decades <= 3 else (1,)
    every = 1 if decades <= 8 else (2 if decades <= 16 else 3)
    margin = 1.5 if decades <= 3 else 10.0
    ticks = [
        m * 10.0**e
        for e in range(first, last + 1)
        if (e - first) % every == 0
        for m in steps
        if lo / margin <= m * 10.0**e <= hi * margin
    ]
    return {"tickvals": ticks, "ticktext": [_tick_text(t) for t in ticks]}


def _mse_line(x, y, name: str, colour: str, dash: str, **extra) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": _floored(y),
        "mode": "lines+markers",
        "name": name,
        "line": {"color": colour, "width": 2.5, "dash": dash},
        "marker": {"size": 6, "color": colour},
        "hovertemplate": f"%{{x}}: %{{y:.3g}}<extra>{name}</extra>",
    } | extra


def _noise_line(variance: float, tr: Translate) -> list[dict]:
    """σ², the test MSE no fit can beat (the test targets carry the same noise), dotted."""
    if variance <= 0:
        return []
    return [
        {
            "type": "line",
            "xref": "x domain",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": variance,
            "y1": variance,
            "line": {"color": MUTED, "dash": "dot", "width": 1.5},
            "label": {"text": tr("gen.cap.fig.noise"), "textposition": "end", "font": {"size": 11}},
        }
    ]


def capacity_axis(kind: str, tr: Translate) -> dict:
    """The x-axis of capacity: degree 0 … 20, width on a log₂ scale, or depth."""
    axis = {"title": {"text": tr(f"gen.cap.fig.axis_{kind}")}}
    if kind == "width":
        return axis | {"type": "log", "tickvals": [1, 2, 4, 8, 16, 32, 64]}
    return axis | {"dtick": 2 if kind == "poly" else 1}


def fig_capacity(sw: Sweep, kind: str, tr: Translate) -> go.Figure:
    """Train and test MSE against capacity (log y), the test minimum ringed, σ² dotted."""
    caps = np.asarray(sw.capacities)
    i = int(np.argmin(sw.test_mse))
    data = [
        _mse_line(caps, sw.train_mse, tr("gen.cap.fig.train"), TRAIN_LINE, "solid"),
        _mse_line(caps, sw.test_mse, tr("gen.cap.fig.test"), TEST_LINE, "dash"),
        {
            "type": "scatter",
            "x": [int(caps[i])],
            "y": [float(max(sw.test_mse[i], LOSS_FLOOR))],
            "mode": "markers",
            "name": tr("gen.cap.fig.best_at", capacity=int(caps[i])),
            "marker": {
                "size": 16,
                "color": "rgba(0,0,0,0)",
                "line": {"color": TEST_LINE, "width": 2.5},
            },
            "hovertemplate": f"%{{x}}: %{{y:.3g}}<extra>{tr('gen.cap.fig.best')}</extra>",
        },
    ]
    shown = np.concatenate([_floored(sw.train_mse), _floored(sw.test_mse), [sw.noise**2]])
    layout = {
        "xaxis": capacity_axis(kind, tr),
        "yaxis": {"type": "log", "title": {"text": tr("gen.cap.fig.mse")}} | log_ticks(shown),
        "shapes": _noise_line(sw.noise**2, tr),
        "hovermode": "x unified",
    }
    return _styled(data, layout, tr(f"gen.cap.fig.u_title_{kind}"))


def _fit_range(sw: Sweep) -> list[float]:
    """The y range of the data and the truth with a margin: a wild fit leaves the frame."""
    values = np.concatenate([sw.y_train, sw.y_test, sw.truth])
    lo, hi = float(values.min()), float(values.max())
    pad = 0.25 * (hi - lo or 1.0)
    return [lo - pad, hi + pad]


def fig_fits(sw: Sweep, kind: str, tr: Translate) -> go.Figure:
    """The training and test points, the noiseless target, and the fits of the shown capacities
    (clipped to the data's range: a high-degree fit shoots off between and beyond the points)."""
    span = _fit_range(sw)
    points = [
        ("train", sw.x_train, sw.y_train, {"color": TRAIN_LINE, "size": 7}),
        ("test", sw.x_test, sw.y_test, {"color": rgba(TEST_LINE, 0.45), "size": 5, "symbol": "x"}),
    ]
    data = [
        {
            "type": "scatter",
            "x": _f32(x),
            "y": _f32(y),
            "mode": "markers",
            "name": tr(f"gen.cap.fig.{split}_points"),
            "marker": marker,
            "hoverinfo": "skip",
        }
        for split, x, y, marker in points
    ]
    grid = _f32(sw.grid)
    data.append(
        {
            "type": "scatter",
            "x": grid,
            "y": _f32(sw.truth),
            "mode": "lines",
            "name": tr("gen.cap.fig.truth"),
            "line": {"color": TRUTH_LINE, "dash": "dot", "width": 2},
            "hoverinfo": "skip",
        }
    )
    for j, (cap, curve) in enumerate(zip(sw.shown, sw.curves, strict=True)):
        name = tr(f"gen.cap.fig.fit_{kind}", capacity=cap)
        data.append(
            {
                "type": "scatter",
                "x": grid,
                "y": _f32(
                    np.clip(curve, span[0] - (span[1] - span[0]), span[1] + (span[1] - span[0]))
                ),
                "mode": "lines",
                "name": name,
                "line": {"color": FIT_COLORS[j % 3], "width": 2.5, "dash": FIT_DASHES[j % 3]},
                "hovertemplate": f"%{{x:.2f}}: %{{y:.3g}}<extra>{name}</extra>",
            }
        )
    layout = {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}, "range": span}}
    return _styled(data, layout, tr("gen.cap.fig.fits_title"))


def fig_learning(lc: LearningCurve, model: int, tr: Translate) -> go.Figure:
    """One model's train and test MSE against the training-set size (log–log): the median over
    the resamples as a line, the 25th–75th percentiles as a band; σ² dotted."""
    sizes = np.asarray(lc.sizes)
    data = []
    for which, colour, dash in (("train", TRAIN_LINE, "solid"), ("test", TEST_LINE, "dash")):
        median = lc.median(which)[model]
        low, high = (q[model] for q in lc.quartiles(which))
        name = tr(f"gen.cap.fig.{which}")
        data.append(
            {
                "type": "scatter",
                "x": np.concatenate([sizes, sizes[::-1]]),
                "y": _floored(np.concatenate([high, low[::-1]])),
                "fill": "toself",
                "fillcolor": rgba(colour, 0.15),
                "line": {"width": 0},
                "name": tr("gen.cap.fig.band", split=name),
                "hoverinfo": "skip",
                "showlegend": model == 0,
            }
        )
        data.append(_mse_line(sizes, median, name, colour, dash, showlegend=model == 0))
    shown = np.concatenate([_floored(t["y"]) for t in data] + [[lc.noise**2]])
    layout = {
        "xaxis": {
            "type": "log",
            "title": {"text": tr("gen.cap.fig.axis_points")},
            "tickvals": [n for n in SIZE_TICKS if sizes[0] <= n <= sizes[-1]],
        },
        "yaxis": {"type": "log", "title": {"text": tr("gen.cap.fig.mse")}} | log_ticks(shown),
        "shapes": _noise_line(lc.noise**2, tr),
        "hovermode": "x unified",
    }
    return _styled(data, layout, tr("gen.cap.fig.learning_title", degree=lc.degrees[model]))


def fig_thumbnail(degrees: np.ndarray, train: np.ndarray, test: np.ndarray) -> go.Figure:
    """The home card: train and test MSE against degree on a log axis, wordless."""
    data = [
        {
            "type": "scatter",
            "x": np.asarray(degrees),
            "y": _floored(values),
            "mode": "lines",
            "line": {"color": colour, "width": 3, "dash": dash},
            "hoverinfo": "skip",
        }
        for values, colour, dash in ((train, TRAIN_LINE, "solid"), (test, TEST_LINE, "dash"))
    ]
    return thumbnail_figure(
        data,
        xaxis=HIDDEN_AXIS,
        yaxis=HIDDEN_AXIS | {"type": "log"},
    )
