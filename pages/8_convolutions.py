"""Convolutions, why images need CNNs: the operation, shapes, sharing, pooling, flattening."""

from __future__ import annotations

import streamlit as st

from ui.frame import page_frame
from ui.widgets import explain

tr = page_frame("convolutions")
explain("convolutions/intro")

# 1. The operation and 2. Shapes (helper "operation") -----------------------------------------
st.header(tr("cnn.sec.operation"))

# 3. Parameter sharing and 4. Pooling (helper "sharing") --------------------------------------
st.header(tr("cnn.sec.sharing"))

# 5. What flattening throws away (helper "flatten") -------------------------------------------
st.header(tr("cnn.sec.flatten"))
