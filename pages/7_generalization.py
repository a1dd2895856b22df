"""Overfitting, underfitting and regularization: capacity, data, epochs, L2/L1, dropout."""

from __future__ import annotations

import streamlit as st

from ui.frame import page_frame
from ui.widgets import explain

tr = page_frame("generalization")
explain("generalization/intro")

# 1. Capacity and 2. More data (helper "capacity") -------------------------------------------
st.header(tr("gen.sec.capacity"))

# 3. Train and test over epochs and 4. L2 and L1 (helper "training") ------------------------
st.header(tr("gen.sec.epochs"))

# 5. Dropout and 6. Parameters and hyperparameters (helper "dropout") ------------------------
st.header(tr("gen.sec.dropout"))
