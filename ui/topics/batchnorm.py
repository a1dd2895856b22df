"""Topic entry: Batch normalization."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.topics import Topic


def thumbnail() -> go.Figure:
    from ui.figures import batchnorm as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(figures.thumbnail_data())


TOPIC = Topic(
    id="batchnorm", page="pages/4_batchnorm.py", icon=":material/tune:", thumbnail=thumbnail
)
