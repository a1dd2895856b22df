"""The initialization page's "In PyTorch" statistics, without torch: the page's own measured
stds (core's propagate on NumPy's draws) sit within the depth script's tolerance of the
mean-field prediction, so a torch network of the same size passing it is the same kind of
network as the page's."""

from __future__ import annotations

import pytest

from core import initialization
from ui.snippets import initialization as snippets


@pytest.mark.parametrize(
    ("scheme", "act", "depth", "width", "bn"),
    [
        ("xavier_normal", "tanh", 15, 64, False),
        ("he_normal", "relu", 10, 64, False),
        ("standard_normal", "tanh", 8, 32, False),
        ("lecun_uniform", "gelu", 12, 128, False),
        ("he_normal", "tanh", 10, 64, True),
    ],
)
def test_the_pages_measured_stds_are_within_the_statistics_tolerance(scheme, act, depth, width, bn):
    tol = snippets.tolerance(act, depth, width, 1, bn)
    for seed in range(3):
        table = initialization.propagate(scheme, act, depth, width, 128, seed, bn)
        measured = (float(table["activation_std"].iloc[-1]), float(table["gradient_std"].iloc[0]))
        if bn:
            expected = initialization.predicted_std("lecun_normal", act, 1, width)
            assert abs(measured[0] / expected["activation_std"].iloc[0] - 1) <= tol
            continue
        for got, want in zip(measured, snippets._predicted(scheme, act, depth, width), strict=True):
            assert abs(got / want - 1) <= tol, (seed, got, want, tol)


def test_every_scheme_and_activation_has_its_torch_name():
    assert set(snippets.INITS) == set(snippets.SIGMAS) == set(initialization.SCHEMES)
    for scheme in initialization.SCHEMES:
        sigma = initialization.std(scheme, 100, 100)
        written = eval(
            snippets.SIGMAS[scheme],
            {"math": __import__("math"), "nn": _Gain},
            {"fan_in": 100, "fan_out": 100},
        )
        assert written == pytest.approx(sigma)


class _Gain:
    """torch.nn.init.calculate_gain for the one nonlinearity the formulas use."""

    class init:
        @staticmethod
        def calculate_gain(name: str) -> float:
            assert name == "relu"
            return 2**0.5
