"""Optimizers on loss surfaces: paths on a contour map, progress per step, the state at a step."""

from __future__ import annotations

import streamlit as st

from core import optimizers, race, surfaces
from ui import cache, state
from ui.figures import optimizers as figures
from ui.frame import page_frame
from ui.snippets import optimizers as snippets
from ui.theme import color
from ui.topics import optimizers as topic
from ui.topics.optimizers import CONTROLS, HYPERPARAMETERS, Track
from ui.widgets import chart, explain, in_pytorch, side_by_side, swatch

SEEN_SURFACE = "_opt_surface"  # the surface drawn last: picking another loads its start and lrs
Racers = tuple[tuple[str, tuple], ...]  # ((optimizer, sorted hyperparameters), …) in pick order


# --- calls into core, keyed on scalars -----------------------------------------------------------


@cache.computation(max_entries=16)
def height_map(surf: str, sparams: tuple, n: int) -> surfaces.HeightMap:
    return surfaces.height_map(surfaces.get(surf, **dict(sparams)), n)


@cache.computation(max_entries=64)
def run(track: Track, name: str, hp: tuple) -> race.Run | None:
    hparams = topic.hparams_for_core(dict(hp))
    return race.run(track.oracle(), name, track.start, track.steps, **hparams)


def races(track: Track, racers: Racers) -> tuple[dict, dict]:
    """Each racer's run (None if torch would refuse its hyperparameters), and, when the gradient
    is stochastic, each valid racer's run on the exact gradient."""
    results = {n: run(track, n, hp) for n, hp in racers}
    noisy = track.oracle().stochastic
    exact = track.exact()
    references = {n: run(exact, n, hp) for n, hp in racers if noisy and results[n] is not None}
    return results, references


# --- the charts, built once per setting and language ---------------------------------------------


@cache.chart(max_entries=16)
def paths_chart(track: Track, racers: Racers, tr):
    results, references = races(track, racers)
    shade = height_map(track.surf, track.sparams, topic.MAP_N)
    paths = {n: r.points for n, r in results.items() if r is not None}
    refs = {n: r.points for n, r in references.items() if r is not None}
    shown = (shade.xs, shade.ys, shade.heights, shade.minima)
    return figures.fig_paths(track.surf, *shown, paths, refs, track.steps, tr)


@cache.chart(max_entries=8)
def surface_chart(track: Track, racers: Racers, tr):
    results, _ = races(track, racers)
    shade = height_map(track.surf, track.sparams, topic.SURFACE_N)
    lifted = {n: (r.points, r.heights) for n, r in results.items() if r is not None}
    shown = (shade.xs, shade.ys, shade.heights, shade.minima_heights, shade.minima)
    return figures.fig_surface(track.surf, *shown, lifted, tr)


@cache.chart(max_entries=16)
def progress_charts(track: Track, racers: Racers, tr):
    results, _ = races(track, racers)
    progress = {n: (r.gap, r.distance) for n, r in results.items() if r is not None}
    return tuple(figures.fig_progress(progress, tr, metric) for metric in ("loss", "distance"))


# --- presets and surface changes -----------------------------------------------------------------


def apply_preset(preset: str) -> None:
    state.apply(topic.PRESETS[preset])
    st.session_state[SEEN_SURFACE] = topic.PRESETS[preset]["surf"]


def load_surface_defaults(surf: str) -> None:
    """Another surface was picked: its default start and suggested learning rates."""
    seen = st.session_state.get(SEEN_SURFACE)
    st.session_state[SEEN_SURFACE] = surf
    if seen is not None and seen != surf:
        state.apply(topic.surface_defaults(surf))


def more_label(name: str) -> str:
    """The popover's label names what is in it, for this optimizer."""
    behind = [tr(f"opt.hp.{h.hparam}") for h in HYPERPARAMETERS[name] if not h.main]
    return tr("opt.ctl.more", what=", ".join(behind))


# --- the page ------------------------------------------------------------------------------------

tr = page_frame("optimizers")
explain("optimizers/intro")

st.markdown(f"**{tr('opt.sec.presets')}**")
with st.container(horizontal=True, wrap=True, gap="small"):
    for preset in topic.PRESETS:
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
    surf = state.draw(CONTROLS["surf"], where=top[0])
    load_surface_defaults(surf)
    picked = state.draw(CONTROLS["opt"], where=top[1])
    steps = state.draw(CONTROLS["steps"], where=top[2])

st.header(tr("opt.sec.map"))
map_box = st.container()
settings = st.container(border=True)

with settings:
    row = st.columns(5)
    sparams: dict[str, float] = {}
    if surf in topic.SURFACE_PARAMETERS:
        key, name = topic.SURFACE_PARAMETERS[surf]
        sparams[name] = state.draw(CONTROLS[key], where=row[0])
    else:
        row[0].caption(tr("opt.ctl.no_params"))
    shape = surfaces.REGISTRY[surf]
    (xlo, xhi), (ylo, yhi) = shape.domain
    sx, sy = shape.starts[0]
    x0 = state.draw(CONTROLS["x0"], where=row[1], default=sx, lo=xlo, hi=xhi)
    y0 = state.draw(CONTROLS["y0"], where=row[2], default=sy, lo=ylo, hi=yhi)
    sigma, batch = 0.0, None
    if surf == "logistic":
        batch = state.draw(CONTROLS["batch"], where=row[3])
    else:
        sigma = state.draw(CONTROLS["sigma"], where=row[3])
    seed = state.draw(CONTROLS["seed"], where=row[4])
    track = Track(surf, tuple(sorted(sparams.items())), (x0, y0), steps, sigma, batch, seed)
    gradient = track.oracle()
    if gradient.minibatch:
        per_epoch, epochs = gradient.updates_per_epoch, gradient.epochs(steps)
        st.caption(tr("opt.epochs", batch=batch, per_epoch=per_epoch, epochs=f"{epochs:g}"))

    same = state.draw(CONTROLS["same_lr"])
    if not picked:
        state.check_undrawn(CONTROLS)
        map_box.info(tr("opt.pick_one"))
        st.stop()

    with st.expander(tr("opt.sec.hparams"), expanded=True):
        shared_lr = state.draw(CONTROLS["lr"]) if same else None
        hps: dict[str, tuple] = {}
        per_row = min(len(picked), 5)
        for i, name in enumerate(picked):
            if i % per_row == 0:
                columns = st.columns(per_row)
            with columns[i % per_row].container(border=True):
                swatch(color(name), tr(f"opt.name.{name}"))
                values = {"lr": shared_lr or state.draw(CONTROLS[f"{name}_lr"])}
                card = [h for h in HYPERPARAMETERS[name] if h.main]
                values |= {h.hparam: state.draw(CONTROLS[h.key]) for h in card}
                with st.popover(more_label(name), width="stretch"):
                    more = [h for h in HYPERPARAMETERS[name] if not h.main]
                    values |= {h.hparam: state.draw(CONTROLS[h.key]) for h in more}
                hps[name] = tuple(sorted(values.items()))

racers = tuple((n, hps[n]) for n in picked)
results, _ = races(track, racers)
runs = {n: r for n, r in results.items() if r is not None}

# 1. the race on the map ----------------------------------------------------------------------


@st.fragment
def section_map() -> None:
    for name, result in results.items():
        label = tr(f"opt.name.{name}")
        if result is None:
            st.warning(tr("opt.invalid", name=label))
        elif (stopped := result.trace).diverged_at is not None:
            why, lr = tr(f"opt.reason.{stopped.reason}"), f"{stopped.hparams['lr']:g}"
            st.warning(tr("opt.diverged", name=label, step=stopped.diverged_at, why=why, lr=lr))
    left, right = st.columns([3, 1])
    with right:
        view = state.draw(CONTROLS["view"])
        explain(f"optimizers/surface_{surf}")
    with left:
        if view == "2d":
            chart(paths_chart(track, racers), key="paths")
            st.caption(tr("opt.map_caption"))
        else:
            chart(surface_chart(track, racers), key="surface")
        st.latex(shape.latex)
    in_pytorch(snippets.paths, state.values(CONTROLS))


with map_box:
    section_map()

# 2. progress -----------------------------------------------------------------------------------
st.header(tr("opt.sec.progress"))
loss_fig, distance_fig = progress_charts(track, racers)
side_by_side((loss_fig, distance_fig), ("progress_loss", "progress_distance"))
explain("optimizers/progress")
if gradient.stochastic:
    explain("optimizers/noise")
in_pytorch(snippets.progress, state.values(CONTROLS))

# 3. inside each optimizer at one step -------------------------------------------------------------
st.header(tr("opt.sec.state"))


@st.fragment
def section_state() -> None:
    t = state.draw(CONTROLS["t"], hi=steps)
    table, shown = figures.state_table({n: r.trace for n, r in runs.items()}, t, tr)
    st.dataframe(table, hide_index=True, width="stretch")
    for name, k in shown.items():
        if k < t:
            st.caption(tr("opt.stopped_before", name=tr(f"opt.name.{name}"), step=k))
    in_pytorch(snippets.inside, state.values(CONTROLS))


section_state()
state.check_undrawn(CONTROLS)

tabs = st.tabs([tr(f"opt.name.{n}") for n in picked])
for name, tab in zip(picked, tabs, strict=True):
    with tab:
        eq, text = st.columns([1, 1])
        eq.latex(optimizers.LATEX[name])
        explain(f"optimizers/opt_{name}", where=text)

st.divider()
explain("optimizers/takeaways")
