"""Convolutions, why images need CNNs: the operation, shapes, sharing, pooling, flattening."""

from __future__ import annotations

import streamlit as st

from core import cnn
from ui import cache, heavy, state
from ui.figures import cnn_flatten as flat_figures
from ui.frame import page_frame
from ui.topics.convolutions import CONTROLS, PRESETS
from ui.topics.convolutions import flatten as flat
from ui.widgets import chart, explain, side_by_side

tr = page_frame("convolutions")
explain("convolutions/intro")

# 1. The operation and 2. Shapes (helper "operation") -----------------------------------------
st.header(tr("cnn.sec.operation"))

# 3. Parameter sharing and 4. Pooling (helper "sharing") --------------------------------------
st.header(tr("cnn.sec.sharing"))

# 5. What flattening throws away (helper "flatten") -------------------------------------------
flat_equivariance = cache.computation(max_entries=16)(cnn.equivariance)
flat_experiment = cache.computation(max_entries=8)(heavy.gated(cnn.cost)(cnn.experiment))


@cache.chart(max_entries=16)
def flat_maps(picture, kernel, rows, cols, tr):
    e = flat_equivariance(picture, kernel, rows, cols)
    return tuple(flat_figures.fig_map(e, part, tr) for part in flat_figures.EQUIVARIANCE_PARTS)


@cache.chart(max_entries=8)
def flat_charts(train, epochs, seed, permutation, tr):
    x, f = flat_experiment(train, epochs, seed, permutation), flat_figures
    pictures = (f.fig_examples(x, False, tr), f.fig_examples(x, True, tr))
    filters = (f.fig_filters(x, False, tr), f.fig_filters(x, True, tr))
    return pictures, f.fig_accuracy(x, tr), filters


def flat_section(keys, presets):
    boxes = st.columns(len(keys))
    values = [state.draw(CONTROLS[k], where=at) for k, at in zip(keys, boxes, strict=True)]
    for name, box in zip(presets, st.columns(len(presets)), strict=True):
        look = {"args": (PRESETS[name],), "help": tr(f"cnn.flat.preset.{name}_help")}
        box.button(tr(f"cnn.flat.preset.{name}"), on_click=state.apply, width="stretch", **look)
    state.check_undrawn({key: CONTROLS[key] for key in keys})
    return tuple(values)


@st.fragment
def section_equivariance() -> None:
    args = flat_section(flat.EQUIVARIANCE_KEYS, flat.EQUIVARIANCE_PRESETS)
    maps = flat_maps(*args)
    side_by_side(maps[:3], ("flat_image", "flat_feature", "flat_shifted_feature"))
    side_by_side(maps[3:], ("flat_shifted", "flat_conv_of_shifted", "flat_difference"))
    st.markdown(flat.equivariance_sentence(flat_equivariance(*args), tr))
    explain("convolutions/flat_equivariance")


@st.fragment
def section_permuted() -> None:
    args = flat_section(flat.EXPERIMENT_KEYS, flat.EXPERIMENT_PRESETS)
    try:
        with st.spinner(tr("cnn.flat.training")):
            pictures, accuracy, filters = flat_charts(*args)
    except heavy.Busy:
        st.warning(tr("cnn.flat.busy"))
        return
    side_by_side(pictures, ("flat_examples", "flat_shuffled"))
    chart(accuracy, key="flat_accuracy")
    result, moved = flat.experiment_sentences(flat_experiment(*args), tr)
    st.markdown(result)
    explain("convolutions/flat_experiment")
    side_by_side(filters, ("flat_filters_images", "flat_filters_shuffled"))
    st.markdown(moved)
    explain("convolutions/flat_filters")


st.header(tr("cnn.sec.flatten"))
explain("convolutions/flat_intro")
section_equivariance()
st.subheader(tr("cnn.flat.sub.permuted"))
explain("convolutions/flat_permuted")
section_permuted()
