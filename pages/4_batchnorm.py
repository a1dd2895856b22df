"""Batch normalization: normalize, scale and shift, recover, learn γ and β, train vs eval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, batchnorm, optimizers
from ui import i18n, state
from ui.figures.batchnorm import (
    Moments,
    fig_check_errors,
    fig_check_scatter,
    fig_gap_by_batch,
    fig_loss_curve,
    fig_plane,
    fig_running,
    fig_saturation,
    fig_steps,
    plane_window,
    power_of_ten,
)
from ui.frame import page_frame
from ui.widgets import chart, explain

GAMMA = state.Number(default=1.0, lo=0.0, hi=10.0, step=0.01)
BETA = state.Number(default=0.0, lo=-10.0, hi=10.0, step=0.01)
OPTIMIZERS = ("sgd", "momentum", "adam")
TARGETS = ("recover", "moments")
GAP_SIZES = (2, 4, 8, 16, 32, 64, 128, 256)
GAP_STEPS = 100  # each batch size's stream; the gap is averaged over its second half
GRID = 90  # loss-contour resolution per axis


# --- cached calls into core, keyed on scalars --------------------------------------------------


def _batch(dist: str, n: int, seed: int) -> np.ndarray:
    return batchnorm.sample_batch(dist, n, seed)[:, 0]


@st.cache_data(max_entries=32, show_spinner=False)
def recovery(dist: str, n: int, seed: int, eps: float) -> tuple[float, float, float]:
    """(γ*, β*) = (√(σ_B² + ε), μ_B) and max|y − x| when the layer uses exactly them."""
    x = _batch(dist, n, seed)
    g_star, b_star = batchnorm.recover_params(x, eps)
    exact = batchnorm.normalize_steps(x, g_star, b_star, eps)
    return g_star, b_star, float(np.max(np.abs(exact.y - x)))


@st.cache_data(max_entries=32, show_spinner=False)
def forward(dist: str, n: int, seed: int, eps: float, gamma: float, beta: float):
    x = _batch(dist, n, seed)
    s = batchnorm.normalize_steps(x, gamma, beta, eps)
    # Each stage's mean and std, measured by the same core routine that measures the input.
    of_hat, of_y = batchnorm.normalize_steps(s.x_hat), batchnorm.normalize_steps(s.y)
    moments = [
        Moments(s.mu_B, math.sqrt(s.var_B)),
        Moments(of_hat.mu_B, math.sqrt(of_hat.var_B)),
        Moments(of_y.mu_B, math.sqrt(of_y.var_B)),
    ]
    return s, moments, float(np.max(np.abs(s.y - x)))


@st.cache_data(max_entries=32, show_spinner=False)
def learning(
    dist: str, n: int, seed: int, eps: float, target: tuple, name: str, lr: float, steps: int
):
    x = _batch(dist, n, seed)
    loss = batchnorm.gamma_beta_loss(x, target, eps)
    run = optimizers.trace(name, loss.gradient, np.array([1.0, 0.0]), steps, lr=lr)
    rec = batchnorm.recover_params(x, eps)
    (g_lo, g_hi), (b_lo, b_hi) = plane_window((1.0, 0.0), [loss.minimum, rec])
    gammas, betas = np.linspace(g_lo, g_hi, GRID), np.linspace(b_lo, b_hi, GRID)
    grid = loss.value(gammas[None, :], betas[:, None])
    path_loss = loss.value(run.points[:, 0], run.points[:, 1])
    return loss, run.points, path_loss, run.diverged_at, gammas, betas, grid, rec


@st.cache_data(max_entries=32, show_spinner=False)
def stream(dist: str, size: int, steps: int, momentum: float, seed: int) -> pd.DataFrame:
    return batchnorm.running_stats_stream(dist, size, steps, momentum, seed)


@st.cache_data(max_entries=32, show_spinner=False)
def gap_by_batch(dist: str, momentum: float, seed: int) -> list[float]:
    return [
        float(
            stream(dist, size, GAP_STEPS, momentum, seed)["train_eval_gap"][GAP_STEPS // 2 :].mean()
        )
        for size in GAP_SIZES
    ]


@st.cache_data(max_entries=32, show_spinner=False)
def saturation(dist: str, n: int, seed: int, name: str):
    s = batchnorm.saturation_before_after(dist, n, seed, name)
    lo = min(-6.0, float(np.min(s.before)) - 0.5)
    hi = max(6.0, float(np.max(s.before)) + 0.5)
    xs = np.linspace(lo, hi, 401)
    dfx = activations.get(name).derivative(xs)
    return s, xs, dfx, activations.saturated_intervals(xs, dfx, s.threshold)


@st.cache_data(max_entries=32, show_spinner=False)
def gradient_check(dist: str, n: int, seed: int, eps: float) -> batchnorm.GradientCheck:
    # Upstream gradient dy: a fixed random draw, so L = Σ y·dy is a generic scalar loss.
    x = batchnorm.sample_batch(dist, n, seed)
    dy = batchnorm.sample_batch("normal", n, seed + 1)
    return batchnorm.gradient_check(x, dy, eps)


# --- the charts, built once per setting and language -------------------------------------------
# Building a plotly figure costs more than the NumPy behind it, so each chart is kept as one shared
# object (cache_resource: no copy per rerun; chart() never mutates it, plotly_chart serializes).


@st.cache_resource(max_entries=16, show_spinner=False)
def steps_chart(dist: str, n: int, seed: int, eps: float, gamma: float, beta: float, lang: str):
    s, moments, _ = forward(dist, n, seed, eps, gamma, beta)
    return fig_steps(s.x, s.x_hat, s.y, moments, i18n.translator(lang))


@st.cache_resource(max_entries=16, show_spinner=False)
def learning_charts(
    dist: str,
    n: int,
    seed: int,
    eps: float,
    target: tuple,
    name: str,
    lr: float,
    steps: int,
    lang: str,
):
    loss, path, path_loss, _, gammas, betas, grid, rec = learning(
        dist, n, seed, eps, target, name, lr, steps
    )
    tr = i18n.translator(lang)
    return (
        fig_plane(gammas, betas, grid, path, loss.minimum, rec, name, tr),
        fig_loss_curve(path_loss, name, tr),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def running_chart(dist: str, size: int, steps: int, momentum: float, seed: int, lang: str):
    population = batchnorm.population_stats(dist)
    return fig_running(stream(dist, size, steps, momentum, seed), population, i18n.translator(lang))


@st.cache_resource(max_entries=16, show_spinner=False)
def gap_chart(dist: str, momentum: float, seed: int, size: int, lang: str):
    return fig_gap_by_batch(
        GAP_SIZES, gap_by_batch(dist, momentum, seed), size, i18n.translator(lang)
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def saturation_chart(dist: str, n: int, seed: int, name: str, lang: str):
    s, xs, dfx, intervals = saturation(dist, n, seed, name)
    fractions = (s.fraction_before, s.fraction_after)
    return fig_saturation(
        s.before, s.after, xs, dfx, intervals, fractions, name, i18n.translator(lang)
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def check_charts(dist: str, n: int, seed: int, eps: float, lang: str):
    check, tr = gradient_check(dist, n, seed, eps), i18n.translator(lang)
    return fig_check_scatter(check, tr), fig_check_errors(check, tr)


def _fmt(value: float) -> str:
    return (
        f"{value:.2e}"
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5)
        else f"{value:.4g}"
    )


def _tex(value: float, digits: int = 4) -> str:
    """A number for LaTeX: 1e-05 as 10^{-5}, 2.5e-07 as 2.5·10^{-7}, else `digits` digits."""
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = rf"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa}\cdot {power}"


def _signed(value: float, digits: int = 4) -> str:
    """' + 5.187' or ' - 5.187': a term added to what precedes it."""
    return (" - " if value < 0 else " + ") + _tex(abs(value), digits)


# --- the page ----------------------------------------------------------------------------------

tr = page_frame("batchnorm")
lang = i18n.current_lang()
explain("batchnorm/intro")

with st.container(border=True):
    cols = st.columns([2, 2, 2, 2])
    dist = state.choice(
        "dist",
        tr("bn.ctl.dist"),
        batchnorm.DISTRIBUTIONS,
        "shifted_scaled",
        format_func=lambda v: tr(f"bn.dist.{v}"),
        help=tr("bn.ctl.dist_help"),
        where=cols[0],
    )
    n = state.integer("n", tr("bn.ctl.n"), 128, 2, 512, help=tr("bn.ctl.n_help"), where=cols[1])
    seed = state.integer(
        "seed", tr("bn.ctl.seed"), 0, 0, 999, help=tr("bn.ctl.seed_help"), where=cols[2]
    )
    eps = state.log_number(
        "eps", tr("bn.ctl.eps"), 1e-5, 1e-8, 1.0, help=tr("bn.ctl.eps_help"), where=cols[3]
    )
    info = st.columns([2, 2, 4])
    info[0].latex(r"x \sim " + batchnorm.DISTRIBUTION_REGISTRY[dist].latex)
    info[1].button(
        tr("bn.ctl.new_batch"),
        icon=":material/casino:",
        on_click=state.apply,
        args=({"seed": (seed + 1) % 1000},),
        width="stretch",
    )
    pop_mean, pop_var = batchnorm.population_stats(dist)
    info[2].caption(tr("bn.population", mean=f"{pop_mean:.4g}", var=f"{pop_var:.4g}"))

# 1. Step by step, and recovering the input --------------------------------------------------
st.header(tr("bn.sec.steps"))


@st.fragment
def section_steps(dist: str, n: int, seed: int, eps: float) -> None:
    g_star, b_star, exact_error = recovery(dist, n, seed, eps)
    # The sliders first: a phone stacks the columns, and γ, β belong above the chart they move.
    controls, plot = st.columns([1, 3])
    with controls:
        gamma = state.number("gamma", tr("bn.ctl.gamma"), 1.0, GAMMA.lo, GAMMA.hi, GAMMA.step)
        beta = state.number("beta", tr("bn.ctl.beta"), 0.0, BETA.lo, BETA.hi, BETA.step)
        st.button(
            tr("bn.ctl.recover"),
            icon=":material/undo:",
            type="primary",
            on_click=state.apply,
            args=({"gamma": GAMMA.snap(g_star), "beta": BETA.snap(b_star)},),
            help=tr("bn.ctl.recover_help"),
            width="stretch",
        )
        st.button(
            tr("bn.ctl.reset"),
            icon=":material/restart_alt:",
            on_click=state.apply,
            args=({"gamma": 1.0, "beta": 0.0},),
            width="stretch",
        )
    steps, _, slider_error = forward(dist, n, seed, eps, gamma, beta)
    with plot:
        chart(steps_chart(dist, n, seed, eps, gamma, beta, lang), key="steps")
    with controls:
        st.markdown(
            tr(
                "bn.recover_exact",
                gamma=f"{g_star:.6g}",
                beta=f"{b_star:.6g}",
                err=f"{exact_error:.1e}",
            )
        )
        st.markdown(
            tr(
                "bn.recover_slider",
                gamma=f"{gamma:.2f}",
                beta=f"{beta:.2f}",
                err=_fmt(slider_error),
            )
        )
        if (
            abs(GAMMA.snap(g_star) - g_star) > GAMMA.step
            or abs(BETA.snap(b_star) - b_star) > BETA.step
        ):
            st.info(tr("bn.recover_out_of_range"))
    # Three short pieces in columns rather than one long line: a phone stacks them.
    pieces = st.columns([2, 3, 2])
    pieces[0].latex(rf"\mu_B = {_tex(steps.mu_B)},\quad \sigma_B^2 = {_tex(steps.var_B)}")
    centred = rf"x_i{_signed(-steps.mu_B)}"
    pieces[1].latex(
        rf"\hat x_i = \frac{{{centred}}}{{\sqrt{{{_tex(steps.var_B)} + {_tex(eps)}}}}}"
        rf" = \frac{{{centred}}}{{{_tex(steps.std_B)}}}"
    )
    pieces[2].latex(rf"y_i = {gamma:.2f}\,\hat x_i {'-' if beta < 0 else '+'} {abs(beta):.2f}")
    explain("batchnorm/steps")


section_steps(dist, n, seed, eps)
explain("batchnorm/recover")

# 2. Learning γ and β ---------------------------------------------------------------------------
st.header(tr("bn.sec.learning"))


@st.fragment
def section_learning(dist: str, n: int, seed: int, eps: float) -> None:
    cols = st.columns([2, 1, 1, 2, 2, 2])
    kind = state.choice(
        "target",
        tr("bn.ctl.target"),
        TARGETS,
        "recover",
        format_func=lambda v: tr(f"bn.target.{v}"),
        widget="radio",
        where=cols[0],
    )
    target: tuple = ("recover",)
    if kind == "moments":
        t_mean = state.number("tmean", tr("bn.ctl.tmean"), 2.0, -5.0, 5.0, 0.1, where=cols[1])
        t_std = state.number("tstd", tr("bn.ctl.tstd"), 0.5, 0.0, 5.0, 0.1, where=cols[2])
        target = ("moments", t_mean, t_std)
    name = state.choice(
        "opt",
        tr("bn.ctl.opt"),
        OPTIMIZERS,
        "sgd",
        format_func=lambda v: tr(f"bn.opt.{v}"),
        widget="radio",
        where=cols[3],
    )
    lr = state.log_number(
        "lr", tr("bn.ctl.lr"), 0.1, 1e-3, 2.0, help=tr("bn.ctl.lr_help"), where=cols[4]
    )
    steps = state.integer("steps", tr("bn.ctl.steps"), 100, 10, 500, 10, where=cols[5])
    try:
        loss, path, path_loss, diverged, *_ = learning(dist, n, seed, eps, target, name, lr, steps)
    except ValueError:  # a constant batch: γ has no effect, so there is no single minimum
        st.warning(tr("bn.constant_batch"))
        return
    plane, curve = learning_charts(dist, n, seed, eps, target, name, lr, steps, lang)
    left, right = st.columns([3, 2])
    chart(plane, key="learning", where=left)
    chart(curve, key="learning_loss", where=right)
    if diverged is not None:
        st.warning(tr("bn.diverged", step=diverged, lr=f"{lr:g}"))
    left, right = st.columns([1, 1])
    with left:
        st.latex(loss.latex)
        st.markdown(
            tr(
                "bn.learning_result",
                steps=len(path) - 1,
                gamma=f"{path[-1, 0]:.4g}",
                beta=f"{path[-1, 1]:.4g}",
                g_star=f"{loss.minimum[0]:.4g}",
                b_star=f"{loss.minimum[1]:.4g}",
                loss=f"{path_loss[-1]:.2e}",
            )
        )
    with right:
        explain("batchnorm/learning")


section_learning(dist, n, seed, eps)

# 3. Train vs eval ------------------------------------------------------------------------------
st.header(tr("bn.sec.train_eval"))


@st.fragment
def section_train_eval(dist: str, seed: int, population: tuple[float, float]) -> None:
    cols = st.columns(3)
    momentum = state.number(
        "mom",
        tr("bn.ctl.momentum"),
        0.1,
        0.0,
        1.0,
        0.01,
        help=tr("bn.ctl.momentum_help"),
        where=cols[0],
    )
    size = state.integer(
        "sn", tr("bn.ctl.stream_n"), 8, 2, 256, help=tr("bn.ctl.stream_n_help"), where=cols[1]
    )
    steps = state.integer("stream", tr("bn.ctl.stream_steps"), 200, 20, 500, 10, where=cols[2])
    table = stream(dist, size, steps, momentum, seed)
    left, right = st.columns([3, 2])
    with left:
        chart(running_chart(dist, size, steps, momentum, seed, lang), key="running")
    with right:
        chart(gap_chart(dist, momentum, seed, size, lang), key="gap_by_batch")
        last = table.iloc[-1]
        st.markdown(
            tr(
                "bn.running_result",
                steps=steps,
                mean=f"{last['running_mean']:.4g}",
                var=f"{last['running_var']:.4g}",
                true_mean=f"{population[0]:.4g}",
                true_var=f"{population[1]:.4g}",
                gap=f"{table['train_eval_gap'][steps // 2 :].mean():.3g}",
            )
        )
        st.latex(batchnorm.LATEX_RUNNING)
        st.latex(batchnorm.LATEX_EVAL)
    explain("batchnorm/train_eval")


section_train_eval(dist, seed, (pop_mean, pop_var))

# 4. Why it helps: saturation -------------------------------------------------------------------
st.header(tr("bn.sec.saturation"))


@st.fragment
def section_saturation(dist: str, n: int, seed: int) -> None:
    left, right = st.columns([3, 1])
    with right:
        name = state.choice(
            "act",
            tr("bn.ctl.act"),
            ("tanh", "sigmoid"),
            "tanh",
            format_func=lambda v: tr(f"bn.act.{v}"),
            widget="radio",
        )
    s = saturation(dist, n, seed, name)[0]
    with left:
        chart(saturation_chart(dist, n, seed, name, lang), key="saturation")
    with right:
        st.metric(tr("bn.saturated_before"), f"{s.fraction_before:.0%}")
        st.metric(tr("bn.saturated_after"), f"{s.fraction_after:.0%}")
        explain("batchnorm/saturation")
    with left:
        st.page_link(
            "pages/3_initialization.py",
            label=tr("bn.init_link"),
            icon=":material/stacked_bar_chart:",
            query_params={"lang": i18n.current_lang()},
        )


section_saturation(dist, n, seed)

# 5. Formulas and a gradient check --------------------------------------------------------------
st.header(tr("bn.sec.formulas"))
left, right = st.columns(2)
with left:
    st.markdown(f"**{tr('bn.forward')}**")
    st.latex(batchnorm.LATEX_FORWARD)
with right:
    st.markdown(f"**{tr('bn.backward')}**")
    st.latex(batchnorm.LATEX_BACKWARD)
check = gradient_check(dist, n, seed, eps)
scatter, errors = check_charts(dist, n, seed, eps, lang)
left, right = st.columns([3, 2])
chart(scatter, key="gradient_check", where=left)
chart(errors, key="gradient_errors", where=right)
st.dataframe(
    pd.DataFrame(
        {
            tr("bn.col.quantity"): ["∂L/∂γ", "∂L/∂β", "∂L/∂x₁", "∂L/∂x₂"],
            tr("bn.col.analytic"): [
                f"{v:.10g}" for v in (check.dgamma[0], check.dbeta[0], *check.dx[:2, 0])
            ],
            tr("bn.col.numeric"): [
                f"{v:.10g}"
                for v in (check.dgamma_numeric[0], check.dbeta_numeric[0], *check.dx_numeric[:2, 0])
            ],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.markdown(
    tr(
        "bn.check_result",
        n=n,
        err=f"{check.max_rel_error:.1e}",
        mark=power_of_ten(batchnorm.GRADIENT_CHECK_PASS),
        total=f"{float(check.dx.sum()):.1e}",
    )
)
explain("batchnorm/formulas")

st.divider()
explain("batchnorm/takeaways")
