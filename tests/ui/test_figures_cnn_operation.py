"""Sections 1–2 of the convolutions page on the data their charts are drawn from: every step's
products against conv2d, each kernel preset's claim, the output-size sentence and the stack's
table against the shapes conv2d and the pools return, and the receptive fields they state."""

from __future__ import annotations

import itertools
import json

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import conv, images
from ui.figures import cnn_operation as figures
from ui.i18n import translator
from ui.theme import PIXEL_SCALE, SIGNED_SCALE
from ui.topics.convolutions import operation as topic

TR = translator("en")


def op_of(image: str, kernel: str, digit: int = 3) -> topic.Operation:
    return topic.operation(image, digit, topic.kernel_of(topic.kernel_values(kernel)))


def frames(fig: go.Figure) -> list[dict]:
    """The playback's frames as plain dicts (they were stored unvalidated)."""
    return fig.to_dict()["frames"]


def z(trace: dict) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], float)


@pytest.mark.parametrize("image", topic.IMAGES)
def test_every_step_s_products_sum_to_conv2d_s_cell_in_every_frame(image):
    op = op_of(image, "sobel_x")
    fig = figures.fig_operation(op, 0, False, TR)
    weight = np.broadcast_to(op.kernel, (1, op.image.shape[0], 3, 3))
    want = conv.conv2d(op.image, weight)[0]
    assert len(fig.frames) == topic.OUT**2
    for p, frame in enumerate(frames(fig)):
        row, col = divmod(p, topic.OUT)
        products = z(frame["data"][1])  # traces 1…5: the window onward
        np.testing.assert_allclose(products, np.round(op.products[p], 2))  # shown to 2 places
        assert op.products[p].sum() == pytest.approx(want[row, col], abs=1e-12)
        assert op.sums[p] == pytest.approx(want[row, col], abs=1e-12)
        shown = z(frame["data"][3])
        assert shown[row, col] == pytest.approx(want[row, col], abs=0.005 + 1e-12)
        assert frame["data"][2]["text"] == [f"Σ = {figures.sum_text(want[row, col])}"]
        assert "e-" not in frame["data"][2]["text"][0]  # no rounding noise printed


def test_the_output_fills_in_cell_by_cell_up_to_the_window_s_cell():
    fig = figures.fig_operation(op_of("house", "edge"), 0, False, TR)
    for p in (0, 37, topic.OUT**2 - 1):
        filled = ~np.isnan(z(frames(fig)[p]["data"][3])).ravel()
        assert filled.tolist() == [i <= p for i in range(topic.OUT**2)]


def test_the_window_outline_covers_the_three_rows_and_columns_the_sentence_names():
    op = op_of("face", "sharpen")
    fig = figures.fig_operation(op, 23, False, TR)
    window = frames(fig)[23]["data"][0]
    words = topic.step_words(op, 23)
    assert (min(window["y"]) + 0.5, max(window["y"]) - 0.5) == (words["r0"], words["r1"])
    assert (min(window["x"]) + 0.5, max(window["x"]) - 0.5) == (words["c0"], words["c1"])
    assert words["sum"] == f"{op.feature[2, 3]:.3g}"


def test_relu_shows_the_negative_cells_as_zero():
    op = op_of("house", "sobel_x")
    fig = figures.fig_operation(op, topic.OUT**2 - 1, True, TR)
    shown = z(fig.to_dict()["data"][4])
    np.testing.assert_allclose(shown, np.round(np.maximum(op.feature, 0), 2))
    (_, signs) = topic.operation_words(op, 0, True)[1:][0]
    assert signs["negative"] == int((op.feature < 0).sum()) > 0


def test_the_rgb_scene_s_three_channel_maps_add_up_to_the_output_channel():
    op = op_of("scene", "edge")
    maps = dict(topic.maps(op))
    assert list(maps) == ["red", "green", "blue", "sum", "xcorr", "conv"]
    np.testing.assert_allclose(maps["red"] + maps["green"] + maps["blue"], maps["sum"], atol=1e-12)
    at = int(np.abs(op.feature).argmax())
    [(_, words)] = topic.channel_words(op, at)
    row, col = divmod(at, topic.OUT)
    assert words["sum"] == f"{op.feature[row, col]:.3g}"
    cells = [float(words[c]) for c in "rgb"]
    assert sum(cells) == pytest.approx(op.feature[row, col], abs=0.02)


def test_a_grey_picture_draws_only_the_two_cross_correlation_maps():
    assert [title for title, _ in topic.maps(op_of("house", "edge"))] == ["xcorr", "conv"]


def test_sobel_s_true_convolution_is_its_cross_correlation_negated():
    op = op_of("house", "sobel_x")
    np.testing.assert_allclose(op.convolution, -op.feature)
    [(key, words)] = topic.flip_words(op)
    assert key == "cnn.op.flip_negated"
    assert words["gap"] == f"{2 * np.abs(op.feature).max():.3g}"


@pytest.mark.parametrize("kernel", ["gaussian_blur", "sharpen", "edge", "identity", "laplacian"])
def test_a_kernel_symmetric_under_a_half_turn_gives_equal_maps(kernel):
    op = op_of("face", kernel)
    np.testing.assert_allclose(op.convolution, op.feature, atol=1e-12)
    assert topic.flip_words(op) == [("cnn.op.flip_same", {})]


def test_an_asymmetric_kernel_that_is_not_antisymmetric_says_the_maps_differ():
    values = topic.kernel_values("identity") | {"opk0": 1.0}
    op = topic.operation("house", 3, topic.kernel_of(values))
    [(key, _)] = topic.flip_words(op)
    assert key == "cnn.op.flip_differs"
    assert not np.allclose(op.convolution, op.feature)


def test_identity_gives_the_picture_without_its_border():
    op = op_of("face", "identity")
    np.testing.assert_allclose(op.feature, op.image[0, 1:-1, 1:-1])


def test_edge_and_laplacian_give_zero_on_flat_regions_and_the_laplacian_on_a_ramp():
    for kernel in ("edge", "laplacian"):
        op = op_of("house", kernel)
        windows = np.lib.stride_tricks.sliding_window_view(op.image[0], (3, 3))
        flat = np.ptp(windows, axis=(2, 3)) == 0
        assert flat.any()
        np.testing.assert_allclose(op.feature[flat], 0.0, atol=1e-12)
    np.testing.assert_allclose(op_of("gradient", "laplacian").feature, 0.0, atol=1e-12)


def test_sobel_x_is_positive_where_intensity_rises_to_the_right_and_sobel_y_sees_none():
    assert (op_of("gradient", "sobel_x").feature > 0).all()
    np.testing.assert_allclose(op_of("gradient", "sobel_y").feature, 0.0, atol=1e-12)


def test_the_gaussian_blur_and_sharpen_keep_flat_regions_their_weights_summing_to_one():
    windows = np.lib.stride_tricks.sliding_window_view(topic.picture("house", 3)[0], (3, 3))
    flat = np.ptp(windows, axis=(2, 3)) == 0
    for kernel in ("gaussian_blur", "sharpen"):
        op = op_of("house", kernel)
        assert op.kernel.sum() == 1.0
        np.testing.assert_allclose(op.feature[flat], op.image[0, 1:-1, 1:-1][flat])
    blur = op_of("house", "gaussian_blur")
    assert blur.feature.min() >= blur.image.min() - 1e-12  # a weighted mean: within the range
    assert blur.feature.max() <= blur.image.max() + 1e-12


def test_every_kernel_preset_is_the_classic_kernel_exactly_and_admitted_by_its_controls():
    assert set(topic.KERNEL_NAMES) == set(conv.KERNELS) - {"box_blur"}
    for name in topic.KERNEL_NAMES:
        kernel, values = conv.KERNELS[name], topic.KERNEL_PRESETS[f"op_{name}"]
        np.testing.assert_array_equal(np.reshape(topic.kernel_of(values), (3, 3)), kernel)
        assert all(topic.TABLE[key].admits(v) for key, v in values.items())


def test_the_digit_picture_is_the_generated_digit_it_names():
    x, labels = images.digits(10, seed=0, size=topic.SIZE)
    np.testing.assert_array_equal(topic.picture("digit", 7), np.round(x[list(labels).index(7)], 2))


@pytest.mark.parametrize("image", [i for i in topic.IMAGES if i != "scene"])
@pytest.mark.parametrize("kernel", ["sobel_x", "gaussian_blur", "sharpen"])
def test_the_printed_pixels_times_the_kernel_are_the_printed_products(image, kernel):
    op = op_of(image, kernel)
    fig = figures.fig_operation(op, 0, False, TR)
    pixels = z(fig.to_dict()["data"][0])
    assert fig.data[0].texttemplate == "%{z:.2f}"  # printed with two decimals: its value exactly
    np.testing.assert_array_equal(pixels, op.image[0])
    for p, frame in enumerate(frames(fig)):
        row, col = divmod(p, topic.OUT)
        window = pixels[row : row + 3, col : col + 3]
        np.testing.assert_allclose(np.round(window * op.kernel, 2), z(frame["data"][1]))


def test_pictures_are_black_to_white_and_signed_maps_red_above_blue_below_around_0():
    op = op_of("house", "sobel_x")
    fig = figures.fig_operation(op, 0, False, TR).to_dict()
    picture, products, output = fig["data"][0], fig["data"][2], fig["data"][4]
    assert (picture["colorscale"], picture["zmin"], picture["zmax"]) == (PIXEL_SCALE, 0, 1)
    maps = [figures.fig_map(m, "t", TR).to_dict()["data"][0] for _, m in topic.maps(op)]
    for trace in [products, output, *maps]:
        assert trace["colorscale"] == SIGNED_SCALE
        assert trace["zmin"] == -trace["zmax"] > -np.inf
        assert np.nanmax(np.abs(z(trace) if "z" in trace else [0])) <= trace["zmax"] + 1e-9
    thumb = topic.thumbnail().to_dict()["data"]
    assert (thumb[0]["colorscale"], thumb[0]["zmin"], thumb[2]["colorscale"]) == (
        PIXEL_SCALE,
        0,
        SIGNED_SCALE,
    )


# --- 2. shapes --------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(3, 16),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    d=st.integers(1, 3),
)
def test_the_output_size_sentence_is_the_shape_conv2d_returns(n, k, s, p, d):
    [(key, words)] = topic.layer_words(n, k, s, p, d)
    x, w = np.zeros((1, 1, n, n)), np.zeros((1, 1, k, k))
    if key == "cnn.shape.none":
        with pytest.raises(ValueError, match="exceeds the padded input"):
            conv.conv2d(x, w, stride=s, padding=p, dilation=d)
        assert topic.taps(n, k, s, p, d) is None
        return
    out = conv.conv2d(x, w, stride=s, padding=p, dilation=d).shape[2]
    assert words["out"] == out
    assert topic.size_latex(n, k, s, p, d).endswith(f"= {out}")
    t = topic.taps(n, k, s, p, d)
    assert len(t.corners) == out * out
    assert len(t.taps) == k * k
    assert t.padded == n + 2 * p
    assert max(r for r, _ in t.taps) == d * (k - 1)  # dilation spreads the taps
    assert all(r + d * (k - 1) < t.padded for r, _ in t.corners)  # every window inside


@pytest.mark.parametrize(
    ("preset", "size"), [("shape_same", 7), ("shape_halve", 4), ("shape_dilate", 3)]
)
def test_each_shape_preset_gives_the_size_its_help_states(preset, size):
    v = topic.SHAPE_PRESETS[preset]
    [(_, words)] = topic.layer_words(*(v[key] for key in topic.SHAPE_KEYS))
    assert words["out"] == size
    assert f"→ {size}" in TR(f"cnn.shape.preset.{preset}_help")


def run_stack(n, c, layers):
    """The stack run for real on zeros: every tensor's shape."""
    x, shapes = np.zeros((1, c, n, n)), []
    for kind, k, s, p, d, channels in layers:
        if kind == "conv":
            x = conv.conv2d(x, np.zeros((channels, x.shape[1], k, k)), None, s, p, d)
        else:
            x = (conv.max_pool2d if kind == "max" else conv.avg_pool2d)(x, k, s, p)
        shapes.append(x.shape)
    return shapes


def support(n, c, layers):
    """The input pixels that the last layer's centre unit depends on, found by backpropagating
    a one at that unit through ones-kernels and average pools (the max pool's window too)."""
    xs, x = [], np.ones((1, 1, n, n))
    for kind, k, s, p, d, _ in layers:
        xs.append(x)
        if kind == "conv":
            x = conv.conv2d(x, np.ones((1, 1, k, k)), None, s, p, d)
        else:
            x = conv.avg_pool2d(x, k, s, p)
    g = np.zeros_like(x)
    g[0, 0, x.shape[2] // 2, x.shape[3] // 2] = 1.0
    for (kind, k, s, p, d, _), inp in zip(reversed(layers), reversed(xs), strict=True):
        if kind == "conv":
            g = conv.conv2d_backward(g, inp, np.ones((1, 1, k, k)), s, p, d)[0]
        else:
            g = conv.avg_pool2d_backward(g, inp, k, s, p)
    rows = np.flatnonzero(g[0, 0].any(axis=1))
    return (rows.min(), rows.max()) if rows.size else None


@pytest.mark.parametrize("preset", list(topic.STACK_PRESETS))
def test_each_stack_preset_s_table_is_the_shapes_the_layers_return(preset):
    n, c, layers = topic.stack_of(topic.STACK_PRESETS[preset])
    s = topic.stack(n, c, layers)
    assert s.problem is None
    assert [layer.shape for layer in s.layers] == run_stack(n, c, layers)
    rows = topic.stack_rows(s, TR)
    assert [r["Output (N, C, H, W)"] for r in rows[1:]] == [str(x) for x in run_stack(n, c, layers)]


@settings(max_examples=40, deadline=None)
@given(
    layers=st.lists(
        st.tuples(
            st.sampled_from(topic.LAYER_KINDS),
            st.integers(1, 5),
            st.integers(1, 3),
            st.integers(0, 2),
            st.integers(1, 3),
            st.sampled_from((1, 3)),
        ),
        min_size=1,
        max_size=topic.MAX_LAYERS,
    ),
    n=st.sampled_from((8, 16, 28)),
)
def test_any_stack_s_shapes_and_centre_fields_match_running_it(layers, n):
    s = topic.stack(n, 1, layers)
    done = layers[: len(s.layers)]
    done = [(kind, k, st_, p, d if kind == "conv" else 1, c) for kind, k, st_, p, d, c in done]
    if s.problem is not None:
        with pytest.raises(ValueError, match=r"exceeds|half"):
            run_stack(n, 1, layers[: len(s.layers) + 1])
    if not done:
        return
    assert [layer.shape for layer in s.layers] == run_stack(n, 1, done)
    first, last = topic.field_spans(s)[-1]
    if (span := support(n, 1, done)) is None:
        # The unit sits on some layer's padding (a 1×1 conv with stride 3 can put it there): it
        # depends on no input pixel, so the bound holds trivially.
        return
    lo, hi = span
    assert first <= lo <= hi <= last  # the field bounds every pixel the unit depends on
    # and its edges are real taps: exact wherever they fall inside the input (not on padding)
    assert lo == first if first >= 0 else True
    assert hi == last if last <= n - 1 else True


def test_three_3x3_layers_see_7x7_like_one_7x7_with_27_against_49_c_squared_weights():
    three = topic.stack(*topic.stack_of(topic.STACK_PRESETS["stack_three3"]))
    one = topic.stack(*topic.stack_of(topic.STACK_PRESETS["stack_one7"]))
    assert three.layers[-1].field.size == one.layers[-1].field.size == 7
    notes = dict(topic.stack_words(three))
    c2 = notes["cnn.shape.stack_c2"]
    assert (c2["a"], c2["b"], c2["c"]) == (27, 49, 64)
    assert c2["weights"] == f"{sum(layer.weights for layer in three.layers):,}" == "110,592"
    assert c2["one"] == f"{one.layers[0].weights:,}" == "200,704"
    assert "27C² = **110,592**" in TR("cnn.shape.stack_c2", **c2)


@pytest.mark.parametrize(
    ("layers", "c", "key"),
    [
        ([("conv", 3, 1, 1, 1, 16)] * 2 + [("max", 2, 2, 0, 1, 16)], 16, "stack_c2"),
        ([("conv", 3, 1, 1, 1, 16)] * 2 + [("max", 2, 2, 0, 1, 16)], 3, "stack_weights_more"),
        ([("conv", 3, 1, 1, 1, 8)] * 2, 16, "stack_weights"),
        ([("conv", 1, 1, 0, 1, 64)] * 3, 64, "stack_c2_more"),
        ([("conv", 7, 1, 0, 1, 64)], 64, "stack_c2_same"),
        ([("conv", 5, 1, 0, 1, 8)], 3, "stack_weights_same"),
    ],
)
def test_the_stack_sentence_s_comparison_word_is_the_counts_order(layers, c, key):
    s = topic.stack(32, c, layers)
    notes = topic.stack_words(s)
    (last, words) = notes[-1]
    assert last == f"cnn.shape.{key}"
    weights, one = (int(words[f].replace(",", "")) for f in ("weights", "one"))
    assert (weights > one, weights == one) == (key.endswith("more"), key.endswith("same"))
    for lang, word in (("en", "fewer"), ("ko", "적습니다")):
        text = translator(lang)(last, **words)
        assert (word in text) == (weights < one) or key.endswith("more")
    assert ("more, not fewer" in TR(last, **words)) == (weights > one)


def test_the_default_stack_is_the_classic_lesson_its_3x3_layers_cheaper_than_one_layer():
    values = {c.key: c.default for c in topic.CONTROLS}
    (key, words) = topic.stack_words(topic.stack(*topic.stack_of(values)))[-1]
    assert key == "cnn.shape.stack_c2"
    assert int(words["weights"].replace(",", "")) < int(words["one"].replace(",", ""))


def test_the_vgg_stack_s_fields_grow_3_5_6_10_and_the_dilated_one_reaches_13():
    vgg = topic.stack(*topic.stack_of(topic.STACK_PRESETS["stack_vgg"]))
    assert [layer.field.size for layer in vgg.layers] == [3, 5, 6, 10]
    assert vgg.layers[-1].field.jump == 2
    dilated = topic.stack(*topic.stack_of(topic.STACK_PRESETS["stack_dilated"]))
    assert dilated.layers[-1].field.size == 13
    assert "13×13" in TR("cnn.shape.preset.stack_dilated_help")
    assert {layer.shape[2] for layer in dilated.layers} == {32}  # the padding keeps the size


@pytest.mark.parametrize("preset", list(topic.STACK_PRESETS))
def test_the_drawn_fields_are_one_unit_s_view_growing_layer_by_layer(preset):
    s = topic.stack(*topic.stack_of(topic.STACK_PRESETS[preset]))
    spans = topic.field_spans(s)
    assert [last - first + 1 for first, last in spans] == [x.field.size for x in s.layers]
    for (a0, a1), (b0, b1) in itertools.pairwise(spans):
        assert b0 <= a0 <= a1 <= b1  # each field holds the one before it


def test_a_layer_with_no_output_stops_the_table_and_says_why():
    s = topic.stack(8, 3, [("conv", 3, 1, 0, 1, 8), ("conv", 7, 1, 0, 1, 8)])
    assert len(s.layers) == 1
    assert s.problem == ("cnn.shape.stack_none", {"layer": 2, "span": 7, "padded": 6})
    assert topic.stack_words(s)[0][0] in topic.PROBLEMS
    pool = topic.stack(8, 3, [("max", 2, 2, 2, 1, 8)])
    assert pool.problem == ("cnn.shape.stack_pool_pad", {"layer": 1, "half": 1})


# --- the figures ------------------------------------------------------------------------------


def finite(fig: go.Figure) -> bool:
    values = json.loads(fig.to_json())
    numbers = [
        v
        for trace in values["data"] + [t for f in values.get("frames", []) for t in f["data"]]
        for axis in ("x", "y", "z")
        for v in np.ravel(np.array(trace.get(axis, []), dtype=object))
        if v is not None and not isinstance(v, str)
    ]
    return bool(np.isfinite(np.array(numbers, dtype=float)).all())


def test_the_figures_are_finite_small_and_have_axis_titles():
    op = op_of("scene", "edge")
    fig = figures.fig_operation(op, 5, False, TR)
    assert len(fig.to_json()) < 300_000
    others = [
        figures.fig_map(op.feature, "t", TR),
        topic.padded_figure(7, 3, 2, 1, 2, TR),
        topic.fields_figure(*topic.stack_of(topic.STACK_PRESETS["stack_vgg"]), TR),
    ]
    for f in [fig, *others]:
        assert finite(f)
        assert f.layout.xaxis.title.text
        assert not f.layout.yaxis.title.text  # the rows' title reads horizontally instead
        assert any(
            a.text == TR("cnn.op.fig.row") and a.textangle is None for a in f.layout.annotations
        )
        assert f.layout.yaxis.range[0] > f.layout.yaxis.range[1]  # y runs downward


def test_the_thumbnail_is_static_and_wordless():
    fig = topic.thumbnail()
    assert len(fig.data) == 4
    assert not fig.layout.annotations
    assert not fig.layout.title.text
    assert all(trace.hoverinfo == "skip" for trace in fig.data)
