"""Topic entry: Activation functions. What the page offers: its controls, and the home card.

The four activation parameters the page lets a reader move (Leaky ReLU's slope, ELU's α,
Softplus's β, GELU's form) take their default and range from core's registry, which declares
each one beside the activation it belongs to.
"""

from __future__ import annotations

import plotly.graph_objects as go

from core import activations, maxout
from ui.snippets.activations import SNIPPETS
from ui.state import Control, table
from ui.topics import Topic

# The parameter controls, in the order of their columns: activation -> (link key, parameter).
PARAMETERS: dict[str, tuple[str, str]] = {
    "leaky_relu": ("slope", "negative_slope"),
    "elu": ("alpha", "alpha"),
    "softplus": ("beta", "beta"),
    "gelu": ("gelu", "approximate"),
}
_STEPS = {"slope": 0.01, "alpha": 0.1, "beta": 0.25}  # slider steps of the numeric parameters


def _parameter(name: str) -> Control:
    """The control of activation `name`'s parameter, from core's declaration of it."""
    key, parameter = PARAMETERS[name]
    declared = activations.REGISTRY[name].parameters[parameter]
    label = f"act.ctl.{key}"
    if declared.options:
        return Control(
            key,
            "choice",
            declared.default,
            label,
            options=declared.options,
            option_label=f"act.ctl.{key}_{{}}",
            widget="radio",
        )
    lo, hi = declared.span
    return Control(key, "number", declared.default, label, lo=lo, hi=hi, step=_STEPS[key])


CONTROLS = table(
    Control(
        "act",
        "choices",
        ("sigmoid", "tanh", "relu"),
        "act.ctl.pick",
        help="act.ctl.pick_help",
        options=activations.NAMES,
        option_label="act.name.{}",
    ),
    *(_parameter(name) for name in PARAMETERS),
    # f and f'
    Control("xmax", "number", 6.0, "act.ctl.xmax", "act.ctl.xmax_help", lo=1.0, hi=20.0, step=0.5),
    Control("thr", "number", 0.05, "act.ctl.thr", "act.ctl.thr_help", lo=0.01, hi=0.5, step=0.01),
    Control("identity", "flag", False, "act.ctl.identity", "act.ctl.identity_help"),
    # through depth, and the output distribution
    Control("mu", "number", 0.0, "act.ctl.mu", "act.ctl.mu_help", lo=-5.0, hi=5.0, step=0.1),
    Control(
        "sigma", "number", 1.0, "act.ctl.sigma", "act.ctl.sigma_help", lo=0.1, hi=10.0, step=0.1
    ),
    Control("depth", "integer", 20, "act.ctl.depth", lo=1, hi=100),
    # Maxout
    Control(
        "target",
        "choice",
        "square",
        "act.ctl.target",
        options=tuple(maxout.TARGETS),
        option_label="act.target.{}",
    ),
    Control("k", "integer", 3, "act.ctl.k", "act.ctl.k_help", lo=1, hi=10),
)

# The output distribution's saturated share uses a fixed |f'| < 0.05 (act.output_stats says so).
OUTPUT_THRESHOLD = 0.05


def thumbnail() -> go.Figure:
    from ui.figures import activations as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(
        {
            n: activations.curves(activations.get(n), 5.0, 0.05, points=121)
            for n in figures.THUMBNAIL
        }
    )


TOPIC = Topic(
    id="activations",
    page="pages/1_activations.py",
    icon=":material/show_chart:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    snippets=SNIPPETS,
)
