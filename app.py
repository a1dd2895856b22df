"""Home page: what Gradient Notes is, and one card per topic."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import activations
from ui.figures.activations import fig_thumbnail
from ui.frame import page_frame
from ui.i18n import current_lang
from ui.theme import THUMBNAIL_CONFIG
from ui.widgets import chart, explain

TOPICS = {"activations": "pages/1_activations.py"}
COMING = ("optimizers", "initialization", "batchnorm")


@st.cache_data(max_entries=4)
def thumbnail_curves() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    x = np.linspace(-5.0, 5.0, 121)
    return x, {n: activations.get(n).forward(x) for n in ("sigmoid", "tanh", "relu")}


tr = page_frame("home")
explain("home/intro")

for (topic, path), column in zip(TOPICS.items(), st.columns(3), strict=False):
    with column, st.container(border=True):
        st.subheader(tr(f"nav.{topic}"))
        st.markdown(f"**{tr(f'home.{topic}_question')}**")
        chart(fig_thumbnail(thumbnail_curves()), key=f"thumb_{topic}", config=THUMBNAIL_CONFIG)
        st.caption(tr(f"home.{topic}_summary"))
        st.page_link(
            path,
            label=tr("home.open"),
            icon=":material/arrow_forward:",
            query_params={"lang": current_lang()},
        )

st.divider()
st.markdown(f"#### {tr('home.coming')}")
st.caption(tr("home.coming_caption"))
for topic, column in zip(COMING, st.columns(len(COMING)), strict=True):
    with column, st.container(border=True):
        st.markdown(f"**{tr(f'nav.{topic}')}**")
        st.caption(tr(f"home.{topic}_question"))
