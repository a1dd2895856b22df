"""Perceptron, XOR and the multi-layer perceptron: one neuron, XOR two ways, the playground."""

from __future__ import annotations

import streamlit as st

from core import perceptron, playground
from ui import cache, heavy, i18n, state
from ui.figures import perceptron as figures
from ui.figures import playground as play_figures
from ui.frame import page_frame
from ui.snippets import perceptron as snippets
from ui.topics import perceptron as topic
from ui.topics.perceptron import CONTROLS
from ui.widgets import chart, explain, in_pytorch, side_by_side

experiment = cache.computation()(perceptron.experiment)
truth_table = cache.computation(max_entries=4)(perceptron.truth_table)
fold = cache.computation()(perceptron.fold)
xor_fit = cache.computation(max_entries=4)(perceptron.xor_fit)
training = cache.computation(max_entries=16)(heavy.gated(topic.run_cost)(playground.run))


@cache.computation(max_entries=32)
def cells(s, epoch):
    return playground.neurons(training(s), epoch)


@cache.chart()
def perceptron_charts(name, n, seed, margin, tr):
    e = experiment(name, n, seed, margin)
    run, cycle = e.run, e.run.cycle and (e.run.cycle.first_step, e.run.cycle.repeat_step)
    playback = figures.fig_perceptron(run.X, run.y, run.weights, run.visited, run.mistake, tr)
    return playback, figures.fig_mistakes(run.mistakes, e.margin.bound, cycle, len(run.y), tr)


@cache.chart(max_entries=2)
def truth_charts(tr):
    return tuple(figures.fig_truth_table(truth_table(gate), tr) for gate in perceptron.GATES)


@cache.chart()
def fold_charts(W, c, w, b, tr):
    f = fold(W, c, w, b)
    return figures.fig_fold_input(f, tr), figures.fig_fold_hidden(f, w, b, tr)


@cache.chart()
def boundary_chart(s, index, discretize, tr):
    return play_figures.fig_boundary(training(s), index, discretize, tr)


@cache.chart(max_entries=32)
def network_chart(s, epoch, tr):
    return play_figures.fig_network(cells(s, epoch), tr, task=training(s).task)


@cache.chart()
def curve_charts(s, tr):
    run = training(s)
    accuracy = play_figures.fig_accuracy(run, tr) if run.classes else None
    return play_figures.fig_losses(run, tr), accuracy, play_figures.fig_updates(run, tr)


@cache.chart(max_entries=32)
def confusion_chart(s, index, tr):
    return play_figures.fig_confusion(training(s).confusion_test[index], tr)


@cache.chart(max_entries=2)
def fit_charts(tr):
    fits = (xor_fit(False), tr("mlp.fig.fit_linear")), (xor_fit(True), tr("mlp.fig.fit_product"))
    return tuple(figures.fig_fit(fit, title, tr) for fit, title in fits)


tr = page_frame("perceptron")
explain("perceptron/intro")

# 1. The perceptron --------------------------------------------------------------------------
st.header(tr("mlp.sec.perceptron"))


@st.fragment
def section_perceptron() -> None:
    top = st.columns([3, 2, 2, 2])
    name = state.draw(CONTROLS["pdata"], where=top[0])
    data = {key: CONTROLS[key].default for key in ("pn", "pseed", "margin")}
    if name == "separable":  # a truth table is its four corners: no size, seed or gap
        data = {k: state.draw(CONTROLS[k], where=at) for k, at in zip(data, top[1:], strict=True)}
    settings = (name, *data.values())
    e, (left, right) = experiment(*settings), st.columns([3, 2])
    playback, mistakes = perceptron_charts(*settings)
    chart(playback, key="perceptron", where=left)
    with right:
        chart(mistakes, key="mistakes")
        key, words = topic.run_words(e)
        st.markdown(tr(key, **words))
        st.caption(tr("mlp.final_w", **topic.weights_words(e.run.weights[-1])))
    explain("perceptron/perceptron")
    in_pytorch(snippets.rule, state.values(CONTROLS))


section_perceptron()
st.subheader(tr("mlp.sec.gates"))
side_by_side(truth_charts(), [f"truth_{gate}" for gate in perceptron.GATES])
explain("perceptron/gates")

# 2. XOR solved two ways ---------------------------------------------------------------------
st.header(tr("mlp.sec.xor"))


@st.fragment
def section_xor() -> None:
    hidden, output = st.columns([2, 1])
    hidden.markdown(f"**{tr('mlp.ctl.hidden')}**")
    output.markdown(f"**{tr('mlp.ctl.output')}**")
    boxes = [*hidden.columns(3), output]
    places = zip(topic.WEIGHT_KEYS, (0, 1, 0, 1, 2, 2, 3, 3, 3), strict=True)  # W by rows
    values = {key: state.draw(CONTROLS[key], where=boxes[box]) for key, box in places}
    for preset, column in zip(("hand_set", "no_fold"), st.columns(2), strict=True):
        values_of = {"args": (topic.PRESETS[preset],), "icon": topic.PRESET_ICONS[preset]}
        column.button(tr(f"mlp.ctl.{preset}"), on_click=state.apply, width="stretch", **values_of)
    W, c, w, b = topic.network(values)
    f = fold(W, c, w, b)
    verdict = tr("mlp.xor_solved" if f.solves_xor else "mlp.xor_unsolved")
    st.markdown(tr("mlp.xor_outputs", **topic.corner_words(f.output)) + " " + verdict)
    side_by_side(fold_charts(W, c, w, b), ("fold_input", "fold_hidden"))
    explain("perceptron/xor")
    in_pytorch(snippets.xor, state.values(CONTROLS))


section_xor()
st.subheader(tr("mlp.sec.fits"))
side_by_side(fit_charts(), ("fit_linear", "fit_product"))
st.markdown(tr("mlp.fit_linear", **topic.fit_words(xor_fit(False))))
st.markdown(tr("mlp.fit_product", **topic.fit_words(xor_fit(True))))
in_pytorch(snippets.fits, {})  # no settings: one script
explain("perceptron/fits")

st.divider()
explain("perceptron/takeaways")

# 3. The playground ---------------------------------------------------------------------------
st.header(tr("mlp.play.title"))
explain("perceptron/playground")
names = list(topic.PLAY_PRESETS)
for row in range(0, len(names), 4):  # rows of four, so a phone stacks them in order
    for name, box in zip(names[row : row + 4], st.columns(4), strict=False):
        look = {"args": (topic.PLAY_PRESETS[name],), "help": tr(f"mlp.play.preset.{name}_help")}
        box.button(tr(f"mlp.play.preset.{name}"), on_click=state.apply, width="stretch", **look)
links = st.columns(len(topic.PLAY_LINKS))
for (name, page), box in zip(topic.PLAY_LINKS.items(), links, strict=True):
    link = {
        "label": tr(f"mlp.play.preset.{name}_link"),
        "query_params": {"lang": i18n.current_lang()},
    }
    box.page_link(page, icon=":material/arrow_forward:", **link)


@st.fragment
def section_playground() -> None:
    boxes = dict(zip(topic.GROUPS, st.columns([3, 3, 2]), strict=True))
    values = {}
    for title, keys in topic.GROUPS.items():
        boxes[title].markdown(f"**{tr(title)}**")
        values |= {key: state.draw(CONTROLS[key], where=boxes[title]) for key in keys}
    again = {"args": (topic.next_seed(values["seed"]),), "icon": ":material/casino:"}
    boxes["mlp.play.group.regularization"].button(
        tr("mlp.play.new_seed"), on_click=state.apply, **again
    )
    st.markdown(f"**{tr('mlp.play.group.network')}**")
    layer_boxes = st.columns([2, *[1] * playground.MAX_LAYERS])
    count = state.draw(CONTROLS["layers"], where=layer_boxes[0])
    layers = [
        (state.draw(CONTROLS[n], where=box), state.draw(CONTROLS[a], where=box))
        for (n, a), box in zip(topic.LAYER_KEYS[:count], layer_boxes[1:], strict=False)
    ]
    state.check_undrawn(CONTROLS)
    s = topic.settings(values, layers)
    for key, words in topic.adjusted(values, s):
        st.info(tr(key, **words))
    if (preset := topic.preset_on(values, layers)) is not None:
        st.info(tr(f"mlp.play.preset.{preset}_help"), icon=":material/lightbulb:")
    try:
        run = training(s)
    except heavy.Busy:
        st.warning(tr("mlp.play.busy"))
        return
    epochs = tuple(run.snapshot_epochs.tolist())
    shown = st.columns([3, 1])
    at = state.draw(CONTROLS["at"], where=shown[0], options=epochs, default=epochs[-1])
    discretize = state.draw(CONTROLS["disc"], where=shown[1]) if run.classes else False
    index = epochs.index(at)
    left, right = st.columns([5, 6])
    chart(boundary_chart(s, index, discretize), key="play_boundary", where=left)
    chart(network_chart(s, at), key="play_network", where=right)
    for key, words in topic.play_words(run, at):
        (st.warning if key.startswith("mlp.play.diverged") else st.markdown)(tr(key, **words))
    losses_fig, accuracy_fig, updates_fig = curve_charts(s)
    if run.classes:
        side_by_side([losses_fig, accuracy_fig], ("play_loss", "play_accuracy"))
        side_by_side([updates_fig, confusion_chart(s, index)], ("play_updates", "play_confusion"))
    else:
        side_by_side([losses_fig, updates_fig], ("play_loss", "play_updates"))
    download = {"file_name": f"playground-epoch-{at}.json", "mime": "application/json"}
    st.download_button(
        tr("mlp.play.export"),
        lambda: playground.export(run, at),
        **download,
        on_click="ignore",
        icon=":material/download:",
        help=tr("mlp.play.export_help"),
    )
    explain("perceptron/playground_read")
    in_pytorch(snippets.train, state.values(CONTROLS))


section_playground()
