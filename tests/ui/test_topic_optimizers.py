"""The Optimizers topic's tables: its controls mirror what core declares, its presets run."""

from __future__ import annotations

import math

import pytest

from core import optimizers, surfaces
from ui.topics.optimizers import (
    CONTROLS,
    DEFAULT_SURFACE,
    HYPERPARAMETERS,
    PRESETS,
    SUGGESTED_LR,
    SURFACE_PARAMETERS,
    Track,
    hparams_for_core,
    surface_defaults,
)


def test_every_control_maps_to_a_torch_hyperparameter():
    for name, hyperparameters in HYPERPARAMETERS.items():
        values = {h.hparam: CONTROLS[h.key].default for h in hyperparameters}
        optimizers.hparams(name, **hparams_for_core(values))  # raises if a name is wrong


def test_every_preset_runs_without_error():
    for preset in PRESETS.values():
        surface = surfaces.get(preset["surf"])
        for name in preset["opt"]:
            lr = preset.get("lr") if preset.get("same_lr") else preset[f"{name}_lr"]
            optimizers.trace(name, surface.gradient, (preset["x0"], preset["y0"]), 10, lr=lr)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_preset_starts_inside_its_surface_s_domain(preset):
    values = PRESETS[preset]
    (xlo, xhi), (ylo, yhi) = surfaces.REGISTRY[values["surf"]].domain
    assert xlo <= values["x0"] <= xhi
    assert ylo <= values["y0"] <= yhi


@pytest.mark.parametrize("surface", list(SURFACE_PARAMETERS))
def test_a_surface_s_parameter_control_takes_core_s_default_and_span(surface):
    key, name = SURFACE_PARAMETERS[surface]
    declared = surfaces.REGISTRY[surface].parameters[name]
    control = CONTROLS[key]
    assert control.default == declared.default
    assert (control.lo, control.hi) == declared.span
    assert control.spec().default == declared.default  # on the slider's grid, not snapped away
    for value in (*declared.span, declared.default):
        surfaces.get(surface, **{name: value})  # every value the slider offers, core accepts


def test_surface_parameter_controls_are_the_ones_core_declares_and_the_page_offers():
    declared = {
        (surface, name)
        for surface, spec in surfaces.REGISTRY.items()
        for name in spec.parameters
        if not (surface == "rosenbrock" and name == "a")  # the minimum's place: not offered
    }
    assert {(surface, name) for surface, (_, name) in SURFACE_PARAMETERS.items()} == declared


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_each_hyperparameter_control_defaults_to_torch_s_value(name):
    torch = optimizers.DEFAULTS[name]
    for h in HYPERPARAMETERS[name]:
        control = CONTROLS[h.key]
        want = (
            torch["betas"][h.hparam == "beta2"] if h.hparam.startswith("beta") else torch[h.hparam]
        )
        assert control.default == want, h.key
        assert control.admits(want), h.key
        assert control.label == f"opt.hp.{h.hparam}"


def test_each_optimizer_s_controls_have_their_own_link_keys():
    keys = [h.key for hs in HYPERPARAMETERS.values() for h in hs]
    assert len(keys) == len(set(keys))
    assert all(key in CONTROLS for key in keys)
    assert all(f"{name}_lr" in CONTROLS for name in optimizers.NAMES)


def test_nesterov_s_momentum_slider_never_offers_zero():
    """torch refuses Nesterov momentum without momentum."""
    mu = CONTROLS["nesterov_mu"]
    assert mu.lo > 0
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        optimizers.hparams("nesterov", momentum=0.0)
    optimizers.hparams("nesterov", momentum=mu.lo)


def test_the_start_controls_admit_every_surface_s_domain():
    for spec in surfaces.REGISTRY.values():
        for axis, key in enumerate(("x0", "y0")):
            lo, hi = spec.domain[axis]
            assert CONTROLS[key].admits(lo), (spec.name, key)
            assert CONTROLS[key].admits(hi), (spec.name, key)
    assert (CONTROLS["x0"].default, CONTROLS["y0"].default) == tuple(
        surfaces.REGISTRY[DEFAULT_SURFACE].starts[0]
    )


@pytest.mark.parametrize("surface", surfaces.NAMES)
def test_picking_a_surface_loads_its_start_and_suggested_rates_that_the_controls_admit(surface):
    loaded = surface_defaults(surface)
    assert (loaded["x0"], loaded["y0"]) == surfaces.REGISTRY[surface].starts[0]
    for name in optimizers.NAMES:
        lr = loaded[f"{name}_lr"]
        assert lr == SUGGESTED_LR[surface][name]
        assert CONTROLS[f"{name}_lr"].admits(lr), (surface, name)


def test_the_default_ravine_s_suggested_sgd_rate_sits_just_under_2_over_kappa():
    kappa = CONTROLS["kappa"].default
    lr = SUGGESTED_LR["ravine"]["sgd"]
    assert lr < 2 / kappa
    grid = CONTROLS["sgd_lr"].spec().options
    assert min(g for g in grid if g > lr) > 2 / kappa  # the next lr on the slider diverges
    assert math.isclose(CONTROLS["sgd_lr"].default, lr)


@pytest.mark.parametrize(
    ("surf", "sigma", "batch", "stochastic"),
    [("ravine", 0.0, None, False), ("ravine", 0.5, None, True), ("logistic", 0.0, 5, True),
     ("logistic", 0.0, 200, False)],
)  # fmt: skip
def test_a_track_s_oracle_and_its_exact_twin(surf, sigma, batch, stochastic):
    track = Track(surf, (), (-3.0, 2.0), 50, sigma, batch, 7)
    oracle = track.oracle()
    assert oracle.stochastic is stochastic
    assert (oracle.sigma, oracle.batch, oracle.seed) == (sigma, batch, 7)
    assert track.exact().oracle() == oracle.exact()
    assert track.exact() == Track(surf, (), (-3.0, 2.0), 50, 0.0, None, 7)
