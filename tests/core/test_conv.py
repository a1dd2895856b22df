import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.conv import (
    KERNELS,
    ReceptiveField,
    avg_pool2d,
    avg_pool2d_backward,
    conv2d,
    conv2d_backward,
    conv_step,
    max_pool2d,
    max_pool2d_backward,
    output_size,
    parameter_counts,
    receptive_field,
    shift,
)

HYPOTHESIS = settings(max_examples=30, deadline=None, database=None)
seeds = st.integers(0, 2**32 - 1)


def numeric_gradient(loss, a, h=1e-5):
    """Central differences of loss() in every entry of a (changed in place and restored)."""
    grad = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + h
        plus = loss()
        a[idx] = old - h
        minus = loss()
        a[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


@st.composite
def conv_cases(draw):
    """A small conv2d problem: shapes, stride, padding and dilation with at least one output."""
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    hw = tuple(
        draw(st.integers(max(1, d[a] * (k[a] - 1) + 1 - 2 * p[a]), 7 - p[a])) for a in (0, 1)
    )
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    return (n, c_in, *hw), (c_out, c_in, *k), s, p, d


@st.composite
def pool_cases(draw):
    """A small pooling problem: kernel, stride (None: the kernel), padding ≤ kernel/2."""
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    hw = tuple(draw(st.integers(max(1, k[a] - 2 * p[a]), 7)) for a in (0, 1))
    return (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *hw), k, s, p


# --- conv2d: hand-computed cases -------------------------------------------------------------


def test_conv2d_of_a_ramp_with_a_box_kernel_sums_each_window():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    out = conv2d(x, np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(out, [[[[10, 14, 18], [26, 30, 34], [42, 46, 50]]]])


def test_conv2d_is_cross_correlation_the_kernel_is_not_flipped():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    top_left = np.array([[[[1.0, 0.0], [0.0, 0.0]]]])
    # a true convolution would flip the kernel and pick each window's bottom-right pixel
    np.testing.assert_array_equal(conv2d(x, top_left)[0, 0], x[0, 0, :3, :3])


def test_conv2d_with_stride_and_padding_sums_the_real_pixels_of_each_window():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    out = conv2d(x, np.ones((1, 1, 3, 3)), stride=2, padding=1)
    np.testing.assert_array_equal(out, [[[[8, 12], [20, 24]]]])


def test_conv2d_with_dilation_two_reads_every_other_pixel():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    out = conv2d(x, np.ones((1, 1, 3, 3)), dilation=2)
    assert out.shape == (1, 1, 1, 1)
    assert out[0, 0, 0, 0] == x[0, 0, ::2, ::2].sum()


def test_conv2d_sums_the_input_channels_and_adds_the_bias():
    x = np.stack([np.full((3, 3), v) for v in (1.0, 2.0, 3.0)])[None]
    w = np.array([1.0, 10.0, 100.0]).reshape(1, 3, 1, 1)
    np.testing.assert_array_equal(conv2d(x, w, bias=[0.5]), np.full((1, 1, 3, 3), 321.5))


def test_conv2d_gives_one_output_channel_per_filter():
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 5))
    w = np.random.default_rng(1).normal(size=(4, 3, 3, 2))
    out = conv2d(x, w, padding=(1, 0))
    assert out.shape == (2, 4, 6, 4)
    np.testing.assert_allclose(out[:, 2:3], conv2d(x, w[2:3], padding=(1, 0)), rtol=1e-14)


def test_conv2d_of_an_unbatched_image_is_the_batch_of_one_s_result():
    x = np.random.default_rng(0).normal(size=(2, 5, 5))
    w = np.random.default_rng(1).normal(size=(3, 2, 3, 3))
    np.testing.assert_array_equal(conv2d(x, w, stride=2), conv2d(x[None], w, stride=2)[0])


def test_conv2d_backward_of_a_box_kernel_counts_the_windows_over_each_pixel():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    gx, gw, gb = conv2d_backward(np.ones((1, 1, 3, 3)), x, np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(
        gx[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]
    )
    np.testing.assert_array_equal(gw, [[[[45, 54], [81, 90]]]])  # each offset's window sums
    np.testing.assert_array_equal(gb, [9.0])


def test_conv2d_backward_of_an_unbatched_image_drops_the_batch_axis():
    rng = np.random.default_rng(2)
    x, w, dy = rng.normal(size=(2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=(3, 3, 3))
    gx, gw, gb = conv2d_backward(dy, x, w)
    bx, bw, bb = conv2d_backward(dy[None], x[None], w)
    np.testing.assert_array_equal(gx, bx[0])
    np.testing.assert_array_equal(gw, bw)
    np.testing.assert_array_equal(gb, bb)


# --- conv2d: against finite differences ------------------------------------------------------


@HYPOTHESIS
@given(case=conv_cases(), seed=seeds)
def test_conv2d_backward_matches_finite_differences(case, seed):
    x_shape, w_shape, s, p, d = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    r = rng.normal(size=conv2d(x, w, b, s, p, d).shape)

    def loss():
        return float(np.sum(conv2d(x, w, b, s, p, d) * r))

    gx, gw, gb = conv2d_backward(r, x, w, s, p, d)
    np.testing.assert_allclose(gx, numeric_gradient(loss, x), atol=1e-8)
    np.testing.assert_allclose(gw, numeric_gradient(loss, w), atol=1e-8)
    np.testing.assert_allclose(gb, numeric_gradient(loss, b), atol=1e-8)


@HYPOTHESIS
@given(case=conv_cases(), seed=seeds)
def test_conv2d_backward_input_gradient_is_the_adjoint_of_the_forward(case, seed):
    # ⟨conv(x), r⟩ = ⟨x, convᵀ(r)⟩ for every x and r: the backward is the forward's transpose
    x_shape, w_shape, s, p, d = case
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=x_shape), rng.normal(size=w_shape)
    r = rng.normal(size=conv2d(x, w, None, s, p, d).shape)
    gx, _, _ = conv2d_backward(r, x, w, s, p, d)
    assert np.sum(conv2d(x, w, None, s, p, d) * r) == pytest.approx(np.sum(x * gx), rel=1e-12)


# --- output_size -----------------------------------------------------------------------------


@HYPOTHESIS
@given(case=conv_cases())
def test_output_size_is_the_shape_conv2d_returns(case):
    x_shape, w_shape, s, p, d = case
    out = conv2d(np.zeros(x_shape), np.zeros(w_shape), None, s, p, d)
    want = [output_size(x_shape[2 + a], w_shape[2 + a], s[a], p[a], d[a]) for a in (0, 1)]
    assert out.shape == (x_shape[0], w_shape[0], *want)


@settings(max_examples=200, deadline=None, database=None)
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 7),
    s=st.integers(1, 5),
    p=st.integers(0, 4),
    d=st.integers(1, 4),
)
def test_output_size_counts_the_window_positions_that_fit(n, k, s, p, d):
    span = d * (k - 1) + 1
    assume(span <= n + 2 * p)
    assert output_size(n, k, s, p, d) == len(range(0, n + 2 * p - span + 1, s))


def test_output_size_of_alexnet_s_first_layer_is_55():
    assert output_size(227, 11, stride=4) == 55


def test_output_size_rejects_a_kernel_wider_than_the_padded_input():
    with pytest.raises(ValueError, match=r"span d\(k − 1\) \+ 1 = 5 exceeds the padded input"):
        output_size(3, 3, dilation=2)


# --- pooling: hand-computed cases ------------------------------------------------------------


def test_max_pool2d_default_stride_is_the_kernel_size():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(max_pool2d(x, 2), [[[[5, 7], [13, 15]]]])


def test_max_pool2d_backward_routes_each_gradient_to_its_window_s_maximum():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    gx = max_pool2d_backward([[[[1.0, 2.0], [3.0, 4.0]]]], x, 2)
    np.testing.assert_array_equal(
        gx[0, 0], [[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0], [0, 3, 0, 4]]
    )


def test_max_pool2d_backward_gives_a_tie_to_the_first_maximum_in_row_major_order():
    x = np.array([[[[1.0, 3.0], [3.0, 0.0]]]])
    np.testing.assert_array_equal(max_pool2d_backward([[[[1.0]]]], x, 2)[0, 0], [[0, 1], [0, 0]])
    flat = np.zeros((1, 1, 2, 2))
    np.testing.assert_array_equal(max_pool2d_backward([[[[1.0]]]], flat, 2)[0, 0], [[1, 0], [0, 0]])


def test_max_pool2d_backward_sums_where_overlapping_windows_share_a_maximum():
    x = np.zeros((1, 1, 3, 5))
    x[0, 0, 1, 2] = 9.0  # in both windows of a 3×3 pool with stride 2
    gx = max_pool2d_backward(np.ones((1, 1, 1, 2)), x, 3, stride=2)
    assert gx[0, 0, 1, 2] == 2.0
    assert gx.sum() == 2.0


def test_max_pool2d_padding_counts_as_minus_infinity_not_zero():
    x = np.full((1, 1, 2, 2), -5.0)
    np.testing.assert_array_equal(max_pool2d(x, 2, stride=1, padding=1), np.full((1, 1, 3, 3), -5))


def test_avg_pool2d_counts_padded_zeros_in_the_average():
    x = np.ones((1, 1, 2, 2))
    np.testing.assert_array_equal(avg_pool2d(x, 2, padding=1), np.full((1, 1, 2, 2), 0.25))


def test_avg_pool2d_backward_spreads_each_gradient_evenly_over_its_window():
    gx = avg_pool2d_backward([[[[4.0, 8.0]]]], np.zeros((1, 1, 2, 4)), 2)
    np.testing.assert_array_equal(gx[0, 0], [[1, 1, 2, 2], [1, 1, 2, 2]])


def test_pools_of_an_unbatched_image_are_the_batch_of_one_s_result():
    x = np.random.default_rng(3).normal(size=(2, 6, 6))
    np.testing.assert_array_equal(max_pool2d(x, 3, 2, 1), max_pool2d(x[None], 3, 2, 1)[0])
    np.testing.assert_array_equal(avg_pool2d(x, 3, 2, 1), avg_pool2d(x[None], 3, 2, 1)[0])


def test_max_pool2d_of_a_shifted_image_moves_less_than_the_shift():
    # a one-pixel shift inside a 2×2 window leaves the pooled map unchanged: local invariance
    x = np.zeros((1, 1, 8, 8))
    x[0, 0, 2, 2] = 1.0
    shifted = np.roll(x, 1, axis=3)
    np.testing.assert_array_equal(max_pool2d(x, 2), max_pool2d(shifted, 2))


# --- pooling: against finite differences -----------------------------------------------------


@HYPOTHESIS
@given(case=pool_cases(), seed=seeds)
def test_max_pool2d_backward_matches_finite_differences(case, seed):
    shape, k, s, p = case
    rng = np.random.default_rng(seed)
    # distinct values a whole unit apart: no ties, and a step of h never changes a window's winner
    x = rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64)
    r = rng.normal(size=max_pool2d(x, k, s, p).shape)

    def loss():
        return float(np.sum(max_pool2d(x, k, s, p) * r))

    gx = max_pool2d_backward(r, x, k, s, p)
    np.testing.assert_allclose(gx, numeric_gradient(loss, x, h=1e-3), atol=1e-9)


@HYPOTHESIS
@given(case=pool_cases(), seed=seeds)
def test_avg_pool2d_backward_matches_finite_differences(case, seed):
    shape, k, s, p = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    r = rng.normal(size=avg_pool2d(x, k, s, p).shape)

    def loss():
        return float(np.sum(avg_pool2d(x, k, s, p) * r))

    gx = avg_pool2d_backward(r, x, k, s, p)
    np.testing.assert_allclose(gx, numeric_gradient(loss, x), atol=1e-8)


@HYPOTHESIS
@given(case=pool_cases())
def test_pool_output_shape_is_output_size_with_stride_defaulting_to_the_kernel(case):
    shape, k, s, p = case
    stride = k if s is None else s
    want = [output_size(shape[2 + a], k[a], stride[a], p[a]) for a in (0, 1)]
    assert max_pool2d(np.zeros(shape), k, s, p).shape == (*shape[:2], *want)
    assert avg_pool2d(np.zeros(shape), k, s, p).shape == (*shape[:2], *want)


# --- receptive fields ------------------------------------------------------------------------


def test_receptive_field_of_three_3x3_convolutions_is_7():
    fields = receptive_field([(3, 1, 1, 1)] * 3)
    assert [f.size for f in fields] == [3, 5, 7]
    assert fields[-1] == ReceptiveField(size=7, jump=1, start=0.0)


def test_receptive_field_of_two_strided_layers_follows_the_recursion_by_hand():
    # k=3, p=1, s=2 twice: r = 3 then 3 + 2·2 = 7; j = 2 then 4; unit 0 centred on pixel 0
    fields = receptive_field([(3, 2, 1, 1), (3, 2, 1, 1)])
    assert fields == (ReceptiveField(3, 2, 0.0), ReceptiveField(7, 4, 0.0))
    assert fields[1].span(1) == (1, 7)


def test_receptive_field_of_a_dilated_kernel_spans_d_times_k_minus_1_plus_1():
    assert receptive_field([(3, 1, 0, 4)])[0].size == 9


def support_1d(layers, n, unit):
    """Input rows whose gradient is non-zero for output unit `unit`, through conv2d_backward."""
    x = np.ones((1, 1, n, 1))
    inputs = []
    for k, s, p, d in layers:  # all-ones kernels: no cancellation, every path counts
        inputs.append(x)
        x = conv2d(x, np.ones((1, 1, k, 1)), None, (s, 1), (p, 0), (d, 1))
    grad = np.zeros_like(x)
    grad[0, 0, unit, 0] = 1.0
    for (k, s, p, d), inp in zip(reversed(layers), reversed(inputs), strict=True):
        grad, _, _ = conv2d_backward(grad, inp, np.ones((1, 1, k, 1)), (s, 1), (p, 0), (d, 1))
    rows = np.flatnonzero(grad[0, 0, :, 0])
    if rows.size == 0:  # a unit that sees only padding (a 1×1 kernel with padding, say)
        return None, x.shape[2]
    return (int(rows.min()), int(rows.max())), x.shape[2]


layer_specs = st.tuples(st.integers(1, 4), st.integers(1, 2), st.integers(0, 2), st.integers(1, 2))


@HYPOTHESIS
@given(layers=st.lists(layer_specs, min_size=1, max_size=4), n=st.integers(6, 30))
def test_receptive_field_is_the_gradient_support_of_each_output_unit(layers, n):
    size = n
    for k, s, p, d in layers:
        assume(d * (k - 1) + 1 <= size + 2 * p)
        size = output_size(size, k, s, p, d)
    field = receptive_field(layers)[-1]
    for unit in range(size):
        support, units = support_1d(layers, n, unit)
        lo, hi = field.span(unit)
        inside = lo >= 0 and hi <= n - 1
        assert units == size
        if support is None:
            assert not inside
            continue
        # padding and rows the floor dropped cut the field at the image's edges, never inside
        assert lo <= support[0]
        assert support[1] <= hi
        if inside:
            assert support == (lo, hi)


def test_receptive_field_rejects_a_layer_without_four_numbers():
    with pytest.raises(ValueError, match=r"layer 1 must be \(kernel, stride, padding, dilation\)"):
        receptive_field([(3, 1, 1, 1), (3, 1)])


# --- parameter counts ------------------------------------------------------------------------


def test_parameter_counts_of_alexnet_s_first_layer():
    # CS231n's figures: 96 filters 11×11×3 on 227×227×3 with stride 4 give 55×55×96
    counts = parameter_counts((3, 227, 227), 96, 11, stride=4)
    assert counts.output_shape == (96, 55, 55)
    assert counts.conv == 34_944  # 96·(11·11·3 + 1)
    assert counts.locally_connected == 105_705_600  # 55·55·96·364: "about 105.7 million"
    assert counts.dense == 44_892_355_200  # 290,400·(154,587 + 1): every unit sees every input


def test_parameter_counts_by_hand_for_a_small_layer():
    counts = parameter_counts((1, 5, 5), 2, 3)
    assert (counts.conv, counts.locally_connected, counts.dense) == (20, 180, 468)
    bare = parameter_counts((1, 5, 5), 2, 3, bias=False)
    assert (bare.conv, bare.locally_connected, bare.dense) == (18, 162, 450)


def test_parameter_counts_conv_count_is_the_weight_and_bias_sizes():
    w, b = np.zeros((8, 3, 5, 3)), np.zeros(8)
    assert parameter_counts((3, 32, 32), 8, (5, 3), padding=1).conv == w.size + b.size


# --- classic kernels -------------------------------------------------------------------------


def test_kernels_sobel_x_responds_positively_to_intensity_rising_to_the_right():
    ramp = np.tile(np.arange(6.0), (6, 1))[None, None]
    out = conv2d(ramp, KERNELS["sobel_x"][None, None])
    np.testing.assert_array_equal(out, np.full((1, 1, 4, 4), 8.0))
    assert np.all(conv2d(ramp, KERNELS["sobel_y"][None, None]) == 0)


def test_kernels_identity_with_padding_one_returns_the_image():
    x = np.random.default_rng(4).normal(size=(1, 1, 5, 5))
    np.testing.assert_array_equal(conv2d(x, KERNELS["identity"][None, None], padding=1), x)


def test_kernels_blurs_and_sharpen_preserve_a_constant_image():
    for name in ("box_blur", "gaussian_blur", "sharpen", "identity"):
        assert KERNELS[name].sum() == pytest.approx(1.0, abs=1e-15)
    for name in ("edge", "laplacian", "sobel_x", "sobel_y"):
        assert KERNELS[name].sum() == 0.0


def test_kernels_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        KERNELS["sobel_x"][0, 0] = 5.0


# --- one step, and shifts --------------------------------------------------------------------


@HYPOTHESIS
@given(case=conv_cases(), seed=seeds)
def test_conv_step_value_is_conv2d_s_output_cell_at_every_position(case, seed):
    x_shape, w_shape, s, p, d = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=x_shape[1:]), rng.normal(size=w_shape[1:]), float(rng.normal())
    out = conv2d(x[None], w[None], [b], s, p, d)[0, 0]
    for i, j in np.ndindex(out.shape):
        assert conv_step(x, w, i, j, s, p, d, bias=b).value == pytest.approx(out[i, j], abs=1e-12)


def test_conv_step_spells_out_the_window_over_padding_by_hand():
    x = np.arange(1.0, 10.0).reshape(1, 3, 3)
    step = conv_step(x, np.ones((1, 3, 3)), 0, 0, padding=1)
    assert (step.rows, step.cols) == ((-1, 0, 1), (-1, 0, 1))
    np.testing.assert_array_equal(step.window[0], [[0, 0, 0], [0, 1, 2], [0, 4, 5]])
    np.testing.assert_array_equal(step.products, step.window)
    assert step.value == 12.0


def test_conv_step_with_stride_and_dilation_lands_on_the_right_pixels():
    x = np.arange(64.0).reshape(1, 8, 8)  # span 3·1 + 1 = 4, stride 2: 3 × 3 cells
    step = conv_step(x, np.ones((1, 2, 2)), 1, 2, stride=2, dilation=3)
    assert (step.rows, step.cols) == ((2, 5), (4, 7))
    np.testing.assert_array_equal(step.window[0], x[0][np.ix_([2, 5], [4, 7])])


def zero_bordered(rng, shape, border):
    x = np.zeros(shape)
    x[..., border:-border, border:-border] = rng.normal(
        size=(*shape[:-2], *(n - 2 * border for n in shape[-2:]))
    )
    return x


@HYPOTHESIS
@given(
    k=st.sampled_from([1, 3, 5]),
    rows=st.integers(-3, 3),
    cols=st.integers(-3, 3),
    seed=seeds,
)
def test_conv2d_is_translation_equivariant_shifting_the_input_shifts_the_feature_map(
    k, rows, cols, seed
):
    rng = np.random.default_rng(seed)
    x = zero_bordered(rng, (1, 2, 16, 16), border=3)  # nothing falls off when shifted by ≤ 3
    w = rng.normal(size=(3, 2, k, k))
    shifted_then_conv = conv2d(shift(x, rows, cols), w, padding=k // 2)
    conv_then_shifted = shift(conv2d(x, w, padding=k // 2), rows, cols)
    # where the map reached the border (k > 1) the shift drops or zero-fills: compare inside
    m = k // 2 + 3
    np.testing.assert_allclose(
        shifted_then_conv[..., m:-m, m:-m], conv_then_shifted[..., m:-m, m:-m], atol=1e-12
    )


def test_max_pool2d_of_a_shift_by_its_stride_shifts_the_pooled_map_by_one_cell():
    rng = np.random.default_rng(5)
    x = zero_bordered(rng, (1, 1, 12, 12), border=2)
    np.testing.assert_array_equal(max_pool2d(shift(x, 2, -2), 2), shift(max_pool2d(x, 2), 1, -1))


def test_shift_moves_down_and_right_filling_zeros():
    x = np.arange(1.0, 10.0).reshape(3, 3)
    np.testing.assert_array_equal(shift(x, 1, 1), [[0, 0, 0], [0, 1, 2], [0, 4, 5]])
    np.testing.assert_array_equal(shift(x, -1, 0), [[4, 5, 6], [7, 8, 9], [0, 0, 0]])
    np.testing.assert_array_equal(shift(x, 3, 0), np.zeros((3, 3)))


# --- argument checks -------------------------------------------------------------------------


def test_conv2d_rejects_an_input_that_is_not_a_batch_of_images():
    with pytest.raises(ValueError, match=r"input must be a non-empty \(N, C, H, W\)"):
        conv2d(np.zeros((4, 4)), np.zeros((1, 1, 3, 3)))


def test_conv2d_rejects_a_weight_with_the_wrong_number_of_input_channels():
    with pytest.raises(ValueError, match="weight has 2 input channels but input has 3"):
        conv2d(np.zeros((1, 3, 4, 4)), np.zeros((1, 2, 3, 3)))


def test_conv2d_rejects_a_bias_not_one_per_output_channel():
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        conv2d(np.zeros((1, 1, 4, 4)), np.zeros((4, 1, 3, 3)), bias=np.zeros(3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stride": 0}, r"stride must be in \[1, inf\), got 0"),
        ({"padding": -1}, r"padding must be in \[0, inf\), got -1"),
        ({"dilation": (1, 0)}, r"dilation must be in \[1, inf\), got 0"),
        ({"stride": True}, "stride must be an integer, got True"),
        ({"stride": 1.5}, "stride must be an integer, got 1.5"),
        ({"padding": (1, 1, 1)}, r"padding must be an int or a pair of ints, got \(1, 1, 1\)"),
    ],
)
def test_conv2d_rejects_bad_stride_padding_or_dilation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)), **kwargs)


def test_conv2d_rejects_a_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"span d\(k − 1\) \+ 1 = 5 exceeds the padded input"):
        conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 5, 5)))


def test_conv2d_rejects_non_finite_input():
    with pytest.raises(ValueError, match=r"input must be finite \(no NaN or inf\)"):
        conv2d(np.full((1, 1, 3, 3), np.nan), np.zeros((1, 1, 3, 3)))


def test_conv2d_backward_rejects_a_gradient_not_shaped_as_the_output():
    with pytest.raises(
        ValueError, match=r"grad_output must have the output's shape \(1, 1, 2, 2\)"
    ):
        conv2d_backward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)))


def test_pools_reject_padding_over_half_the_kernel():
    with pytest.raises(ValueError, match=r"padding must be at most half of kernel_size \(3, 3\)"):
        max_pool2d(np.zeros((1, 1, 6, 6)), 3, padding=2)
    with pytest.raises(ValueError, match=r"padding must be at most half of kernel_size \(2, 2\)"):
        avg_pool2d_backward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)), 2, padding=(0, 2))


def test_parameter_counts_rejects_an_input_shape_without_channels():
    with pytest.raises(ValueError, match=r"input_shape must be \(C_in, H, W\)"):
        parameter_counts((227, 227), 96, 11)


def test_conv_step_rejects_a_position_outside_the_output():
    with pytest.raises(ValueError, match=r"row must be in \[0, 1\], got 2"):
        conv_step(np.zeros((1, 4, 4)), np.zeros((1, 3, 3)), 2, 0)


def test_conv_step_rejects_a_kernel_with_other_channels():
    with pytest.raises(
        ValueError, match="kernel must be \\(C, kH, kW\\) with the image's 3 channels"
    ):
        conv_step(np.zeros((3, 4, 4)), np.zeros((1, 3, 3)), 0, 0)


def test_shift_rejects_a_one_dimensional_array():
    with pytest.raises(ValueError, match=r"image must have at least 2 axes"):
        shift(np.zeros(5), 1, 0)
