"""Topic entry: Weight initialization."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.topics import Topic


def thumbnail() -> go.Figure:
    from ui.figures import (
        initialization as figures,  # loaded when the home page first draws its card
    )

    return figures.fig_thumbnail(figures.thumbnail_data())


TOPIC = Topic(
    id="initialization",
    page="pages/3_initialization.py",
    icon=":material/stacked_bar_chart:",
    thumbnail=thumbnail,
)
