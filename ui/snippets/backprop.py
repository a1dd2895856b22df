"""The backpropagation page's "In PyTorch" scripts: each graph with requires_grad leaves and
backward(), the gates, the 2-2-1 network as nn.Sequential, the losses as torch.nn's loss
modules, Nielsen's neuron under torch.optim.SGD, the output-task pairings and the stability
table."""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np

from core import autograd, loss_lessons
from ui.pytorch import Line, Raw, Snippet, lit, lit_block, prints, script
from ui.strings import Translate

FMT = ".6g"
# The page's runs, kept for its next rerun (a full rerun hands every builder new values):
# bounded, and keyed on the scalars the runs take.
_nielsen_pair = functools.lru_cache(maxsize=16)(loss_lessons.nielsen_pair)
HEAD = """
import torch
from torch import nn

#: torch.float64
torch.set_default_dtype(torch.float64)
"""

# The learner's graph: each operation and function as torch writes it.
OPS = {
    "add": "{} + {}",
    "sub": "{} - {}",
    "mul": "{} * {}",
    "div": "{} / {}",
    "max": "torch.maximum({}, {})",
}
FUNCTIONS = {
    "none": "v",
    "square": "v**2",
    "exp": "torch.exp(v)",
    "tanh": "torch.tanh(v)",
    "sigmoid": "torch.sigmoid(v)",
    "relu": "torch.relu(v)",
    "log": "torch.log(v)",
}


def _code(tr: Translate, *parts: str, **values: Any) -> str:
    """A script: the head (torch, float64), then each part dedented on its own."""
    return script(tr, "".join(textwrap.dedent(part) for part in (HEAD, *parts)), **values)


HIDDEN = {"tanh": ("torch.tanh", "nn.Tanh()"), "sigmoid": ("torch.sigmoid", "nn.Sigmoid()")}


def _graph(values: Mapping[str, Any]) -> autograd.Graph | None:
    from ui.topics.backprop import graph  # the topic imports this module

    return graph(values)


def _corner(values: Mapping[str, Any], key: str) -> int:
    from ui.topics.backprop import corner

    return corner(values[key])


def _shows(line: Line, tensor: str) -> str:
    """The print of `line` from a tensor: its one value, or its values flattened."""
    return prints(
        line, f"{tensor}.item()" if len(line.values) == 1 else f"{tensor}.flatten().tolist()"
    )


def _grads(g: autograd.Graph, *labels: str) -> tuple[float, ...]:
    return tuple(float(g.grad(label)) for label in labels)


def graph(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Section 1's graph with torch tensors: the forward pass, backward() from the output, and
    every leaf's .grad (the intermediate values keep theirs with retain_grad())."""
    name = values["bpg"]
    if name == "expression":
        return _expression(tr)
    if name == "neuron":
        return _neuron(tr)
    if name == "network":
        return _network(values, tr)
    return _own(values, tr)


def _expression(tr: Translate) -> Snippet:
    g = autograd.expression()
    value = Line("f", (g.output.value,), FMT)
    grads = Line("x y z grad", _grads(g, "x", "y", "z"), FMT)
    q = Line("q grad", _grads(g, "q"), FMT)
    code = _code(
        tr,
        """
        #: torch.bp.leaves
        x = torch.tensor(-2.0, requires_grad=True)
        y = torch.tensor(5.0, requires_grad=True)
        z = torch.tensor(-4.0, requires_grad=True)
        q = x + y
        q.retain_grad()  #: torch.bp.retain
        f = q * z
        f.backward()  #: torch.bp.backward
        $value
        $grads
        $q
        """,
        value=Raw(prints(value, "f.item()")),
        grads=Raw(prints(grads, "x.grad.item()", "y.grad.item()", "z.grad.item()")),
        q=Raw(prints(q, "q.grad.item()")),
    )
    return Snippet(code, (value, grads, q), {"bpg": Raw("f = q * z")})


def _neuron(tr: Translate) -> Snippet:
    g = autograd.neuron()
    value = Line("o", (g.output.value,), FMT)
    w = Line("w grad", _grads(g, "w0", "w1", "w2"), FMT)
    x = Line("x grad", _grads(g, "x0", "x1"), FMT)
    n = Line("n grad", _grads(g, "n"), FMT)
    code = _code(
        tr,
        """
        #: torch.bp.leaves
        w = torch.tensor($w, requires_grad=True)
        x = torch.tensor($x, requires_grad=True)
        n = w[0] * x[0] + w[1] * x[1] + w[2]
        n.retain_grad()  #: torch.bp.retain
        o = torch.sigmoid(n)
        o.backward()  #: torch.bp.backward
        $value
        $w_grad
        $x_grad
        $n_grad
        """,
        w=list(autograd.NEURON_W),
        x=list(autograd.NEURON_X),
        value=Raw(prints(value, "o.item()")),
        w_grad=Raw(prints(w, "w.grad.tolist()")),
        x_grad=Raw(prints(x, "x.grad.tolist()")),
        n_grad=Raw(prints(n, "n.grad.item()")),
    )
    return Snippet(code, (value, w, x, n), {"bpg": Raw("torch.sigmoid(n)")})


NETWORK = """
#: torch.bp.network corner=$corner
x = torch.tensor($x, requires_grad=True)
y = torch.tensor($y)
W1 = torch.tensor($W1, requires_grad=True)
b1 = torch.tensor($b1, requires_grad=True)
W2 = torch.tensor($W2, requires_grad=True)
b2 = torch.tensor($b2, requires_grad=True)
z1 = W1 @ x + b1
h = $act(z1)
y_hat = torch.sigmoid(W2 @ h + b2)
loss = $loss
loss.backward()  #: torch.bp.backward
"""
NETWORK_LOSSES = {
    "mse": "nn.functional.mse_loss(y_hat, y)",
    "bce": "nn.functional.binary_cross_entropy(y_hat, y)",
}


def _network(values: Mapping[str, Any], tr: Translate) -> Snippet:
    k, loss, act = _corner(values, "bpex"), values["bploss"], values["bpact"]
    g = autograd.network(k, loss, act)
    weights = autograd.NETWORK_WEIGHTS
    value = Line("L", (g.output.value,), FMT)
    out = Line("y_hat", (g.node("ŷ").value,), FMT)
    lines = [
        value,
        out,
        Line("x grad", _grads(g, "x1", "x2"), FMT),
        Line("W1 grad", _grads(g, "W1[1,1]", "W1[1,2]", "W1[2,1]", "W1[2,2]"), FMT),
        Line("b1 grad", _grads(g, "b1[1]", "b1[2]"), FMT),
        Line("W2 grad", _grads(g, "W2[1,1]", "W2[1,2]"), FMT),
        Line("b2 grad", _grads(g, "b2"), FMT),
    ]
    names = ("loss", "y_hat", "x.grad", "W1.grad", "b1.grad", "W2.grad", "b2.grad")
    body = script(
        tr,
        NETWORK,
        corner=values["bpex"],
        x=list(autograd.CORNERS[k]),
        y=[float(autograd.CORNERS[k][0] != autograd.CORNERS[k][1])],
        W1=[list(row) for row in weights["0.weight"]],
        b1=list(weights["0.bias"]),
        W2=[list(row) for row in weights["2.weight"]],
        b2=list(weights["2.bias"]),
        act=Raw(HIDDEN[act][0]),
        loss=Raw(NETWORK_LOSSES[loss]),
    )
    shown = "\n".join(_shows(line, e) for line, e in zip(lines, names, strict=True))
    code = _code(tr) + body + shown + "\n"
    settings = {
        "bpg": Raw("W1 @ x"),
        "bploss": Raw(NETWORK_LOSSES[loss]),
        "bpact": Raw(HIDDEN[act][0]),
        "bpex": list(autograd.CORNERS[k]),
    }
    return Snippet(code, tuple(lines), settings)


def _own(values: Mapping[str, Any], tr: Translate) -> Snippet:
    a, b, c = (float(values[key]) for key in ("bpa", "bpb", "bpc"))
    first, second, fn = values["bpop1"], values["bpop2"], values["bpfn"]
    u_code, v_code = OPS[first].format("a", "b"), OPS[second].format("u", "c")
    settings = {
        "bpa": a,
        "bpb": b,
        "bpc": c,
        "bpop1": Raw(u_code),
        "bpop2": Raw(v_code),
        "bpfn": Raw(FUNCTIONS[fn]),
    }
    g = _graph(values)
    template = textwrap.dedent(
        """
        #: torch.bp.own
        a = torch.tensor($a, requires_grad=True)
        b = torch.tensor($b, requires_grad=True)
        c = torch.tensor($c, requires_grad=True)
        u = $u
        v = $v
        f = $f
        """
    )
    words = {"a": a, "b": b, "c": c, "u": Raw(u_code), "v": Raw(v_code), "f": Raw(FUNCTIONS[fn])}
    if g is None:  # undefined: the page draws nothing; torch returns inf or nan
        inputs = Line("a b c", (a, b, c), FMT)
        end = "#: torch.bp.undefined\n$shown\nprint(u.item(), v.item(), f.item())\n"
        shown = Raw(prints(inputs, "a.item()", "b.item()", "c.item()"))
        code = _code(tr, template, end, **words, shown=shown)
        return Snippet(code, (inputs,), settings, ("torch.bp.undefined",))
    value = Line("u v f", (g.node("u").value, g.node("v").value, g.output.value), FMT)
    grads = Line("a b c grad", _grads(g, "a", "b", "c"), FMT)
    code = _code(
        tr,
        template,
        """
        f.backward()  #: torch.bp.backward
        $value
        $grads
        """,
        **words,
        value=Raw(prints(value, "u.item()", "v.item()", "f.item()")),
        grads=Raw(prints(grads, "a.grad.item()", "b.grad.item()", "c.grad.item()")),
    )
    return Snippet(code, (value, grads), settings)


# --- 2. the gates' patterns ---------------------------------------------------------------------

PATTERNS = {"add": "x + y", "mul": "x * y", "max": "torch.maximum(x, y)", "fanout": "x * y + x"}


def gates(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """A gate under an upstream gradient of 2 (f = 2·g); for a value used twice, each use's
    gradient, which torch adds up (the page's bug keeps only one)."""
    name, bug = values["bppat"], bool(values["bpbug"])
    right, shown = autograd.pattern(name, True), autograd.pattern(name, not bug)
    value = Line("f", (right.output.value,), FMT)
    grads = Line("x y grad", _grads(right, "x", "y"), FMT)
    lines = [value, grads]
    more = ""
    if name == "fanout":
        x_id = right.node("x").id
        uses = [s for s in right.steps if s.parent == x_id]  # in the page's backward order
        parts = {"xy": "2 * (x * y)", "g": "2 * x"}
        order = [parts["xy" if right.nodes[s.child].label == "xy" else "g"] for s in uses]
        each = Line("x grad from each use", tuple(s.downstream for s in uses), FMT)
        lines.append(each)
        code_each = ", ".join(f"torch.autograd.grad({p}, x)[0].item()" for p in order)
        more = f"#: torch.bp.uses\nuses = [{code_each}]\n" + prints(each, "uses")
        if bug:
            kept = Line("x grad without accumulation", _grads(shown, "x"), FMT)
            lines.append(kept)
            more += "\nif bug:\n    " + prints(kept, "uses[-1]")
    code = _code(
        tr,
        """
        bug = $bug  #: torch.bp.bug
        x = torch.tensor(3.0, requires_grad=True)
        y = torch.tensor(-4.0, requires_grad=True)
        #: torch.bp.upstream
        f = 2 * ($g)
        f.backward()
        $value
        $grads
        $more
        """,
        bug=bug,
        g=Raw(PATTERNS[name]),
        value=Raw(prints(value, "f.item()")),
        grads=Raw(prints(grads, "x.grad.item()", "y.grad.item()")),
        more=Raw(script(tr, more).rstrip() if more else ""),
    )
    notes = ("torch.bp.bug_note",) if bug else ()
    return Snippet(code, tuple(lines), {"bppat": Raw(PATTERNS[name]), "bpbug": bug}, notes)


# --- 3. from scalars to layers ----------------------------------------------------------------

LAYER_LOSSES = {"mse": "nn.MSELoss()", "bce": "nn.BCELoss()"}


def layers(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The same 2-2-1 network as nn.Sequential(Linear, f, Linear, Sigmoid): loss.backward()
    fills every parameter's .grad, the scalar graph's gradients in the layers' shapes."""
    k, loss, act = _corner(values, "bpmex"), values["bpmloss"], values["bpmact"]
    view = autograd.layers(k, loss, act)
    p = float(view.p[0, 0])
    lines = [
        Line("y_hat", (p,), FMT),
        Line("loss", (view.loss,), FMT),
        Line("sigmoid'(z) = y_hat(1 - y_hat)", (view.sigmoid_local,), FMT),
    ]
    for name, grad in view.layers.items():
        lines.append(Line(f"{name}.grad", tuple(np.ravel(grad).tolist()), FMT))
    state = "\n".join(
        f"    {lit(n)}: {lit(_nested(v))}," for n, v in autograd.NETWORK_WEIGHTS.items()
    )
    grads = "\n".join(_shows(line, f"params['{line.label[:-5]}'].grad") for line in lines[3:])
    code = _code(
        tr,
        """
        #: torch.bp.sequential
        model = nn.Sequential(nn.Linear(2, 2), $act, nn.Linear(2, 1), nn.Sigmoid())
        start = {
        $state
        }
        with torch.no_grad():
            for name, value in start.items():
                model.get_parameter(name).copy_(torch.tensor(value))
        #: torch.bp.corner corner=$corner
        x = torch.tensor([$x])
        y = torch.tensor([[$y]])
        y_hat = model(x)
        loss = $loss(y_hat, y)
        loss.backward()
        $p
        $loss_line
        $local
        params = dict(model.named_parameters())
        $grads
        """,
        act=Raw(HIDDEN[act][1]),
        state=Raw(state),
        x=list(autograd.CORNERS[k]),
        corner=values["bpmex"],
        y=float(autograd.CORNERS[k][0] != autograd.CORNERS[k][1]),
        loss=Raw(LAYER_LOSSES[loss]),
        p=Raw(prints(lines[0], "y_hat.item()")),
        loss_line=Raw(prints(lines[1], "loss.item()")),
        local=Raw(prints(lines[2], "(y_hat * (1 - y_hat)).item()")),
        grads=Raw(grads),
    )
    settings = {
        "bpmloss": Raw(LAYER_LOSSES[loss]),
        "bpmact": Raw(HIDDEN[act][1]),
        "bpmex": list(autograd.CORNERS[k]),
    }
    return Snippet(code, tuple(lines), settings)


def _nested(value: Any) -> Any:
    return [_nested(v) for v in value] if isinstance(value, tuple) else value


# --- 4. the losses against the logit ----------------------------------------------------------

READ_AT = (-4.0, 0.0, 4.0)  # the logits the script reads the curves at: the page marks z = 4
CURVE_CODE = {
    "mse_sigmoid": "$halfnn.MSELoss(reduction='none')(torch.sigmoid(z), t)",
    "bce_sigmoid": "nn.BCELoss(reduction='none')(torch.sigmoid(z), t)",
    "bce_with_logits": "nn.BCEWithLogitsLoss(reduction='none')(z, t)",
    "cross_entropy": "nn.CrossEntropyLoss(reduction='none')(logits, labels)",
}


def curves(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Each loss of section 4 and its dL/dz at z = −4, 0, 4 by autograd, with the page's target,
    convention and class."""
    y, convention, label = int(values["bly"]), values["blconv"], int(values["blcls"])
    mse = "0.5 * " if convention == "half" else ""
    at = loss_lessons.saturation(loss_lessons.SATURATED_Z, y)
    sat = Line("sigma, sigma' at z = 4", (at.sigma, at.dsigma), FMT)
    lines, blocks = [sat], []
    for name in loss_lessons.CURVES:
        c = loss_lessons.curve(name, y, np.array(READ_AT), convention, label)
        value = Line(f"{name} L at z = -4, 0, 4", tuple(c.loss.tolist()), FMT)
        grad = Line(f"{name} dL/dz", tuple(c.grad.tolist()), FMT)
        lines += [value, grad]
        stack = ["logits = torch.stack([z, torch.zeros(3), torch.zeros(3)], dim=1)"]
        stack = stack if name == "cross_entropy" else []
        blocks += [
            "",
            "z = torch.tensor(points, requires_grad=True)",
            *stack,
            f"loss = {CURVE_CODE[name].replace('$half', mse)}",
            "loss.sum().backward()",
            prints(value, "loss.tolist()"),
            prints(grad, "z.grad.tolist()"),
        ]
    code = _code(
        tr,
        """
        points = $points
        t = torch.full((3,), $y)  #: torch.bp.target
        labels = torch.full((3,), $label)  #: torch.bp.label
        #: torch.bp.saturated
        z4 = torch.tensor(4.0, requires_grad=True)
        sigma = torch.sigmoid(z4)
        sigma.backward()
        $saturated
        #: torch.bp.half
        #: torch.bp.curves
        $blocks
        """,
        points=list(READ_AT),
        saturated=Raw(prints(sat, "sigma.item()", "z4.grad.item()")),
        y=float(y),
        label=label,
        blocks=Raw("\n".join(blocks)),
    )
    settings = {
        "bly": float(y),
        "blconv": Raw(f"{mse}nn.MSELoss("),
        "blcls": Raw(f"torch.full((3,), {label})"),
    }
    return Snippet(code, tuple(lines), settings)


# --- 4b. Nielsen's neuron -------------------------------------------------------------------

NIELSEN = """
#: torch.bp.nielsen
x, y = 1.0, torch.tensor(0.0)
epochs = $epochs
level = $level  #: torch.bp.level


def train(loss_fn, lr):
    w = torch.tensor($w, requires_grad=True)
    b = torch.tensor($b, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    costs = []
    for epoch in range(epochs + 1):
        optimizer.zero_grad()
        a = torch.sigmoid(w * x + b)
        cost = loss_fn(w * x + b, a)
        costs.append(cost.item())
        if epoch < epochs:  #: torch.bp.last
            cost.backward()
            optimizer.step()
    reached = next((i for i, cost in enumerate(costs) if cost <= level), -1)
    return [costs[i] for i in (0, 1, 2, 3, epochs)], w.item(), b.item(), reached


#: torch.bp.quadratic
q = train(lambda z, a: 0.5 * nn.functional.mse_loss(a, y), lr=$lr_q)
c = train(lambda z, a: nn.functional.binary_cross_entropy_with_logits(z, y), lr=$lr_c)
$shown
"""


def _level() -> float:
    from ui.topics.backprop import NIELSEN_LEVEL  # the cost the page's sentence counts to

    return NIELSEN_LEVEL


def nielsen(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Nielsen's neuron a = σ(w + b) with target 0, by gradient descent: the quadratic cost
    ½(a − y)² against cross-entropy, the costs at the first epochs and at the end."""
    w, b = float(values["blw"]), float(values["blb"])
    lr_q, lr_c, epochs = float(values["bllrq"]), float(values["bllrc"]), int(values["blep"])
    runs = _nielsen_pair(w, b, lr_q, lr_c, epochs)
    at = (0, 1, 2, 3, epochs)
    lines = []
    for run, name in zip(runs, ("quadratic", "cross-entropy"), strict=True):
        lines.append(Line(f"{name} C at epochs 0 1 2 3 {epochs}", tuple(run.loss[list(at)]), FMT))
        lines.append(Line(f"{name} w b at the end", (run.w[-1], run.b[-1]), FMT))
        reached = loss_lessons.epochs_to_reach(run, _level())
        first = -1.0 if reached is None else float(reached)
        lines.append(Line(f"{name} first epoch with C <= level (-1 never)", (first,), ".0f"))
    shown = []
    for i, name in enumerate(("q", "c")):
        shown.append(prints(lines[3 * i], f"{name}[0]"))
        shown.append(prints(lines[3 * i + 1], f"{name}[1]", f"{name}[2]"))
        shown.append(prints(lines[3 * i + 2], f"{name}[3]"))
    code = _code(
        tr,
        NIELSEN,
        w=w,
        b=b,
        epochs=epochs,
        lr_q=lr_q,
        lr_c=lr_c,
        level=_level(),
        shown=Raw("\n".join(shown)),
    )
    settings = {"blw": w, "blb": b, "bllrq": lr_q, "bllrc": lr_c, "blep": epochs}
    return Snippet(code, tuple(lines), settings)


# --- 5. which output for which task -----------------------------------------------------------

PAIRING = """
#: torch.bp.regression
x = torch.linspace(0.0, 1.0, 11).reshape(-1, 1)
y = 3 * x


def fit(output):
    model = nn.Sequential(nn.Linear(1, 1), output)
    nn.init.zeros_(model[0].weight)
    nn.init.zeros_(model[0].bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(300):
        optimizer.zero_grad()
        loss = nn.MSELoss()(model(x), y)
        loss.backward()
        optimizer.step()
    return nn.MSELoss()(model(x), y).item()


#: torch.bp.classify
def classify(loss_of):
    z = torch.tensor([[0.0, 6.0, 0.0]], requires_grad=True)
    optimizer = torch.optim.SGD([z], lr=0.5)
    for _ in range(300):
        optimizer.zero_grad()
        loss_of(z).backward()
        optimizer.step()
    return loss_of(z).item(), torch.softmax(z, dim=1)[0, 0].item()


label, onehot = torch.tensor([0]), torch.tensor([[1.0, 0.0, 0.0]])
ce = classify(lambda z: nn.CrossEntropyLoss()(z, label))
mse = classify(lambda z: nn.MSELoss()(torch.softmax(z, dim=1), onehot))
#: torch.bp.after
linear, sigmoid = fit(nn.Identity()), fit(nn.Sigmoid())
"""


@functools.cache  # no settings: the four demos once
def _demos() -> tuple[Any, ...]:
    return (
        loss_lessons.regression("linear"),
        loss_lessons.regression("sigmoid"),
        loss_lessons.softmax_classify("cross_entropy"),
        loss_lessons.softmax_classify("mse_softmax"),
    )


def pairing(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Section 5's demos after their 300 epochs: y = 3x fitted with a linear and a sigmoid
    output, and three confidently wrong logits trained by cross-entropy and by MSE on softmax."""
    linear, sigmoid, ce, mse = _demos()
    lines = (
        Line("MSE with a linear, a sigmoid output", (linear.loss[-1], sigmoid.loss[-1])),
        Line("cross-entropy loss, p0", (ce.loss[-1], ce.p_true[-1])),
        Line("MSE on softmax loss, p0", (mse.loss[-1], mse.p_true[-1])),
    )
    shown = [
        prints(lines[0], "linear", "sigmoid"),
        prints(lines[1], "ce[0]", "ce[1]"),
        prints(lines[2], "mse[0]", "mse[1]"),
    ]
    code = _code(tr, PAIRING) + "\n".join(shown) + "\n"
    return Snippet(code, lines, {})


# --- 6. numerical stability -------------------------------------------------------------------

STABILITY = """
z = torch.tensor($z)
t = torch.full_like(z, $y)  #: torch.bp.target
#: torch.bp.exact
exact = nn.functional.binary_cross_entropy_with_logits(z, t, reduction="none")
zg = z.clone().requires_grad_(True)
nn.functional.binary_cross_entropy_with_logits(zg, t, reduction="sum").backward()
#: torch.bp.naive
p = 1 / (1 + torch.exp(-z))
naive = $naive
#: torch.bp.clamped
pg = p.clone().requires_grad_(True)
clamped = nn.functional.binary_cross_entropy(pg, t, reduction="none")
clamped.sum().backward()
clamped_grad = pg.grad * p * (1 - p)
"""
LSE = """
#: torch.bp.lse
s = torch.tensor($scales)
logits = s.reshape(-1, 1) * torch.tensor([1.0, 0.0, -1.0])
e = torch.exp(logits)
lse_naive = -torch.log(e[:, 2] / e.sum(dim=1))
finite = lse_naive.isfinite()
lse = nn.functional.cross_entropy(logits, torch.full((len(s),), 2), reduction="none")
"""


def stability(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The stability table's columns by torch: BCE with logits and its gradient, the naive
    −log σ(z) (inf where σ rounds to 0 or 1), BCE on σ(z) (log clamped at −100) and its
    gradient; then cross-entropy naive against log-sum-exp."""
    y = int(values["blsy"])
    s = loss_lessons.stability(y)
    lse = loss_lessons.log_sum_exp()
    z = [float(v) for v in s.z]
    finite = np.isfinite(s.naive)
    big = np.isfinite(lse.naive)
    lines = (
        Line("z", tuple(z), ".0f"),
        Line("BCE with logits", tuple(s.exact.tolist()), ".6f"),
        Line("its dL/dz", tuple(s.exact_grad.tolist()), ".6f"),
        Line("naive -log sigmoid is inf at z", tuple(s.z[~finite].tolist()), ".0f"),
        Line("BCE on sigmoid (clamped)", tuple(s.clamped.tolist()), ".6f"),
        Line("its dL/dz through sigmoid", tuple(s.clamped_grad.tolist()), ".6f"),
        Line("cross-entropy at s", tuple(lse.scale.tolist()), ".0f"),
        Line("naive", tuple(lse.naive[big].tolist()), FMT),
        Line("naive is inf or nan at s", tuple(lse.scale[~big].tolist()), ".0f"),
        Line("log-sum-exp", tuple(lse.stable.tolist()), FMT),
    )
    shown = [
        prints(lines[0], "z.tolist()"),
        prints(lines[1], "exact.tolist()"),
        prints(lines[2], "zg.grad.tolist()"),
        prints(lines[3], "z[naive.isinf()].tolist()"),
        prints(lines[4], "clamped.tolist()"),
        prints(lines[5], "clamped_grad.tolist()"),
        prints(lines[6], "s.tolist()"),
        prints(lines[7], "lse_naive[finite].tolist()"),
        prints(lines[8], "s[~finite].tolist()"),
        prints(lines[9], "lse.tolist()"),
    ]
    code = _code(
        tr,
        STABILITY,
        LSE,
        "$shown\n",
        z=lit_block(z),
        y=float(y),
        scales=[float(v) for v in lse.scale],
        naive=Raw("-torch.log(p)" if y == 1 else "-torch.log(1 - p)"),
        shown=Raw("\n".join(shown)),
    )
    return Snippet(code, lines, {"blsy": float(y)}, ("torch.bp.stability_note",))


SNIPPETS = {
    "graph": graph,
    "gates": gates,
    "layers": layers,
    "losses": curves,
    "nielsen": nielsen,
    "pairing": pairing,
    "stability": stability,
}
TEST_LINKS = {
    "network bce sigmoid (0,0)": {
        "bpg": "network",
        "bploss": "bce",
        "bpact": "sigmoid",
        "bpex": "00",
    },
    "network mse (1,1)": {"bpg": "network", "bpex": "11"},
    "own default": {"bpg": "own"},
    "own div max log": {"bpg": "own", "bpop1": "div", "bpop2": "max", "bpfn": "log", "bpc": 2.0},
    "own sub sigmoid": {"bpg": "own", "bpop1": "sub", "bpop2": "mul", "bpfn": "sigmoid"},
    "own relu tie": {"bpg": "own", "bpa": 1.0, "bpb": 1.0, "bpop1": "max", "bpfn": "relu"},
    "own undefined": {"bpg": "own", "bpb": 0.0, "bpop1": "div"},
    "gates mul": {"bppat": "mul"},
    "gates max, bug": {"bppat": "max", "bpbug": True},
    "gates fanout": {"bppat": "fanout"},
    "layers bce tanh (0,1)": {"bpmloss": "bce", "bpmact": "tanh", "bpmex": "01"},
    "losses y=1 class 2": {"bly": 1, "blcls": 2},
    "stability y=1": {"blsy": 1},
}
