"""The perceptron page's "In PyTorch" scripts: the perceptron rule pass by pass on the page's
points, the hand-set XOR network as nn.Sequential, and the playground's first updates."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from core import datasets, optimizers, perceptron, playground
from core import nn as core_nn
from ui.pytorch import Line, Raw, Snippet, lit, lit_block, prints, script
from ui.strings import Translate

SHOWN_PASSES = 8  # passes whose weights the rule's script prints, then the final w


@functools.lru_cache(maxsize=16)  # kept for the next rerun, keyed on the data's settings
def _rule_run(name: str, n: int, seed: int, margin: float) -> perceptron.Run:
    """Section 1's run without the margin solve (a quarter second on 60 points): on separable
    data the rule stops by itself, long before MAX_EPOCHS; the page's own limit only where not."""
    X, y = perceptron.dataset(name, n, seed, margin)
    run = perceptron.train(X, y, perceptron.MAX_EPOCHS, repeats=perceptron.SHOWN_REPEATS)
    if run.converged or run.cycle is not None:
        return run
    return perceptron.train(X, y, repeats=perceptron.SHOWN_REPEATS)


def rule(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The perceptron rule from w = 0 on the page's points, the weights after each pass."""
    name = values["pdata"]
    drawn = {"pn": values["pn"], "pseed": values["pseed"], "margin": values["margin"]}
    settings: dict[str, Any] = {"pdata": name}
    separable = name == "separable"
    if separable:  # a truth table is its four corners: no size, seed or gap
        settings |= drawn
    run = _rule_run(name, int(drawn["pn"]), int(drawn["pseed"]), float(drawn["margin"]))
    X, y = run.X, run.y
    n, passes = len(y), run.epochs
    ends = [run.weights[min(k * n, run.steps)] for k in range(1, min(passes, SHOWN_PASSES) + 1)]
    lines = [Line(f"pass {k} w0 w1 w2", tuple(w.tolist()), ".4f") for k, w in enumerate(ends, 1)]
    final = Line("final w0 w1 w2", tuple(run.weights[-1].tolist()), ".4f")
    counts = Line("mistakes, passes", (float(run.total_mistakes), float(passes)), ".0f")
    shown = "\n".join(prints(line, f"after[{k}]") for k, line in enumerate(lines))
    code = script(
        tr,
        """
        import torch

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        #: torch.mlp.data name=$name
        data = $name
        $where
        X = torch.tensor($X).reshape(-1, 2)
        y = torch.tensor($y)
        #: torch.mlp.augment
        X1 = torch.cat([torch.ones(len(X), 1), X], dim=1)
        w = torch.zeros(3)
        passes = $passes  #: torch.mlp.passes
        after, mistakes = [], 0
        #: torch.mlp.rule
        for _ in range(passes):
            wrong = 0
            for xi, yi in zip(X1, y):
                if yi * (w @ xi) <= 0:
                    w = w + yi * xi
                    wrong += 1
            after.append(w.tolist())
            mistakes += wrong
            if wrong == 0:
                break
        $shown
        $final
        $counts
        """,
        name=name,
        where=Raw(script(tr, _where(drawn) if separable else "#: torch.mlp.corners").rstrip()),
        X=lit_block(X.ravel().tolist()),
        y=lit_block(y.tolist()),
        passes=passes,
        shown=Raw(shown),
        final=Raw(prints(final, "w.tolist()")),
        counts=Raw(prints(counts, "mistakes", "len(after)")),
    )
    notes = ("torch.mlp.cycle_note",) if run.cycle is not None else ()
    return Snippet(code, (*lines, final, counts), settings, notes)


def _where(drawn: Mapping[str, Any]) -> str:
    """The separable set's settings, and where its points come from."""
    return (
        f"n, seed, margin = {lit(drawn['pn'])}, {lit(drawn['pseed'])}, {lit(drawn['margin'])}\n"
        "#: torch.mlp.written"
    )


def xor(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The hand-set 2-2-1 ReLU network on XOR's four corners: the hidden images and ŷ."""
    keys = ("w11", "w12", "w21", "w22", "c1", "c2", "v1", "v2", "b")
    v = [float(values[key]) for key in keys]
    W, c, w, b = ((v[0], v[1]), (v[2], v[3])), (v[4], v[5]), (v[6], v[7]), v[8]
    f = perceptron.fold(W, c, w, b, grid=2)
    corners = ("(0,0)", "(0,1)", "(1,0)", "(1,1)")
    images = zip(corners, f.hidden.tolist(), strict=True)
    hidden = [Line(f"h at {at}", tuple(row), ".4f") for at, row in images]
    out = Line("y at (0,0) (0,1) (1,0) (1,1)", tuple(f.output.tolist()), ".4f")
    above = Line("y > 0.5", tuple(float(o > 0.5) for o in f.output), ".0f")
    code = script(
        tr,
        """
        import torch
        from torch import nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        #: torch.mlp.xor_net
        model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
        with torch.no_grad():
            model[0].weight.copy_(torch.tensor($W))
            model[0].bias.copy_(torch.tensor($c))
            model[2].weight.copy_(torch.tensor([$w]))
            model[2].bias.copy_(torch.tensor([$b]))
        corners = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        #: torch.mlp.fold
        h = model[:2](corners)
        $hidden
        y = model(corners)[:, 0]
        $out
        $above
        """,
        W=W,
        c=c,
        w=w,
        b=b,
        hidden=Raw("\n".join(prints(line, f"h[{i}].tolist()") for i, line in enumerate(hidden))),
        out=Raw(prints(out, "y.tolist()")),
        above=Raw(prints(above, "(y > 0.5).tolist()")),
    )
    return Snippet(code, (*hidden, out, above), dict(zip(keys, v, strict=True)))


def fits(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The least-squares fits of XOR's targets by torch.linalg.lstsq: on (1, x₁, x₂) it is 0.5
    at every corner; with the product x₁x₂ as a fourth feature it is exact."""
    lines = []
    for product, name in ((False, "1 x1 x2"), (True, "1 x1 x2 x1x2")):
        fit = perceptron.xor_fit(product, grid=2)
        lines.append(Line(f"fit on {name} coef", tuple(fit.coef.tolist()), ".4f"))
        lines.append(Line(f"fit on {name} at the corners", tuple(fit.output.tolist()), ".4f"))
        lines.append(Line(f"fit on {name} MSE", (fit.mse,), ".4f"))
    shown = []
    for i, features in enumerate(("A[:, :3]", "A")):
        shown += [
            f"coef = torch.linalg.lstsq({features}, y.reshape(-1, 1)).solution[:, 0]",
            f"out = {features} @ coef",
            prints(lines[3 * i], "coef.tolist()"),
            prints(lines[3 * i + 1], "out.tolist()"),
            prints(lines[3 * i + 2], "((out - y) ** 2).mean().item()"),
        ]
    code = script(
        tr,
        """
        import torch

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        y = torch.tensor([0.0, 1.0, 1.0, 0.0])  #: torch.mlp.xor_targets
        #: torch.mlp.features
        A = torch.stack([torch.ones(4), x[:, 0], x[:, 1], x[:, 0] * x[:, 1]], dim=1)
        $shown
        """,
        shown=Raw("\n".join(shown)),
    )
    return Snippet(code, tuple(lines), {})


# --- 3. the playground -------------------------------------------------------------------------

# Each activation as the torch.nn module of the same name, with torch's default parameters
# (core.activations.get(name) fills in the same ones).
MODULES = {
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU()",
    "elu": "nn.ELU()",
    "selu": "nn.SELU()",
    "gelu": "nn.GELU()",
    "silu": "nn.SiLU()",
    "softplus": "nn.Softplus()",
    "linear": "nn.Identity()",
}
FEATURES = {
    "x1": "x[:, 0]",
    "x2": "x[:, 1]",
    "x1_sq": "x[:, 0] ** 2",
    "x2_sq": "x[:, 1] ** 2",
    "x1x2": "x[:, 0] * x[:, 1]",
    "sin_x1": "x[:, 0].sin()",
    "sin_x2": "x[:, 1].sin()",
}
LOSSES = {"mse": "nn.MSELoss()", "bce": "nn.BCEWithLogitsLoss()", "ce": "nn.CrossEntropyLoss()"}
SHOWN_UPDATES = 5  # the first updates whose mini-batch loss the script prints
MAX_ROWS = 60  # …as few as fit this many rows (one batch at least)


def _layers(values: Mapping[str, Any]) -> list[tuple[int, str]]:
    count = int(values["layers"])
    return [(int(values[f"n{i}"]), values[f"a{i}"]) for i in range(1, count + 1)]


def _settings(values: Mapping[str, Any]) -> playground.Settings:
    from ui.topics.perceptron import settings  # the topic imports this module

    return settings(values, _layers(values))


def _model(s: playground.Settings) -> str:
    """nn.Sequential(...) as core.playground.network builds it, one module a line."""
    parts, width = [], len(s.features)
    for units, act in zip(s.hidden, s.activations, strict=True):
        parts.append(f"nn.Linear({width}, {units})")
        if s.batchnorm:
            parts.append(f"nn.BatchNorm1d({units})")
        parts.append(MODULES[act])
        if s.dropout > 0:
            parts.append(f"nn.Dropout(p={s.dropout!r})")
        width = units
    parts.append(f"nn.Linear({width}, {playground.outputs(s)})")
    return "model = nn.Sequential(\n" + "".join(f"    {p},\n" for p in parts) + ")"


def _optimizer(s: playground.Settings) -> str:
    """torch.optim.<Class>(model.parameters(), lr=…, …): every hyperparameter that is not the
    class's own default (L2 is weight_decay)."""
    spec = optimizers.REGISTRY[s.optimizer]
    h = optimizers.hparams(s.optimizer, lr=s.lr, weight_decay=s.l2)
    base = optimizers.REGISTRY[spec.torch_class.lower()].defaults
    words = [f"lr={lit(float(s.lr))}"]
    skip = {"lr", "weight_decay"}
    words += [f"{k}={lit(v)}" for k, v in h.items() if k not in skip and v != base[k]]
    words.append("weight_decay=l2")
    inside = f"model.parameters(), {', '.join(words)}"
    if len(inside) + len(spec.torch_class) > 70:  # one argument line, as black writes it
        return f"torch.optim.{spec.torch_class}(\n    {inside}\n)"
    return f"torch.optim.{spec.torch_class}({inside})"


def _start(net: core_nn.Sequential) -> str:
    """The network's initial parameters as a dict literal of flat tuples, torch's names."""
    rows = []
    for name, value in net.named_parameters():
        flat = lit_block([float(v) for v in np.ravel(value)], width=84)
        rows.append(f'    "{name}": ' + flat.replace("\n", "\n    ") + ",")
    return "start = {\n" + "\n".join(rows) + "\n}"


def _masks(s: playground.Settings, sizes: Sequence[int]) -> list[list[np.ndarray]]:
    """Each Dropout layer's keep-masks for the first updates (batches of `sizes` rows), drawn
    by core's own layers as its training forwards draw them: one draw a batch, in order."""
    net = playground.network(s)
    found = []
    drops = [m for m in net if isinstance(m, core_nn.Dropout)]
    for layer, width in zip(drops, s.hidden, strict=True):
        masks = []
        for rows in sizes:
            layer.forward(np.ones((rows, width)))
            assert layer.mask is not None
            masks.append(layer.mask)
        found.append(masks)
    return found


def _mask_code(masks: list[list[np.ndarray]]) -> str:
    rows = []
    for layer in masks:
        flat = [tuple(int(v) for v in m.ravel()) for m in layer]
        rows.append("    " + lit_block(flat, width=84).replace("\n", "\n    ") + ",")
    return "masks = [\n" + "\n".join(rows) + "\n]"


LOOP = """
losses = []
for step in range($k):
    xb = features(points_xy[step * batch_size : (step + 1) * batch_size])
    yb = target[step * batch_size : (step + 1) * batch_size]
    optimizer.zero_grad()
    out = model(xb)
    loss = loss_fn($out, yb)
    losses.append(loss.item())
    loss.backward()
$step
$losses
"""
DROPOUT = """
#: torch.mlp.play.masks
$masks
drops = [m for m in model if isinstance(m, nn.Dropout)]


def page_mask(layer, keep):
    def hook(module, inputs, output):
        mask = torch.tensor(keep[step]).view_as(output)
        return inputs[0] * mask / (1 - module.p)

    return layer.register_forward_hook(hook)


for layer, keep in zip(drops, masks):
    page_mask(layer, keep)
"""


def first_updates(s: playground.Settings, count: int) -> list[float]:
    """The mini-batch losses of the first `count` updates of core.playground.run(s), each
    before its step, replayed without the rest of the run (its plane, snapshots and later
    epochs): the same data, network, shuffle stream, loss, L1 and optimizer step. Fewer where
    the run stops being finite (it would stop there)."""
    x_train, y_train = playground.data(s)[:2]
    f, t = playground.features(x_train, s.features), playground._targets(s, y_train)
    n, b = len(f), min(s.batch_size, len(f))
    order = np.random.default_rng([s.seed, 1]).permutation(n)  # run's shuffle, its own stream
    net = playground.network(s)
    p, g = net.parameters, net.gradients
    opt = optimizers.REGISTRY[s.optimizer]
    h = optimizers.hparams(s.optimizer, lr=s.lr, weight_decay=s.l2)
    state: dict = {key: np.zeros_like(p) for key in opt.buffers(h)}
    if opt.init is not None:
        opt.init(state, h)
    found: list[float] = []
    with np.errstate(all="ignore"):
        for step in range(1, count + 1):
            rows = order[(step - 1) * b : step * b]
            try:
                value, grad = playground.loss(s, net.forward(f[rows]), t[rows])
            except ValueError:  # a layer or the loss refused non-finite values: run stops
                break
            if not np.isfinite(value):
                break
            found.append(float(value))
            net.backward(grad)
            if s.l1:
                g += s.l1 * np.sign(p)
            opt.step(p, g, state, h, step)
            if not p @ p <= playground.BOUND2:
                break
    return found


@functools.lru_cache(maxsize=16)  # kept for the next rerun; Settings is frozen, hashable
def _updates(s: playground.Settings) -> tuple[tuple[float, ...], int, int]:
    """(the first updates' losses the script replays, batch size, training rows)."""
    n = datasets.train_rows(s.points, s.train_share)
    b = min(s.batch_size, n)
    u = playground.updates_per_epoch(n, b, s.drop_last)
    k = min(SHOWN_UPDATES, u, max(1, MAX_ROWS // b))
    if s.batchnorm:  # torch's BatchNorm1d refuses a batch of one row in training mode
        small = [i for i in range(k) if min(b, n - i * b) < 2]
        k = small[0] if small else k
    return tuple(first_updates(s, k)), b, n


def train(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The playground's network, its initial weights written in, and its first updates on the
    first mini-batches of epoch 1 (the page's shuffle), each mini-batch's loss before its step."""
    s = _settings(values)
    found, b, n = _updates(s)
    k = len(found)
    x_train, y_train = playground.data(s)[:2]
    order = np.random.default_rng([s.seed, 1]).permutation(n)  # core.playground.run's shuffle
    rows = min(max(k, 1) * b, n)
    x = x_train[order[:rows]]
    t = playground._targets(s, y_train[order[:rows]])
    sizes = [min(b, rows - i * b) for i in range(max(k, 1))]
    label = f"loss at updates 1-{k}" if k > 1 else "loss at update 1"
    losses = Line(label, found, ".6g") if k else None
    net = playground.network(s)
    target = lit_block([int(v) for v in t] if s.loss == "ce" else [float(v) for v in t])
    features = ", ".join(FEATURES[f] for f in s.features)
    dropout = script(tr, DROPOUT, masks=Raw(_mask_code(_masks(s, sizes)))) if s.dropout else ""
    l1 = f"    for p in model.parameters():  # {tr('torch.mlp.play.l1')}\n"
    l1 += "        p.grad += l1 * p.sign()\n"
    loop = "#: torch.mlp.play.bn_one"
    if losses is not None:
        words = {"k": k, "out": Raw("out" if s.loss == "ce" else "out[:, 0]")}
        words["step"] = Raw((l1 if s.l1 else "") + "    optimizer.step()")
        words["losses"] = Raw(prints(losses, "losses" if k > 1 else "losses[0]"))
        loop = script(tr, LOOP, **words).rstrip()
    else:
        loop = script(tr, loop).rstrip()
    code = script(
        tr,
        """
        import torch
        from torch import nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        #: torch.mlp.play.data ds=$ds
        dataset, noise, points, train_share, seed = $ds, $noise, $points, $share, $seed
        batch_size, epochs, drop_last = $batch, $epochs, $droplast
        #: torch.mlp.play.rows rows=$rows n=$n
        points_xy = torch.tensor($x).reshape(-1, 2)
        target = torch.tensor($target)


        def features(x):
            return torch.stack([$features], dim=1)


        $model
        init = $init
        #: torch.mlp.play.start
        $start
        with torch.no_grad():
            for name, value in start.items():
                p = model.get_parameter(name)
                p.copy_(torch.tensor(value).view_as(p))
        $dropout
        loss_fn = $loss
        l1, l2 = $l1, $l2  #: torch.mlp.play.decay
        optimizer = $optimizer
        $loop
        """,
        ds=s.dataset,
        noise=float(s.noise),
        points=s.points,
        share=float(s.train_share),
        seed=s.seed,
        batch=b,
        epochs=s.epochs,
        droplast=s.drop_last,
        rows=rows,
        n=n,
        x=lit_block([float(v) for v in x.ravel()]),
        target=target,
        features=Raw(features),
        model=Raw(_model(s)),
        init=s.init,
        start=Raw(_start(net)),
        dropout=Raw(dropout),
        loss=Raw(LOSSES[s.loss]),
        optimizer=Raw(_optimizer(s)),
        l1=float(s.l1),
        l2=float(s.l2),
        loop=Raw(loop),
    )
    settings = {
        "ds": s.dataset,
        "noise": float(s.noise),
        "pts": s.points,
        "share": float(s.train_share),
        "seed": s.seed,
        "batch": b,
        "epochs": s.epochs,
        "droplast": s.drop_last,
        "lr": float(s.lr),
        "l1": float(s.l1),
        "l2": float(s.l2),
        "init": s.init,
        "loss": Raw(LOSSES[s.loss]),
        "opt": Raw(f"torch.optim.{optimizers.REGISTRY[s.optimizer].torch_class}("),
        "feat": Raw(features),
        "drop": float(s.dropout),
        "layers": len(s.hidden),
    }
    for i, (units, act) in enumerate(zip(s.hidden, s.activations, strict=True), 1):
        settings |= {f"n{i}": Raw(f", {units})"), f"a{i}": Raw(MODULES[act])}
    if s.batchnorm:
        settings["bn"] = Raw("nn.BatchNorm1d(")
    notes = ("torch.mlp.play.later",) + (("torch.mlp.play.dropout_note",) if s.dropout else ())
    notes += ("torch.mlp.play.bn_one",) if losses is None else ()
    return Snippet(code, (losses,) if losses else (), settings, notes)


SNIPPETS = {"perceptron": rule, "xor": xor, "fits": fits, "playground": train}
TEST_LINKS = {
    "separable, more points": {"pdata": "separable", "pn": 60, "pseed": 7, "margin": 0.05},
    "and": {"pdata": "and"},
    "xor cycle": {"pdata": "xor"},
    "xor by hand": {"w11": 2.0, "c2": -1.5, "v2": -1.0, "b": 0.1},
    "dropout, batchnorm, l1": {"drop": 0.3, "bn": True, "l1": 0.001, "l2": 0.01},
    "spiral3 cross-entropy": {"ds": "spiral3", "loss": "ce", "feat": ("x1", "x2", "sin_x1")},
    "bumps regression, batch 1": {"ds": "bumps", "batch": 1, "opt": "rmsprop", "lr": 0.01},
    "adamw, big batch": {"opt": "adamw", "batch": 64, "init": "he_normal", "a1": "relu"},
    "batchnorm, a last batch of one": {"bn": True, "batch": 3, "pts": 20, "opt": "nesterov"},
    "learning rate 10": {"loss": "mse", "lr": 10.0, "opt": "momentum", "layers": 1, "a1": "gelu"},
}
