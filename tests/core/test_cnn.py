"""core.nn's Conv2d, MaxPool2d and Flatten, and core.cnn's permuted-pixels experiment.

The layers: gradients against central differences, torch's init bound, Sequential's flat views
and names, the tiling max pool equal to core.conv's (ties included). The experiment: the MLP on
shuffled pixels predicts exactly what the MLP on images predicts at every epoch; the CNN's test
accuracy falls by at least FALL at the page's defaults.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import cnn, conv, images
from core.nn import Activation, Conv2d, Flatten, Linear, MaxPool2d, Sequential
from ui import i18n
from ui.topics.convolutions import flatten as flat

HYPOTHESIS = settings(max_examples=25, deadline=None, database=None)
H = 1e-6
FD_TOL = 1e-6
EN = i18n.translator("en")
FALL = 0.2  # the CNN's drop in final test accuracy the page promises at its defaults (22 %+)


def central_differences(f, a):
    grad = np.zeros(a.shape)
    for i in np.ndindex(a.shape):
        old = a[i]
        a[i] = old + H
        up = f()
        a[i] = old - H
        down = f()
        a[i] = old
        grad[i] = (up - down) / (2 * H)
    return grad


def assert_close(analytic, numeric):
    scale = max(1.0, float(np.abs(numeric).max(initial=0.0)))
    np.testing.assert_allclose(analytic, numeric, rtol=FD_TOL, atol=FD_TOL * scale)


@given(
    seed=st.integers(0, 2**31),
    c_in=st.integers(1, 2),
    c_out=st.integers(1, 3),
    k=st.integers(1, 3),
    stride=st.integers(1, 2),
    padding=st.integers(0, 1),
    dilation=st.integers(1, 2),
)
@HYPOTHESIS
def test_conv2d_layer_gradients_match_central_differences(
    seed, c_in, c_out, k, stride, padding, dilation
):
    rng = np.random.default_rng(seed)
    layer = Conv2d(c_in, c_out, k, stride, padding, dilation, seed=seed % 1000)
    x = rng.normal(size=(2, c_in, 6, 5))
    g = rng.normal(size=layer.forward(x).shape)

    def probe():
        return float(np.sum(layer.forward(x) * g))

    layer.forward(x)
    dx = layer.backward(g)
    assert_close(dx, central_differences(probe, x))
    for key in ("weight", "bias"):
        layer.forward(x)
        layer.backward(g)
        analytic = layer.grads[key].copy()
        assert_close(analytic, central_differences(probe, layer.params[key]))


@given(seed=st.integers(0, 2**31), k=st.integers(1, 3), stride=st.integers(1, 3))
@HYPOTHESIS
def test_maxpool_and_flatten_gradients_match_central_differences(seed, k, stride):
    rng = np.random.default_rng(seed)
    net = Sequential(MaxPool2d(k, stride), Flatten())
    x = rng.normal(size=(2, 2, 6, 6))  # distinct values: the maximum is differentiable
    g = rng.normal(size=net.forward(x).shape)
    net.forward(x)
    assert_close(net.backward(g), central_differences(lambda: float(np.sum(net.forward(x) * g)), x))


@given(seed=st.integers(0, 2**31), k=st.integers(1, 3), levels=st.integers(1, 3))
@HYPOTHESIS
def test_tiling_max_pool_equals_core_conv_ties_included(seed, k, levels):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, size=(2, 3, 2 * k, 3 * k)).astype(np.float64)  # many ties
    layer = MaxPool2d(k)
    out = layer.forward(x)
    g = rng.normal(size=out.shape)
    assert np.array_equal(out, conv.max_pool2d(x, k))
    assert np.array_equal(layer.backward(g), conv.max_pool2d_backward(g, x, k))


def test_conv2d_init_is_torch_bound_one_over_root_fan_in():
    layer = Conv2d(3, 64, 5, seed=4)
    bound = 1 / math.sqrt(3 * 5 * 5)
    assert layer.weight.shape == (64, 3, 5, 5)
    assert layer.bias.shape == (64,)
    assert np.abs(layer.weight).max() <= bound
    assert np.abs(layer.weight).max() > 0.9 * bound
    assert np.abs(layer.bias).max() <= bound


def test_sequential_cnn_names_parameters_as_torch_and_views_flat_storage():
    net = cnn.cnn(0)
    names = [name for name, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"]
    assert net.parameters.size == 8 * 9 + 8 + 16 * 8 * 9 + 16 + 256 * 10 + 10
    net.parameters[0] = 123.0
    assert net.layers[0].weight.flat[0] == 123.0


def test_flatten_is_torch_start_dim_one_row_major():
    x = np.arange(2 * 3 * 2 * 2, dtype=np.float64).reshape(2, 3, 2, 2)
    assert np.array_equal(Flatten().forward(x), x.reshape(2, 12))


def test_layers_refuse_wrong_shapes_and_backward_before_forward():
    with pytest.raises(ValueError, match=r"Conv2d expects input of shape \(N, 2, H, W\)"):
        Conv2d(2, 1, 3).forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Conv2d(1, 1, 3).backward(np.zeros((1, 1, 3, 3)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        MaxPool2d(2).backward(np.zeros((1, 1, 1, 1)))
    with pytest.raises(ValueError, match="kernel_size must be"):
        Conv2d(1, 1, 0)


def test_order_is_the_permutation_permute_pixels_applies():
    x = np.random.default_rng(0).random((3, 1, cnn.SIZE, cnn.SIZE))
    sigma = cnn.order(7)
    flat = x.reshape(3, 1, -1)
    assert np.array_equal(images.permute_pixels(x, 7).reshape(3, 1, -1), flat[..., sigma])


def test_mlp_with_shuffled_first_layer_is_the_same_function_of_shuffled_pixels():
    x = np.random.default_rng(1).random((20, 1, cnn.SIZE, cnn.SIZE))
    net, twin = cnn.mlp(3), cnn.mlp(3)
    first = twin.layers[1].params["weight"]
    first[...] = first[:, cnn.order(5)]
    np.testing.assert_allclose(
        twin.forward(images.permute_pixels(x, 5)), net.forward(x), rtol=1e-14, atol=1e-14
    )


@pytest.fixture(scope="module")
def default():
    return cnn.experiment()  # the page's defaults: about 4 s of CPU (bench/cnn.py)


def test_mlp_predictions_identical_under_permutation_at_every_epoch(default):
    plain, shuffled = default.run("mlp", False), default.run("mlp", True)
    assert np.array_equal(plain.predictions, shuffled.predictions)
    assert np.array_equal(plain.test_accuracy, shuffled.test_accuracy)
    assert np.array_equal(plain.train_accuracy, shuffled.train_accuracy)
    assert default.fall("mlp") == 0.0


def test_cnn_test_accuracy_falls_by_at_least_fall_under_permutation(default):
    assert default.fall("cnn") >= FALL
    assert default.final("cnn", False) >= 0.75  # the CNN did learn the images


def test_experiment_shapes_and_filters(default):
    run = default.run("cnn", False)
    assert run.filters.shape == (8, 1, 3, 3)
    assert default.run("mlp", False).filters is None
    assert run.test_accuracy.shape == (default.epochs,)
    assert run.predictions.shape[1] == cnn.TEST
    assert default.examples.shape == default.shuffled.shape == (cnn.SHOWN, cnn.SIZE, cnn.SIZE)
    assert np.array_equal(
        np.sort(default.examples.reshape(cnn.SHOWN, -1), axis=1),
        np.sort(default.shuffled.reshape(cnn.SHOWN, -1), axis=1),
    )  # the same pixels, elsewhere


@pytest.mark.parametrize(("seed", "permutation"), [(1, 3), (5, 0)])
def test_mlp_identical_under_other_seeds_and_permutations(seed, permutation):
    e = cnn.experiment(200, 2, seed, permutation)
    assert np.array_equal(e.run("mlp", False).predictions, e.run("mlp", True).predictions)


@given(seed=st.integers(0, 10_000), permutation=st.integers(0, 10_000))
@settings(max_examples=5, deadline=None, database=None)
def test_mlp_identical_under_any_seed_and_permutation(seed, permutation):
    e = cnn.experiment(200, 1, seed, permutation)
    assert np.array_equal(e.run("mlp", False).predictions, e.run("mlp", True).predictions)


def test_experiment_refuses_out_of_range_arguments():
    with pytest.raises(ValueError, match="train"):
        cnn.experiment(train=10)
    with pytest.raises(ValueError, match="epochs"):
        cnn.experiment(epochs=99)


def test_cnn_activation_layers_are_relu():
    assert all(layer.name == "relu" for layer in cnn.cnn(0) if isinstance(layer, Activation))
    assert isinstance(cnn.mlp(0).layers[1], Linear)


# --- translation equivariance and the page's lessons -------------------------------------------


@given(
    picture=st.sampled_from(cnn.PICTURES),
    kernel=st.sampled_from(sorted(conv.KERNELS)),
    rows=st.integers(-cnn.MAX_SHIFT, cnn.MAX_SHIFT),
    cols=st.integers(-cnn.MAX_SHIFT, cnn.MAX_SHIFT),
)
@HYPOTHESIS
def test_conv_of_shift_equals_shift_of_conv_inside_the_interior(picture, kernel, rows, cols):
    e = cnn.equivariance(picture, kernel, rows, cols)
    assert e.inside <= cnn.EXACT
    differing = np.abs(e.difference) > cnn.EXACT
    assert not (differing & e.interior).any()  # every differing cell lies outside the box
    assert e.differing == int(differing.sum())


def test_equivariance_sentence_names_the_directions_of_the_shift():
    said = flat.equivariance_sentence(cnn.equivariance("checkerboard", "edge", -2, 0), EN)
    assert said.startswith("Shifted up by 2 and by 0 columns:")
    assert "differs in" in said


@pytest.mark.parametrize("picture", cnn.PICTURES)
def test_a_dense_layer_of_the_same_size_does_not_commute_with_the_shift(picture):
    # flat_equivariance.md: "a dense layer has no such property" (the conv does, inside)
    e = cnn.equivariance(picture, "sobel_x", 2, -3)
    side = cnn.PICTURE_SIZE
    dense = Linear(side * side, side * side, seed=0)
    dense.params["bias"][...] = 0.0  # a bias alone would already break T (zeros come in)

    def layer(a):
        return dense.forward(a.reshape(1, -1)).reshape(side, side)

    gap = layer(e.shifted) - conv.shift(layer(e.image), e.rows, e.cols)
    assert e.inside <= cnn.EXACT
    assert np.abs(gap[e.interior]).max() > 100 * cnn.EXACT
    assert np.abs(gap[e.interior]).max() > 0.1 * np.abs(e.feature).max()


def test_no_shift_means_no_difference_anywhere():
    for picture in cnn.PICTURES:
        assert cnn.equivariance(picture, "sharpen", 0, 0).differing == 0


def test_interior_is_one_kernel_radius_plus_the_shift_from_the_edges():
    mask = cnn.interior((10, 12), 2, -3)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    assert (rows[0], rows[-1]) == (3, 8)  # 1 + 2 from the top, 1 from the bottom
    assert (cols[0], cols[-1]) == (1, 7)  # 1 from the left, 1 + 3 from the right


def test_border_preset_differs_at_the_border_and_inside_preset_nowhere():
    border = cnn.equivariance(*flat.equivariance_values(flat.PRESETS["flat_border"]))
    assert border.differing > 0
    assert border.inside <= cnn.EXACT
    assert flat.equivariance_words(border, EN)[0] == "cnn.flat.eq_border"
    inside = cnn.equivariance(*flat.equivariance_values(flat.PRESETS["flat_inside"]))
    assert inside.differing == 0
    assert flat.equivariance_words(inside, EN)[0] == "cnn.flat.eq_exact"


def test_the_cnn_has_fewer_weights_than_the_mlp():
    # flat_experiment.md: "it ends a few points above the MLP on the images, with fewer weights"
    assert cnn.cnn(0).parameters.size < cnn.mlp(0).parameters.size / 4


def test_the_page_defaults_are_the_experiment_defaults():
    defaults = {c.key: c.default for c in flat.CONTROLS}
    assert tuple(defaults[k] for k in flat.EXPERIMENT_KEYS) == (600, 6, 0, 0)
    assert flat.PRESETS["flat_experiment"] == {k: defaults[k] for k in flat.EXPERIMENT_KEYS}


def test_default_experiment_mlp_same_cnn_ahead_on_images_and_falls(default):
    (result, words), (filters, _) = flat.experiment_words(default)
    assert result == "cnn.flat.result"
    assert words["mlp"] == words["mlp_shuffled"]
    assert float(words["fall"]) >= 100 * flat.FALL_PROMISED
    assert filters == "cnn.flat.filters_moved"  # both distances, no conclusion drawn
    assert default.final("cnn", False) - default.final("mlp", False) >= flat.AHEAD_PROMISED


def test_another_preset_keeps_the_lesson():
    values = flat.PRESETS["flat_another"]
    x = cnn.experiment(*(values[k] for k in flat.EXPERIMENT_KEYS))
    assert np.array_equal(x.run("mlp", False).predictions, x.run("mlp", True).predictions)
    assert x.fall("cnn") >= flat.FALL_PROMISED
    assert x.final("cnn", False) - x.final("mlp", False) >= flat.AHEAD_PROMISED
    assert flat.experiment_words(x)[1][0] == "cnn.flat.filters_moved"


def test_cost_of_the_default_is_light_enough_and_the_largest_heavy():
    from ui import heavy

    assert heavy.is_light(*cnn.cost(200, 1))
    assert not heavy.is_light(*cnn.cost(cnn.TRAIN_RANGE[1], cnn.EPOCHS_RANGE[1]))
