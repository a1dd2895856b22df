"""Placeholder while the page is being written (replaced by the page itself)."""

import streamlit as st

from ui.frame import page_frame

tr = page_frame("batchnorm")
st.info(tr("home.coming_caption"))
