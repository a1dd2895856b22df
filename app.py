"""Home page: what Gradient Notes is, and one card per topic with the question it answers."""

from __future__ import annotations

import streamlit as st

from ui.figures import activations, batchnorm, initialization, optimizers
from ui.frame import page_frame
from ui.i18n import current_lang
from ui.theme import THUMBNAIL_CONFIG
from ui.widgets import chart, explain

# topic id, page file, the figures module that draws its thumbnail
TOPICS = (
    ("activations", "pages/1_activations.py", activations),
    ("optimizers", "pages/2_optimizers.py", optimizers),
    ("initialization", "pages/3_initialization.py", initialization),
    ("batchnorm", "pages/4_batchnorm.py", batchnorm),
)


@st.cache_resource(max_entries=8, show_spinner=False)
def thumbnail(topic: str) -> object:
    """The topic's thumbnail chart (no words on it: one per topic, shared by every session and
    never mutated)."""
    module = {name: mod for name, _, mod in TOPICS}[topic]
    return module.fig_thumbnail(module.thumbnail_data())


tr = page_frame("home")
explain("home/intro")

CARDS_PER_ROW = 2  # Streamlit stacks the columns on a phone: one card a row there
for start in range(0, len(TOPICS), CARDS_PER_ROW):
    row = TOPICS[start : start + CARDS_PER_ROW]
    for (topic, path, _), column in zip(row, st.columns(CARDS_PER_ROW), strict=False):
        with column, st.container(border=True):
            st.subheader(tr(f"nav.{topic}"))
            st.markdown(f"**{tr(f'home.{topic}_question')}**")
            chart(
                thumbnail(topic),
                key=f"thumb_{topic}",
                config=THUMBNAIL_CONFIG,
            )
            st.caption(tr(f"home.{topic}_summary"))
            st.page_link(
                path,
                label=tr("home.open"),
                icon=":material/arrow_forward:",
                query_params={"lang": current_lang()},
            )

st.caption(tr("home.later"))
