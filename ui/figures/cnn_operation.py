"""Figures of the convolutions page's sections 1–2: the operation step by step, shapes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go


def fig_thumbnail(image: np.ndarray) -> go.Figure:
    """A small, static picture for the home card (placeholder: the test picture)."""
    data = [{"type": "heatmap", "z": image[::-1], "colorscale": "Greys", "showscale": False}]
    hidden = {"showticklabels": False, "showgrid": False, "zeroline": False}
    layout = {
        "xaxis": hidden,
        "yaxis": hidden | {"scaleanchor": "x"},
        "showlegend": False,
        "height": 150,
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
    }
    return go.Figure({"data": data, "layout": layout}, _validate=False)
