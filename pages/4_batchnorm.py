"""Batch normalization: normalize, scale and shift, recover, learn γ and β, train vs eval."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import batchnorm
from core import batchnorm_experiments as bn
from ui import cache, i18n, state
from ui.figures import batchnorm as figures
from ui.frame import page_frame
from ui.snippets import batchnorm as snippets
from ui.topics import batchnorm as topic
from ui.topics.batchnorm import CONTROLS, GAP_SIZES, GAP_STEPS, LOSS_GRID
from ui.widgets import chart, explain, in_pytorch

# --- calls into core, keyed on the page's scalar settings ----------------------------------------

recovery = cache.computation()(bn.recovery)
stages = cache.computation()(bn.stages)
learning_run = cache.computation()(bn.learning_run)
train_eval = cache.computation()(bn.train_eval)
gap_by_batch = cache.computation()(bn.gap_by_batch)
saturation = cache.computation()(bn.saturation)
gradient_check = cache.computation()(bn.gradient_check_of_batch)


# --- the charts, built once per setting and language ---------------------------------------------


@cache.chart()
def steps_chart(dist, n, seed, eps, gamma, beta, tr):
    s = stages(dist, n, seed, eps, gamma, beta)
    return figures.fig_steps(s.steps.x, s.steps.x_hat, s.steps.y, s.moments, tr)


@cache.chart()
def learning_charts(dist, n, seed, eps, target, name, lr, steps, tr):
    run = learning_run(dist, n, seed, eps, target, name, lr, steps, LOSS_GRID)
    return (
        figures.fig_plane(
            run.gammas, run.betas, run.grid, run.path, run.loss.minimum, run.recovery, name, tr
        ),
        figures.fig_loss_curve(run.path_loss, name, tr),
    )


@cache.chart()
def running_chart(dist, size, steps, momentum, seed, tr):
    run = train_eval(dist, size, steps, momentum, seed)
    return figures.fig_running(run.stream, run.population, tr)


@cache.chart()
def gap_chart(dist, momentum, seed, size, tr):
    gap = gap_by_batch(dist, momentum, seed, GAP_SIZES, GAP_STEPS)
    return figures.fig_gap_by_batch(gap.sizes, gap.gaps, size, tr)


@cache.chart()
def saturation_chart(dist, n, seed, name, tr):
    s = saturation(dist, n, seed, name)
    c, curve = s.comparison, (s.z, s.derivative, s.saturated)
    shares = (c.fraction_before, c.fraction_after)
    return figures.fig_saturation(c.before, c.after, *curve, shares, name, tr)


@cache.chart()
def check_charts(dist, n, seed, eps, tr):
    check = gradient_check(dist, n, seed, eps)
    return figures.fig_check_scatter(check, tr), figures.fig_check_errors(check, tr)


# --- numbers as the page prints them -------------------------------------------------------------


def _fmt(value: float) -> str:
    """Four digits, or a mantissa and an exponent below 10⁻³ and from 10⁵ up."""
    tiny_or_huge = value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5)
    return f"{value:.2e}" if tiny_or_huge else f"{value:.4g}"


def button(label: str, values: dict, *, where=st, **look) -> None:
    """A full-width button that sets the controls in `values` (a preset, the recovery point)."""
    where.button(tr(label), on_click=state.apply, args=(values,), width="stretch", **look)


# --- the page ------------------------------------------------------------------------------------

tr = page_frame("batchnorm")
explain("batchnorm/intro")

with st.container(border=True):
    batch = zip(("dist", "n", "seed", "eps"), st.columns([2, 2, 2, 2]), strict=True)
    dist, n, seed, eps = (state.draw(CONTROLS[key], where=box) for key, box in batch)
    info = st.columns([2, 2, 4])
    info[0].latex(r"x \sim " + batchnorm.DISTRIBUTION_REGISTRY[dist].latex)
    button("bn.ctl.new_batch", topic.next_batch(seed), icon=":material/casino:", where=info[1])
    pop_mean, pop_var = batchnorm.population_stats(dist)  # closed form: a lookup
    info[2].caption(tr("bn.population", mean=f"{pop_mean:.4g}", var=f"{pop_var:.4g}"))

# 1. Step by step, and recovering the input --------------------------------------------------
st.header(tr("bn.sec.steps"))


@st.fragment
def section_steps(dist: str, n: int, seed: int, eps: float) -> None:
    exact = recovery(dist, n, seed, eps)
    # The sliders first: a phone stacks the columns, and γ, β belong above the chart they move.
    controls, plot = st.columns([1, 3])
    with controls:
        gamma, beta = state.draw(CONTROLS["gamma"]), state.draw(CONTROLS["beta"])
        recover = {"icon": ":material/undo:", "type": "primary", "help": tr("bn.ctl.recover_help")}
        button("bn.ctl.recover", topic.recovered(exact), **recover)
        button("bn.ctl.reset", topic.PRESETS["reset"], icon=":material/restart_alt:")
    s = stages(dist, n, seed, eps, gamma, beta)
    chart(steps_chart(dist, n, seed, eps, gamma, beta), key="steps", where=plot)
    with controls:
        g, b, err = f"{exact.gamma:.6g}", f"{exact.beta:.6g}", f"{exact.error:.1e}"
        st.markdown(tr("bn.recover_exact", gamma=g, beta=b, err=err))
        err = _fmt(s.distance_to_input)
        st.markdown(tr("bn.recover_slider", gamma=f"{gamma:.2f}", beta=f"{beta:.2f}", err=err))
        if not topic.recovery_in_reach(exact):
            st.info(tr("bn.recover_out_of_range"))
    # Three short pieces in columns rather than one long line: a phone stacks them.
    for piece, formula in zip(st.columns([2, 3, 2]), s.formulas, strict=True):
        piece.latex(formula)
    explain("batchnorm/steps")
    in_pytorch(snippets.steps, state.values(CONTROLS))


section_steps(dist, n, seed, eps)
explain("batchnorm/recover")

# 2. Learning γ and β ---------------------------------------------------------------------------
st.header(tr("bn.sec.learning"))


@st.fragment
def section_learning(dist: str, n: int, seed: int, eps: float) -> None:
    cols = st.columns([2, 1, 1, 2, 2, 2])
    target: tuple = (state.draw(CONTROLS["target"], where=cols[0]),)
    if target == ("moments",):
        target += (state.draw(CONTROLS["tmean"], where=cols[1]),)
        target += (state.draw(CONTROLS["tstd"], where=cols[2]),)
    name = state.draw(CONTROLS["opt"], where=cols[3])
    lr = state.draw(CONTROLS["lr"], where=cols[4])
    steps = state.draw(CONTROLS["steps"], where=cols[5])
    try:
        run = learning_run(dist, n, seed, eps, target, name, lr, steps, LOSS_GRID)
    except ValueError:  # a constant batch: γ has no effect, so there is no single minimum
        st.warning(tr("bn.constant_batch"))
        return
    plane, curve = learning_charts(dist, n, seed, eps, target, name, lr, steps)
    left, right = st.columns([3, 2])
    chart(plane, key="learning", where=left)
    chart(curve, key="learning_loss", where=right)
    if run.diverged_at is not None:
        st.warning(tr("bn.diverged", step=run.diverged_at, lr=f"{lr:g}"))
    left, right = st.columns([1, 1])
    with left:
        st.latex(run.loss.latex)
        (gamma, beta), (g_star, b_star) = run.path[-1], run.loss.minimum
        ends = {"gamma": gamma, "beta": beta, "g_star": g_star, "b_star": b_star}
        ends = {key: f"{value:.4g}" for key, value in ends.items()}
        loss = f"{run.path_loss[-1]:.2e}"
        st.markdown(tr("bn.learning_result", steps=len(run.path) - 1, loss=loss, **ends))
    with right:
        explain("batchnorm/learning")
    in_pytorch(snippets.learning, state.values(CONTROLS))


section_learning(dist, n, seed, eps)

# 3. Train vs eval ------------------------------------------------------------------------------
st.header(tr("bn.sec.train_eval"))


@st.fragment
def section_train_eval(dist: str, seed: int) -> None:
    stream = zip(("mom", "sn", "stream"), st.columns(3), strict=True)
    momentum, size, steps = (state.draw(CONTROLS[key], where=box) for key, box in stream)
    run = train_eval(dist, size, steps, momentum, seed)
    left, right = st.columns([3, 2])
    chart(running_chart(dist, size, steps, momentum, seed), key="running", where=left)
    with right:
        chart(gap_chart(dist, momentum, seed, size), key="gap_by_batch")
        last, (true_mean, true_var) = run.stream.iloc[-1], run.population
        ends = {"mean": last["running_mean"], "var": last["running_var"]}
        ends |= {"true_mean": true_mean, "true_var": true_var}
        ends = {key: f"{value:.4g}" for key, value in ends.items()}
        gap = f"{run.settled_gap:.3g}"
        st.markdown(tr("bn.running_result", steps=steps, gap=gap, **ends))
        st.latex(batchnorm.LATEX_RUNNING)
        st.latex(batchnorm.LATEX_EVAL)
    explain("batchnorm/train_eval")
    in_pytorch(snippets.train_eval, state.values(CONTROLS))


section_train_eval(dist, seed)

# 4. Why it helps: saturation -------------------------------------------------------------------
st.header(tr("bn.sec.saturation"))


@st.fragment
def section_saturation(dist: str, n: int, seed: int) -> None:
    left, right = st.columns([3, 1])
    name = state.draw(CONTROLS["act"], where=right)
    shares = saturation(dist, n, seed, name).comparison
    chart(saturation_chart(dist, n, seed, name), key="saturation", where=left)
    right.metric(tr("bn.saturated_before"), f"{shares.fraction_before:.0%}")
    right.metric(tr("bn.saturated_after"), f"{shares.fraction_after:.0%}")
    explain("batchnorm/saturation", where=right)
    to_init = {"label": tr("bn.init_link"), "query_params": {"lang": i18n.current_lang()}}
    left.page_link("pages/3_initialization.py", icon=":material/stacked_bar_chart:", **to_init)
    in_pytorch(snippets.saturation, state.values(CONTROLS))


section_saturation(dist, n, seed)

# 5. Formulas and a gradient check --------------------------------------------------------------
st.header(tr("bn.sec.formulas"))
left, right = st.columns(2)
left.markdown(f"**{tr('bn.forward')}**")
left.latex(batchnorm.LATEX_FORWARD)
right.markdown(f"**{tr('bn.backward')}**")
right.latex(batchnorm.LATEX_BACKWARD)
check = gradient_check(dist, n, seed, eps)
scatter, errors = check_charts(dist, n, seed, eps)
left, right = st.columns([3, 2])
chart(scatter, key="gradient_check", where=left)
chart(errors, key="gradient_errors", where=right)
analytic = (check.dgamma[0], check.dbeta[0], *check.dx[:2, 0])
numeric = (check.dgamma_numeric[0], check.dbeta_numeric[0], *check.dx_numeric[:2, 0])
rows = {
    tr("bn.col.quantity"): ["∂L/∂γ", "∂L/∂β", "∂L/∂x₁", "∂L/∂x₂"],
    tr("bn.col.analytic"): [f"{v:.10g}" for v in analytic],
    tr("bn.col.numeric"): [f"{v:.10g}" for v in numeric],
}
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
err, total = f"{check.max_rel_error:.1e}", f"{check.dx_sum:.1e}"
mark = figures.power_of_ten(batchnorm.GRADIENT_CHECK_PASS)
st.markdown(tr("bn.check_result", n=n, err=err, mark=mark, total=total))
explain("batchnorm/formulas")
in_pytorch(snippets.gradients, state.values(CONTROLS))

st.divider()
explain("batchnorm/takeaways")
