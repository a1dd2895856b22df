"""A plain MLP's forward and backward in one function: core.nn's arithmetic without its dispatch.

For networks of only ``Linear`` and ``Activation`` layers (no BatchNorm, no Dropout), a training
step of a tiny network costs NumPy's per-call overhead, not arithmetic. ``forward_backward(net)``
returns a function doing exactly what ``net.forward`` then ``net.backward`` do — the same
operations in the same order on the same (flat-stored) arrays — without the layers' checks,
method calls and the input gradient nobody reads. core.nn stays the definition; the tests hold
this one to it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from core import nn

FloatArray = npt.NDArray[np.float64]
GradOfOutput = Callable[[FloatArray], FloatArray]  # ∂L/∂output from the output
Step = Callable[[FloatArray, GradOfOutput], FloatArray]


def supports(net: nn.Sequential) -> bool:
    """Whether net is Linear (→ Activation → Linear)*: what forward_backward fuses."""
    kinds = [type(layer) for layer in net]
    pattern = [nn.Linear if i % 2 == 0 else nn.Activation for i in range(len(kinds))]
    return bool(kinds) and kinds == pattern and kinds[-1] is nn.Linear


def forward_backward(net: nn.Sequential) -> Step:
    """step(x, grad_of) -> output: forward x (N, in), write every gradient of grad_of(output)."""
    if not supports(net):
        raise ValueError("forward_backward fuses Linear (→ Activation → Linear)* networks only")
    layers = list(net)
    linears = [
        (layer.params["weight"], layer.params["bias"], layer.grads["weight"], layer.grads["bias"])
        for layer in layers[::2]
    ]
    acts = [(layer._f, layer._from_output, layer._df) for layer in layers[1::2]]

    def step(x: FloatArray, grad_of: GradOfOutput) -> FloatArray:
        inputs, pre, post = [], [], []
        h = x
        for i, (w, b, _, _) in enumerate(linears):
            inputs.append(h)
            z = h @ w.T + b
            if i == len(acts):
                break
            f, _, _ = acts[i]
            h = f(z)
            pre.append(z)
            post.append(h)
        g = grad_of(z)
        for i in range(len(linears) - 1, -1, -1):
            w, _, gw, gb = linears[i]
            np.matmul(g.T, inputs[i], out=gw)
            np.add.reduce(g, axis=0, out=gb)
            if i == 0:
                break
            _, from_output, df = acts[i - 1]
            g = g @ w
            g = g * (from_output(post[i - 1]) if from_output else df(pre[i - 1]))
        return z

    return step
