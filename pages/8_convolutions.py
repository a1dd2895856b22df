"""Convolutions, why images need CNNs: the operation, shapes, sharing, pooling, flattening."""

from __future__ import annotations

import streamlit as st

from ui import cache, state
from ui.frame import page_frame
from ui.topics.convolutions import CONTROLS, sharing
from ui.widgets import chart, explain, side_by_side

tr = page_frame("convolutions")
explain("convolutions/intro")

# 1. The operation and 2. Shapes (helper "operation") -----------------------------------------
st.header(tr("cnn.sec.operation"))

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


section_pooling()

# 5. What flattening throws away (helper "flatten") -------------------------------------------
st.header(tr("cnn.sec.flatten"))
