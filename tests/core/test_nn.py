import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core import activations, losses
from core.nn import Activation, BatchNorm1d, Dropout, Linear, Sequential

HYPOTHESIS = settings(max_examples=40, deadline=None, database=None)
H = 1e-6  # central-difference step
FD_TOL = 1e-6  # |analytic − numeric| ≤ FD_TOL·max(1, |values|)

NAMES = ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
SHAPES = [(4, 2), (4,), (4,), (4,), (1, 4), (1,)]


def strict(fn, *args, **kwargs):
    """fn(...) with every warning and every floating-point error except underflow raised."""
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def standard_net():
    """Sequential(Linear, Activation, BatchNorm1d, Dropout, Linear): the brief's naming case."""
    return Sequential(
        Linear(2, 4, seed=1), Activation("tanh"), BatchNorm1d(4), Dropout(0.5, seed=2), Linear(4, 1)
    )


def assert_close(analytic, numeric, tol=FD_TOL):
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    assert analytic.shape == numeric.shape
    scale = max(1.0, float(np.abs(numeric).max(initial=0.0)))
    np.testing.assert_allclose(analytic, numeric, rtol=tol, atol=tol * scale)


def central_differences(f, a):
    """∂f/∂a by central differences, perturbing a in place (it is restored)."""
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


def probe(layer, x, g):
    """The scalar Σ g·layer(x), whose gradient in x is layer.backward(g)."""
    return float(np.sum(layer.forward(x) * g))


@st.composite
def batches(draw, min_rows=1, features=None):
    n = draw(st.integers(min_rows, 5))
    d = features if features is not None else draw(st.integers(1, 4))
    values = st.floats(-3, 3, allow_subnormal=False)
    x = draw(hnp.arrays(np.float64, (n, d), elements=values))
    return x, draw(st.integers(0, 2**32 - 1))


# --- Linear -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fan_in", "fan_out"), [(1, 1), (2, 4), (7, 3), (16, 16)])
def test_linear_shapes_and_init_within_torch_s_bound(fan_in, fan_out):
    layer = Linear(fan_in, fan_out, seed=3)
    bound = 1 / np.sqrt(fan_in)
    assert layer.weight.shape == (fan_out, fan_in)
    assert layer.bias.shape == (fan_out,)
    assert layer.weight.dtype == np.float64
    assert np.all(np.abs(layer.weight) <= bound)
    assert np.all(np.abs(layer.bias) <= bound)


def test_linear_init_is_uniform_over_the_whole_bound():
    layer = Linear(64, 2000, seed=0)
    w, bound = layer.weight.ravel(), 1 / 8
    # U(−a, a): mean 0, variance a²/3; 128 000 draws put the sample mean within 5σ of 0.
    assert abs(w.mean()) < 5 * bound / np.sqrt(3 * w.size)
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.02)
    assert w.max() > 0.999 * bound
    assert w.min() < -0.999 * bound
    assert abs(np.mean(np.abs(w) < bound / 2) - 0.5) < 0.01


def test_linear_init_is_seeded():
    a, b, c = Linear(3, 5, seed=7), Linear(3, 5, seed=7), Linear(3, 5, seed=8)
    np.testing.assert_array_equal(a.weight, b.weight)
    np.testing.assert_array_equal(a.bias, b.bias)
    assert not np.array_equal(a.weight, c.weight)


def test_linear_forward_is_x_w_transposed_plus_b():
    layer = Linear(3, 2, seed=1)
    x = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_allclose(layer.forward(x), x @ layer.weight.T + layer.bias, rtol=1e-14)


@HYPOTHESIS
@given(batches(), st.integers(1, 4))
def test_linear_backward_matches_finite_differences(batch, fan_out):
    x, seed = batch
    rng = np.random.default_rng(seed)
    layer = Linear(x.shape[1], fan_out, seed=seed)
    g = rng.normal(size=(x.shape[0], fan_out))
    layer.forward(x)
    dx = layer.backward(g)
    assert_close(dx, central_differences(lambda: probe(layer, x, g), x))
    assert_close(
        layer.grads["weight"], central_differences(lambda: probe(layer, x, g), layer.weight)
    )
    assert_close(layer.grads["bias"], central_differences(lambda: probe(layer, x, g), layer.bias))


# --- Activation -------------------------------------------------------------------------------

ACTIVATION_CASES = [(name, {}) for name in activations.NAMES] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("elu", {"alpha": 0.5}),
    ("gelu", {"approximate": "tanh"}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}),
]
ACTIVATION_IDS = [name + "".join(f"-{k}={v}" for k, v in p.items()) for name, p in ACTIVATION_CASES]


@pytest.mark.parametrize(("name", "params"), ACTIVATION_CASES, ids=ACTIVATION_IDS)
def test_activation_layer_applies_core_activations(name, params):
    x = np.random.default_rng(1).normal(0, 3, (6, 3))
    g = np.random.default_rng(2).normal(size=(6, 3))
    act = activations.get(name, **params)
    layer = Activation(name, **params)
    np.testing.assert_allclose(layer.forward(x), act.forward(x), rtol=1e-15, atol=0)
    # tanh and sigmoid differentiate from their output, as torch's autograd does (1 − y²,
    # y(1 − y)): the same number up to a rounding of y, absolute where f′ is tiny.
    np.testing.assert_allclose(layer.backward(g), g * act.derivative(x), rtol=1e-14, atol=1e-15)


@HYPOTHESIS
@given(batches(), st.sampled_from(range(len(ACTIVATION_CASES))))
def test_activation_backward_matches_finite_differences(batch, case):
    name, params = ACTIVATION_CASES[case]
    x, seed = batch
    x = np.where(x >= 0, x + 0.01, x - 0.01)  # away from the kinks at 0 (ReLU, leaky ReLU)
    if name == "softplus":  # and from softplus's switch to x at β·x = threshold
        x = np.where(
            np.abs(x * params.get("beta", 1.0) - params.get("threshold", 20.0)) < 0.01, 0.3, x
        )
    g = np.random.default_rng(seed).normal(size=x.shape)
    layer = Activation(name, **params)
    layer.forward(x)
    dx = layer.backward(g)
    assert_close(dx, central_differences(lambda: probe(layer, x, g), x))


def test_an_unknown_activation_is_refused_with_the_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'; choose one of: sigmoid"):
        Activation("swish")


def test_an_activation_layer_has_no_parameters():
    assert Sequential(Activation("relu")).named_parameters() == []


# --- BatchNorm1d ------------------------------------------------------------------------------


def test_batchnorm_starts_as_torch_does():
    bn = BatchNorm1d(3)
    np.testing.assert_array_equal(bn.weight, np.ones(3))
    np.testing.assert_array_equal(bn.bias, np.zeros(3))
    np.testing.assert_array_equal(bn.running_mean, np.zeros(3))
    np.testing.assert_array_equal(bn.running_var, np.ones(3))
    assert bn.num_batches_tracked == 0


def random_bn(d, seed):
    rng = np.random.default_rng(seed)
    net = Sequential(BatchNorm1d(d))
    net.set_parameter("0.weight", rng.uniform(-2, 2, d))
    net.set_parameter("0.bias", rng.normal(size=d))
    return net, rng


@HYPOTHESIS
@given(batches(min_rows=2))
def test_batchnorm_training_backward_matches_finite_differences(batch):
    x, seed = batch
    net, rng = random_bn(x.shape[1], seed)
    x = x + rng.normal(0, 0.5, x.shape)  # no constant column: there x̂ = 0 and ε dominates
    g = rng.normal(size=x.shape)
    net.forward(x)
    dx = net.backward(g)
    bn = net[0]
    assert_close(dx, central_differences(lambda: probe(net, x, g), x), tol=1e-5)
    assert_close(bn.grads["weight"], central_differences(lambda: probe(net, x, g), bn.weight))
    assert_close(bn.grads["bias"], central_differences(lambda: probe(net, x, g), bn.bias))


@HYPOTHESIS
@given(batches(min_rows=1))
def test_batchnorm_eval_backward_matches_finite_differences(batch):
    x, seed = batch
    net, rng = random_bn(x.shape[1], seed)
    net.forward(rng.normal(1, 2, (8, x.shape[1])))  # running statistics away from 0 and 1
    net.eval()
    g = rng.normal(size=x.shape)
    net.forward(x)
    dx = net.backward(g)
    bn = net[0]
    assert_close(dx, central_differences(lambda: probe(net, x, g), x))
    assert_close(bn.grads["weight"], central_differences(lambda: probe(net, x, g), bn.weight))
    assert_close(bn.grads["bias"], central_differences(lambda: probe(net, x, g), bn.bias))


@pytest.mark.parametrize("momentum", [0.1, 0.3, 1.0])
def test_batchnorm_running_statistics_use_momentum_and_the_unbiased_variance(momentum):
    rng = np.random.default_rng(4)
    bn = BatchNorm1d(3, momentum=momentum)
    mean, var = np.zeros(3), np.ones(3)
    for t, n in enumerate([5, 2, 9], start=1):
        x = rng.normal(2, 3, (n, 3))
        bn.forward(x)
        mean = (1 - momentum) * mean + momentum * x.mean(axis=0)
        var = (1 - momentum) * var + momentum * x.var(axis=0, ddof=1)
        np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-14)
        np.testing.assert_allclose(bn.running_var, var, rtol=1e-14)
        assert bn.num_batches_tracked == t


def test_batchnorm_training_normalizes_with_the_biased_batch_variance():
    x = np.random.default_rng(5).normal(3, 2, (6, 2))
    y = BatchNorm1d(2).forward(x)
    expected = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-13, atol=1e-14)


def test_batchnorm_eval_uses_the_running_statistics_and_leaves_them_alone():
    rng = np.random.default_rng(6)
    net = Sequential(BatchNorm1d(2, eps=1e-3))
    net.set_parameter("0.weight", [2.0, -1.0])
    net.set_parameter("0.bias", [0.5, 0.0])
    net.forward(rng.normal(1, 2, (10, 2)))
    bn = net[0]
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    assert net.eval() is net
    assert net.training is False
    x = rng.normal(size=(3, 2))  # three rows, or one: eval needs no batch statistics
    y = net.forward(x)
    np.testing.assert_allclose(
        y, np.array([2.0, -1.0]) * (x - mean) / np.sqrt(var + 1e-3) + [0.5, 0.0], rtol=1e-14
    )
    assert net.forward(x[:1]).shape == (1, 2)
    np.testing.assert_array_equal(bn.running_mean, mean)
    np.testing.assert_array_equal(bn.running_var, var)
    assert bn.num_batches_tracked == 1


def test_batchnorm_buffers_are_named_as_torch_names_them():
    net = standard_net()
    net.forward(np.random.default_rng(0).normal(size=(4, 2)))
    names = [name for name, _ in net.named_buffers()]
    assert names == ["2.running_mean", "2.running_var", "2.num_batches_tracked"]
    buffers = dict(net.named_buffers())
    np.testing.assert_array_equal(buffers["2.running_mean"], net[2].running_mean)
    assert int(buffers["2.num_batches_tracked"]) == 1


# --- Dropout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_training_keeps_values_scaled_by_one_over_one_minus_p(p):
    x = np.random.default_rng(7).normal(size=(50, 4))
    layer = Dropout(p, seed=3)
    y = layer.forward(x)
    mask = layer.mask
    assert mask.dtype == np.bool_
    assert mask.shape == x.shape
    np.testing.assert_allclose(y, np.where(mask, x / (1 - p), 0.0), rtol=1e-15)
    assert 0 < mask.sum() < mask.size


def test_dropout_draws_a_fresh_mask_each_training_forward_from_its_seed():
    x = np.ones((20, 10))
    a, b = Dropout(0.5, seed=11), Dropout(0.5, seed=11)
    a.forward(x)
    first = a.mask.copy()
    a.forward(x)
    assert not np.array_equal(a.mask, first)
    b.forward(x)
    np.testing.assert_array_equal(b.mask, first)


def test_dropout_is_the_identity_in_eval_mode():
    x = np.random.default_rng(8).normal(size=(30, 3))
    net = Sequential(Dropout(0.7, seed=1)).eval()
    np.testing.assert_array_equal(net.forward(x), x)
    g = np.random.default_rng(9).normal(size=x.shape)
    np.testing.assert_array_equal(net.backward(g), g)


def test_dropout_with_p_zero_keeps_everything():
    x = np.random.default_rng(10).normal(size=(30, 3))
    layer = Dropout(0.0, seed=1)
    np.testing.assert_array_equal(layer.forward(x), x)
    # torch draws no mask at p = 0 (it returns the input); neither need we
    assert layer.mask is None or layer.mask.all()


def test_dropout_with_p_one_gives_zeros_as_torch_does():
    x = np.random.default_rng(11).normal(size=(30, 3))
    layer = Dropout(1.0, seed=1)
    y = strict(layer.forward, x)
    np.testing.assert_array_equal(y, np.zeros_like(x))
    assert not layer.mask.any()
    dx = strict(layer.backward, np.ones_like(x))
    np.testing.assert_array_equal(dx, np.zeros_like(x))


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_output_has_the_input_as_its_expectation(p):
    v = np.array([1.0, -2.0, 0.5, 3.0, -0.25])
    rows = 20_000
    layer = Dropout(p, seed=5)
    y = layer.forward(np.tile(v, (rows, 1)))
    # each entry is v/(1 − p) with probability 1 − p, else 0: mean v, variance v²·p/(1 − p)
    sigma = np.abs(v) * np.sqrt(p / (1 - p) / rows)
    assert np.all(np.abs(y.mean(axis=0) - v) < 5 * sigma)
    kept = layer.mask.mean()
    assert abs(kept - (1 - p)) < 5 * np.sqrt(p * (1 - p) / layer.mask.size)


@HYPOTHESIS
@given(batches(), st.sampled_from([0.0, 0.25, 0.5, 0.9]))
def test_dropout_backward_with_its_mask_fixed_matches_finite_differences(batch, p):
    x, seed = batch
    g = np.random.default_rng(seed).normal(size=x.shape)
    layer = Dropout(p, seed=seed)
    layer.forward(x)
    dx = layer.backward(g)

    def fixed_mask_probe():
        # A fresh layer with the same seed draws the same first mask.
        return probe(Dropout(p, seed=seed), x, g)

    assert_close(dx, central_differences(fixed_mask_probe, x))


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_dropout_refuses_p_outside_0_1(p):
    with pytest.raises(ValueError, match="p"):
        Dropout(p)


# --- Sequential: names, flat views, setting by name -------------------------------------------


def test_named_parameters_follow_torch_s_names_and_order():
    net = standard_net()
    named = net.named_parameters()
    assert [name for name, _ in named] == NAMES
    assert [a.shape for _, a in named] == SHAPES
    assert named[0][1] is net[0].weight or np.shares_memory(named[0][1], net[0].weight)
    np.testing.assert_array_equal(named[2][1], net[2].weight)
    np.testing.assert_array_equal(named[4][1], net[4].weight)


def test_named_gradients_follow_the_same_names_after_a_backward():
    net = standard_net()
    net.forward(np.random.default_rng(0).normal(size=(6, 2)))
    net.backward(np.ones((6, 1)))
    named = net.named_gradients()
    assert [name for name, _ in named] == NAMES
    assert [a.shape for _, a in named] == SHAPES
    np.testing.assert_array_equal(named[0][1], net[0].grads["weight"])
    np.testing.assert_array_equal(named[3][1], net[2].grads["bias"])


def test_len_and_indexing():
    net = standard_net()
    assert len(net) == 5
    assert isinstance(net[0], Linear)
    assert isinstance(net[2], BatchNorm1d)
    assert isinstance(net[3], Dropout)


def test_flat_parameters_hold_every_parameter_in_order():
    net = standard_net()
    flat = net.parameters
    assert flat.ndim == 1
    assert flat.dtype == np.float64
    np.testing.assert_array_equal(
        flat, np.concatenate([a.ravel() for _, a in net.named_parameters()])
    )
    assert net.gradients.shape == flat.shape


def test_an_in_place_step_on_the_flat_parameters_moves_the_layers():
    net = standard_net()
    x = np.random.default_rng(1).normal(size=(8, 2))
    net.forward(x)
    net.backward(np.ones((8, 1)))
    before = [a.copy() for _, a in net.named_parameters()]
    step = [0.1 * g for _, g in net.named_gradients()]
    flat = net.parameters
    flat -= 0.1 * net.gradients  # what core.optimizers does to its p
    for (name, a), b, s in zip(net.named_parameters(), before, step, strict=True):
        np.testing.assert_allclose(a, b - s, rtol=1e-15, atol=1e-17, err_msg=name)
    np.testing.assert_allclose(net[0].weight, before[0] - step[0], rtol=1e-15, atol=1e-17)
    np.testing.assert_allclose(net[4].bias, before[5] - step[5], rtol=1e-15, atol=1e-17)
    assert np.shares_memory(flat, net[0].weight)
    assert np.shares_memory(flat, net[2].bias)


def test_flat_gradients_are_rewritten_in_place_by_each_backward():
    net = standard_net()
    rng = np.random.default_rng(2)
    flat = net.gradients
    for _ in range(2):
        net.forward(rng.normal(size=(5, 2)))
        net.backward(rng.normal(size=(5, 1)))
        np.testing.assert_array_equal(
            flat, np.concatenate([g.ravel() for _, g in net.named_gradients()])
        )


def test_backward_writes_gradients_without_accumulating():
    net = standard_net().eval()
    rng = np.random.default_rng(3)
    x, g = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    net.forward(x)
    net.backward(g)
    first = net.gradients.copy()
    net.backward(g)
    np.testing.assert_array_equal(net.gradients, first)
    net.forward(rng.normal(size=(5, 2)))
    net.backward(rng.normal(size=(5, 1)))
    net.forward(x)
    net.backward(g)
    np.testing.assert_array_equal(net.gradients, first)


def test_set_parameter_copies_the_value_in_by_name():
    net = standard_net()
    value = np.arange(8.0).reshape(4, 2)
    net.set_parameter("0.weight", value)
    np.testing.assert_array_equal(net[0].weight, value)
    np.testing.assert_array_equal(net.parameters[:8], value.ravel())
    value[0, 0] = 99.0
    assert net[0].weight[0, 0] == 0.0
    net.set_parameter("4.bias", [0.25])
    assert net[4].bias[0] == 0.25
    assert net.parameters[-1] == 0.25
    square = Sequential(Linear(3, 3))
    square.set_parameter("0.weight", np.arange(9.0).reshape(3, 3))  # row i feeds output i
    square.set_parameter("0.bias", np.zeros(3))
    np.testing.assert_array_equal(square.forward(np.eye(3)), [[0, 3, 6], [1, 4, 7], [2, 5, 8]])


def test_set_parameter_refuses_an_unknown_name():
    with pytest.raises(ValueError, match=r"'1\.weight'"):
        standard_net().set_parameter("1.weight", np.zeros((4, 4)))


def test_set_parameter_refuses_a_wrong_shape():
    with pytest.raises(ValueError, match=r"0\.weight.*\(4, 2\)"):
        standard_net().set_parameter("0.weight", np.zeros((2, 4)))


def test_load_parameters_copies_a_whole_network():
    source, target = (
        standard_net(),
        Sequential(
            Linear(2, 4, seed=9),
            Activation("tanh"),
            BatchNorm1d(4),
            Dropout(0.5),
            Linear(4, 1, seed=9),
        ),
    )
    source.set_parameter("2.weight", [1.0, 2.0, 3.0, 4.0])
    target.load_parameters(dict(source.named_parameters()))
    np.testing.assert_array_equal(target.parameters, source.parameters)
    x = np.random.default_rng(4).normal(size=(7, 2))
    np.testing.assert_array_equal(target.eval().forward(x), source.eval().forward(x))


def test_train_and_eval_return_the_network_and_set_its_mode():
    net = standard_net()
    assert net.training is True
    assert net.eval() is net
    assert net.training is False
    assert net.train() is net
    assert net.training is True


def test_sequential_forward_is_the_composition_of_its_layers():
    net = standard_net().eval()
    x = np.random.default_rng(5).normal(size=(6, 2))
    y = x
    for i in range(len(net)):
        y = net[i].forward(y) if i != 3 else y  # dropout is the identity in eval mode
    np.testing.assert_allclose(net.forward(x), y, rtol=1e-15)


# --- a whole network --------------------------------------------------------------------------


def full_net():
    """Every kind of layer, BN's γ and β moved off 1 and 0; seeded, so rebuilt identically."""
    net = Sequential(
        Linear(3, 6, seed=1),
        Activation("tanh"),
        BatchNorm1d(6),
        Dropout(0.3, seed=2),
        Linear(6, 4, seed=3),
        Activation("elu"),
        Linear(4, 3, seed=4),
    )
    rng = np.random.default_rng(5)
    net.set_parameter("2.weight", rng.uniform(0.5, 2, 6))
    net.set_parameter("2.bias", rng.normal(size=6))
    return net


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_a_whole_network_s_gradient_matches_finite_differences(mode):
    rng = np.random.default_rng(6)
    x, labels = rng.normal(size=(8, 3)), rng.integers(0, 3, 8)

    def loss(theta, inputs):
        # A fresh network each time: the same Dropout seed replays the same mask.
        net = getattr(full_net(), mode)()
        if mode == "eval":
            net.train().forward(rng_stats)
            net.eval()
        net.parameters[:] = theta
        return losses.cross_entropy(net.forward(inputs), labels)

    rng_stats = rng.normal(0.5, 2, (16, 3))
    net = getattr(full_net(), mode)()
    if mode == "eval":
        net.train().forward(rng_stats)
        net.eval()
    theta = net.parameters.copy()
    _, dlogits = losses.cross_entropy(net.forward(x), labels)
    dx = net.backward(dlogits)
    grads = net.gradients.copy()
    assert np.all(grads != 0)
    numeric = central_differences(lambda: loss(theta, x)[0], theta)
    assert_close(grads, numeric)
    assert_close(dx, central_differences(lambda: loss(theta, x)[0], x))


def test_the_hand_set_relu_network_solves_xor_exactly():
    # Goodfellow et al.'s network: W = [[1, 1], [1, 1]], c = (0, −1), w = (1, −2), b = 0.
    net = Sequential(Linear(2, 2), Activation("relu"), Linear(2, 1))
    net.load_parameters(
        {
            "0.weight": [[1.0, 1.0], [1.0, 1.0]],
            "0.bias": [0.0, -1.0],
            "2.weight": [[1.0, -2.0]],
            "2.bias": [0.0],
        }
    )
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(net.forward(x), [[0.0], [1.0], [1.0], [0.0]])


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Linear(0, 2), r"in_features must be in \[1, inf\), got 0"),
        (lambda: Linear(2, 2.5), r"out_features must be an integer, got 2.5"),
        (lambda: Linear(2, 2, seed=-1), r"seed must be in \[0, inf\), got -1"),
        (lambda: Dropout(1.5), r"p must be in \[0, 1\], got 1.5"),
        (lambda: BatchNorm1d(0), r"num_features must be in \[1, inf\), got 0"),
        (lambda: BatchNorm1d(2, eps=0.0), r"eps must be in \(0, inf\), got 0.0"),
        (lambda: Sequential(Linear(2, 2), "relu"), "Sequential takes layers of core.nn"),
    ],
)
def test_bad_layer_arguments_are_refused_with_their_names(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_an_input_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match=r"Linear expects input of shape \(N, 3\), got \(5, 2\)"):
        Sequential(Linear(3, 1)).forward(np.zeros((5, 2)))


def test_batchnorm_refuses_the_wrong_number_of_features():
    with pytest.raises(ValueError, match=r"BatchNorm1d expects input of shape \(N, 3\)"):
        BatchNorm1d(3).forward(np.zeros((4, 2)))


def test_batchnorm_training_needs_two_rows_as_torch_does():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        BatchNorm1d(2).forward(np.zeros((1, 2)))


def test_set_parameter_refuses_non_finite_values():
    with pytest.raises(ValueError, match=r"0\.bias must be finite"):
        standard_net().set_parameter("0.bias", [0.0, np.nan, 0.0, 0.0])


def test_backward_before_forward_is_an_error():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Sequential(Linear(2, 1)).backward(np.ones((3, 1)))
