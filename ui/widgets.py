"""Small shared Streamlit pieces: how a chart is drawn, an explanation box."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui.i18n import md
from ui.theme import PLOT_CONFIG


def chart(fig: go.Figure, key: str, *, config: object = None, where: object = None) -> None:
    """Draw a figure full width with the house config; our own theme, not Streamlit's."""
    box = st if where is None else where
    box.plotly_chart(fig, width="stretch", key=key, config=config or PLOT_CONFIG, theme=None)


def explain(name: str, *, where: object = None) -> None:
    """The Markdown explanation `name` in the session's language."""
    box = st if where is None else where
    box.markdown(md(name))
