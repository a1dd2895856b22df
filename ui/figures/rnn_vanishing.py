"""Figures of the recurrent page's sections 1 and 4: gradients through time, clipping, counts."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go


def fig_thumbnail(steps: np.ndarray, curves: Mapping[float, np.ndarray]) -> go.Figure:
    """A small, static chart for the home card (placeholder: r^k for three radii, log axis)."""
    data = [
        {"type": "scatter", "x": steps, "y": ys, "mode": "lines", "hoverinfo": "skip"}
        for ys in curves.values()
    ]
    hidden = {"showticklabels": False, "showgrid": False, "zeroline": False}
    layout = {
        "xaxis": hidden,
        "yaxis": hidden | {"type": "log"},
        "showlegend": False,
        "height": 150,
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
    }
    return go.Figure({"data": data, "layout": layout}, _validate=False)
