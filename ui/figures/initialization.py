"""Figures of the Weight initialization page: data and a translator in, a plotly Figure out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import MUTED, TEXT, color, rgba, style, subplots

# The symmetry experiment's three starts: zeros keeps the zeros scheme's grey, random uses
# xavier_normal (which is what core draws it from), constant gets a colour of its own.
SYMMETRY_COLORS: Mapping[str, str] = {
    "zeros": color("zeros"),
    "constant": "#f08c00",
    "random": color("xavier_normal"),
}
PARAM_ROWS = ("w_x1", "w_x2", "bias", "w_out")  # rows of the symmetry heatmap


def symmetry_color(init: str) -> str:
    return SYMMETRY_COLORS.get(init, MUTED)


def _positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points a log axis can show: exact zeros (an all-zero network) are left out, not NaN."""
    keep = np.isfinite(y) & (y > 0)
    return x[keep], y[keep]


# Log axes over about one decade get cluttered minor labels (2, 3, … 9): label 1-2-5 only.
LOG_TICKS = [m * 10.0**e for e in range(-6, 3) for m in (1, 2, 5)]


def _decade_step(series: Sequence[np.ndarray]) -> int:
    """Whole decades between log-axis ticks, about 8 ticks whatever the span (no 2-5 labels)."""
    values = np.concatenate([np.asarray(v, dtype=float) for v in series] + [np.ones(1)])
    values = values[np.isfinite(values) & (values > 0)]
    span = float(np.log10(values.max()) - np.log10(values.min()))
    return max(1, int(np.ceil(span / 8)))


def _sci(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}" if not 0.01 <= abs(value) < 100 else f"{value:.2f}"


# --- per-layer histograms ----------------------------------------------------------------------


@dataclass(frozen=True)
class Histograms:
    """One scheme's histograms: density (depth, bins) over `edges`, share outside, std per layer."""

    edges: np.ndarray
    density: np.ndarray
    outside: np.ndarray
    std: np.ndarray

    @classmethod
    def of(cls, p, kind: str) -> Histograms:
        """From propagate_with_histograms()'s Propagation: its activations' histograms, or
        with kind "gradient" its gradients'."""
        if kind == "gradient":
            std = p.table["gradient_std"].to_numpy()
            return cls(p.gradient_edges, p.gradient_density, p.gradient_outside, std)
        return cls(p.edges, p.density, p.outside, p.table["activation_std"].to_numpy())


def _axis(i: int) -> str:
    return "" if i == 1 else str(i)


def _domain(lo: float, hi: float) -> list[float]:
    """A panel's [lo, hi] in paper fractions, clipped to [0, 1]: the last panel's edge computed
    as 1 − rows·(h + gap) + gap lands a rounding error outside (−5.6e-17 with four rows), which
    plotly refuses."""
    return [min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0)]


RIDGE = 1.7  # a ridge's tallest bin, in rows: ridges overlap their upper neighbour a little


def _ridge(
    edges: np.ndarray, density: np.ndarray, base: float, outside: float = 0.0
) -> tuple[np.ndarray, ...]:
    """A histogram as a closed step outline on `base`, scaled so its tallest bin is RIDGE high:
    (x, y, density at each point) with the outline's ends on the base line. When under half the
    values lie in the range (`outside` > 0.5), the ridge shrinks in proportion: a few stray
    values in range must not look like the layer's distribution.

    A point mass beside a spread (ReLU's exact zeros: half the values in one bin) would flatten
    the spread to nothing; when one bin holds over 3× the next and the other bins over a fifth of
    the values, the scale follows the spread and that bin is cut off at the ridge height."""
    d = np.nan_to_num(np.asarray(density, dtype=float), nan=0.0)
    top = np.sort(d)[-2:] if d.size > 1 else np.concatenate([[0.0], d])
    peak = float(top[-1])
    total = float(d.sum())
    if total > 0 and top[-1] > 3 * top[0] and (total - top[-1]) > 0.2 * total:
        peak = 1.25 * float(top[0])
    heights = np.minimum(d / peak * RIDGE, RIDGE) if peak > 0 else np.zeros_like(d)
    heights *= min(1.0, 2.0 * (1.0 - min(max(outside, 0.0), 1.0)))
    x = np.concatenate([[edges[0]], np.repeat(edges, 2)[1:-1], [edges[-1]]])
    y = base + np.concatenate([[0.0], np.repeat(heights, 2), [0.0]])
    return x, y, np.concatenate([[0.0], np.repeat(d, 2), [0.0]])


def fig_histograms(
    data: Mapping[str, Histograms], layers: Sequence[int], kind: str, tr: Translate
) -> go.Figure:
    """Ridgelines: one panel per scheme side by side, one ridge per picked layer (the first on
    top), each the density of h_l (kind "activation") or ∂L/∂h_l (kind "gradient") on a fixed
    x range, scaled to its own peak, with σ (and any share beyond the range) at its right.

    Small multiples (one subplot per scheme and layer) said the same, but a browser took over a
    second to draw 24 subplots of bars; this is one subplot per scheme. Built unvalidated in one
    go (the tests validate what it builds)."""
    names = list(data)
    cols, rows = len(names), len(layers)
    hgap = 0.035
    w = (1 - hgap * (cols - 1)) / cols
    edges = next(iter(data.values())).edges
    lo, hi = float(edges[0]), float(edges[-1])
    pad = float(edges[1] - edges[0])
    label_room = (0.45 + 0.13 * cols) * (hi - lo)  # right of the range: σ (narrower panels)
    axis_title = tr(
        "init.fig.hist_x_activation" if kind == "activation" else "init.fig.hist_x_grad"
    )
    bases = [float(rows - 1 - i) for i in range(rows)]  # layer picks[0] on top
    layout: dict = {"annotations": [], "showlegend": False, "hovermode": "closest"}
    traces: list = []
    for c, name in enumerate(names):
        hist, a = data[name], _axis(c + 1)
        label, hue = tr(f"init.scheme.{name}"), color(name)
        layout[f"xaxis{a}"] = {
            "domain": _domain(c * (w + hgap), c * (w + hgap) + w),
            "anchor": f"y{a}",
            "range": [lo - pad, hi + pad + label_room],
            "tickvals": [lo, (lo + hi) / 2, hi],
            "tickformat": ".3~g",
            "title": {"text": axis_title if c == 0 else " "},
            "showgrid": False,
            "zeroline": False,
        }
        layout[f"yaxis{a}"] = {
            "domain": [0.0, 1.0],
            "anchor": f"x{a}",
            "range": [-0.15, rows - 1 + RIDGE + 0.15],
            "tickvals": bases,
            "ticktext": [tr("init.fig.layer_n", n=layer) for layer in layers],
            "showticklabels": c == 0,
            "showgrid": True,
            "zeroline": False,
        }
        layout["annotations"].append(
            {
                "text": f"<b>{label}</b>",
                "x": c * (w + hgap) + w / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14, "color": hue},
            }
        )
        notes = []
        for layer, base in zip(layers, bases, strict=True):
            k = layer - 1
            outside = float(np.nan_to_num(hist.outside[k]))
            x, y, dens = _ridge(hist.edges, hist.density[k], base, outside)
            where = f"{label} · {tr('init.fig.layer_n', n=layer)}"
            traces.append(
                go.Scatter(
                    x=x,
                    y=y,
                    customdata=dens,
                    mode="lines",
                    fill="toself",
                    fillcolor=rgba(hue, 0.55),
                    line={"color": hue, "width": 1},
                    xaxis=f"x{a}",
                    yaxis=f"y{a}",
                    name=where,
                    hovertemplate="%{x:.3f}: %{customdata:.3g}<extra>" + where + "</extra>",
                    _validate=False,
                )
            )
            note = f"σ = {_sci(float(hist.std[k]))}"
            if outside > 0.005:
                note += "<br>" + tr("init.fig.outside", share=f"{outside:.0%}")
            notes.append(note)
        traces.append(
            go.Scatter(
                # right-aligned at the panel's edge: on a narrow screen a long σ runs left over
                # the ridge's tail instead of being cut off at the next panel
                x=[hi + pad + label_room] * rows,
                y=[b + 0.3 for b in bases],
                text=notes,
                mode="text",
                textposition="middle left",
                cliponaxis=False,
                textfont={"size": 10, "color": TEXT},
                hoverinfo="skip",
                xaxis=f"x{a}",
                yaxis=f"y{a}",
                _validate=False,
            )
        )
    height = 130 + 46 * rows
    # The house style (its template styles every panel's axes), taken from an empty styled
    # figure, in the same single construction.
    base_layout = style(go.Figure(), height=height).layout.to_plotly_json()
    base_layout.pop("legend", None)
    layout = base_layout | layout
    layout["height"] = height
    layout["margin"] = {"l": 70, "r": 10, "t": 40, "b": 50}
    return go.Figure(data=traces, layout=layout, _validate=False)


# --- std against depth -----------------------------------------------------------------------


@dataclass(frozen=True)
class Curves:
    """Per-layer statistics of one scheme (1-D arrays over layers 1…depth)."""

    activation_std: np.ndarray
    gradient_std: np.ndarray
    saturated: np.ndarray

    @classmethod
    def of(cls, table: pd.DataFrame) -> Curves:
        """From propagate()'s or predicted_std()'s table (the latter has no saturated share)."""
        saturated = table.get("saturated_fraction")
        return cls(
            table["activation_std"].to_numpy(),
            table["gradient_std"].to_numpy(),
            np.zeros(len(table)) if saturated is None else saturated.to_numpy(),
        )


STD_PANELS = ("activation_std", "gradient_std", "saturated")


def fig_std_depth(
    layers: np.ndarray,
    measured: Mapping[str, Curves],
    predicted: Mapping[str, Curves] | None,
    reference: Mapping[str, Curves] | None,
    tr: Translate,
) -> tuple[go.Figure, go.Figure, go.Figure]:
    """Three charts, each with its own title, axes and legend (drawn side by side in columns,
    stacked on a phone): activation std and gradient std per layer on log axes, and the
    saturated share. Solid: measured; dashed: the mean-field prediction (without BN); dotted,
    faint: the same network without BN (`reference`, shown when BN is on)."""
    return tuple(  # type: ignore[return-value]
        _std_panel(field, np.asarray(layers, dtype=float), measured, predicted, reference, tr)
        for field in STD_PANELS
    )


def _std_panel(
    field: str,
    x: np.ndarray,
    measured: Mapping[str, Curves],
    predicted: Mapping[str, Curves] | None,
    reference: Mapping[str, Curves] | None,
    tr: Translate,
) -> go.Figure:
    titles = {
        "activation_std": ("init.fig.act_std_title", "init.fig.act_std_axis"),
        "gradient_std": ("init.fig.grad_std_title", "init.fig.grad_std_axis"),
        "saturated": ("init.fig.saturated_title", "init.fig.saturated_axis"),
    }
    title, axis = titles[field]
    log = field != "saturated"
    fig = go.Figure()
    for name, m in measured.items():
        label = tr(f"init.scheme.{name}")
        values = getattr(m, field)
        xs, ys = _positive(x, values) if log else (x, np.nan_to_num(values))
        fig.add_scatter(
            x=xs,
            y=ys,
            name=label,
            legendgroup=name,
            showlegend=True,
            mode="lines+markers" if log else "lines",
            marker={"size": 4},
            line={"color": color(name), "width": 2},
            hovertemplate=(f"l=%{{x}}<br>%{{y:{'.3e' if log else '.1%'}}}<extra>{label}</extra>"),
        )
    if log:
        for extra, key, dash, alpha, width in (
            (predicted, "init.fig.predicted", "dash", 0.85, 1.5),
            (reference, "init.fig.without_bn", "dot", 0.45, 1.5),
        ):
            for name, m in (extra or {}).items():
                label = tr(f"init.scheme.{name}")
                xs, ys = _positive(x, getattr(m, field))
                fig.add_scatter(
                    x=xs,
                    y=ys,
                    name=label,
                    legendgroup=name,
                    showlegend=False,
                    mode="lines",
                    line={"color": rgba(color(name), alpha), "width": width, "dash": dash},
                    hovertemplate=f"l=%{{x}}<br>%{{y:.3e}}<extra>{label} · {tr(key)}</extra>",
                )
        # Legend keys for the line styles, in grey.
        shown = [("solid", "init.fig.measured")]
        if predicted:
            shown.append(("dash", "init.fig.predicted"))
        if reference:
            shown.append(("dot", "init.fig.without_bn"))
        for dash, key in shown:
            fig.add_scatter(
                x=[1.0],  # one point of a lines-only trace draws nothing: a legend key only
                y=[1.0],
                name=tr(key),
                mode="lines",
                line={"color": MUTED, "dash": dash, "width": 2},
                hoverinfo="skip",
            )
        fig.update_yaxes(
            type="log",
            exponentformat="power",
            dtick=_decade_step(
                [
                    getattr(c, field)
                    for m in (measured, predicted or {}, reference or {})
                    for c in m.values()
                ]
            ),
        )
    else:
        fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    fig.update_xaxes(title_text=tr("init.fig.layer_axis"))
    fig.update_yaxes(title_text=tr(axis))
    return style(fig, title=tr(title), height=400)


# --- the initialization table ----------------------------------------------------------------


class SchemeRow(Protocol):
    """One row of the schemes' table (core.initialization.every_scheme gives them)."""

    name: str
    latex: str
    std: float
    bound: float | None


def init_table(picked: Sequence[str], rows: Sequence[SchemeRow], width: int, tr: Translate) -> str:
    """Markdown: each scheme's distribution (LaTeX) in one table, and its σ and uniform bound r
    for a width × width layer (n_in = n_out = width) in a second; the picked schemes marked.
    Two tables of two and three columns fit a phone, where one of four (489 px) did not."""
    names = [f"{'● ' if row.name in picked else ''}{tr(f'init.scheme.{row.name}')}" for row in rows]

    def markdown(head: list[str], cells: list[list[str]]) -> str:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(line) + " |" for line in cells])

    formulas = markdown(
        [tr("init.col.scheme"), tr("init.col.distribution")],
        [[name, f"${row.latex}$"] for name, row in zip(names, rows, strict=True)],
    )
    values = markdown(
        [tr("init.col.scheme"), tr("init.col.sigma", n=width), tr("init.col.bound", n=width)],
        [
            [name, f"{row.std:.4g}", "—" if row.bound is None else f"{row.bound:.4g}"]
            for name, row in zip(names, rows, strict=True)
        ],
    )
    return formulas + "\n\n" + values


def summary_table(
    measured: Mapping[str, pd.DataFrame],
    predicted: Mapping[str, pd.DataFrame] | None,
    tr: Translate,
) -> pd.DataFrame:
    """The last layer's activation std and the first layer's gradient std per scheme, measured
    (and predicted, without BN), with the saturated and dead shares at the last layer."""
    rows = []
    for name, table in measured.items():
        last, first = table.iloc[-1], table.iloc[0]
        row = {
            tr("init.col.scheme"): tr(f"init.scheme.{name}"),
            tr("init.col.act_std_last"): _sci(float(last["activation_std"])),
        }
        if predicted is not None:
            row[tr("init.col.predicted")] = _sci(float(predicted[name]["activation_std"].iloc[-1]))
        row[tr("init.col.grad_std_first")] = _sci(float(first["gradient_std"]))
        if predicted is not None:
            row[tr("init.col.predicted_grad")] = _sci(
                float(predicted[name]["gradient_std"].iloc[0])
            )
        row[tr("init.col.saturated")] = f"{float(last['saturated_fraction']):.0%}"
        row[tr("init.col.dead")] = f"{float(last['dead_fraction']):.0%}"
        rows.append(row)
    return pd.DataFrame(rows)


# --- symmetry --------------------------------------------------------------------------------


def fig_symmetry(experiment, tr: Translate) -> tuple[go.Figure, tuple, tuple]:
    """The symmetry section's charts from core's SymmetryExperiment: the unit heatmaps, the
    (loss, distinctness) pair, and one fitted plane per start."""
    runs = experiment.runs
    return (
        fig_symmetry_weights({i: r.units for i, r in runs.items()}, experiment.steps, tr),
        fig_symmetry_curves(
            {i: r.loss for i, r in runs.items()}, {i: r.distinctness for i, r in runs.items()}, tr
        ),
        fig_symmetry_fits(
            experiment.grid, {i: r.plane for i, r in runs.items()}, experiment.x, experiment.y, tr
        ),
    )


def fig_symmetry_weights(
    snapshots: Mapping[str, np.ndarray], steps: np.ndarray, tr: Translate
) -> go.Figure:
    """Heatmaps of every hidden unit's parameters (columns = units) for each start, one start
    per row (stacked, so a phone shows them at full width), with one slider over the recorded
    training steps that replays all of them together (animated in the browser, no rerun):
    equal columns mean identical units. snapshots[init] is (k, 4, units); steps (k,)."""
    inits = list(snapshots)
    fig = subplots(
        rows=len(inits),
        cols=1,
        subplot_titles=[tr(f"init.sym.{i}") for i in inits],
        vertical_spacing=0.12,
    )
    zmax = max(float(np.abs(s).max()) for s in snapshots.values()) or 1.0
    units = next(iter(snapshots.values())).shape[2]
    x_labels = [tr("init.fig.unit_n", n=u + 1) for u in range(units)]
    y_labels = [tr(f"init.fig.{r}") for r in PARAM_ROWS]
    last = len(steps) - 1

    def traces(k: int) -> list[go.Heatmap]:
        return [
            go.Heatmap(
                z=np.round(snapshots[i][k], 3),
                x=x_labels,
                y=y_labels,
                zmin=-zmax,
                zmax=zmax,
                colorscale="RdBu",
                reversescale=True,
                showscale=c == 0,
                colorbar={
                    "title": {"text": tr("init.fig.weight_value")},
                    "thickness": 12,
                    "len": 0.9,
                },
                texttemplate="%{z:.2f}",
                textfont={"size": 11},
                hovertemplate="%{x}, %{y}: %{z:.4f}<extra></extra>",
                xgap=2,
                ygap=2,
            )
            for c, i in enumerate(inits)
        ]

    for r, trace in enumerate(traces(last), start=1):
        fig.add_trace(trace, row=r, col=1)
    fig.frames = [go.Frame(name=str(int(s)), data=traces(k)) for k, s in enumerate(steps)]
    fig.update_layout(
        sliders=[
            {
                "active": last,
                "currentvalue": {"prefix": tr("init.fig.after_step") + " "},
                "pad": {"t": 40},
                "len": 1.0,
                "x": 0.0,
                "steps": [
                    {
                        "label": str(int(s)),
                        "method": "animate",
                        "args": [
                            [str(int(s))],
                            {"mode": "immediate", "frame": {"duration": 0, "redraw": True}},
                        ],
                    }
                    for s in steps
                ],
            }
        ]
    )
    fig.update_xaxes(title_text=" ", side="bottom")
    fig.update_xaxes(title_text=tr("init.fig.hidden_unit"), row=len(inits), col=1)
    fig.update_yaxes(title_text=tr("init.fig.parameter"), autorange="reversed")
    style(fig, height=560)
    height = 150 + 170 * len(inits)
    fig.update_layout(margin={"l": 90, "r": 20, "t": 40, "b": 40}, height=height)
    return fig


def _loss_and(
    loss: Mapping[str, np.ndarray],
    right: Mapping[str, np.ndarray],
    series: Mapping[str, tuple[str, str]],
    titles: tuple[str, str],
    axes: tuple[str, str],
    right_hover: str,
    right_axis: Mapping[str, object],
    tr: Translate,
    height: int,
) -> tuple[go.Figure, go.Figure]:
    """Two charts, each with its own title, axes and legend (side by side in columns, stacked
    on a phone): per series (name -> (label, colour)) its loss against step on a log axis
    (non-positive values left out), and `right` against step."""
    left_fig, right_fig = go.Figure(), go.Figure()
    for name, (label, colour) in series.items():
        line = {"color": colour, "width": 2.5}
        steps = np.arange(loss[name].size, dtype=float)
        xs, ys = _positive(steps, loss[name])
        left_fig.add_scatter(
            x=xs,
            y=ys,
            name=label,
            legendgroup=name,
            line=line,
            hovertemplate="t=%{x}<br>L=%{y:.4f}<extra>" + label + "</extra>",
        )
        right_fig.add_scatter(
            x=steps,
            y=right[name],
            name=label,
            legendgroup=name,
            line=line,
            hovertemplate="t=%{x}<br>" + right_hover + "<extra>" + label + "</extra>",
        )
    for fig in (left_fig, right_fig):
        fig.update_xaxes(title_text=tr("init.fig.step_axis"))
    left_fig.update_yaxes(type="log", tickvals=LOG_TICKS, title_text=axes[0])
    right_fig.update_yaxes(title_text=axes[1], **right_axis)
    return (
        style(left_fig, title=titles[0], height=height),
        style(right_fig, title=titles[1], height=height),
    )


def fig_symmetry_curves(
    loss: Mapping[str, np.ndarray], distinctness: Mapping[str, np.ndarray], tr: Translate
) -> tuple[go.Figure, go.Figure]:
    """Training loss (log) and the largest difference between two hidden units, per start."""
    return _loss_and(
        loss,
        distinctness,
        {i: (tr(f"init.sym.{i}"), symmetry_color(i)) for i in loss},
        (tr("init.fig.sym_loss_title"), tr("init.fig.sym_spread_title")),
        (tr("init.fig.loss_axis"), tr("init.fig.spread_axis")),
        "%{y:.4f}",
        {"rangemode": "tozero"},
        tr,
        height=360,
    )


def fig_symmetry_fits(
    grid: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    tr: Translate,
) -> tuple[go.Figure, ...]:
    """What each trained net computes on the plane (grid (g,), predictions (g, g)), with the
    XOR data on top, one chart per start (side by side in columns, stacked on a phone): one
    hidden unit four times over cannot separate XOR."""
    return tuple(
        _symmetry_fit(grid, init, predictions[init], x, y, tr, last=k == len(predictions) - 1)
        for k, init in enumerate(predictions)
    )


def _symmetry_fit(
    grid: np.ndarray,
    init: str,
    prediction: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    tr: Translate,
    last: bool,
) -> go.Figure:
    fig = go.Figure()
    z = np.clip(np.nan_to_num(prediction), -1.5, 1.5)
    fig.add_contour(
        x=grid,
        y=grid,
        z=z.astype(np.float32),
        zmin=-1.5,
        zmax=1.5,
        colorscale="RdBu",
        reversescale=True,
        contours={"showlines": False},
        ncontours=16,
        showscale=False,
        hovertemplate="x₁=%{x:.2f}, x₂=%{y:.2f}<br>ŷ=%{z:.2f}<extra></extra>",
    )
    for sign, symbol in ((1.0, "circle"), (-1.0, "x")):
        keep = y == sign
        fig.add_scatter(
            x=x[keep, 0],
            y=x[keep, 1],
            mode="markers",
            marker={"symbol": symbol, "size": 6, "color": TEXT, "line": {"width": 1}},
            name=tr("init.fig.class_pos" if sign > 0 else "init.fig.class_neg"),
            hoverinfo="skip",
        )
    span = [float(grid[0]), float(grid[-1])]
    fig.update_xaxes(title_text="x₁", range=span, constrain="domain")
    fig.update_yaxes(title_text="x₂", range=span, scaleanchor="x", constrain="domain")
    return style(fig, title=tr(f"init.sym.{init}"), height=340)


# --- does it train? ----------------------------------------------------------------------------


def fig_training(
    loss: Mapping[str, np.ndarray], accuracy: Mapping[str, np.ndarray], tr: Translate
) -> tuple[go.Figure, go.Figure]:
    """Training loss (log) and accuracy per scheme, one colour each; a run that diverged ends
    where its loss stopped being finite."""
    return _loss_and(
        loss,
        accuracy,
        {n: (tr(f"init.scheme.{n}"), color(n)) for n in loss},
        (tr("init.fig.train_loss_title"), tr("init.fig.train_acc_title")),
        (tr("init.fig.bce_axis"), tr("init.fig.acc_axis")),
        "%{y:.1%}",
        {"range": [0.0, 1.02], "tickformat": ".0%"},
        tr,
        height=380,
    )


def fig_training_runs(runs, tr: Translate) -> tuple[go.Figure, go.Figure]:
    """fig_training from core's DeepRun per scheme."""
    loss = {s: r.loss for s, r in runs.items()}
    return fig_training(loss, {s: r.accuracy for s, r in runs.items()}, tr)


# --- the home page's card ----------------------------------------------------------------------

THUMB_SCHEMES = ("small_normal", "standard_normal", "xavier_normal")
# The card's thumbnail is shared by both languages: names that read the same in each.
THUMB_LABELS: Mapping[str, str] = {
    "small_normal": "0.01·N(0, 1)",
    "standard_normal": "N(0, 1)",
    "xavier_normal": "Xavier",
}


def fig_thumbnail(data: Mapping[str, np.ndarray]) -> go.Figure:
    """A small, static picture for the home page's card: std collapsing, saturating, kept, with
    a compact legend in the empty lower left corner (the collapsing curve leaves it free)."""
    fig = go.Figure()
    for name, values in data.items():
        xs, ys = _positive(np.arange(1, values.size + 1, dtype=float), np.asarray(values))
        fig.add_scatter(
            x=xs,
            y=ys,
            name=THUMB_LABELS.get(name, name),
            mode="lines+markers",
            marker={"size": 4},
            line={"color": color(name), "width": 3},
            hoverinfo="skip",
        )
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, type="log")
    style(fig, height=150)
    fig.update_layout(
        showlegend=True,
        legend={
            "x": 0.02,
            "y": 0.02,
            "xanchor": "left",
            "yanchor": "bottom",
            "orientation": "v",
            "font": {"size": 10},
            "bgcolor": "rgba(255, 255, 255, 0.7)",
            "itemwidth": 30,
            "tracegroupgap": 0,
        },
        height=150,
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
    )
    return fig
