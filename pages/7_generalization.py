"""Overfitting, underfitting and regularization: capacity, data, epochs, L2/L1, dropout."""

from __future__ import annotations

import streamlit as st

from core import regularization
from ui import cache, heavy, i18n, state
from ui.frame import page_frame
from ui.topics.generalization import CONTROLS
from ui.topics.generalization import training as fit_topic
from ui.widgets import chart, explain, side_by_side

tr = page_frame("generalization")
explain("generalization/intro")

# 1. Capacity and 2. More data (helper "capacity") -------------------------------------------
st.header(tr("gen.sec.capacity"))

fit_run = cache.computation(max_entries=24)(heavy.gated(fit_topic.run_cost)(regularization.train))
fit_restore = cache.computation(max_entries=24)(regularization.restore)


@cache.chart()
def fit_epoch_charts(s, patience, delta, tr):
    fit = fit_run(s)
    stop = regularization.early_stopping(fit.val_loss, patience, delta)
    return fit_topic.epoch_charts(fit, fit_restore(s, stop.best_epoch), stop, tr)


@cache.chart()
def fit_penalty_charts(s, tr):
    runs = tuple(fit_run(r) for r in fit_topic.compared(s))
    return fit_topic.penalty_charts(fit_run(s), fit_run(fit_topic.baseline(s)), runs, tr)


def fit_draw(keys, extra=0):
    boxes = st.columns(len(keys) + extra)
    return {k: state.draw(CONTROLS[k], where=b) for k, b in zip(keys, boxes, strict=False)}, boxes


def fit_presets(names):
    for name, box in zip(names, st.columns(len(names)), strict=True):
        look = {"args": (fit_topic.PRESETS[name],), "help": tr(f"gen.fit.preset.{name}_help")}
        box.button(tr(f"gen.fit.preset.{name}"), on_click=state.apply, width="stretch", **look)


# 3. Train and test over epochs and 4. L2 and L1 (helper "training") ------------------------
st.header(tr("gen.sec.epochs"))
explain("generalization/fit_epochs")
fit_presets(fit_topic.PRESET_NAMES)
fit_values, _ = fit_draw(fit_topic.DATA_KEYS)


@st.fragment
def section_epochs(s) -> None:
    values, _ = fit_draw(fit_topic.STOP_KEYS)
    try:
        fit = fit_run(s)
    except heavy.Busy:
        st.warning(tr("gen.fit.busy"))
        return
    stop = fit_topic.stopped(fit, values)
    losses, at_best, at_last = fit_epoch_charts(s, values["fitpat"], values["fitdelta"])
    chart(losses, key="fit_epochs")
    key, words = fit_topic.stop_words(fit, stop)
    st.markdown(tr(key, **words))
    side_by_side([at_best, at_last], ("fit_best", "fit_last"))
    explain("generalization/fit_stopping")


section_epochs(fit_topic.settings(fit_values))
st.header(tr("gen.sec.penalty"))
explain("generalization/fit_penalty")


@st.fragment
def section_penalty(values) -> None:
    drawn, boxes = fit_draw(fit_topic.PENALTY_KEYS, extra=1)
    values |= drawn
    if values["fitreg"] == "l1":
        values["fitl1"] = state.draw(CONTROLS["fitl1"], where=boxes[-1])
    state.check_undrawn(fit_topic.TABLE)
    s = fit_topic.penalized(values)
    try:
        losses, histogram, fits, norms = fit_penalty_charts(s)
    except heavy.Busy:
        st.warning(tr("gen.fit.busy"))
        return
    fit, base = fit_run(s), fit_run(fit_topic.baseline(s))
    side_by_side([losses, histogram], ("fit_penalty", "fit_hist"))
    st.markdown(tr(f"gen.fit.say.penalty_{s.penalty}", **fit_topic.penalty_words(fit, base)))
    side_by_side([fits, norms], ("fit_fits", "fit_norms"))
    key, words = fit_topic.decay_words(tuple(fit_run(r) for r in fit_topic.compared(s)))
    st.markdown(tr(key, **words))
    explain("generalization/fit_decay")
    link = {"label": tr("gen.fit.optimizers_link"), "query_params": {"lang": i18n.current_lang()}}
    st.page_link("pages/2_optimizers.py", icon=":material/arrow_forward:", **link)


section_penalty(dict(fit_values))

# 5. Dropout and 6. Parameters and hyperparameters (helper "dropout") ------------------------
st.header(tr("gen.sec.dropout"))
