"""Home page: what Gradient Notes is, and one card per topic with the question it answers."""

from __future__ import annotations

import streamlit as st

from ui import cache, topics
from ui.frame import page_frame
from ui.i18n import current_lang
from ui.theme import THUMBNAIL_CONFIG
from ui.widgets import chart, explain


@cache.chart(max_entries=2 * len(topics.TOPICS))
def thumbnail(topic_id: str, tr: object) -> object:
    """The topic's thumbnail chart: no words on it, so `tr` goes unused (one per topic and
    language, shared by every session and never mutated)."""
    return topics.topic(topic_id).thumbnail()


tr = page_frame("home")
explain("home/intro")

CARDS_PER_ROW = 2  # Streamlit stacks the columns on a phone: one card a row there
for start in range(0, len(topics.TOPICS), CARDS_PER_ROW):
    row = topics.TOPICS[start : start + CARDS_PER_ROW]
    for topic, column in zip(row, st.columns(CARDS_PER_ROW), strict=False):
        with column, st.container(border=True):
            st.subheader(tr(f"nav.{topic.id}"))
            st.markdown(f"**{tr(f'home.{topic.id}_question')}**")
            chart(thumbnail(topic.id), key=f"thumb_{topic.id}", config=THUMBNAIL_CONFIG)
            st.caption(tr(f"home.{topic.id}_summary"))
            st.page_link(
                topic.page,
                label=tr("home.open"),
                icon=":material/arrow_forward:",
                query_params={"lang": current_lang()},
            )

st.caption(tr("home.later"))
