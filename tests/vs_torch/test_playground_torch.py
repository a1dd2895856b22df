"""core.playground.run against the same training written in torch, update for update, float64.

For small runs (60 points, 30 training rows, a few epochs, batch 7 so the last batch has 2 rows,
and with drop_last) torch trains the same network: torch.nn.Sequential of the layers
core.playground.network builds, core's initial parameters copied in by name, the same shuffles
(default_rng([seed, 1]).permutation(n) each epoch), features, targets and mean loss, L1 added to
the loss as λ₁·Σ|θ|, L2 as the optimizer's weight_decay, and torch.optim's class for every name
of core.optimizers.NAMES built with core's hyperparameters. Each update's mini-batch loss, the
parameters and BatchNorm buffers after every epoch and the whole-set losses in eval mode agree
within 1e-10 relative, the accuracies exactly; a diverging run stops at the update where torch's
parameters leave the ball ‖θ‖ ≤ 10⁶. Dropout: torch's inverted dropout applied with the masks
core drew (its generator recorded), since torch's own generator cannot draw NumPy's numbers.

Also: core.fused's one-call step gives torch's autograd gradients for a 7-16-16-3 tanh network.
"""

import numpy as np
import pytest
from test_nn_torch import rel, twin
from torch_support import import_torch

from core import datasets, fused, losses, optimizers, playground
from core.nn import Activation as CoreActivation
from core.nn import BatchNorm1d, Dropout, Linear, Sequential

torch = import_torch()
nn = torch.nn
F = nn.functional

pytestmark = pytest.mark.torch

RUN_TOL = 1e-10  # relative to max(1, |torch's value|)
FUSED_TOL = 1e-13  # one step, as tests/vs_torch/test_nn_torch.py's NN_TOL
SMALL = {"points": 60, "batch_size": 7, "epochs": 3, "noise": 0.1}  # 30 rows: 4 × 7 + 2


@pytest.fixture(autouse=True, scope="module")
def float64_default_dtype():
    """torch's scalar optimizer state (step, NAdam's mu_product) in float64, as core's."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


# --- core's side: the run, and what its network drew ------------------------------------------


class Recorder:
    """A Dropout generator that hands out its draws and keeps them."""

    def __init__(self, rng):
        self.rng, self.draws = rng, []

    def random(self, shape):
        u = self.rng.random(shape)
        self.draws.append(u)
        return u


def core_run(s):
    """(run, the network it trained, {layer index: keep-masks drawn in training forwards})."""
    nets = []
    build = playground.network

    def spy(settings):
        net = build(settings)
        for layer in net:
            if isinstance(layer, Dropout):
                layer.rng = Recorder(layer.rng)
        nets.append(net)
        return net

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(playground, "network", spy)
        run = playground.run(s)
    (net,) = nets
    masks = {
        i: [u >= layer.p for u in layer.rng.draws]
        for i, layer in enumerate(net)
        if isinstance(layer, Dropout)
    }
    return run, net, masks


def training_forwards(net, masks):
    """How many forwards core made in training mode, as its BatchNorm and Dropout layers count."""
    counts = {layer.num_batches_tracked for layer in net if isinstance(layer, BatchNorm1d)}
    counts |= {len(m) for m in masks.values()}
    assert len(counts) <= 1, counts
    return counts.pop() if counts else None


# --- torch's side ----------------------------------------------------------------------------


class ReplayDropout(nn.Module):
    """torch's inverted dropout, x · (m / (1 − p)), with given keep-masks m for bernoulli_'s."""

    def __init__(self, p, masks):
        super().__init__()
        self.p, self.masks = p, list(masks)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        mask = self.masks.pop(0)
        assert mask.shape == tuple(x.shape)
        return x * (torch.tensor(mask, dtype=x.dtype) / (1.0 - self.p))


def torch_model(s, flat, masks):
    """torch.nn.Sequential of network(s)'s layers, with the flat parameters copied in by name."""
    net = playground.network(s)
    assert np.array_equal(net.parameters, flat), "run.parameters[0] is network(s)'s initial θ"
    layers = [
        ReplayDropout(layer.p, masks[i]) if isinstance(layer, Dropout) else twin(layer)
        for i, layer in enumerate(net)
    ]
    model = nn.Sequential(*layers)
    named = net.named_parameters()
    params = dict(model.named_parameters())
    assert [name for name, _ in named] == list(params)
    sizes = [a.size for _, a in named]
    assert sum(sizes) == flat.size
    with torch.no_grad():
        for (name, a), piece in zip(named, np.split(flat, np.cumsum(sizes)[:-1]), strict=True):
            params[name].copy_(torch.tensor(piece.reshape(a.shape)))
    return model


def data_loss(s, out, target):
    """The settings' mean loss of torch's output (N, outputs) against core's targets."""
    if s.loss == "ce":
        return F.cross_entropy(out, target)
    fn = F.mse_loss if s.loss == "mse" else F.binary_cross_entropy_with_logits
    return fn(out[:, 0], target)


def predicted(s, out):
    """The class torch's output predicts: the largest logit, else which side of 0 (NaN: none)."""
    if s.loss == "ce":
        return out.argmax(dim=1).numpy()
    if datasets.dataset(s.dataset).task == "regression":
        return np.nan
    return (out[:, 0] > 0).numpy().astype(np.int64)


def buffers_of(model):
    """BatchNorm running means and variances, concatenated in order, as core's Run.buffers."""
    arrays = [
        b.detach().numpy().copy()
        for name, b in model.named_buffers()
        if not name.endswith("num_batches_tracked")
    ]
    return np.concatenate(arrays) if arrays else np.zeros(0)


def biases_before_batchnorm(layers):
    """Indices of the Linear layers whose output a BatchNorm1d normalizes (Linear → BatchNorm1d)."""
    return [i for i in range(len(layers) - 1) if type(layers[i + 1]).__name__ == "BatchNorm1d"]


def grad_before_batchnorm(model):
    """|∂L/∂b| of those biases: zero but for rounding, as BatchNorm subtracts the batch mean."""
    return [float(model[i].bias.grad.abs().max()) for i in biases_before_batchnorm(list(model))]


def torch_run(s, flat, masks):
    """torch's training loop; its records shaped as core's Run (every epoch a snapshot)."""
    x_train, y_train, x_test, y_test = playground.data(s)
    x_tr = torch.tensor(playground.features(x_train, s.features))
    x_te = torch.tensor(playground.features(x_test, s.features))
    t_tr = torch.tensor(playground._targets(s, y_train))
    t_te = torch.tensor(playground._targets(s, y_test))
    model = torch_model(s, flat, masks)
    h = optimizers.hparams(s.optimizer, lr=s.lr, weight_decay=s.l2)
    torch_class = getattr(torch.optim, optimizers.REGISTRY[s.optimizer].torch_class)
    opt = torch_class(model.parameters(), foreach=False, **h)

    n, b = len(x_tr), min(s.batch_size, len(x_tr))
    u = playground.updates_per_epoch(n, b, s.drop_last)
    rng = np.random.default_rng([s.seed, 1])
    record = {key: [] for key in ("update_loss", "train_loss", "test_loss", "parameters")}
    record.update(buffers=[], pre_bn_bias_grad=[], train_accuracy=[], test_accuracy=[], norm2=[])

    def evaluate():
        model.eval()
        with torch.no_grad():
            for part, x, t, y in (("train", x_tr, t_tr, y_train), ("test", x_te, t_te, y_test)):
                out = model(x)
                record[f"{part}_loss"].append(data_loss(s, out, t).item())
                record[f"{part}_accuracy"].append(np.mean(predicted(s, out) == y))
        record["parameters"].append(
            np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
        )
        record["buffers"].append(buffers_of(model))
        model.train()

    model.train()
    evaluate()
    for _ in range(playground.planned_epochs(s)):
        order = torch.tensor(rng.permutation(n))
        for k in range(u):
            rows = order[k * b : (k + 1) * b]
            opt.zero_grad()
            value = data_loss(s, model(x_tr[rows]), t_tr[rows])
            record["update_loss"].append(value.item())
            if s.l1:
                value = value + s.l1 * sum(p.abs().sum() for p in model.parameters())
            value.backward()
            record["pre_bn_bias_grad"].append(max(grad_before_batchnorm(model), default=0.0))
            opt.step()
            with torch.no_grad():
                record["norm2"].append(sum(float((p * p).sum()) for p in model.parameters()))
        evaluate()
    assert all(m.masks == [] for m in model if isinstance(m, ReplayDropout))
    return {key: np.array(v) for key, v in record.items()}


def compare(s, noise_driven=False):
    """{quantity: relative gap} between core's run and torch's, and the run.

    noise_driven: leave out the biases of the Linears before a BatchNorm1d and the running means
    (which carry those biases), for an optimizer that turns their rounding-sized gradients into
    steps of its own size (see test_batchnorm_with_adam_matches_torch_but_for_noise_driven_biases).
    """
    run, net, masks = core_run(s)
    forwards = training_forwards(net, masks)
    assert forwards in (None, run.updates), f"{forwards} training forwards, {run.updates} updates"
    theirs = torch_run(s, run.parameters[0], masks)
    assert run.diverged_at is None
    assert run.update_loss.shape == theirs["update_loss"].shape
    assert np.array_equal(run.snapshot_epochs, np.arange(run.epochs_done + 1))
    ours = {
        "update_loss": run.update_loss,
        "train_loss": run.train_loss,
        "test_loss": run.test_loss,
        "parameters": run.parameters,
        "final_parameters": run.parameters[-1],
        "buffers": run.buffers,
    }
    if run.classes:  # the accuracies exactly: no output lies within rounding of a boundary
        assert np.array_equal(run.train_accuracy, theirs["train_accuracy"])
        assert np.array_equal(run.test_accuracy, theirs["test_accuracy"])
    theirs["final_parameters"] = theirs["parameters"][-1]
    if noise_driven:
        keep_p, keep_b = kept_columns(net)
        keep = {"parameters": keep_p, "final_parameters": keep_p, "buffers": keep_b}
        for key, columns in keep.items():
            ours[key], theirs[key] = ours[key][..., columns], theirs[key][..., columns]
    gaps = {key: rel(ours[key], theirs[key]) for key in ours}
    return gaps, run, theirs


def kept_columns(net):
    """(parameter mask, buffer mask): False on noise-driven biases and on running means."""
    skipped = {f"{i}.bias" for i in biases_before_batchnorm(list(net))}
    keep_p = np.concatenate([np.full(a.size, n not in skipped) for n, a in net.named_parameters()])
    keep_b = np.concatenate(
        [
            np.full(np.size(v), n.endswith("running_var"))
            for n, v in net.named_buffers()
            if not n.endswith("num_batches_tracked")
        ]
    )
    return keep_p, keep_b


def assert_close(gaps):
    assert {k: v for k, v in gaps.items() if not v <= RUN_TOL} == {}


def settings(**overrides):
    return playground.Settings(**{**SMALL, **overrides})


# --- every optimizer, on the default network ---------------------------------------------------

OPTIMIZER_LR = {"adagrad": 0.1, "adadelta": 1.0, "rmsprop": 0.01}


@pytest.mark.parametrize("name", optimizers.NAMES)
@pytest.mark.parametrize("drop_last", [False, True], ids=["short_last_batch", "drop_last"])
def test_each_optimizer_trains_as_torch_optim(name, drop_last):
    s = settings(optimizer=name, lr=OPTIMIZER_LR.get(name, 0.03), drop_last=drop_last)
    gaps, run, _ = compare(s)
    assert run.updates_per_epoch == (4 if drop_last else 5)
    assert_close(gaps)


# --- losses, tasks, layers, penalties ----------------------------------------------------------

CASES = {
    "bce_relu_three_layers": dict(hidden=(8, 6, 4), activations=("relu", "tanh", "gelu")),
    "mse_on_classes": dict(loss="mse", optimizer="momentum", lr=0.01),
    "ce_two_classes": dict(dataset="xor", loss="ce", optimizer="adam", lr=0.01),
    "ce_three_classes": dict(
        dataset="spiral3", loss="ce", hidden=(8, 8), activations=("elu", "silu"), optimizer="adam"
    ),
    "regression": dict(dataset="bumps", loss="mse", hidden=(5,), activations=("softplus",)),
    "all_features": dict(features=playground.FEATURES, activations=("sigmoid", "leaky_relu")),
    "no_hidden_layer": dict(hidden=(), activations=(), optimizer="nesterov"),
    "l2": dict(l2=0.05, optimizer="momentum"),
    "l1": dict(l1=0.01, optimizer="adam", lr=0.01),
    "l1_and_l2_adamw": dict(l1=0.003, l2=0.1, optimizer="adamw", lr=0.01),
    "xavier_init": dict(init="xavier_uniform", activations=("selu", "linear")),
    "zeros_init_l1": dict(init="zeros", l1=0.01, activations=("relu", "relu")),
    "batchnorm": dict(batchnorm=True, optimizer="momentum", lr=0.01),
    "batchnorm_drop_last": dict(batchnorm=True, drop_last=True, optimizer="momentum"),
    "batchnorm_ce": dict(dataset="spiral3", loss="ce", batchnorm=True, hidden=(6, 5)),
    "dropout": dict(dropout=0.3, hidden=(8, 8)),
    "dropout_ce_drop_last": dict(
        dataset="spiral3", loss="ce", dropout=0.5, drop_last=True, optimizer="nadam", lr=0.01
    ),
    "batchnorm_dropout_l1_l2": dict(
        batchnorm=True, dropout=0.2, l1=0.001, l2=0.01, optimizer="adamax", lr=0.02
    ),
    "batch_larger_than_the_set": dict(batch_size=100, epochs=4),
    "batch_of_one": dict(batch_size=1, epochs=1),
}


@pytest.mark.parametrize("case", CASES)
def test_run_matches_torch_update_for_update(case):
    gaps, *_ = compare(settings(**CASES[case]))
    assert_close(gaps)


def test_batchnorm_with_adam_matches_torch_but_for_noise_driven_biases():
    # A bias just before BatchNorm1d cancels in the normalization: its gradient is rounding noise
    # (~1e-17) on both sides, and Adam's step m̂/(√v̂ + ε) scales noise up to lr-sized moves. Those
    # biases (and the running means, which carry them) part by rounding; the rest, the losses and
    # every other parameter, still agree within RUN_TOL.
    gaps, _, theirs = compare(settings(batchnorm=True, optimizer="adam", lr=0.01), True)
    assert_close(gaps)
    assert 0 < theirs["pre_bn_bias_grad"].max() < 1e-14


@pytest.mark.parametrize(
    ("optimizer", "lr", "activation"),
    [("sgd", 100.0, "relu"), ("sgd", 10.0, "relu"), ("momentum", 20.0, "linear")],
)
def test_a_diverging_run_stops_where_torch_s_parameters_leave_the_ball(optimizer, lr, activation):
    s = settings(loss="mse", optimizer=optimizer, lr=lr, activations=(activation,) * 2, epochs=5)
    run, _, masks = core_run(s)
    theirs = torch_run(s, run.parameters[0], masks)
    k = run.diverged_at
    assert run.reason == "overflow"
    assert run.updates == k
    assert rel(run.update_loss, theirs["update_loss"][:k]) <= RUN_TOL
    norm2 = theirs["norm2"]
    assert np.all(norm2[: k - 1] <= playground.BOUND2)
    assert norm2[k - 1] > playground.BOUND2


# --- no training-mode forward besides the updates' --------------------------------------------


@pytest.mark.parametrize("case", ["batchnorm", "dropout"])
def test_no_training_forward_outside_the_updates(case):
    run, net, masks = core_run(settings(**CASES[case]))
    assert training_forwards(net, masks) == run.updates


def test_eval_losses_with_batchnorm_match_torch_s_untouched_running_statistics():
    s = settings(**CASES["batchnorm"])
    run, _, masks = core_run(s)
    theirs = torch_run(s, run.parameters[0], masks)
    assert rel(run.test_loss[0], theirs["test_loss"][0]) <= RUN_TOL
    assert rel(run.buffers, theirs["buffers"]) <= RUN_TOL


# --- core.fused ---------------------------------------------------------------------------------


def test_fused_step_gives_torch_s_autograd_gradients():
    rng = np.random.default_rng(14)
    net = Sequential(
        Linear(7, 16, seed=1),
        CoreActivation("tanh"),
        Linear(16, 16, seed=2),
        CoreActivation("tanh"),
        Linear(16, 3, seed=3),
    )
    assert fused.supports(net)
    model = nn.Sequential(*(twin(layer) for layer in net))
    with torch.no_grad():
        for (name, value), (name_t, param) in zip(
            net.named_parameters(), model.named_parameters(), strict=True
        ):
            assert name == name_t
            param.copy_(torch.tensor(value))
    x, labels = rng.normal(0, 2, (33, 7)), rng.integers(0, 3, 33)
    out = fused.forward_backward(net)(x, lambda z: losses.cross_entropy(z, labels)[1])
    out_t = model(torch.tensor(x))
    F.cross_entropy(out_t, torch.tensor(labels)).backward()
    assert rel(out, out_t.detach().numpy()) <= FUSED_TOL
    grads_t = dict(model.named_parameters())
    gaps = {name: rel(g, grads_t[name].grad.numpy()) for name, g in net.named_gradients()}
    assert {k: v for k, v in gaps.items() if v > FUSED_TOL} == {}
