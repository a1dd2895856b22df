"""The optimizers page's "In PyTorch" scripts beyond the generic checks: the draws a noisy
script writes are the page's own, a refused optimizer is left out with a comment, and a path
that amplifies rounding is printed only while it holds."""

from __future__ import annotations

import numpy as np
from snippet_links import defaults

from core import surfaces
from ui import pytorch
from ui.snippets import optimizers as snippets
from ui.strings import translator
from ui.topics import topic

TR = translator("en")
BASE = defaults(topic("optimizers"))


def _setup(**changes):
    return snippets._setup(BASE | changes)


def test_the_noise_written_into_a_script_is_the_noise_the_page_added():
    setup = _setup(sigma=1.5, seed=4, opt=("sgd",))
    run = setup.racers[0].run
    surface = setup.surface
    draws = np.array(snippets._draws(setup, 5))
    exact = np.array([surface.gradient(p) for p in run.points[:5]])
    assert np.array_equal(run.trace.grads[:5], exact + 1.5 * draws)


def test_the_batches_written_into_a_script_are_the_pages_mini_batches():
    setup = _setup(surf="logistic", batch=20, seed=3, x0=-3.0, y0=3.0, opt=("adam",))
    run = setup.racers[0].run
    rows = snippets._draws(setup, 4)
    seen = [
        setup.surface.batch_gradient(p, np.array(r))
        for p, r in zip(run.points[:4], rows, strict=True)
    ]
    assert np.array_equal(run.trace.grads[:4], np.array(seen))
    assert all(len(r) == 20 for r in rows)


def test_an_optimizer_torch_refuses_is_left_out_with_a_comment():
    values = BASE | {"opt": ("sgd", "nesterov"), "nesterov_mu": 0.0}
    for build in snippets.SNIPPETS.values():
        snippet = build(values, TR)
        compile(snippet.code, "<snippet>", "exec")
        assert "nesterov: torch refuses these hyperparameters" in snippet.code
        assert not any(line.label.startswith("nesterov") for line in snippet.readout)
        assert "nesterov_mu" not in snippet.settings


def test_a_path_that_amplifies_rounding_is_printed_only_while_it_holds():
    values = BASE | snippets.TEST_LINKS["rosenbrock, 500 steps, state at the end"]
    setup = snippets._setup(values)
    held = {r.name: r for r in setup.racers if r.held < r.steps}
    assert held, "this link has a path that amplifies rounding"
    snippet = snippets.paths(values, TR)
    for name, racer in held.items():
        assert f"{name}: from step {racer.horizon} on" in snippet.code
        assert f"{name} θ at t = {racer.held}" in [line.label for line in snippet.readout]
        # the start nudged by 1e-12 moves the path by more than 1e-8 past its horizon
        nudged = snippets.race.run(
            setup.track.oracle(),
            name,
            tuple(v + 1e-12 * max(1.0, abs(v)) for v in setup.track.start),
            setup.track.steps,
            **racer.hparams,
        )
        gap = np.abs(nudged.points[: racer.horizon + 1] - racer.run.points[: racer.horizon + 1])
        assert gap[-1].max() > 1e-8 >= gap[:-1].max() / (1 + np.abs(racer.run.points).max())
    state = snippets.inside(values, TR)
    assert all(not line.label.startswith(tuple(held)) for line in state.readout)


def test_the_logistic_data_is_written_in_full():
    features, labels = surfaces.logistic_dataset()
    code = snippets.paths(BASE | {"surf": "logistic", "x0": -3.0, "y0": 3.0}, TR).code
    assert all(pytorch.lit(float(v)) in code for v in features.ravel()[:20])
    assert "".join(str(int(v)) for v in labels[:80]) in code
