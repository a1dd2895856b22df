"""Overfitting, underfitting and regularization: capacity, data, epochs, L2/L1, dropout."""

from __future__ import annotations

import streamlit as st

from core import capacity
from ui import cache, heavy, state
from ui.figures import gen_capacity as cap_figures
from ui.frame import page_frame
from ui.topics.generalization import CONTROLS
from ui.topics.generalization import capacity as cap
from ui.widgets import explain, side_by_side

tr = page_frame("generalization")
explain("generalization/intro")

poly_sweep = cache.computation()(capacity.sweep)
mlp_sweep = cache.computation(max_entries=16)(heavy.gated(cap.mlp_cost)(capacity.mlp_sweep))
learning = cache.computation()(capacity.learning_curve)


def cap_sweep(kind, args):
    return poly_sweep(*args) if kind == "poly" else mlp_sweep(*args)


@cache.chart()
def cap_charts(kind, args, tr):
    sw = cap_sweep(kind, args)
    return cap_figures.fig_capacity(sw, kind, tr), cap_figures.fig_fits(sw, kind, tr)


@cache.chart()
def learning_charts(args, tr):
    return tuple(cap_figures.fig_learning(learning(*args), m, tr) for m in (0, 1))


def cap_presets(presets):
    for (name, values), box in zip(presets.items(), st.columns(len(presets)), strict=True):
        look = {"args": (values,), "help": tr(f"gen.cap.preset.{name}_help"), "width": "stretch"}
        box.button(tr(f"gen.cap.preset.{name}"), on_click=state.apply, **look)


# 1. Capacity and 2. More data (helper "capacity") -------------------------------------------
st.header(tr("gen.sec.capacity"))


@st.fragment
def section_capacity() -> None:
    cap_presets(cap.SECTION_PRESETS)
    v = {"capm": state.draw(CONTROLS["capm"])}
    keys = (*cap.DATA_KEYS, *cap.MODEL_KEYS[v["capm"]])
    for row in (keys[:4], keys[4:]):
        for k, b in zip(row, st.columns(4), strict=True):
            if cap.shown(k, v):
                v[k] = state.draw(CONTROLS[k], where=b)
    state.check_undrawn(CONTROLS)
    kind, args = cap.sweep_args(v)
    for key, words in cap.capped(v, kind, args):
        st.info(tr(key, **words))
    try:
        sw = cap_sweep(kind, args)
    except heavy.Busy:
        st.warning(tr("gen.cap.busy"))
        return
    side_by_side(cap_charts(kind, args), ("cap_u", "cap_fits"))
    for key, words in cap.sweep_words(sw, kind):
        st.markdown(tr(key, **words))
    if kind != "poly":
        st.caption(tr("gen.cap.mlp_note"))
    explain("generalization/cap_capacity" if kind == "poly" else "generalization/cap_mlp")


section_capacity()
st.header(tr("gen.sec.data"))


@st.fragment
def section_data() -> None:
    cap_presets(cap.DATA_PRESETS)
    keys = cap.LEARNING_KEYS
    v = {
        k: state.draw(CONTROLS[k], where=b)
        for k, b in zip(keys, st.columns(len(keys)), strict=True)
    }
    state.check_undrawn(CONTROLS)
    args = cap.learning_args(v)
    side_by_side(learning_charts(args), ("cap_learning_low", "cap_learning_high"))
    for key, words in cap.learning_words(learning(*args)):
        st.markdown(tr(key, **words))
    explain("generalization/cap_data")


section_data()

# 3. Train and test over epochs and 4. L2 and L1 (helper "training") ------------------------
st.header(tr("gen.sec.epochs"))

# 5. Dropout and 6. Parameters and hyperparameters (helper "dropout") ------------------------
st.header(tr("gen.sec.dropout"))
