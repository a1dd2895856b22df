"""Overfitting, underfitting and regularization: capacity, data, epochs, L2/L1, dropout."""

from __future__ import annotations

import streamlit as st

from core import search
from ui import cache, heavy, state
from ui.frame import page_frame
from ui.topics.generalization import CONTROLS
from ui.topics.generalization import dropout as drop
from ui.widgets import explain, side_by_side

tr = page_frame("generalization")
explain("generalization/intro")

# 1. Capacity and 2. More data (helper "capacity") -------------------------------------------
st.header(tr("gen.sec.capacity"))

# 3. Train and test over epochs and 4. L2 and L1 (helper "training") ------------------------
st.header(tr("gen.sec.epochs"))

drop_view = cache.computation(max_entries=16)(drop.view)


@cache.chart(max_entries=64)
def drop_charts(part, p, seed, settings, tr):
    return drop.charts(part, drop_view(p, seed), settings, tr)


hyper_search = cache.computation(max_entries=16)(heavy.gated(search.cost)(search.run))


@cache.chart(max_entries=16)
def hyper_charts(trials, seed, tr):
    return drop.search_charts(hyper_search(trials, seed), tr)


# 5. Dropout and 6. Parameters and hyperparameters (helper "dropout") ------------------------
st.header(tr("gen.sec.dropout"))
explain("generalization/drop_intro")


@st.fragment
def section_dropout() -> None:
    for name, box in zip(drop.DROP_PRESETS, st.columns(len(drop.DROP_PRESETS)), strict=True):
        look = {"args": (drop.PRESETS[name],), "help": tr(f"gen.drop.preset.{name}_help")}
        box.button(tr(f"gen.drop.preset.{name}"), on_click=state.apply, width="stretch", **look)
    boxes = st.columns(len(drop.TOP_KEYS))
    v = {k: state.draw(CONTROLS[k], where=b) for k, b in zip(drop.TOP_KEYS, boxes, strict=True)}
    view = drop_view(v["drp"], v["drseed"])
    for part in drop.PARTS:
        st.subheader(tr(f"gen.drop.sub.{part}"))
        if keys := drop.PART_KEYS[part]:
            boxes = st.columns(len(keys))
            v |= {k: state.draw(CONTROLS[k], where=b) for k, b in zip(keys, boxes, strict=True)}
        figures = drop_charts(part, v["drp"], v["drseed"], drop.args(part, v))
        side_by_side(figures, (f"gd_{part}_a", f"gd_{part}_b"))
        st.markdown(tr(drop.say_key(part, view), **drop.words(part, view, v)))
        explain(f"generalization/drop_{part}")
    state.check_undrawn(CONTROLS)


section_dropout()
st.header(tr("gen.sec.hyper"))
explain("generalization/hyper_table")
st.table(drop.table_rows(tr))


@st.fragment
def section_hyper() -> None:
    for name, box in zip(drop.HYPER_PRESETS, st.columns(len(drop.HYPER_PRESETS)), strict=True):
        look = {"args": (drop.PRESETS[name],), "help": tr(f"gen.hyper.preset.{name}_help")}
        box.button(tr(f"gen.hyper.preset.{name}"), on_click=state.apply, width="stretch", **look)
    boxes = st.columns(len(drop.HYPER_KEYS))
    v = [state.draw(CONTROLS[k], where=b) for k, b in zip(drop.HYPER_KEYS, boxes, strict=True)]
    side_by_side(hyper_charts(*v), ("gh_search", "gh_progress"))
    st.markdown(tr("gen.hyper.say", **drop.search_words(hyper_search(*v))))
    explain("generalization/hyper_search")
    state.check_undrawn(CONTROLS)


section_hyper()
