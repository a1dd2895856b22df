"""Topic entry: Activation functions."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.topics import Topic


def thumbnail() -> go.Figure:
    from ui.figures import activations as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(figures.thumbnail_data())


TOPIC = Topic(
    id="activations",
    page="pages/1_activations.py",
    icon=":material/show_chart:",
    thumbnail=thumbnail,
)
