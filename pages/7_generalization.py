"""Overfitting, underfitting and regularization: capacity, data, epochs, L2/L1, dropout."""

from __future__ import annotations

import streamlit as st

from core import capacity, regularization, search
from ui import cache, heavy, i18n, state
from ui.figures import gen_capacity as cap_figures
from ui.frame import page_frame
from ui.snippets import generalization as snippets
from ui.topics.generalization import CONTROLS
from ui.topics.generalization import capacity as cap
from ui.topics.generalization import dropout as drop
from ui.topics.generalization import training as fit_topic
from ui.widgets import chart, explain, in_pytorch, side_by_side

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


def fit_draw(keys, extra=0):
    boxes = st.columns(len(keys) + extra)
    return {k: state.draw(CONTROLS[k], where=b) for k, b in zip(keys, boxes, strict=False)}, boxes


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
    in_pytorch(snippets.capacity_fits, state.values(CONTROLS))


section_capacity()
st.header(tr("gen.sec.data"))


@st.fragment
def section_data() -> None:
    cap_presets(cap.DATA_PRESETS)
    keys = cap.LEARNING_KEYS
    v = fit_draw(keys)[0]
    state.check_undrawn(CONTROLS)
    args = cap.learning_args(v)
    side_by_side(learning_charts(args), ("cap_learning_low", "cap_learning_high"))
    for key, words in cap.learning_words(learning(*args)):
        st.markdown(tr(key, **words))
    explain("generalization/cap_data")
    in_pytorch(snippets.learning, state.values(CONTROLS))


section_data()
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


# 3. Train and test over epochs and 4. L2 and L1 (helper "training") ------------------------
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
    in_pytorch(snippets.penalty, state.values(CONTROLS))


@st.fragment
def section_training() -> None:
    """Sections 3 and 4 share the run's data controls; each redraws alone for its own controls."""
    st.header(tr("gen.sec.epochs"))
    explain("generalization/fit_epochs")
    for name, box in zip(fit_topic.PRESETS, st.columns(len(fit_topic.PRESETS)), strict=True):
        look = {"args": (fit_topic.PRESETS[name],), "help": tr(f"gen.fit.preset.{name}_help")}
        box.button(tr(f"gen.fit.preset.{name}"), on_click=state.apply, width="stretch", **look)
    fit_values, _ = fit_draw(fit_topic.DATA_KEYS)
    section_epochs(fit_topic.settings(fit_values))
    st.header(tr("gen.sec.penalty"))
    explain("generalization/fit_penalty")
    section_penalty(dict(fit_values))


section_training()

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
def drop_parts(names, p, seed) -> None:
    """Some of section 5's parts: their own controls rerun only them (p and the seed, above,
    rerun the whole section)."""
    v = {"drp": p, "drseed": seed}
    view = drop_view(p, seed)
    for part in names:
        st.subheader(tr(f"gen.drop.sub.{part}"))
        if keys := drop.PART_KEYS[part]:
            boxes = st.columns(len(keys))
            v |= {k: state.draw(CONTROLS[k], where=b) for k, b in zip(keys, boxes, strict=True)}
        figures = drop_charts(part, p, seed, drop.args(part, v))
        if note := drop.chart_note(part, view):  # p = 0: nothing random to plot
            left, right = st.columns(2)
            left.info(tr(note))
            chart(figures[1], key=f"gd_{part}_b", where=right)
        else:
            side_by_side(figures, (f"gd_{part}_a", f"gd_{part}_b"))
        st.markdown(tr(drop.say_key(part, view), **drop.words(part, view, v)))
        explain(f"generalization/drop_{part}")


@st.fragment
def section_dropout() -> None:
    for name, box in zip(drop.DROP_PRESETS, st.columns(len(drop.DROP_PRESETS)), strict=True):
        look = {"args": (drop.PRESETS[name],), "help": tr(f"gen.drop.preset.{name}_help")}
        box.button(tr(f"gen.drop.preset.{name}"), on_click=state.apply, width="stretch", **look)
    v = list(fit_draw(drop.TOP_KEYS)[0].values())
    for names in drop.FRAGMENTS:
        drop_parts(names, *v)
    state.check_undrawn(CONTROLS)
    in_pytorch(snippets.dropout_unit, state.values(CONTROLS))


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
