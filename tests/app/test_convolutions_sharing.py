"""The convolutions page's sections 3–4 as a visitor opens them: both languages, every control of
theirs in the link, the presets, hostile values, and each claim of their texts checked on the data
their charts are drawn from."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import assert_shows, charts, decode, notices, open_page, texts

from ui import i18n
from ui.state import widget_key
from ui.strings import markdown
from ui.topics.convolutions import sharing as topic

PAGE = "convolutions"
# One non-default value for every control of sections 3–4.
EVERY_PARAM = {
    "psh": "64",
    "psw": "48",
    "psc": "3",
    "psp": "1",
    "psk": "3",
    "pss": "2",
    "pso": "16",
    "plm": "avg",
    "plk": "3",
    "pls": "1",
    "plp": "1",
    "plg": "counting",
    "plpic": "face",
    "plx": "2",
}
WIDGETS = dict.fromkeys(("plm", "plg"), "radio") | {"plpic": "selectbox"}
WIDGETS |= {k: "slider" for k in EVERY_PARAM if k not in WIDGETS}
TITLES = {
    "counts": "cnn.share.fig.counts_title",
    "shared": "cnn.share.fig.shared_title",
    "unshared": "cnn.share.fig.unshared_title",
    "x": "cnn.pool.fig.input_title",
    "y": "cnn.pool.fig.pooled_title",
    "grad": "cnn.pool.fig.grad_title",
    "feature": "cnn.pool.fig.feature_title",
}


def widget(at, key):
    return getattr(at, WIDGETS[key])(key=widget_key(key, PAGE))


def en(key, **fields):
    return i18n.translator("en")(key, **fields)


def ours(at, lang="en"):
    """Sections 3–4's charts by name, found by their titles (the change maps by their legend)."""
    tr = i18n.translator(lang)
    by_title = {c["layout"].get("title", {}).get("text", ""): c for c in charts(at)}
    found = {name: by_title[tr(key)] for name, key in TITLES.items()}
    marked = tr("cnn.pool.fig.unchanged")  # the change maps' legend, in page order
    changes = [c for c in charts(at) if any(t.get("name") == marked for t in c["data"])]
    found["shift_feature"], found["shift_pooled"] = changes
    return found


def z(figure):
    return np.asarray(decode(figure["data"][0]["z"]), dtype=float)


def press(at, key):
    next(b for b in at.button if b.label == en(key)).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def test_every_control_of_sections_3_and_4_is_in_the_table_and_drawn():
    assert set(WIDGETS) == {c.key for c in topic.CONTROLS}
    at = open_page(PAGE, {"lang": "en"})
    for key in WIDGETS:
        assert widget(at, key) is not None, key


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sections_3_and_4_render_in_both_languages_with_titled_axes_rows_read_horizontally(lang):
    at = open_page(PAGE, {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    tr = i18n.translator(lang)
    headers = [h.value for h in at.header]
    assert tr("cnn.sec.sharing") in headers
    assert tr("cnn.sec.pooling") in headers
    for figure in ours(at, lang).values():
        assert figure["layout"]["xaxis"]["title"]["text"]
        notes = [a["text"] for a in figure["layout"].get("annotations", [])]
        y_title = figure["layout"]["yaxis"].get("title", {}).get("text")
        assert y_title or notes == [tr("cnn.share.fig.row")]  # a grid's row title is not rotated
    said = texts(at)
    assert (
        tr("cnn.share.say.counts", **topic.share_words(topic.sharing(28, 28, 1, 2, 5, 1, 6)))
        in said
    )
    assert "P_{conv} = (k_h k_w C_{in} + 1)\\, C_{out}" in said


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_with_every_parameter_restores_every_control_and_round_trips(lang):
    at = open_page(PAGE, EVERY_PARAM | {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    for key, raw in EVERY_PARAM.items():
        assert_shows(widget(at, key).value, raw, key)
        assert at.query_params[key] in (raw, [raw])


def test_the_default_layer_is_lenet_s_first_and_its_counts_match_hand_arithmetic():
    at = open_page(PAGE, {"lang": "en"})
    bars = decode(ours(at)["counts"]["data"][0]["y"])
    # 6·(5·5·1 + 1); 28·28 positions of that; (784 + 1) inputs for each of 28·28·6 outputs
    assert bars.tolist() == [156, 28 * 28 * 156, 785 * 28 * 28 * 6] == [156, 122_304, 3_692_640]
    said = texts(at)
    assert "**156** parameters" in said
    assert "need **122,304**, 784 times as many" in said
    assert "**3,692,640**, 23,671 times as many" in said
    assert "**117,600** multiply–adds (235,200 FLOPs" in said  # 784·6·25


def test_the_alexnet_preset_shows_cs231n_s_numbers_and_the_true_dense_count():
    at = press(open_page(PAGE, {"lang": "en"}), "cnn.share.preset.alexnet")
    values = {k: widget(at, k).value for k in topic.SHARE_KEYS}
    assert values == topic.PRESETS["alexnet"]
    bars = decode(ours(at)["counts"]["data"][0]["y"])
    assert bars.tolist() == [34_944, 105_705_600, 44_892_355_200]
    assert bars[1] == 55 * 55 * 96 * (11 * 11 * 3 + 1)  # CS231n: 290,400 units · 364
    assert bars[2] == 55 * 55 * 96 * (227 * 227 * 3 + 1)
    said = texts(at)
    assert "An input of 227×227×3 gives an output of 55×55×96" in said
    assert "**34,944** parameters" in said
    assert "need **105,705,600**, 3,025 times as many" in said
    assert "needs **44,892,355,200**" in said
    assert "**105,415,200** multiply–adds" in said  # the figure share_counts.md states
    assert bars[1] - 55 * 55 * 96 == 105_415_200  # the unshared layer's weights, biases off


@pytest.mark.parametrize(
    ("h", "w", "c", "p", "k", "s", "o"), [(9, 13, 2, 1, 3, 2, 5), (4, 4, 1, 0, 4, 1, 1)]
)
def test_the_count_chart_matches_the_formulas_for_other_shapes(h, w, c, p, k, s, o):
    link = dict(zip(topic.SHARE_KEYS, map(str, (h, w, c, p, k, s, o)), strict=True))
    at = open_page(PAGE, {"lang": "en"} | link)
    assert notices(at) == []
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    per = k * k * c + 1
    bars = decode(ours(at)["counts"]["data"][0]["y"]).tolist()
    assert bars == [per * o, oh * ow * per * o, (c * h * w + 1) * o * oh * ow]


def test_the_kernel_never_outgrows_the_padded_input():
    at = open_page(PAGE, {"lang": "en", "psh": "4", "psw": "6", "psp": "0"})
    assert widget(at, "psk").max == 4
    assert widget(at, "psk").value == 4  # the default 5 would not fit
    assert not at.exception


def test_the_sharing_picture_shows_one_kernel_twice_against_two_different_ones():
    shown = ours(open_page(PAGE, {"lang": "en"}))
    shared, unshared = z(shown["shared"]), z(shown["unshared"])
    np.testing.assert_array_equal(shared[0:3, 0:3], shared[3:6, 4:7])
    np.testing.assert_array_equal(unshared[0:3, 0:3], shared[0:3, 0:3])
    assert not np.array_equal(unshared[3:6, 4:7], unshared[0:3, 0:3])


def test_the_max_preset_routes_each_window_s_gradient_to_its_first_maximum():
    at = press(open_page(PAGE, {"lang": "en"}), "cnn.pool.preset.max_backward")
    shown = ours(at)
    x, y, grad = z(shown["x"]), z(shown["y"]), z(shown["grad"])
    np.testing.assert_array_equal(y, x.reshape(3, 2, 3, 2).max(axis=(1, 3)))
    upstream = np.arange(1, 10).reshape(3, 3)  # 1, 2, …, 9 row by row
    assert grad.sum() == upstream.sum() == 45
    assert np.count_nonzero(grad) == 9  # one winner per window
    for (i, j), g in np.ndenumerate(upstream):
        window = grad[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        values = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        first = np.unravel_index(np.argmax(values), (2, 2))  # numpy's argmax: the first, as torch
        assert window[first] == g
    # the ties the text names: two 3s at the top right, four 2s at the bottom right
    assert (grad[1, 4], grad[1, 5]) == (3, 0)
    assert (grad[4, 4], grad[4, 5], grad[5, 4], grad[5, 5]) == (9, 0, 0, 0)
    said = texts(at)
    assert "**9** of the 36 input cells receive gradient and the other 27 get exactly 0" in said
    assert "Windows holding a tie: 2;" in said
    assert "∂L/∂x sums to 45, the upstream's sum 45" in said
    ringed = next(t for t in shown["x"]["data"] if t["type"] == "scatter")
    assert {(int(r), int(c)) for r, c in zip(ringed["y"], ringed["x"], strict=True)} == {
        tuple(ij) for ij in np.argwhere(grad != 0).tolist()
    }


def test_the_average_preset_spreads_each_window_s_gradient_evenly():
    at = press(open_page(PAGE, {"lang": "en"}), "cnn.pool.preset.avg_backward")
    shown = ours(at)
    x, y, grad = z(shown["x"]), z(shown["y"]), z(shown["grad"])
    np.testing.assert_allclose(y, x.reshape(3, 2, 3, 2).mean(axis=(1, 3)))
    upstream = np.arange(1, 10).reshape(3, 3)
    np.testing.assert_allclose(grad, np.kron(upstream, np.ones((2, 2))) / 4)
    assert "every cell of a window gets 1/4 of that window's gradient" in texts(at)
    assert "**36** of the 36 input cells receive some" in texts(at)


def test_average_pooling_with_padding_drops_the_padding_s_share_as_the_text_says():
    link = {"lang": "en", "plm": "avg", "plk": "2", "pls": "2", "plp": "1"}
    grad = z(ours(open_page(PAGE, link))["grad"])
    assert grad.sum() == pytest.approx(9.0)  # 16 windows of ones, 7 of 16 quarters on padding
    assert "∂L/∂x sums to 9 of the upstream's 16" in texts(open_page(PAGE, link))


def test_with_overlapping_windows_the_middle_6_collects_nine_of_sixteen_gradients():
    at = press(open_page(PAGE, {"lang": "en"}), "cnn.pool.preset.overlap")
    shown = ours(at)
    x, grad = z(shown["x"]), z(shown["grad"])
    assert x[3, 3] == 6
    assert grad[3, 3] == 9
    assert grad.sum() == 16
    assert np.all(grad[x < x.max()] <= grad[3, 3])


def _measured(figure):
    status = z(figure)
    return float(np.mean(status[status > 0] == 1))


def test_the_shift_preset_shows_max_pooling_keeping_three_times_as_much_unchanged():
    at = open_page(PAGE, {"lang": "en", "plx": "3", "plpic": "face"})
    at = press(at, "cnn.pool.preset.shift_one")
    shown = ours(at)
    feature, pooled = _measured(shown["shift_feature"]), _measured(shown["shift_pooled"])
    assert (f"{feature:.0%}", f"{pooled:.0%}") == ("15%", "46%")  # pool_shift.md's numbers
    assert pooled >= 3 * feature
    assert shown["shift_pooled"]["layout"]["title"]["text"] == en(
        "cnn.pool.fig.shift_pooled_title", share="46%"
    )
    said = texts(at)
    assert "**15%** of the feature map's active cells keep their value" in said
    assert "after pooling, **46%** of the pooled map's do" in said


def test_average_pooling_keeps_fewer_cells_unchanged_than_max_under_the_same_shift():
    shown = ours(open_page(PAGE, {"lang": "en", "plm": "avg"}))
    assert f"{_measured(shown['shift_pooled']):.0%}" == "31%"  # pool_shift.md: "fewer (31%)"


def test_a_shift_by_the_stride_moves_the_pooled_house_by_one_cell():
    at = open_page(PAGE, {"lang": "en", "plx": "2"})
    assert notices(at) == []
    t = topic.shift_result("house", 2, "max", 2, 2, 0)  # the data of the charts shown
    np.testing.assert_array_equal(t.pooled_shifted[:, 1:], t.pooled[:, :-1])
    assert _measured(ours(at)["shift_pooled"]) == pytest.approx(t.pooled_unchanged)


def test_hostile_values_of_our_controls_are_ignored_with_a_notice():
    hostile = (("psk", "99"), ("pso", "nan"), ("plm", "<script>"), ("plx", "-1"))
    for key, raw in (*hostile, ("plp", "2")):  # plp=2 with the 2×2 default pool: above k // 2
        at = open_page(PAGE, {"lang": "en", key: raw})
        assert not at.exception
        said = notices(at)
        assert len(said) == 1, (key, said)
        assert f"`{key}`" in said[0]
        assert "<script" not in texts(at)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_explanations_state_the_numbers_these_tests_check(lang):
    counts = markdown(lang, "convolutions/share_counts")
    for figure in ("34,944", "105,705,600", "44,892,355,200", "105,415,200", "290,400"):
        assert figure in counts
    assert "3,025" in markdown(lang, "convolutions/share_assumes")
    backward = markdown(lang, "convolutions/pool_backward")
    assert "16" in backward
    assert "9" in backward
    shift = markdown(lang, "convolutions/pool_shift")
    for share in ("15%", "46%", "31%"):
        assert share in shift
