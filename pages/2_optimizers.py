"""Optimizers on loss surfaces: paths on a contour map, progress per step, the state at a step."""

from __future__ import annotations

import streamlit as st

from core import optimizers, surfaces
from ui import i18n, state
from ui.figures.optimizers import (
    CONTROLS,
    PRESETS,
    SUGGESTED_LR,
    Control,
    fig_paths,
    fig_progress,
    fig_surface,
    hparams_for_core,
    state_table,
)
from ui.frame import page_frame
from ui.theme import color
from ui.widgets import chart, explain, swatch

tr = page_frame("optimizers")

DEFAULT_PICK = ("sgd", "momentum", "adam")
DEFAULT_KAPPA = 79.0  # SGD's limit 2/κ sits just above lr = 0.025 on the lr grid
BATCHES = (1, 2, 5, 10, 20, 50, 100, 200)
CONTOUR_N, SURFACE_N = 240, 60  # the map is an image of CONTOUR_N² pixels
SEEN_SURFACE = "_opt_surface"  # the surface drawn last: picking another loads its start and lrs


# --- cached calls into core, keyed on scalars ---------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def height_map(surf: str, sparams: tuple, n: int):
    surface = surfaces.get(surf, **dict(sparams))
    xs, ys, z = surfaces.grid(surface, n)
    return xs, ys, surfaces.log_height(z, surface.min_value)


@st.cache_data(max_entries=64, show_spinner=False)
def race(surf, sparams, name, hp, start, steps, sigma, batch, seed):
    """One optimizer's trace and its progress (f − f*, distance to a minimum), or None if torch
    would refuse these hyperparameters."""
    surface = surfaces.get(surf, **dict(sparams))
    if batch is not None and batch < surface.rows:
        gradient = surface.stochastic_gradient(batch, seed)
    elif sigma > 0:
        gradient = surfaces.noisy(surface.gradient, sigma, seed)
    else:
        gradient = surface.gradient
    try:
        run = optimizers.trace(name, gradient, start, steps, **hparams_for_core(dict(hp)))
    except ValueError:
        return None
    gap, distance = surfaces.path_metrics(surface, run.points)
    return run, gap, distance


Racers = tuple[tuple[str, tuple], ...]  # ((optimizer, sorted hyperparameters), …) in pick order


def races(surf: str, sparams: tuple, racers: Racers, start, steps, sigma, batch, seed):
    """Each racer's result (None if torch would refuse its hyperparameters), and, when the
    gradient is noisy, each valid racer's noise-free reference run."""
    results = {n: race(surf, sparams, n, hp, start, steps, sigma, batch, seed) for n, hp in racers}
    noisy = sigma > 0 or (batch is not None and batch < surfaces.get(surf, **dict(sparams)).rows)
    references = {
        n: race(surf, sparams, n, hp, start, steps, 0.0, None, seed)
        for n, hp in racers
        if noisy and results[n] is not None
    }
    return results, references


# --- the charts, built once per setting and language --------------------------------------------
# Building a plotly figure costs more than the runs behind it: each chart is one shared object
# (cache_resource: no copy per rerun; chart() never mutates it, plotly_chart serializes it).


@st.cache_resource(max_entries=16, show_spinner=False)
def paths_chart(surf, sparams, racers: Racers, start, steps, sigma, batch, seed, lang: str):
    results, references = races(surf, sparams, racers, start, steps, sigma, batch, seed)
    surface = surfaces.get(surf, **dict(sparams))
    xs, ys, z = height_map(surf, sparams, CONTOUR_N)
    paths = {n: r[0].points for n, r in results.items() if r is not None}
    refs = {n: r[0].points for n, r in references.items() if r is not None}
    tr = i18n.translator(lang)
    return fig_paths(surf, xs, ys, z, surface.minima, paths, refs, steps, tr)


@st.cache_resource(max_entries=8, show_spinner=False)
def surface_chart(surf, sparams, racers: Racers, start, steps, sigma, batch, seed, lang: str):
    results, _ = races(surf, sparams, racers, start, steps, sigma, batch, seed)
    surface = surfaces.get(surf, **dict(sparams))
    xs, ys, z = height_map(surf, sparams, SURFACE_N)
    lifted = {
        n: (r[0].points, surfaces.log_height(r[1], 0.0))
        for n, r in results.items()
        if r is not None
    }
    minima_h = surfaces.log_height(surface.minimum_values, surface.min_value)
    tr = i18n.translator(lang)
    return fig_surface(surf, xs, ys, z, minima_h, surface.minima, lifted, tr)


@st.cache_resource(max_entries=16, show_spinner=False)
def progress_chart(surf, sparams, racers: Racers, start, steps, sigma, batch, seed, lang: str):
    results, _ = races(surf, sparams, racers, start, steps, sigma, batch, seed)
    progress = {n: (r[1], r[2]) for n, r in results.items() if r is not None}
    tr = i18n.translator(lang)
    return fig_progress(progress, tr, "loss"), fig_progress(progress, tr, "distance")


# --- presets and surface changes ------------------------------------------------------------------


def apply_preset(preset: str) -> None:
    state.apply(PRESETS[preset])
    st.session_state[SEEN_SURFACE] = PRESETS[preset]["surf"]


def load_surface_defaults(surf: str) -> None:
    """Another surface was picked: its default start and suggested learning rates."""
    seen = st.session_state.get(SEEN_SURFACE)
    st.session_state[SEEN_SURFACE] = surf
    if seen is not None and seen != surf:
        x0, y0 = surfaces.REGISTRY[surf].starts[0]
        state.apply({"x0": x0, "y0": y0} | {f"{n}_lr": v for n, v in SUGGESTED_LR[surf].items()})


def draw_control(name: str, ctl: Control) -> object:
    key, label = f"{name}_{ctl.suffix}", tr(f"opt.hp.{ctl.hparam}")
    if ctl.kind == "number":
        return state.number(key, label, ctl.default, ctl.lo, ctl.hi, ctl.step)
    if ctl.kind == "choice":
        return state.choice(key, label, ctl.options, ctl.default, widget="select_slider")
    if ctl.kind == "log":
        return state.log_number(key, label, ctl.default, ctl.lo, ctl.hi, per_decade=1)
    return state.flag(key, label, ctl.default)


def surface_params(surf: str, where: object) -> dict[str, float]:
    """The slider of the surface's own parameter, if it has one."""
    if surf == "ravine":
        kappa = state.log_number("kappa", "κ", DEFAULT_KAPPA, 1.0, 1e3, per_decade=10, where=where,
                                 help=tr("opt.ctl.kappa_help"))  # fmt: skip
        return {"condition": kappa}
    if surf == "rosenbrock":
        b = state.log_number("rb", "b", 100.0, 1.0, 1e3, per_decade=10, where=where,
                             help=tr("opt.ctl.rb_help"))  # fmt: skip
        return {"b": b}
    if surf == "logistic":
        l2 = state.number("l2", "λ (L2)", 0.001, 0.0, 0.1, 0.001, fmt="%.3f", where=where,
                          help=tr("opt.ctl.l2_help"))  # fmt: skip
        return {"l2": l2}
    where.caption(tr("opt.ctl.no_params"))
    return {}


LR_RANGE = (1e-4, 10.0)


def lr_control(key: str, label: str, default: float) -> float:
    return state.log_number(key, label, default, *LR_RANGE, per_decade=10)


def more_label(name: str) -> str:
    """The popover's label names what is in it, for this optimizer."""
    behind = [tr(f"opt.hp.{c.hparam}") for c in CONTROLS[name] if not c.main]
    return tr("opt.ctl.more", what=", ".join(behind))


def control_spec(ctl: Control) -> state.Spec:
    if ctl.kind == "number":
        return state.Number(default=float(ctl.default), lo=ctl.lo, hi=ctl.hi, step=ctl.step)
    if ctl.kind == "choice":
        return state.Choice(default=ctl.default, options=ctl.options)
    if ctl.kind == "log":
        return state.LogNumber(default=ctl.default, options=state.log_grid(ctl.lo, ctl.hi, 1))
    return state.Flag(default=bool(ctl.default))


def check_unread(specs: dict[str, state.Spec]) -> None:
    """Link parameters that these settings do not draw a control for (lr without same_lr, κ off
    the ravine, an optimizer not picked): a bad value is named and dropped from the link like
    any other, a good one is kept for when its control appears. They are listed with the drawn
    controls' specs (what the link tests check a page against)."""
    known = st.session_state.setdefault(state.SPECS_KEY, {}).setdefault(state.current_page(), {})
    for key, spec in specs.items():
        known.setdefault(key, spec)
        raw = st.query_params.get_all(key)
        if not raw or state.widget_key(key) in st.session_state:
            continue
        try:
            spec.parse(raw)
        except state.Invalid:
            state.warn_ignored(key, spec.expected())
            del st.query_params[key]


def unread_specs(surf: str, picked: list[str], same: bool) -> dict[str, state.Spec]:
    lrs = state.log_grid(*LR_RANGE, 10)
    specs: dict[str, state.Spec] = {}
    if not same:
        specs["lr"] = state.LogNumber(default=0.01, options=lrs)
    for name in optimizers.NAMES:
        if same or name not in picked:
            specs[f"{name}_lr"] = state.LogNumber(default=SUGGESTED_LR["ravine"][name], options=lrs)
        if name not in picked:
            specs |= {f"{name}_{c.suffix}": control_spec(c) for c in CONTROLS[name]}
    surface_keys = {"ravine": "kappa", "rosenbrock": "rb", "logistic": "l2"}
    log_1000 = state.log_grid(1.0, 1e3, 10)
    others = {
        "kappa": state.LogNumber(default=DEFAULT_KAPPA, options=log_1000),
        "rb": state.LogNumber(default=100.0, options=log_1000),
        "l2": state.Number(default=0.001, lo=0.0, hi=0.1, step=0.001),
        "batch": state.Choice(default=200, options=BATCHES),
        "sigma": state.Number(default=0.0, lo=0.0, hi=5.0, step=0.1),
    }
    drawn = {surface_keys.get(surf), "batch" if surf == "logistic" else "sigma"}
    specs |= {k: v for k, v in others.items() if k not in drawn}
    return specs


# --- the page -------------------------------------------------------------------------------------

explain("optimizers/intro")

st.markdown(f"**{tr('opt.sec.presets')}**")
with st.container(horizontal=True, wrap=True, gap="small"):
    for preset in PRESETS:
        st.button(
            tr(f"opt.preset.{preset}"),
            key=f"preset_{preset}",
            help=tr(f"opt.preset.{preset}_help"),
            on_click=apply_preset,
            args=(preset,),
            width="content",
        )

# What to race on comes first and the map right after it; the finer settings follow the map
# (on a phone they would otherwise stand two screens between the presets and the race).
with st.container(border=True):
    top = st.columns([1.5, 2.8, 1.0])
    surf = state.choice(
        "surf",
        tr("opt.ctl.surface"),
        surfaces.NAMES,
        "ravine",
        format_func=lambda n: tr(f"opt.surface.{n}"),
        help=tr("opt.ctl.surface_help"),
        where=top[0],
    )
    load_surface_defaults(surf)
    picked = state.choices(
        "opt",
        tr("opt.ctl.pick"),
        optimizers.NAMES,
        DEFAULT_PICK,
        format_func=lambda n: tr(f"opt.name.{n}"),
        where=top[1],
    )
    steps = state.integer("steps", tr("opt.ctl.steps"), 100, 10, 500, 10, where=top[2])

st.header(tr("opt.sec.map"))
map_box = st.container()
settings = st.container(border=True)

with settings:
    row = st.columns(5)
    sparams = surface_params(surf, row[0])
    surface = surfaces.get(surf, **sparams)
    (xlo, xhi), (ylo, yhi) = surface.domain
    sx, sy = surface.starts[0]
    x0 = state.number("x0", tr("opt.ctl.x0"), sx, xlo, xhi, 0.01, where=row[1])
    y0 = state.number("y0", tr("opt.ctl.y0"), sy, ylo, yhi, 0.01, where=row[2])
    sigma, batch = 0.0, None
    if surf == "logistic":
        batch = state.choice("batch", tr("opt.ctl.batch"), BATCHES, 200, where=row[3],
                             widget="select_slider", help=tr("opt.ctl.batch_help"))  # fmt: skip
    else:
        sigma = state.number("sigma", tr("opt.ctl.sigma"), 0.0, 0.0, 5.0, 0.1, where=row[3],
                             help=tr("opt.ctl.sigma_help"))  # fmt: skip
    seed = state.integer("seed", tr("opt.ctl.seed"), 0, 0, 99, where=row[4])

    if batch is not None and batch < surface.rows:
        per_epoch = surface.stochastic_gradient(batch, seed).updates_per_epoch
        st.caption(
            tr("opt.epochs", batch=batch, per_epoch=per_epoch, epochs=f"{steps / per_epoch:g}")
        )

    same = state.flag("same_lr", tr("opt.ctl.same_lr"), False, help=tr("opt.ctl.same_lr_help"))
    check_unread(unread_specs(surf, picked, same))
    if not picked:
        map_box.info(tr("opt.pick_one"))
        st.stop()

    with st.expander(tr("opt.sec.hparams"), expanded=True):
        shared_lr = lr_control("lr", tr("opt.ctl.lr_all"), 0.01) if same else None
        hps: dict[str, tuple] = {}
        per_row = min(len(picked), 5)
        for i, name in enumerate(picked):
            if i % per_row == 0:
                columns = st.columns(per_row)
            with columns[i % per_row].container(border=True):
                swatch(color(name), tr(f"opt.name.{name}"))
                values = {
                    "lr": shared_lr or lr_control(f"{name}_lr", "lr", SUGGESTED_LR["ravine"][name])
                }
                values |= {c.hparam: draw_control(name, c) for c in CONTROLS[name] if c.main}
                with st.popover(more_label(name), width="stretch"):
                    values |= {
                        c.hparam: draw_control(name, c) for c in CONTROLS[name] if not c.main
                    }
                hps[name] = tuple(sorted(values.items()))

key_params = tuple(sorted(surface.params.items()))
setting = (
    surf,
    key_params,
    tuple((n, hps[n]) for n in picked),
    (x0, y0),
    steps,
    sigma,
    batch,
    seed,
)
results, _ = races(*setting)
runs = {n: r for n, r in results.items() if r is not None}
noisy = sigma > 0 or (batch is not None and batch < surface.rows)
lang = i18n.current_lang()

# 1. the race on the map ----------------------------------------------------------------------


@st.fragment
def section_map() -> None:
    for name, result in results.items():
        if result is None:
            st.warning(tr("opt.invalid", name=tr(f"opt.name.{name}")))
        elif result[0].diverged_at is not None:
            run = result[0]
            st.warning(
                tr(
                    "opt.diverged",
                    name=tr(f"opt.name.{name}"),
                    step=run.diverged_at,
                    why=tr(f"opt.reason.{run.reason}"),
                    lr=f"{run.hparams['lr']:g}",
                )
            )
    left, right = st.columns([3, 1])
    with right:
        view = state.choice(
            "view",
            tr("opt.ctl.view"),
            ("2d", "3d"),
            "2d",
            widget="radio",
            format_func=lambda v: tr(f"opt.view.{v}"),
        )
        explain(f"optimizers/surface_{surf}")
    with left:
        if view == "2d":
            chart(paths_chart(*setting, lang), key="paths")
            st.caption(tr("opt.map_caption"))
        else:
            chart(surface_chart(*setting, lang), key="surface")
        st.latex(surface.latex)


with map_box:
    section_map()

# 2. progress -----------------------------------------------------------------------------------
st.header(tr("opt.sec.progress"))
loss_fig, distance_fig = progress_chart(*setting, lang)
left, right = st.columns(2)
chart(loss_fig, key="progress_loss", where=left)
chart(distance_fig, key="progress_distance", where=right)
explain("optimizers/progress")
if noisy:
    explain("optimizers/noise")

# 3. inside each optimizer at one step -------------------------------------------------------------
st.header(tr("opt.sec.state"))


@st.fragment
def section_state() -> None:
    t = state.integer("t", tr("opt.ctl.t"), 1, 1, steps, help=tr("opt.ctl.t_help"))
    table, shown = state_table({n: r[0] for n, r in runs.items()}, t, tr)
    st.dataframe(table, hide_index=True, width="stretch")
    for name, k in shown.items():
        if k < t:
            st.caption(tr("opt.stopped_before", name=tr(f"opt.name.{name}"), step=k))


section_state()

tabs = st.tabs([tr(f"opt.name.{n}") for n in picked])
for name, tab in zip(picked, tabs, strict=True):
    with tab:
        eq, text = st.columns([1, 1])
        eq.latex(optimizers.LATEX[name])
        explain(f"optimizers/opt_{name}", where=text)

st.divider()
explain("optimizers/takeaways")
