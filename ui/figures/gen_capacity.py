"""Figures of the generalization page's sections 1–2: capacity and the U curve, more data."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

POINTS = "#1971c2"


def fig_thumbnail(x: np.ndarray, y: np.ndarray) -> go.Figure:
    """A small, static picture for the home card (placeholder: the samples)."""
    data = [{"type": "scatter", "x": x, "y": y, "mode": "markers", "marker": {"color": POINTS}}]
    hidden = {"showticklabels": False, "showgrid": False, "zeroline": False}
    layout = {
        "xaxis": hidden,
        "yaxis": hidden,
        "showlegend": False,
        "height": 150,
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
    }
    return go.Figure({"data": data, "layout": layout}, _validate=False)
