"""Topic entry: Optimizers on loss surfaces."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.topics import Topic


def thumbnail() -> go.Figure:
    from ui.figures import optimizers as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(figures.thumbnail_data())


TOPIC = Topic(
    id="optimizers", page="pages/2_optimizers.py", icon=":material/route:", thumbnail=thumbnail
)
