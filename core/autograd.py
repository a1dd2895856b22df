"""A scalar autograd the size of micrograd: each operation's forward beside its local derivatives.

``Value`` wraps one float; every operation makes a new ``Value`` that remembers its inputs and
the local derivative ∂out/∂input of each. ``backward()`` seeds ∂L/∂L = 1.0 at the output and walks
the graph in reverse topological order, adding local × upstream into each input's ``grad``
(``accumulate=False`` assigns instead: the bug of micrograd's first versions, where a value used
twice kept only the last of its gradients). ``record(out)`` keeps every node and every edge step
of that walk, so a page can replay it edge by edge, and ``check(out)`` differentiates the same
graph numerically with central differences.

Names follow the graph's data flow: an edge runs from a *parent* (an input) to a *child* (the
value computed from it); the backward pass sends the child's gradient (upstream) to the parent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core import losses, nn, validate

Forward = Callable[[tuple[float, ...], float | None], tuple[float, tuple[float, ...]]]


def _sigmoid(a: float) -> float:
    # exp of −|a| so that a large |a| never overflows
    e = math.exp(-abs(a))
    return 1.0 / (1.0 + e) if a >= 0 else e / (1.0 + e)


def _div(v: tuple[float, ...], _: float | None) -> tuple[float, tuple[float, ...]]:
    a, b = v
    if b == 0.0:
        raise ValueError("div by a value of 0 is undefined")
    return a / b, (1.0 / b, -a / (b * b))


def _pow(v: tuple[float, ...], c: float | None) -> tuple[float, tuple[float, ...]]:
    (a,) = v
    assert c is not None
    if (a == 0.0 and c < 1.0) or (a < 0.0 and not float(c).is_integer()):
        raise ValueError(f"pow: {a:g} ** {c:g} has no real derivative")
    return a**c, (c * a ** (c - 1.0),)


def _log(v: tuple[float, ...], _: float | None) -> tuple[float, tuple[float, ...]]:
    (a,) = v
    if a <= 0.0:
        raise ValueError(f"log of a value ≤ 0 is undefined, got {a:g}")
    return math.log(a), (1.0 / a,)


def _exp(v: tuple[float, ...], _: float | None) -> tuple[float, tuple[float, ...]]:
    e = math.exp(validate.real("exp's input", v[0], hi=700.0))
    return e, (e,)


def _tanh(v: tuple[float, ...], _: float | None) -> tuple[float, tuple[float, ...]]:
    t = math.tanh(v[0])
    return t, (1.0 - t * t,)


def _sig(v: tuple[float, ...], _: float | None) -> tuple[float, tuple[float, ...]]:
    s = _sigmoid(v[0])
    return s, (s * (1.0 - s),)


def _max(v: tuple[float, ...], _: float | None) -> tuple[float, tuple[float, ...]]:
    a, b = v
    # torch.maximum's gradient: all of it to the larger input, half each on a tie
    local = (1.0, 0.0) if a > b else (0.0, 1.0) if b > a else (0.5, 0.5)
    return max(a, b), local


# Each operation: (inputs, constant) -> (forward value, ∂out/∂input for each input).
OPS: Mapping[str, Forward] = {
    "add": lambda v, _: (v[0] + v[1], (1.0, 1.0)),
    "sub": lambda v, _: (v[0] - v[1], (1.0, -1.0)),
    "mul": lambda v, _: (v[0] * v[1], (v[1], v[0])),
    "div": _div,
    "pow": _pow,
    "neg": lambda v, _: (-v[0], (-1.0,)),
    "exp": _exp,
    "log": _log,
    "tanh": _tanh,
    "sigmoid": _sig,
    "relu": lambda v, _: (max(v[0], 0.0), (1.0 if v[0] > 0 else 0.0,)),
    "max": _max,
}
SYMBOLS: Mapping[str, str] = {
    "add": "+",
    "sub": "−",
    "mul": "×",
    "div": "÷",
    "pow": "^",
    "neg": "−",
    "exp": "exp",
    "log": "log",
    "tanh": "tanh",
    "sigmoid": "σ",
    "relu": "relu",
    "max": "max",
}
STEP = 1e-6  # central differences' h: error O(h²) against rounding O(ε/h), both near 1e-10


class Value:
    """One scalar of the graph: data, grad, the operation that made it and its inputs."""

    def __init__(
        self,
        data: float,
        label: str = "",
        *,
        op: str = "",
        inputs: tuple[Value, ...] = (),
        local: tuple[float, ...] = (),
        constant: float | None = None,
        fixed: bool = False,
    ) -> None:
        self.data = validate.real("data", data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self.inputs = inputs
        self.local = local  # ∂self/∂inputs[i]
        self.constant = constant  # pow's exponent
        self.fixed = fixed  # a number written into the expression, not an input to vary

    def __repr__(self) -> str:
        return f"Value(data={self.data:g}, grad={self.grad:g}, label={self.label!r})"

    def _apply(self, op: str, *others: Value | float, constant: float | None = None) -> Value:
        inputs = (self, *(_lift(o) for o in others))
        data, local = OPS[op](tuple(v.data for v in inputs), constant)
        return Value(data, op=op, inputs=inputs, local=local, constant=constant)

    def __add__(self, other: Value | float) -> Value:
        return self._apply("add", other)

    def __radd__(self, other: float) -> Value:
        return _lift(other)._apply("add", self)

    def __sub__(self, other: Value | float) -> Value:
        return self._apply("sub", other)

    def __rsub__(self, other: float) -> Value:
        return _lift(other)._apply("sub", self)

    def __mul__(self, other: Value | float) -> Value:
        return self._apply("mul", other)

    def __rmul__(self, other: float) -> Value:
        return _lift(other)._apply("mul", self)

    def __truediv__(self, other: Value | float) -> Value:
        return self._apply("div", other)

    def __pow__(self, c: float) -> Value:
        return self._apply("pow", constant=validate.real("exponent", c))

    def __neg__(self) -> Value:
        return self._apply("neg")

    def exp(self) -> Value:
        return self._apply("exp")

    def log(self) -> Value:
        return self._apply("log")

    def tanh(self) -> Value:
        return self._apply("tanh")

    def sigmoid(self) -> Value:
        return self._apply("sigmoid")

    def relu(self) -> Value:
        return self._apply("relu")

    def max(self, other: Value | float) -> Value:
        return self._apply("max", other)

    def named(self, label: str) -> Value:
        """This value with a label (for the drawing), returned for chaining."""
        self.label = label
        return self

    def backward(self, accumulate: bool = True) -> list[Step]:
        """Seed ∂self/∂self = 1.0, then for each node in reverse topological order send
        local × grad to each input (+= ; = when accumulate is False); the steps in order."""
        validate.flag("accumulate", accumulate)
        order = topological(self)
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        ids = {id(v): i for i, v in enumerate(order)}
        steps = []
        for child in reversed(order):
            for parent, local in zip(child.inputs, child.local, strict=True):
                downstream = local * child.grad
                parent.grad = parent.grad + downstream if accumulate else downstream
                steps.append(
                    Step(
                        ids[id(child)], ids[id(parent)], local, child.grad, downstream, parent.grad
                    )
                )
        return steps


def _lift(x: Value | float) -> Value:
    if isinstance(x, Value):
        return x
    number = validate.real("constant", x)
    return Value(number, f"{number:g}", fixed=True)


def topological(out: Value) -> list[Value]:
    """Every node that `out` depends on, each after all of its inputs (out last)."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(out, False)]
    while stack:  # iterative depth-first post-order: a deep graph needs no recursion limit
        v, done = stack.pop()
        if done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((i, False) for i in reversed(v.inputs) if id(i) not in seen)
    return order


# --- the record a page draws ------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A node as drawn: its index, label, operation ("" for an input), value, gradient, column."""

    id: int
    label: str
    op: str
    value: float
    grad: float
    column: int  # 0 for inputs; otherwise one more than its furthest input
    leaf: bool  # an input the numerical check varies (not a number written into the expression)


@dataclass(frozen=True)
class Step:
    """One edge of the backward pass: downstream = local × upstream, added to parent's grad."""

    child: int
    parent: int
    local: float  # ∂child/∂parent
    upstream: float  # ∂L/∂child
    downstream: float  # local × upstream
    parent_grad: float  # ∂L/∂parent after this step


@dataclass(frozen=True)
class Check:
    """Central differences (f(x + h) − f(x − h)) / 2h for each leaf against backward's grad."""

    leaves: tuple[int, ...]
    labels: tuple[str, ...]
    analytic: tuple[float, ...]
    numerical: tuple[float, ...]
    relative_error: tuple[float, ...]  # |a − n| / max(|a|, |n|, 1e-8)


@dataclass(frozen=True)
class Graph:
    """A graph after its forward and backward pass: nodes in topological order (the output
    last), edges (parent, child), the backward steps in order and the numerical check."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[int, int], ...]
    steps: tuple[Step, ...]
    check: Check
    accumulate: bool

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    def grad(self, label: str) -> float:
        """∂output/∂ the node labelled `label`."""
        return self.node(label).grad

    def node(self, label: str) -> Node:
        """The node labelled `label`."""
        for n in self.nodes:
            if n.label == label:
                return n
        raise KeyError(f"no node labelled {label!r}")


def _evaluate(order: Sequence[Value], data: Mapping[int, float]) -> float:
    """The output's value with the inputs' data replaced by `data` (by position in order)."""
    values: dict[int, float] = {}
    for i, v in enumerate(order):
        if not v.op:
            values[id(v)] = data.get(i, v.data)
        else:
            values[id(v)] = OPS[v.op](tuple(values[id(x)] for x in v.inputs), v.constant)[0]
    return values[id(order[-1])]


TOLERANCE = 1e-7  # cs231n's rule of thumb: a relative error below 1e-7 means the gradient is right
SCALE_FLOOR = 1e-8  # below this, central differences cannot tell a gradient from 0


def relative_error(analytic: float, numerical: float) -> float:
    """|a − n| / max(|a|, |n|, 1e-8): the floor keeps two gradients that are both about 0
    (1e-170 against 0, say) from counting as a disagreement."""
    return abs(analytic - numerical) / max(abs(analytic), abs(numerical), SCALE_FLOOR)


def record(out: Value, accumulate: bool = True) -> Graph:
    """Run out.backward(accumulate) and keep every node, edge and step, and the check."""
    steps = out.backward(accumulate)
    order = topological(out)
    ids = {id(v): i for i, v in enumerate(order)}
    columns: list[int] = []
    for v in order:
        columns.append(1 + max((columns[ids[id(i)]] for i in v.inputs), default=-1))
    nodes = tuple(
        Node(i, v.label or SYMBOLS.get(v.op, ""), v.op, v.data, v.grad, columns[i], _is_leaf(v))
        for i, v in enumerate(order)
    )
    edges = tuple((ids[id(p)], ids[id(c)]) for c in order for p in c.inputs)
    return Graph(nodes, edges, tuple(steps), check(order, nodes), accumulate)


def _is_leaf(v: Value) -> bool:
    return not v.op and not v.fixed


def check(order: Sequence[Value], nodes: Sequence[Node]) -> Check:
    """Central differences of the output with respect to every leaf, against its grad."""
    leaves = tuple(n.id for n in nodes if n.leaf)
    numerical = []
    for i in leaves:
        x = order[i].data
        up, down = _evaluate(order, {i: x + STEP}), _evaluate(order, {i: x - STEP})
        numerical.append((up - down) / (2 * STEP))
    analytic = tuple(nodes[i].grad for i in leaves)
    return Check(
        leaves,
        tuple(nodes[i].label for i in leaves),
        analytic,
        tuple(numerical),
        tuple(relative_error(a, n) for a, n in zip(analytic, numerical, strict=True)),
    )


# --- the page's graphs --------------------------------------------------------------------------


def expression(x: float = -2.0, y: float = 5.0, z: float = -4.0, accumulate: bool = True) -> Graph:
    """f = (x + y)·z (cs231n's first example: f = −12, ∂f/∂x = ∂f/∂y = z, ∂f/∂z = x + y)."""
    vx, vy, vz = Value(x, "x"), Value(y, "y"), Value(z, "z")
    q = (vx + vy).named("q")
    return record((q * vz).named("f"), accumulate)


NEURON_W = (2.0, -3.0, -3.0)
NEURON_X = (-1.0, -2.0)


def neuron(
    w: Sequence[float] = NEURON_W, x: Sequence[float] = NEURON_X, accumulate: bool = True
) -> Graph:
    """o = σ(w₀x₀ + w₁x₁ + w₂) (cs231n's sigmoid neuron: o = 0.73, ∂o/∂n = o(1 − o) = 0.20)."""
    if len(w) != 3 or len(x) != 2:
        raise ValueError(f"neuron takes 3 weights and 2 inputs, got {len(w)} and {len(x)}")
    w0, w1, w2 = (Value(v, f"w{i}") for i, v in enumerate(w))
    x0, x1 = (Value(v, f"x{i}") for i, v in enumerate(x))
    n = ((w0 * x0).named("w0x0") + (w1 * x1).named("w1x1")).named("s") + w2
    return record(n.named("n").sigmoid().named("o"), accumulate)


NETWORK_LOSSES = ("mse", "bce")
HIDDEN = ("tanh", "sigmoid")
CORNERS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
# The 2-2-1 network's weights in torch's names: h = f(x W₁ᵀ + b₁), ŷ = σ(h W₂ᵀ + b₂).
NETWORK_WEIGHTS: Mapping[str, tuple] = {
    "0.weight": ((0.5, -0.4), (0.3, 0.8)),
    "0.bias": (0.1, -0.2),
    "2.weight": ((0.7, -0.6),),
    "2.bias": (0.05,),
}


def _xor_target(corner: int) -> float:
    x1, x2 = CORNERS[validate.integer("corner", corner, lo=0, hi=3)]
    return float(x1 != x2)


def network(
    corner: int = 2, loss: str = "mse", hidden: str = "tanh", accumulate: bool = True
) -> Graph:
    """The 2-2-1 network on XOR's corner `corner` (0: (0, 0) … 3: (1, 1)): z = W₁x + b₁,
    h = f(z), ŷ = σ(W₂h + b₂), L = (ŷ − y)² (torch's MSE of one value) or BCE."""
    loss = validate.choice("loss", loss, NETWORK_LOSSES)
    hidden = validate.choice("hidden", hidden, HIDDEN)
    y = _xor_target(corner)
    x = [Value(v, f"x{i + 1}") for i, v in enumerate(CORNERS[corner])]
    W1, b1 = NETWORK_WEIGHTS["0.weight"], NETWORK_WEIGHTS["0.bias"]
    h = []
    for j in range(2):
        w = [Value(W1[j][i], f"W1[{j + 1},{i + 1}]") for i in range(2)]
        z = (w[0] * x[0] + w[1] * x[1] + Value(b1[j], f"b1[{j + 1}]")).named(f"z{j + 1}")
        h.append(getattr(z, hidden)().named(f"h{j + 1}"))
    v = [Value(NETWORK_WEIGHTS["2.weight"][0][j], f"W2[1,{j + 1}]") for j in range(2)]
    logit = (v[0] * h[0] + v[1] * h[1] + Value(NETWORK_WEIGHTS["2.bias"][0], "b2")).named("z")
    p = logit.sigmoid().named("ŷ")
    if loss == "mse":
        out = ((p - Value(y, "y", fixed=True)).named("ŷ − y") ** 2).named("L")
    else:  # torch's BCE for a target of 0 or 1 keeps one of its two terms
        out = (-((p if y == 1.0 else 1.0 - p).log())).named("L")
    return record(out, accumulate)


OWN_OPS = ("add", "sub", "mul", "div", "max")
OWN_FUNCTIONS = ("none", "square", "exp", "tanh", "sigmoid", "relu", "log")


def own(
    a: float, b: float, c: float, first: str, second: str, function: str, accumulate: bool = True
) -> Graph:
    """A learner's graph: u = a ∘ b, v = u ∘ c, f = g(v) for two operations and a function g;
    ValueError where it is undefined (a division by 0, the log of a value ≤ 0)."""
    first, second = validate.choice("op", first, OWN_OPS), validate.choice("op", second, OWN_OPS)
    function = validate.choice("function", function, OWN_FUNCTIONS)
    va, vb, vc = Value(a, "a"), Value(b, "b"), Value(c, "c")
    u = va._apply(first, vb).named("u")
    v = u._apply(second, vc).named("v")
    if function == "none":
        return record(v.named("f"), accumulate)
    f = v**2 if function == "square" else getattr(v, function)()
    return record(f.named("f"), accumulate)


PATTERNS = ("add", "mul", "max", "fanout")


def pattern(name: str, accumulate: bool = True) -> Graph:
    """The gates' patterns, each under an upstream gradient of 2 (f = 2·g): add passes it to
    both inputs, mul swaps the inputs (∂/∂x = 2y), max routes it to the larger input, and a value
    used twice (f = 2·(x·y + x)) sums its gradients."""
    name = validate.choice("pattern", name, PATTERNS)
    x, y = Value(3.0, "x"), Value(-4.0, "y")
    if name == "add":
        g = x + y
    elif name == "mul":
        g = x * y
    elif name == "max":
        g = x.max(y)
    else:
        g = (x * y).named("xy") + x
    return record((g.named("g") * 2.0).named("f"), accumulate)


# --- from scalars to layers ------------------------------------------------------------------


@dataclass(frozen=True)
class Layers:
    """The 2-2-1 network as matrices (one row: N = 1), the scalar graph's gradients in the
    layers' shapes and core.nn's; ∂L/∂W = gᵀx with g = ∂L/∂(layer's output)."""

    x: np.ndarray  # (1, 2)
    z1: np.ndarray  # (1, 2)
    h: np.ndarray  # (1, 2)
    z2: np.ndarray  # (1, 1)
    p: np.ndarray  # (1, 1)
    loss: float
    g1: np.ndarray  # ∂L/∂z1 (1, 2)
    g2: np.ndarray  # ∂L/∂z2 (1, 1)
    graph: Mapping[str, np.ndarray]  # torch's names -> the scalar graph's gradients
    layers: Mapping[str, np.ndarray]  # torch's names -> core.nn's gradients
    sigmoid_local: float  # σ′(z2) = ŷ(1 − ŷ) ≤ 1/4, the output's local derivative


def layers(corner: int = 2, loss: str = "mse", hidden: str = "tanh") -> Layers:
    """network()'s gradients next to nn.Sequential(Linear, f, Linear, Sigmoid)'s backward."""
    g = network(corner, loss, hidden)
    model = nn.Sequential(
        nn.Linear(2, 2), nn.Activation(hidden), nn.Linear(2, 1), nn.Activation("sigmoid")
    )
    model.load_parameters({k: np.asarray(v, dtype=float) for k, v in NETWORK_WEIGHTS.items()})
    x = np.asarray([CORNERS[corner]], dtype=float)
    y = np.asarray([[_xor_target(corner)]])
    z1 = model[0](x)
    h = model[1](z1)
    z2 = model[2](h)
    p = model[3](z2)
    kernel = losses.mse_loss if loss == "mse" else losses.binary_cross_entropy
    value, dp = kernel(p, y)
    g2 = model[3].backward(dp)
    dh = model[2].backward(g2)
    g1 = model[1].backward(dh)
    model[0].backward(g1)
    from_layers = dict(model.named_gradients())
    from_graph = {
        "0.weight": np.array([[g.grad(f"W1[{j},{i}]") for i in (1, 2)] for j in (1, 2)]),
        "0.bias": np.array([g.grad("b1[1]"), g.grad("b1[2]")]),
        "2.weight": np.array([[g.grad("W2[1,1]"), g.grad("W2[1,2]")]]),
        "2.bias": np.array([g.grad("b2")]),
    }
    return Layers(
        x,
        z1,
        h,
        z2,
        p,
        float(value),
        g1,
        g2,
        from_graph,
        {k: np.array(v).reshape(from_graph[k].shape) for k, v in from_layers.items()},
        float(p[0, 0] * (1 - p[0, 0])),
    )
