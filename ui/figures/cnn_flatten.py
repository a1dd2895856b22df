"""Figures of the convolutions page's section 5: translation equivariance, the permuted-pixels
experiment (the images before and after the shuffle, four accuracy curves, learned filters)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import MUTED, PIXEL_SCALE, SIGNED_SCALE, style, subplots

if TYPE_CHECKING:
    from core.cnn import Equivariance, Experiment

MODEL_COLORS = {"mlp": "#0072b2", "cnn": "#d55e00"}  # Okabe–Ito blue and vermillion
PIXEL = {"colorscale": PIXEL_SCALE, "zmin": 0.0, "zmax": 1.0}  # value = brightness: 0 black
EQUIVARIANCE_PARTS = ("image", "feature", "shifted_feature", "shifted", "conv_of_shifted",
                      "difference")  # fmt: skip


def _round(a: np.ndarray, digits: int = 3) -> list:
    return np.round(np.asarray(a, dtype=np.float64), digits).tolist()


def _image_axes(fig_layout: dict, x: str = "xaxis", y: str = "yaxis", *, ticks: bool) -> None:
    """Equal aspect, y running downward as in an image (small multiples: no tick labels)."""
    anchor = "x" if x == "xaxis" else x.replace("axis", "")
    shown = {} if ticks else {"showticklabels": False, "ticks": ""}
    fig_layout[x] = {"showgrid": False, "zeroline": False, "constrain": "domain", **shown}
    fig_layout[y] = {"showgrid": False, "zeroline": False, "autorange": "reversed",
                     "scaleanchor": anchor, "constrain": "domain", **shown}  # fmt: skip


def _first_titles(fig_layout: dict, x: str, y: str, cols: int, *, level: bool = False) -> None:
    """Axis titles on the bottom-left small multiple (the others are read the same way); level:
    the y title a short word (행, row) written horizontally left of the axis."""
    fig_layout[f"xaxis{cols + 1}"]["title"] = {"text": x, "font": {"size": 11}}
    if level:
        fig_layout.setdefault("annotations", []).append(_level_title(y, cols + 1, 11))
    else:
        fig_layout[f"yaxis{cols + 1}"]["title"] = {"text": y, "font": {"size": 11}}


def _level_title(text: str, axis: int = 1, size: int = 14) -> dict:
    """A y-axis title read horizontally (a rotated 행 reads badly), left of the tick labels."""
    suffix = "" if axis == 1 else str(axis)
    return {"text": text, "xref": f"x{suffix} domain", "yref": f"y{suffix} domain", "x": 0,
            "y": 0.5, "xanchor": "right", "xshift": -24, "showarrow": False, "textangle": 0,
            "font": {"size": size}, "name": "y_title"}  # fmt: skip


def _symmetric(a: np.ndarray) -> float:
    return float(np.abs(a).max(initial=0.0)) or 1.0


def fig_map(e: Equivariance, part: str, tr: Translate) -> go.Figure:
    """One of the equivariance arrays (EQUIVARIANCE_PARTS) as a heatmap, pixels on the axes;
    the feature maps and the difference diverge around 0 (red above), the pictures are brightness
    (0 black, 1 white). The interior (where the difference must be 0) is outlined on the
    difference."""
    z = np.round(np.asarray(getattr(e, part), dtype=np.float64), 3)  # as drawn
    signed = part not in ("image", "shifted")
    trace = {
        "type": "heatmap",
        "z": _round(z),
        "showscale": False,
        "hovertemplate": tr("cnn.flat.fig.hover_pixel") + "<extra></extra>",
    }
    if signed:
        # the three feature maps share one scale (T conv(x) only moves conv(x)'s values)
        maps = np.round(np.stack([e.feature, e.conv_of_shifted]), 3)
        scale = _symmetric(maps if part != "difference" else z)
        trace |= {"colorscale": SIGNED_SCALE, "zmid": 0.0, "zmin": -scale, "zmax": scale}
    else:
        trace |= PIXEL
    layout: dict = {}
    _image_axes(layout, ticks=True)
    layout["xaxis"]["title"] = {"text": tr("cnn.flat.fig.col_axis")}
    layout["annotations"] = [_level_title(tr("cnn.flat.fig.row_axis"))]
    shapes = []
    if part == "difference" and e.interior.any():
        rows, cols = np.flatnonzero(e.interior.any(axis=1)), np.flatnonzero(e.interior.any(axis=0))
        shapes.append({"type": "rect", "x0": cols[0] - 0.5, "x1": cols[-1] + 0.5,
                       "y0": rows[0] - 0.5, "y1": rows[-1] + 0.5,
                       "line": {"color": MUTED, "dash": "dash", "width": 1.5}})  # fmt: skip
    layout["shapes"] = shapes
    fig = go.Figure({"data": [trace], "layout": layout}, _validate=False)
    return style(fig, title=tr(f"cnn.flat.fig.{part}"), height=300)


def _mosaic(pictures: np.ndarray, labels: Sequence[int], title: str, tr: Translate) -> go.Figure:
    """Small images (0 black, 1 white) in a grid of 2 rows, each titled with its label."""
    n = len(pictures)
    cols = (n + 1) // 2
    titles = [tr("cnn.flat.fig.label", label=int(v)) for v in labels]
    fig = subplots(rows=2, cols=cols, subplot_titles=titles, horizontal_spacing=0.02,
                   vertical_spacing=0.12)  # fmt: skip
    layout: dict = {}
    for i, picture in enumerate(pictures):
        trace = {"type": "heatmap", "z": _round(picture, 2), **PIXEL, "showscale": False,
                 "hovertemplate": tr("cnn.flat.fig.hover_pixel") + "<extra></extra>"}  # fmt: skip
        fig.add_trace(trace, row=i // cols + 1, col=i % cols + 1)
        suffix = "" if i == 0 else str(i + 1)
        _image_axes(layout, f"xaxis{suffix}", f"yaxis{suffix}", ticks=False)
    _first_titles(layout, tr("cnn.flat.fig.col_axis"), tr("cnn.flat.fig.row_axis"), cols,
                  level=True)  # fmt: skip
    level = layout.pop("annotations")  # added, not replacing the subplot titles
    fig.update_layout(layout)
    for note in level:
        fig.add_annotation(note)
    fig.update_annotations(font={"size": 12})
    return style(fig, title=title, height=260)


def fig_examples(x: Experiment, shuffled: bool, tr: Translate) -> go.Figure:
    """The first test digits as drawn, or with their pixels shuffled (they look like noise)."""
    pictures = x.shuffled if shuffled else x.examples
    title = tr("cnn.flat.fig.shuffled" if shuffled else "cnn.flat.fig.examples")
    return _mosaic(pictures, x.labels.tolist(), title, tr)


def fig_accuracy(x: Experiment, tr: Translate) -> go.Figure:
    """Test accuracy after each epoch of the four runs: colour the model, dash the shuffle; the
    MLP's two lines lie on each other. Chance (10 %) dotted."""
    epochs = list(range(1, x.epochs + 1))
    data = []
    for run in x.runs:
        model, permuted = run.model, run.permuted
        name = tr(f"cnn.flat.fig.run_{model}_{'shuffled' if permuted else 'images'}")
        data.append({
            "type": "scatter", "mode": "lines+markers", "x": epochs,
            "y": _round(run.test_accuracy, 4), "name": name,
            "line": {"color": MODEL_COLORS[model], "dash": "dash" if permuted else "solid",
                     "width": 4 if not permuted else 2},
            "marker": {"symbol": "x" if permuted else "circle", "size": 7},
            "hovertemplate": name + ": %{y:.1%}<extra></extra>",
        })  # fmt: skip
    layout = {
        "xaxis": {"title": {"text": tr("cnn.flat.fig.epoch_axis")}, "dtick": 1},
        "yaxis": {"title": {"text": tr("cnn.flat.fig.accuracy_axis")}, "range": [0, 1.02],
                  "tickformat": ".0%"},
        "hovermode": "x unified",
        "shapes": [{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "y0": 0.1, "y1": 0.1,
                    "line": {"color": MUTED, "dash": "dot", "width": 1}}],
        "annotations": [{"xref": "x domain", "x": 1, "y": 0.1, "yanchor": "bottom",
                         "xanchor": "right", "showarrow": False, "text": tr("cnn.flat.fig.chance"),
                         "font": {"color": MUTED, "size": 11}}],
    }  # fmt: skip
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("cnn.flat.fig.accuracy_title"), height=340)


def fig_filters(x: Experiment, permuted: bool, tr: Translate) -> go.Figure:
    """The CNN's 8 learned first-layer 3×3 filters, numbers written in, diverging around 0 on
    one symmetric scale for all eight."""
    w = np.round(x.run("cnn", permuted).filters[:, 0], 2)  # as drawn
    scale = _symmetric(w)
    n = len(w)
    cols = (n + 1) // 2
    titles = [tr("cnn.flat.fig.filter", k=k + 1) for k in range(n)]
    fig = subplots(rows=2, cols=cols, subplot_titles=titles, horizontal_spacing=0.03,
                   vertical_spacing=0.14)  # fmt: skip
    layout: dict = {}
    for k, kernel in enumerate(w):
        z = _round(kernel, 2)
        shown = np.round(kernel, 1) + 0.0  # + 0.0: no "−0.0"
        trace = {"type": "heatmap", "z": z, "text": [[f"{v:.1f}" for v in row] for row in shown],
                 "texttemplate": "%{text}", "textfont": {"size": 10}, "colorscale": SIGNED_SCALE,
                 "zmid": 0.0, "zmin": -scale, "zmax": scale, "showscale": False,
                 "hovertemplate": tr("cnn.flat.fig.hover_weight") + "<extra></extra>"}  # fmt: skip
        fig.add_trace(trace, row=k // cols + 1, col=k % cols + 1)
        suffix = "" if k == 0 else str(k + 1)
        _image_axes(layout, f"xaxis{suffix}", f"yaxis{suffix}", ticks=False)
    _first_titles(layout, tr("cnn.flat.fig.v_axis"), tr("cnn.flat.fig.u_axis"), cols)
    fig.update_layout(layout)
    fig.update_annotations(font={"size": 12})
    title = tr("cnn.flat.fig.filters_shuffled" if permuted else "cnn.flat.fig.filters_images")
    return style(fig, title=title, height=280)
