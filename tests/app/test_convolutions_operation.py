"""Sections 1–2 of the convolutions page as a visitor uses them: both languages, the kernel and
stack presets, the RGB scene, every control of the sections through a link and back, and links
with values the controls cannot take."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import charts, notices, open_page, texts

from core import conv
from ui import i18n
from ui.state import widget_key
from ui.topics.convolutions import operation as topic

PAGE = "convolutions"


def press(at, key):
    label = i18n.translator("en")(key)
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def playback(at):
    return next(c for c in charts(at) if c.get("frames"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_sections_draw_in_both_languages_with_the_step_sentence(lang):
    at = open_page(PAGE, {"lang": lang})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert len(playback(at)["frames"]) == topic.OUT**2
    tr = i18n.translator(lang)
    op = topic.operation("house", 3, topic.kernel_of(topic.kernel_values("sobel_x")))
    text = texts(at)
    assert tr("cnn.op.step", **topic.step_words(op, topic.DEFAULT_POSITION)) in text
    assert tr("cnn.op.flip_negated", **topic.flip_words(op)[0][1]) in text
    assert r"\right\rfloor + 1 = 5" in text
    rows = at.table[0].value
    assert len(rows) == 1 + 3  # the input and the default three layers


def test_a_kernel_preset_sets_the_nine_weights_and_the_chart_draws_its_map():
    at = press(open_page(PAGE, {"lang": "en"}), "cnn.op.preset.op_gaussian_blur")
    shown = [at.session_state[widget_key(k, PAGE)] for k in topic.KERNEL_KEYS]
    np.testing.assert_allclose(shown, conv.KERNELS["gaussian_blur"].ravel())
    frame = playback(at)["frames"][-1]["data"][3]  # the last frame: the whole map
    image = topic.picture("house", 3)
    np.testing.assert_allclose(
        frame["z"], conv.conv2d(image, conv.KERNELS["gaussian_blur"][None, None])[0], atol=5e-3
    )
    assert i18n.translator("en")("cnn.op.flip_same") in texts(at)


def test_the_rgb_scene_shows_its_three_channel_maps_and_their_sum():
    at = open_page(PAGE, {"lang": "ko", "opimg": "scene", "oppos": "0"})
    assert not at.exception
    titles = [c["layout"].get("title", {}).get("text") for c in charts(at)]
    tr = i18n.translator("ko")
    for name in ("red", "green", "blue", "sum"):
        assert tr(f"cnn.op.fig.{name}") in titles
    op = topic.operation("scene", 3, topic.kernel_of(topic.kernel_values("sobel_x")))
    assert tr("cnn.op.rgb", **topic.channel_words(op, 0)[0][1]) in texts(at)


def test_the_three_3x3_preset_says_7x7_and_27_against_49_c_squared():
    at = press(open_page(PAGE, {"lang": "en"}), "cnn.shape.preset.stack_three3")
    text = texts(at)
    assert "sees a **7×7** patch" in text
    assert "27C² = **110,592**" in text
    assert "49C² = **200,704**" in text
    shapes = list(at.table[0].value["Output (N, C, H, W)"])
    assert shapes == ["(1, 64, 32, 32)", "(1, 64, 30, 30)", "(1, 64, 28, 28)", "(1, 64, 26, 26)"]


def link_values():
    """A value for every control of the sections, none of them its default."""
    values = {
        "opimg": "digit",
        "opdigit": "7",
        "oppos": "55",
        "oprelu": "1",
        "shn": "9",
        "shk": "5",
        "shs": "2",
        "shp": "2",
        "shd": "1",
        "stn": "28",
        "stc": "1",
        "stl": "4",
    }
    values |= {key: str(v) for key, v in topic.kernel_values("laplacian").items()}
    for i, keys in enumerate(topic.LAYER_KEYS):
        values |= dict(
            zip(keys, ("avg" if i == 1 else "conv", "3", "1", "1", "1", "8"), strict=True)
        )
    return values


def test_every_control_of_the_sections_round_trips_through_a_link():
    values = link_values()
    at = open_page(PAGE, {"lang": "en", **values})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert notices(at) == []
    for key, raw in values.items():
        spec = topic.TABLE[key].spec()
        assert spec.serialize(at.session_state[widget_key(key, PAGE)]) == spec.serialize(
            spec.parse([raw])
        ), key
    assert "Output cell (5, 5)" in texts(at)
    assert len(at.table[0].value) == 1 + 4


@pytest.mark.parametrize(
    ("key", "raw"),
    [("oppos", "100"), ("opk4", "nan"), ("stl", "9"), ("st2t", "<script>"), ("opimg", "../x")],
)
def test_a_value_the_control_cannot_take_is_named_once_and_dropped(key, raw):
    at = open_page(PAGE, {"lang": "en", key: raw})
    assert not at.exception
    said = notices(at)
    assert len(said) == 1
    assert f"`{key}`" in said[0]
    assert raw not in texts(at) or raw.isdigit()


def test_a_stack_layer_with_no_output_is_a_warning_and_the_table_stops():
    at = open_page(PAGE, {"lang": "ko", "stn": "8", "stl": "2", "st2k": "11", "st2p": "0"})
    assert not at.exception
    tr = i18n.translator("ko")
    assert tr("cnn.shape.stack_none", layer=2, span=11, padded=8) in [w.value for w in at.warning]
    assert len(at.table[0].value) == 2
