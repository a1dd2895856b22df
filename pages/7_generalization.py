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
fit_restore = cache.computation(max_entries=24)(
    heavy.gated(fit_topic.restore_cost)(regularization.restore)
)


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


# 3. Train and test over epochs and 4. L2 and L1 (helper "training") ------------------------
st.header(tr("gen.sec.epochs"))
explain("generalization/fit_epochs")
for name, box in zip(fit_topic.PRESETS, st.columns(len(fit_topic.PRESETS)), strict=True):
    look = {"args": (fit_topic.PRESETS[name],), "help": tr(f"gen.fit.preset.{name}_help")}
    box.button(tr(f"gen.fit.preset.{name}"), on_click=state.apply, width="stretch", **look)
fit_values, _ = fit_draw(fit_topic.DATA_KEYS)


@st.fragment
def section_epochs(s) -> None:
    values, _ = fit_draw(fit_topic.STOP_KEYS)
    try:
        losses, at_best, at_last, said = fit_epoch_charts(s, values["fitpat"], values["fitdelta"])
    except heavy.Busy:
        st.warning(tr("gen.fit.busy"))
        return
    chart(losses, key="fit_epochs")
    st.markdown(said)
    side_by_side([at_best, at_last], ("fit_best", "fit_last"))
    explain("generalization/fit_stopping")


section_epochs(fit_topic.settings(fit_values))
st.header(tr("gen.sec.penalty"))
explain("generalization/fit_penalty")


@st.fragment
def section_penalty(values) -> None:
    drawn, boxes = fit_draw(fit_topic.PENALTY_KEYS, extra=1)
    if (values := values | drawn)["fitreg"] == "l1":
        values["fitl1"] = state.draw(CONTROLS["fitl1"], where=boxes[-1])
    state.check_undrawn(fit_topic.TABLE)
    try:
        losses, histogram, said, fits, norms, decay = fit_penalty_charts(
            fit_topic.penalized(values)
        )
    except heavy.Busy:
        st.warning(tr("gen.fit.busy"))
        return
    side_by_side([losses, histogram], ("fit_penalty", "fit_hist"))
    st.markdown(said)
    side_by_side([fits, norms], ("fit_fits", "fit_norms"))
    st.markdown(decay)
    explain("generalization/fit_decay")
    link = {"label": tr("gen.fit.optimizers_link"), "query_params": {"lang": i18n.current_lang()}}
    st.page_link("pages/2_optimizers.py", icon=":material/arrow_forward:", **link)


section_penalty(dict(fit_values))

# 5. Dropout and 6. Parameters and hyperparameters (helper "dropout") ------------------------
st.header(tr("gen.sec.dropout"))
