"""Small shared Streamlit pieces: how a chart is drawn, an explanation box, a colour swatch."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ui.i18n import current_lang, md, t, translator
from ui.pytorch import Snippet, Snippets
from ui.theme import PLOT_CONFIG


class _Drawn(go.Figure):
    """A figure that has been handed to a chart and will not change again: its to_dict (a deep
    copy that st.plotly_chart takes on every rerun, often more than the rest of the rerun) is
    computed once and kept."""

    def to_dict(self) -> dict:
        kept = self.__dict__.get("_gn_dict")
        if kept is None:
            kept = super().to_dict()
            self.__dict__["_gn_dict"] = kept
        return kept


def chart(fig: go.Figure, key: str, *, config: object = None, where: object = None) -> None:
    """Draw a figure full width with the house config; our own theme, not Streamlit's.

    Figures are final once drawn (cached charts are shared by every session and never mutated):
    the figure becomes a _Drawn, so a cached one is turned into a dict only on its first draw."""
    if type(fig) is go.Figure:
        fig.__class__ = _Drawn
    box = st if where is None else where
    box.plotly_chart(fig, width="stretch", key=key, config=config or PLOT_CONFIG, theme=None)


def side_by_side(figures: Sequence[go.Figure], keys: Sequence[str]) -> None:
    """Charts in columns of equal width, one each (a phone stacks them)."""
    for column, figure, key in zip(st.columns(len(keys)), figures, keys, strict=True):
        chart(figure, key=key, where=column)


def explain(name: str, *, where: object = None) -> None:
    """The Markdown explanation `name` in the session's language."""
    box = st if where is None else where
    box.markdown(md(name))


_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def swatch_html(color: str, label: str) -> str:
    """A coloured dot and a bold label as HTML: the colour must be a #rrggbb from our own
    palette and the label is escaped, so nothing in it is ever read as markup."""
    if not _HEX.fullmatch(color):
        raise ValueError(f"swatch colour must be #rrggbb, got {color!r}")
    return f'<span style="color:{color}">●</span> <b>{html.escape(label)}</b>'


def swatch(color: str, label: str, *, where: object = None) -> None:
    """A heading that carries a series' colour (an optimizer's card, say)."""
    box = st if where is None else where
    box.markdown(swatch_html(color, label), unsafe_allow_html=True)


_SNIPPETS = Snippets(max_entries=256)  # shared by every session; a snippet is a few kB


def in_pytorch(build: Callable[..., Snippet], values: Mapping[str, Any]) -> None:
    """A section's "In PyTorch" expander: the script for these settings (st.code has a copy
    button) and the lines it prints, which are the page's own numbers (built once per setting)."""
    lang = current_lang()
    snippet = _SNIPPETS.get(build, values, lang, translator(lang))
    with st.expander(t("torch.title"), icon=":material/terminal:"):
        st.markdown(t("torch.intro"))
        st.code(snippet.code, language="python")
        st.markdown(t("torch.readout"))
        st.code(snippet.readout_text, language="text")
        for note in snippet.notes:
            st.caption(t(note))
