"""The recurrent page's "In PyTorch" scripts for sections 1 and 4: ‖∂h_T/∂h_k‖ of the toy RNN by
autograd, one clipped update with clip_grad_norm_, and nn.RNN/LSTM/GRU's named_parameters."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from core import recurrent
from ui.pytorch import Line, Raw, Snippet, prints, script
from ui.strings import Translate

VAN_KEYS = ("vnl", "vsig", "vin", "vt", "vh", "vmat", "vseed")
PAR_KEYS = ("pckind", "pcin", "pchid", "pclay", "pcbias", "pcbi")
LR = 0.1  # ui.topics.recurrent.vanishing.LR: the page's one SGD step
CHAOTIC = 9.0  # log10 of a growth past which rounding differences of 1e-16 reach the 4th digit

NORMALS = """
#: torch.rnn.van.normals
def normals(seed, stream, count):
    m = 2**31 - 1
    x = 1 + (2654435761 * seed + 40503 * stream + 12345) % (m - 1)
    for _ in range(8):
        x = 48271 * x % m
    out = []
    while len(out) < count:
        x = 48271 * x % m
        u1 = x / m
        x = 48271 * x % m
        u2 = x / m
        r = math.sqrt(-2.0 * math.log(u1))
        out += (r * math.cos(2.0 * math.pi * u2), r * math.sin(2.0 * math.pi * u2))
    return torch.tensor(out[:count])
"""
MATRIX = {
    "orthogonal": """
q, r = torch.linalg.qr(a)
w_hh = sigma * q * torch.sign(torch.diagonal(r))  #: torch.rnn.van.orthogonal
""",
    "gaussian": """
w_hh = sigma * a / torch.linalg.matrix_norm(a, ord=2)  #: torch.rnn.van.gaussian
""",
}
CELL = {
    "torch": """
cell = nn.RNNCell(H, H, bias=False, nonlinearity=nonlinearity)
with torch.no_grad():
    cell.weight_ih.copy_(torch.eye(H))  #: torch.rnn.van.identity
    cell.weight_hh.copy_(w_hh)
""",
    "sigmoid": """
#: torch.rnn.van.sigmoid


class SigmoidRNNCell(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight_ih = nn.Parameter(torch.eye(H))
        self.weight_hh = nn.Parameter(w_hh.clone())

    def forward(self, x, h):
        return torch.sigmoid(x @ self.weight_ih.T + h @ self.weight_hh.T)


cell = SigmoidRNNCell()
""",
}
DERIVATIVE = {"tanh": "1 - h**2", "relu": "(h > 0).double()", "sigmoid": "h * (1 - h)"}


def _van(values: Mapping[str, Any]) -> tuple[str, float, float, int, int, str, int]:
    nl, sigma, scale, steps, hidden, matrix, seed = (values[k] for k in VAN_KEYS)
    return str(nl), float(sigma), float(scale), int(steps), int(hidden), str(matrix), int(seed)


def _toy(tr: Translate, values: Mapping[str, Any]) -> str:
    """The script's first part: the page's W_hh, inputs and cell, regenerated exactly."""
    nl, sigma, scale, steps, hidden, matrix, seed = _van(values)
    return script(
        tr,
        """
        import math

        import torch
        from torch import nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        nonlinearity, sigma, scale = $nl, $sigma, $scale
        T, H, seed = $steps, $hidden, $seed
        $normals
        a = normals(seed, 0, H * H).reshape(H, H)
        $matrix
        #: torch.rnn.van.inputs
        xs = scale * normals(seed, 1, T * H).reshape(T, 1, H)
        $cell
        """,
        nl=nl,
        sigma=sigma,
        scale=scale,
        steps=steps,
        hidden=hidden,
        seed=seed,
        normals=Raw(script(tr, NORMALS).strip()),
        matrix=Raw(script(tr, MATRIX[matrix]).strip()),
        cell=Raw(script(tr, CELL["sigmoid" if nl == "sigmoid" else "torch"]).strip()),
    )


def distances(steps: int) -> tuple[int, ...]:
    """Where the curve is read: one step back, ten, half way, all the way."""
    return tuple(sorted({d for d in (1, 10, steps // 2, steps) if 1 <= d <= steps}))


def van_through_time(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """‖∂h_T/∂h_k‖₂ at a few distances by autograd's Jacobian, the bound, mean f′ and ρ."""
    nl, sigma, scale, steps, hidden, matrix, seed = _van(values)
    tt = recurrent.through_time(nl, hidden, sigma, scale, steps, matrix, seed)
    # read where a float holds the norm (a product below 1e−290 would underflow in torch)
    ds = tuple(
        d for d in distances(steps) if tt.log10_norm[d] >= -290 or tt.log10_norm[d] == -math.inf
    )
    norms = Line(
        "|dh_T/dh_k| at T-k = " + ", ".join(map(str, ds)),
        tuple(10.0 ** float(tt.log10_norm[d]) for d in ds),
        ".4e",
    )
    factor = tt.gamma * sigma
    bound = Line("bound (gamma sigma)^(T-k)", tuple(factor**d for d in ds), ".4e")
    mean = Line("mean f'(a_t)", (float(tt.mean_derivative.mean()),), ".4f")
    rho = Line("spectral radius of W_hh", (tt.rho,), ".4f")
    code = script(
        tr,
        """
        $toy
        hs = [torch.zeros(1, H)]
        with torch.no_grad():
            for t in range(T):
                hs.append(cell(xs[t], hs[-1]))


        def h_T(h, k):  #: torch.rnn.van.h_T
            for t in range(k, T):
                h = cell(xs[t], h)
            return h


        #: torch.rnn.van.jacobian
        ds = $ds
        norms = []
        for d in ds:
            jac = torch.autograd.functional.jacobian(lambda h: h_T(h, T - d), hs[T - d])
            norms.append(torch.linalg.matrix_norm(jac.reshape(H, H), ord=2).item())
        $norms
        gamma = $gamma  #: torch.rnn.van.gamma
        bounds = [(gamma * sigma) ** d for d in ds]
        $bound
        h = torch.cat(hs[1:])
        $mean
        $rho
        """,
        toy=Raw(_toy(tr, values).strip()),
        ds=list(ds),
        gamma=tt.gamma,
        norms=Raw(prints(norms, "norms")),
        bound=Raw(prints(bound, "bounds")),
        mean=Raw(prints(mean, f"({DERIVATIVE[nl]}).mean()")),
        rho=Raw(prints(rho, "torch.linalg.eigvals(w_hh).abs().max()")),
    )
    chaotic = float(tt.log10_norm.max()) > CHAOTIC
    notes = ("torch.rnn.van.chaotic",) if chaotic else ()
    settings = dict(zip(("nl", "sigma", "scale", "steps", "hidden", "seed"),
                        (nl, sigma, scale, steps, hidden, seed), strict=True))  # fmt: skip
    return Snippet(code, (norms, bound, mean, rho), settings, notes)


def van_clipping(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """L = vᵀh_T, loss.backward(), clip_grad_norm_: the norm, both steps, their cosine."""
    nl, sigma, scale, steps, hidden, matrix, seed = _van(values)
    max_norm = float(values["vclip"])
    c = recurrent.clipped_update(nl, hidden, sigma, scale, steps, matrix, seed, max_norm, LR)
    grad = Line("total gradient norm", (c.grad_norm,), ".4e")
    step = Line("step without clipping", (c.step,), ".4e")
    clipped = Line("step with clipping", (c.clipped_step,), ".4e")
    cosine = Line("cosine between the two steps", (c.cosine,), ".6f")
    code = script(
        tr,
        """
        $toy
        v = normals(seed, 2, H)
        v = v / v.norm()  #: torch.rnn.van.readout
        h = torch.zeros(1, H)
        for t in range(T):
            h = cell(xs[t], h)
        loss = h[0] @ v
        loss.backward()
        before = torch.cat([p.grad.flatten() for p in cell.parameters()])
        total = torch.nn.utils.clip_grad_norm_(cell.parameters(), max_norm=$max_norm)
        after = torch.cat([p.grad.flatten() for p in cell.parameters()])
        lr = $lr  #: torch.rnn.van.lr
        cosine = torch.dot(before, after) / (before.norm() * after.norm())
        $grad
        $step
        $clipped
        $cosine
        """,
        toy=Raw(_toy(tr, values).strip()),
        max_norm=max_norm,
        lr=LR,
        grad=Raw(prints(grad, "total")),
        step=Raw(prints(step, "lr * before.norm()")),
        clipped=Raw(prints(clipped, "lr * after.norm()")),
        cosine=Raw(prints(cosine, "cosine") if c.grad_norm > 0 else ""),  # 0/0 for a dead net
    )
    chaotic = c.grad_norm > 10.0**CHAOTIC
    return Snippet(
        code,
        (grad, step, clipped, cosine) if c.grad_norm > 0 else (grad, step, clipped),
        {"max_norm": max_norm, "sigma": sigma, "seed": seed, "steps": steps},
        ("torch.rnn.van.chaotic",) if chaotic else (),
    )


def par_counts(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """nn.RNN/LSTM/GRU at the page's sizes: every named parameter's numel, and the total."""
    kind, i, h, layers, bias, bi = (values[k] for k in PAR_KEYS)
    c = recurrent.parameter_counts(kind, int(i), int(h), int(layers), bool(bias), bool(bi))
    lines = [Line(name, (float(n),), ".0f") for name, _, n in c.entries]
    total = Line("total", (float(c.total),), ".0f")
    printed = [prints(line, f"params[{line.label!r}].numel()") for line in lines]
    module = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[kind]
    code = script(
        tr,
        """
        import torch
        from torch import nn

        rnn = nn.$module(
            input_size=$i, hidden_size=$h, num_layers=$layers, bias=$bias, bidirectional=$bi
        )
        params = dict(rnn.named_parameters())  #: torch.rnn.par.named
        $printed
        $total
        """,
        module=Raw(module),
        i=int(i),
        h=int(h),
        layers=int(layers),
        bias=bool(bias),
        bi=bool(bi),
        printed=Raw("\n".join(printed)),
        total=Raw(prints(total, "sum(p.numel() for p in rnn.parameters())")),
    )
    settings = {"input_size": int(i), "hidden_size": int(h), "num_layers": int(layers),
                "bias": bool(bias), "bidirectional": bool(bi)}  # fmt: skip
    return Snippet(code, (*lines, total), settings)


SNIPPETS = {"vanishing": van_through_time, "clipping": van_clipping, "params": par_counts}
TEST_LINKS = {
    "relu, gaussian": {"vnl": "relu", "vsig": 1.5, "vin": 0.2, "vmat": "gaussian", "vt": 40},
    "sigmoid": {"vnl": "sigmoid", "vsig": 4.5, "vin": 0.5, "vh": 12, "vseed": 3},
    "dead relu": {"vnl": "relu", "vsig": 0.05, "vin": 0.0, "vt": 12, "vh": 4},
    "long, no clip": {"vt": 150, "vh": 48, "vclip": 100.0},
    "gru, deep": {"pckind": "gru", "pcin": 3, "pchid": 7, "pclay": 3, "pcbias": False,
                  "pcbi": True},
}  # fmt: skip
