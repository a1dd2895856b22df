"""Convolutions, why images need CNNs: the operation, shapes, sharing, pooling, flattening."""

from __future__ import annotations

import streamlit as st

from core import cnn
from ui import cache, heavy, state
from ui.figures import cnn_flatten as flat_figures
from ui.figures import cnn_operation as op_figures
from ui.frame import page_frame
from ui.snippets import convolutions as snippets
from ui.topics.convolutions import CONTROLS, PRESETS, sharing
from ui.topics.convolutions import flatten as flat
from ui.topics.convolutions import operation as op_topic
from ui.widgets import chart, explain, in_pytorch, side_by_side

tr = page_frame("convolutions")
explain("convolutions/intro")

# 1. The operation and 2. Shapes (helper "operation") -----------------------------------------
operation = cache.computation(max_entries=16)(op_topic.operation)
padded_chart = cache.chart()(op_topic.padded_figure)
fields_chart = cache.chart()(op_topic.fields_figure)


@cache.chart()
def operation_charts(name, digit, kernel, position, relu, tr):
    op = operation(name, digit, kernel)
    maps = [op_figures.fig_map(m, tr(f"cnn.op.fig.{title}"), tr) for title, m in op_topic.maps(op)]
    return op_figures.fig_operation(op, position, relu, tr), maps


def draw_row(keys, width=5, where=st):
    rows = [(keys[i : i + width], where.columns(width)) for i in range(0, len(keys), width)]
    return {
        k: state.draw(CONTROLS[k], where=b) for r, bs in rows for k, b in zip(r, bs, strict=False)
    }


def say(notes):
    for key, words in notes:
        (st.warning if key in op_topic.PROBLEMS else st.markdown)(tr(key, **words))


def presets(group, names, columns=4):
    for row in range(0, len(names), columns):  # rows, so a phone stacks them in order
        for name, box in zip(names[row : row + columns], st.columns(columns), strict=False):
            words = f"cnn.{group}.preset.{name}"
            look = {"help": tr(f"{words}_help"), "width": "stretch"}
            box.button(tr(words), on_click=state.apply, args=(op_topic.PRESETS[name],), **look)


st.header(tr("cnn.sec.operation"))


@st.fragment
def section_operation() -> None:
    left, right = st.columns([1, 2])
    name = state.draw(CONTROLS["opimg"], where=left)
    digit = state.draw(CONTROLS["opdigit"], where=left) if name == "digit" else 3
    relu = state.draw(CONTROLS["oprelu"], where=left)
    kernel = tuple(draw_row(op_topic.KERNEL_KEYS, 3, where=right).values())
    presets("op", list(op_topic.KERNEL_PRESETS))
    position = state.draw(CONTROLS["oppos"])
    op = operation(name, digit, kernel)
    playback, maps = operation_charts(name, digit, kernel, position, relu)
    chart(playback, key="op_operation")
    say(op_topic.operation_words(op, position, relu))
    explain("convolutions/op_operation")
    if name == "scene":
        side_by_side(maps[:4], ("op_r", "op_g", "op_b", "op_sum"))
        say(op_topic.channel_words(op, position))
        explain("convolutions/op_channels")
    st.subheader(tr("cnn.op.flip_title"))
    side_by_side(maps[-2:], ("op_xcorr", "op_conv"))
    say(op_topic.flip_words(op))
    explain("convolutions/op_flip")
    in_pytorch(snippets.operation, state.values(CONTROLS))


@st.fragment
def section_shapes() -> None:
    size = tuple(draw_row(op_topic.SHAPE_KEYS).values())
    presets("shape", list(op_topic.SHAPE_PRESETS), columns=3)
    st.latex(op_topic.size_latex(*size))
    say(op_topic.layer_words(*size))
    left, right = st.columns([3, 2])
    if op_topic.taps(*size) is not None:
        chart(padded_chart(*size), key="shape_padded", where=left)
    explain("convolutions/shape_size", where=right)
    st.subheader(tr("cnn.shape.stack_title"))
    presets("shape", list(op_topic.STACK_PRESETS))
    values = draw_row(("stn", "stc", "stl"), 3)
    layers = zip(op_topic.LAYER_KEYS[: values["stl"]], st.columns(4), strict=False)
    for i, (keys, box) in enumerate(layers):
        box.markdown(f"**{tr('cnn.shape.layer', layer=i + 1)}**")
        values |= {key: state.draw(CONTROLS[key], where=box) for key in keys}
    state.check_undrawn(op_topic.TABLE)
    s = op_topic.stack(*(stacked := op_topic.stack_of(values)))
    say(op_topic.stack_words(s))
    st.table(op_topic.stack_rows(s, tr))
    left, right = st.columns([3, 2])
    chart(fields_chart(*stacked), key="shape_fields", where=left)
    explain("convolutions/shape_stack", where=right)
    in_pytorch(snippets.shapes, state.values(CONTROLS))


section_operation()
st.header(tr("cnn.sec.shapes"))
section_shapes()

# 3. Parameter sharing and 4. Pooling (helper "sharing") --------------------------------------
share_count_chart = cache.chart()(sharing.count_chart)
share_picture_charts = cache.chart(max_entries=2)(sharing.picture_charts)
pool_charts = cache.chart()(sharing.pool_charts)
pool_shift_charts = cache.chart()(sharing.shift_charts)
share_of = cache.computation()(sharing.sharing)
pooling_of = cache.computation()(sharing.pooling)
pool_shift_of = cache.computation()(sharing.shift_result)
st.header(tr("cnn.sec.sharing"))


def sharing_presets(names, prefix):
    for name, box in zip(names, st.columns(len(names)), strict=True):
        look = {"args": (sharing.PRESETS[name],), "width": "stretch"}
        box.button(tr(f"{prefix}.{name}"), on_click=state.apply, **look)


@st.fragment
def section_sharing() -> None:
    sharing_presets(sharing.SHARE_PRESETS, "cnn.share.preset")
    boxes, v = iter(st.columns(4) + st.columns(3)), {}
    for key in sharing.SHARE_KEYS:
        hi = sharing.kernel_hi(v) if key == "psk" else CONTROLS[key].hi
        fit = {"hi": hi, "default": min(CONTROLS[key].default, hi)}
        v[key] = state.draw(CONTROLS[key], where=next(boxes), **fit)
    state.check_undrawn(CONTROLS)
    chart(share_count_chart(*v.values()), key="cnn_share_counts")
    words = sharing.share_words(share_of(*v.values()))
    st.markdown(tr("cnn.share.say.counts", **words))
    st.markdown(tr("cnn.share.say.cost", **words))
    explain("convolutions/share_counts")
    side_by_side(share_picture_charts(), ("cnn_share_shared", "cnn_share_unshared"))
    explain("convolutions/share_assumes")
    in_pytorch(snippets.sharing, state.values(CONTROLS))


section_sharing()
st.header(tr("cnn.sec.pooling"))


@st.fragment
def section_pooling() -> None:
    sharing_presets(sharing.POOL_PRESETS, "cnn.pool.preset")
    boxes, v = iter(st.columns(5)), {}
    for key in sharing.POOL_KEYS:
        hi = sharing.padding_hi(v) if key == "plp" else CONTROLS[key].hi
        v[key] = state.draw(CONTROLS[key], where=next(boxes), hi=hi)
    side_by_side(pool_charts(*v.values()), ("cnn_pool_x", "cnn_pool_y", "cnn_pool_grad"))
    words = sharing.pool_words(pooling_of(*v.values()), v["plk"], v["pls"])
    st.markdown(tr(f"cnn.pool.say.{v['plm']}", **words))
    explain("convolutions/pool_backward")
    boxes = zip(sharing.SHIFT_KEYS, st.columns(2), strict=True)
    settings = [state.draw(CONTROLS[k], where=b) for k, b in boxes] + list(v.values())[:4]
    state.check_undrawn(CONTROLS)
    keys = ("cnn_shift_feature", "cnn_shift_unpooled", "cnn_shift_pooled")
    side_by_side(pool_shift_charts(*settings), keys)
    st.markdown(tr("cnn.pool.say.shift", **sharing.shift_words(pool_shift_of(*settings))))
    explain("convolutions/pool_shift")
    in_pytorch(snippets.pooling, state.values(CONTROLS))


section_pooling()

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
    in_pytorch(snippets.equivariance, state.values(CONTROLS))


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
