"""The optimizers page's "In PyTorch" scripts: the page's surface as a torch function of the
parameter tensor, every picked optimizer as torch.optim constructs it with the page's
hyperparameters, the usual loop (zero_grad, loss, backward, step); the first points and the end
of each path, f − f* and the distance at a few steps, the state at the page's step."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np

from core import optimizers, race, surfaces
from ui.pytorch import Line, Raw, Snippet, lit, lit_block, prints, script
from ui.strings import Translate

FIRST = 3  # the first points of a path printed by the map's script
DRAWS = 10  # a noisy race's state: the page's draws are written for at most this many steps
AT = (0, 1, 10, 50, 100, 200)  # the steps the progress script reads (and the last one)
NUDGE, MOVED = 1e-12, 1e-8  # a start nudged by NUDGE (relative); a point MOVED (relative)
# torch.optim's keyword order (as its documentation lists them) for the page's hyperparameters.
KEYWORDS = (
    "lr", "lr_decay", "alpha", "rho", "betas", "momentum", "dampening", "eps", "weight_decay",
    "nesterov", "centered", "amsgrad",
)  # fmt: skip
GAP_NOISE = 1e-11  # f − f* below this share of |f*| is rounding in f − f*: not printed
GRAD_NOISE = 1e-8  # a gradient component below this is rounding in the formula: no state shown
DISTANCE_NOISE = 1e-10  # a distance to a minimum below this is rounding: not printed

SURFACES = {
    "ravine": """
        kappa = $kappa  #: torch.opt.kappa


        def f(p):
            x, y = p
            return 0.5 * (x * x + kappa * y * y)
        """,
    "rosenbrock": """
        a, b = $a, $b


        def f(p):
            x, y = p
            return (a - x) ** 2 + b * (y - x**2) ** 2
        """,
    "beale": """
        def f(p):
            x, y = p
            return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
        """,
    "saddle": """
        def f(p):
            x, y = p
            return x**2 - y**2 + y**4 / 8
        """,
    "himmelblau": """
        def f(p):
            x, y = p
            return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
        """,
    "plateau": """
        #: torch.opt.wells
        wells = $wells


        def f(p):
            x, y = p
            bumps = [
                depth * torch.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * width**2))
                for cx, cy, depth, width in wells
            ]
            return -sum(bumps)
        """,
    "logistic": """
        #: torch.opt.data
        X = torch.tensor($features).reshape(-1, 2)
        y = torch.tensor([float(c) for c in $labels])
        l2 = $l2  #: torch.opt.l2


        def f(w, rows=slice(None)):
            loss = nn.functional.binary_cross_entropy_with_logits(X[rows] @ w, y[rows])
            return loss + 0.5 * l2 * (w * w).sum()
        """,
}

RACE = """
def race(optimizer, steps, $exact**hyperparameters):
    #: torch.opt.loop
    p = torch.tensor(start, requires_grad=True)
    opt = optimizer([p], **hyperparameters)
    path = [p.detach().clone()]
    for t in range(steps):
        opt.zero_grad()
        loss = $loss
        loss.backward()$noise
        opt.step()
        if not p.detach().norm() <= bound:  #: torch.opt.bound
            break
        path.append(p.detach().clone())
    return torch.stack(path), p, opt
"""


def _topic():
    from ui.topics import optimizers as topic  # the topic imports this module

    return topic


@dataclass(frozen=True)
class Racer:
    """One picked optimizer: its page name, the hyperparameters by torch's names, the settings
    they came from (link key -> value), core's run (None when torch refuses them) and the step
    where it starts to amplify rounding (None if it never does)."""

    name: str
    hparams: dict[str, Any]
    settings: dict[str, Any]
    run: race.Run | None
    horizon: int | None = None

    @property
    def steps(self) -> int:
        """The steps the run completed (fewer than the page's if it stopped)."""
        return self.run.trace.steps if self.run is not None else 0

    @property
    def held(self) -> int:
        """The last step whose numbers any program reproduces: all of them, or the one before
        the horizon."""
        return self.steps if self.horizon is None else min(self.steps, self.horizon - 1)

    def amplifies(self, tr: Translate) -> list[str]:
        """A comment when the path amplifies rounding before its last step."""
        if self.held == self.steps:
            return []
        line = "#: torch.opt.chaotic name=$name t=$t held=$held"
        return script(tr, line, name=self.name, t=self.horizon, held=self.held).splitlines()

    def call(self, steps: int, exact: bool = False) -> str:
        """`path, p, opt = race(torch.optim.<Class>, steps, lr=…, …)`: torch's class and the
        page's hyperparameters by keyword, wrapped at 88 characters."""
        spec = optimizers.REGISTRY[self.name]
        words = dict(self.hparams)
        if self.name == "nesterov":
            words["nesterov"] = True
        ordered = sorted(words, key=KEYWORDS.index)
        items = [f"torch.optim.{spec.torch_class}", str(steps), *(["exact=True"] if exact else [])]
        items += [f"{k}={lit(words[k])}" for k in ordered]
        one = "path, p, opt = race(" + ", ".join(items) + ")"
        if len(one) <= 96:
            return one
        rows, row = [], ""
        for item in items:
            if row and len(row) + len(item) + 2 > 84:
                rows.append(row + ",")
                row = ""
            row = f"{row}, {item}" if row else item
        rows.append(row)
        return "path, p, opt = race(\n" + "".join(f"    {r}\n" for r in rows) + ")"


@dataclass(frozen=True)
class Setup:
    """What a section's script is built from: the page's track, its racers and settings."""

    track: Any  # ui.topics.optimizers.Track
    racers: tuple[Racer, ...]
    settings: dict[str, Any]
    surface: surfaces.Surface

    @property
    def oracle(self) -> race.Oracle:
        return self.track.oracle()


def _setup(values: Mapping[str, Any]) -> Setup:
    """The page's race, rebuilt from its controls as pages/2_optimizers.py builds it."""
    topic = _topic()
    surf = values["surf"]
    settings: dict[str, Any] = {}  # the surface itself is its formula in the script
    sparams: dict[str, float] = {}
    if surf in topic.SURFACE_PARAMETERS:
        key, name = topic.SURFACE_PARAMETERS[surf]
        sparams[name] = values[key]
        settings[key] = values[key]
    settings |= {k: values[k] for k in ("x0", "y0", "steps")}
    sigma, batch = 0.0, None
    if surf == "logistic":
        batch = int(values["batch"])
    else:
        sigma = float(values["sigma"])
    start = (float(values["x0"]), float(values["y0"]))
    seed = int(values["seed"])
    track = topic.Track(
        surf, tuple(sorted(sparams.items())), start, int(values["steps"]), sigma, batch, seed
    )
    oracle = track.oracle()
    if oracle.minibatch:
        settings |= {"batch": batch, "seed": seed}
    elif sigma > 0:
        settings |= {"sigma": values["sigma"], "seed": seed}
    racers = []
    for name in values["opt"]:
        lr_key = "lr" if values["same_lr"] else f"{name}_lr"
        keys = {"lr": lr_key} | {h.hparam: h.key for h in topic.HYPERPARAMETERS[name]}
        hparams = topic.hparams_for_core({hp: values[key] for hp, key in keys.items()})
        items = tuple(sorted(hparams.items()))
        run = _run(track, name, items)
        horizon = _horizon(track, name, items)
        used = {key: values[key] for key in keys.values()}
        racers.append(Racer(name, hparams, used, run, horizon))
    return Setup(track, tuple(racers), settings, oracle.surface)


@lru_cache(maxsize=64)
def _run(track: Any, name: str, hparams: tuple[tuple[str, Any], ...]) -> race.Run | None:
    """core's run of one racer, shared by the three sections' scripts of one setting."""
    return race.run(track.oracle(), name, track.start, track.steps, **dict(hparams))


def _rows(rows: tuple[tuple[Any, ...], ...]) -> Raw:
    """A tuple of tuples as a literal: on one line if short, else one row a line (a long row
    wrapped inside its parentheses)."""
    one = lit(rows)
    if len(one) <= 60:
        return Raw(one)
    out = []
    for row in rows:
        wrapped = textwrap.wrap(lit(row) + ",", width=88, break_long_words=False)
        out += [f"    {wrapped[0]}", *(f"     {part}" for part in wrapped[1:])]
    return Raw("(\n" + "\n".join(out) + "\n)")


@lru_cache(maxsize=64)
def _horizon(track: Any, name: str, hparams: tuple[tuple[str, Any], ...]) -> int | None:
    """The first step whose point moves visibly (MOVED) when the start is nudged by NUDGE: past
    it the path amplifies rounding, so no other program (torch included) prints the page's
    digits there. None when the whole run holds (and on a noisy gradient, whose scripts print
    only the first few steps)."""
    run = _run(track, name, hparams)
    if run is None or track.oracle().stochastic:
        return None
    nudged = tuple(v + NUDGE * max(1.0, abs(v)) for v in track.start)
    other = race.run(track.oracle(), name, nudged, track.steps, **dict(hparams))
    a, b = run.points, other.points
    n = min(len(a), len(b))
    moved = np.abs(a[:n] - b[:n]).max(axis=1) > MOVED * (1.0 + np.abs(a[:n]).max(axis=1))
    if moved.any():
        return int(np.argmax(moved))
    return None if len(a) == len(b) else n


@cache
def _logistic_data() -> tuple[Raw, Raw]:
    """The logistic surface's features and labels (a string of 0s and 1s) as code."""
    features, labels = surfaces.logistic_dataset()
    rounded = [float(v) for v in features.ravel()]
    text = "".join(str(int(v)) for v in labels)
    chunks = [text[i : i + 80] for i in range(0, len(text), 80)]
    return lit_block(rounded), Raw("(\n" + "".join(f"    {c!r}\n" for c in chunks) + ")")


def _surface_code(setup: Setup, tr: Translate) -> str:
    surface = setup.surface
    words: dict[str, Any] = dict(surface.params)
    if surface.name == "ravine":
        words = {"kappa": surface.params["condition"]}
    elif surface.name == "plateau":
        words = {"wells": _rows(surfaces.PLATEAU_WELLS)}
    elif surface.name == "logistic":
        features, labels = _logistic_data()
        words |= {"features": features, "labels": labels}
    return script(tr, SURFACES[surface.name], **words).strip()


def _draws(setup: Setup, steps: int) -> tuple[Any, ...]:
    """The page's first `steps` draws: the mini-batches' rows, or the noise ε of each step."""
    oracle = setup.oracle
    if oracle.minibatch:
        walk = setup.surface.stochastic_gradient(oracle.batch, oracle.seed)
        return tuple(tuple(int(i) for i in walk.next_rows()) for _ in range(steps))
    rng = np.random.default_rng(oracle.seed)  # as surfaces.NoisyGradient draws them
    return tuple(tuple(float(v) for v in rng.standard_normal(2)) for _ in range(steps))


def _head(setup: Setup, tr: Translate, draws: int) -> str:
    """Imports, the surface, the start and the loop: what every section's script begins with."""
    oracle = setup.oracle
    loss, noise, extra = "f(p)", "", ""
    if oracle.stochastic:
        found = _draws(setup, draws)
        if oracle.minibatch:
            loss = "f(p) if exact else f(p, list(batches[t]))"
            extra = script(
                tr,
                """
                #: torch.opt.batches batch=$batch s=$seed k=$k
                batches = $found
                """,
                batch=oracle.batch,
                seed=oracle.seed,
                k=draws,
                found=_rows(found),
            )
        else:
            noise = "\n        if not exact:\n            p.grad += sigma * torch.tensor(noise[t])"
            extra = script(
                tr,
                """
                sigma = $sigma
                #: torch.opt.noise s=$seed k=$k
                noise = $found
                """,
                sigma=oracle.sigma,
                seed=oracle.seed,
                k=draws,
                found=_rows(found),
            )
    exact = Raw("exact=False, " if oracle.stochastic else "")
    loop = script(tr, RACE, loss=Raw(loss), noise=Raw(noise), exact=exact)
    return script(
        tr,
        """
        import torch$nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        #: torch.opt.surface
        $surface


        start = $start
        steps = $steps
        bound = 1e6$extra


        $loop
        """,
        nn=Raw("\nfrom torch import nn" if setup.surface.name == "logistic" else ""),
        surface=Raw(_surface_code(setup, tr)),
        start=setup.track.start,
        steps=setup.track.steps,
        extra=Raw("\n" + extra.strip() if extra else ""),
        loop=Raw(loop.strip()),
    )


def _refused(racer: Racer, tr: Translate) -> list[str]:
    return ["", *script(tr, "#: torch.opt.refused name=$name", name=racer.name).splitlines()]


def paths(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The map: each path's first points, its last point and f there (and the step where it
    stopped, if it did); on a noisy gradient the last point of the dashed reference path, the
    same optimizer on the exact gradient."""
    setup = _setup(values)
    noisy = setup.oracle.stochastic
    fmt = ".6f"
    lines, blocks = [], []
    for racer in setup.racers:
        if racer.run is None:
            blocks += _refused(racer, tr)
            continue
        points, held = racer.run.points, racer.held
        first = min(FIRST, held)
        blocks += ["", *racer.amplifies(tr), racer.call(first if noisy else setup.track.steps)]
        if first:
            shown = ", ".join(str(t) for t in range(1, first + 1))
            head = Line(f"{racer.name} θ at t = {shown}", tuple(points[1 : first + 1].ravel()), fmt)
            lines.append(head)
            blocks.append(prints(head, f"path[1:{first + 1}].flatten().tolist()"))
        if noisy:
            exact = setup.track.exact()
            items = tuple(sorted(racer.hparams.items()))
            racer = Racer(
                racer.name, racer.hparams, racer.settings, _run(exact, racer.name, items),
                _horizon(exact, racer.name, items),
            )  # fmt: skip
            blocks += [*script(tr, "#: torch.opt.reference").splitlines(), *racer.amplifies(tr)]
            blocks.append(racer.call(setup.track.steps, exact=True))
        found, code = _ending(racer, setup, "exact " if noisy else "", fmt)
        lines += found
        blocks += code
    return _snippet(setup, tr, lines, blocks, FIRST)


def _ending(racer: Racer, setup: Setup, what: str, fmt: str) -> tuple[list[Line], list[str]]:
    """The last point that holds and f there, and the step where the run stopped if it did."""
    points, k, held = racer.run.points, racer.steps, racer.held
    if held < FIRST:
        return [], []
    end = Line(f"{racer.name} {what}θ at t = {held}", tuple(points[held]), fmt)
    value = float(setup.surface.value(points[held, 0], points[held, 1]))
    height = Line(f"{racer.name} {what}f(θ) at t = {held}", (value,), ".6g")
    at = "-1" if held == k else str(held)
    code = [
        prints(end, f"path[{at}][0]", f"path[{at}][1]"),
        prints(height, f"f(path[{at}]).item()"),
    ]
    lines = [end, height]
    if (stopped := racer.run.trace.diverged_at) is not None and held == k:
        gone = Line(f"{racer.name} {what}stopped at step", (float(stopped),), ".0f")
        lines.append(gone)
        code.append(prints(gone, "len(path)"))
    return lines, code


def progress(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The progress charts: f(θ_t) − f* and the distance to the nearest known minimum at a few
    steps (the first ones only when the gradient is noisy). Values at rounding's level (f − f*
    below GAP_NOISE·|f*|, a distance below DISTANCE_NOISE) are left out: no two programs agree
    on them."""
    setup = _setup(values)
    noisy = setup.oracle.stochastic
    surface = setup.surface
    f_star = float(surface.min_value)
    lines, blocks = [], []
    for racer in setup.racers:
        if racer.run is None:
            blocks += _refused(racer, tr)
            continue
        held, run = racer.held, racer.run
        at = tuple(range(min(FIRST, held) + 1)) if noisy else (*(t for t in AT if t < held), held)
        blocks += ["", *racer.amplifies(tr), racer.call(at[-1]), "gaps, distances = progress(path)"]
        reads = (
            ("f − f*", "gap", "gaps", run.gap, GAP_NOISE * abs(f_star)),
            ("distance", "far", "distances", run.distance, DISTANCE_NOISE),
        )
        for what, short, name, series, noise in reads:
            kept = tuple(t for t in at if series[t] > noise)
            if not kept:
                continue
            line = Line(
                f"{racer.name} {what} at t = {', '.join(map(str, kept))}",
                tuple(float(series[t]) for t in kept),
                ".3e",
            )
            lines.append(line)
            blocks += [f"{short} = [{name}[t] for t in {lit(kept)}]", prints(line, short)]
    extra = script(
        tr,
        """
        #: torch.opt.minima
        f_star = $f_star
        minima = torch.tensor($minima)


        def progress(path):
            gaps = [max(f(q).item() - f_star, 1e-16) for q in path]
            distances = [max((minima - q).norm(dim=1).min().item(), 1e-16) for q in path]
            return gaps, distances
        """,
        f_star=f_star,
        minima=_rows(tuple(tuple(float(v) for v in m) for m in surface.minima)),
    )
    return _snippet(setup, tr, lines, blocks, FIRST, extra.strip())


def inside(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The state table at the page's step t: θ before the step, the gradient, every buffer of
    opt.state[p] (and Adam's bias-corrected moments), the step taken and θ after it."""
    setup = _setup(values)
    t = max(1, min(int(values["t"]), setup.track.steps))
    if setup.oracle.stochastic:
        t = min(t, DRAWS)
    lines, blocks, hidden = [], [], set()
    for racer in setup.racers:
        if racer.run is None:
            blocks += _refused(racer, tr)
            continue
        k = min(t, racer.steps)
        if k > racer.held:
            blocks += ["", *racer.amplifies(tr)]
            hidden.add(racer.name)
            continue
        found, rows = _state_rows(racer, k)
        blocks += ["", *_rounding(racer, k, len(rows), tr), racer.call(k), *found]
        for line, expression in rows:
            lines.append(line)
            blocks.append(prints(line, expression))
    snippet = _snippet(setup, tr, lines, blocks, t, hidden=hidden)
    settings = dict(snippet.settings) | {"t": t}
    return Snippet(snippet.code, snippet.readout, settings, snippet.notes)


def _rounding(racer: Racer, k: int, rows: int, tr: Translate) -> list[str]:
    """A comment when the state at step k is left out: the gradient there is rounding."""
    if rows != 1 or k == 0:
        return []
    line = "#: torch.opt.converged name=$name t=$t noise=$noise"
    return script(tr, line, name=racer.name, t=k, noise=GRAD_NOISE).splitlines()


def _state_rows(racer: Racer, k: int) -> tuple[list[str], list[tuple[Line, str]]]:
    """The state table's column of one optimizer at step k as readout lines and the script's
    expressions for them (and the lines that compute m̂, v̂)."""
    trace, name = racer.run.trace, racer.name
    if k == 0:
        return [], [(Line(f"{name} θ_0", tuple(trace.points[0]), "+.4g"), "path[0]")]
    if np.abs(trace.grads[k - 1]).min() < GRAD_NOISE:
        after = Line(f"{name} θ_t at t = {k}", tuple(float(v) for v in trace.points[k]), "+.4g")
        return [], [(after, "path[-1]")]
    rows = [
        (f"{name} θ_t-1 at t = {k}", trace.points[k - 1], "path[-2]"),
        (f"{name} g_t", trace.grads[k - 1], "p.grad"),
    ]
    code = ["state = opt.state[p]"] if trace.state else []
    for key, series in trace.state.items():
        if key not in ("m_hat", "v_hat"):
            rows.append((f"{name} {key}", series[k - 1], f'state["{key}"]'))
    betas = trace.hparams.get("betas")
    if "m_hat" in trace.state:
        code.append(f'm_hat = state["exp_avg"] / (1 - {lit(betas[0])} ** state["step"])')
        rows.append((f"{name} m_hat", trace.state["m_hat"][k - 1], "m_hat"))
    if "v_hat" in trace.state:
        v = "max_exp_avg_sq" if trace.hparams.get("amsgrad") else "exp_avg_sq"
        code.append(f'v_hat = state["{v}"] / (1 - {lit(betas[1])} ** state["step"])')
        rows.append((f"{name} v_hat", trace.state["v_hat"][k - 1], "v_hat"))
    update = trace.updates[k - 1]
    rows.append((f"{name} Δθ", update, "path[-1] - path[-2]"))
    out = [(Line(label, tuple(float(v) for v in numbers), "+.4g"), e) for label, numbers, e in rows]
    size = Line(f"{name} ‖Δθ‖", (float(np.linalg.norm(update)),), ".4g")
    after = Line(f"{name} θ_t", tuple(float(v) for v in trace.points[k]), "+.4g")
    out += [(size, "(path[-1] - path[-2]).norm().item()"), (after, "path[-1]")]
    return code, out


def _snippet(
    setup: Setup,
    tr: Translate,
    lines: list[Line],
    blocks: list[str],
    draws: int,
    extra: str = "",
    hidden: set[str] = frozenset(),
) -> Snippet:
    """The script: its head, `extra` (helpers), then each racer's blocks; its settings are the
    track's and those of every racer the script runs (not the refused or `hidden` ones)."""
    code = script(
        tr,
        """
        $head


        #: torch.opt.each
        $blocks
        """,
        head=Raw("\n\n\n".join(part for part in (_head(setup, tr, draws).strip(), extra) if part)),
        blocks=Raw("\n".join(blocks).strip("\n")),
    )
    notes = ("torch.opt.note_noise",) if setup.oracle.stochastic else ()
    settings = dict(setup.settings)
    for racer in setup.racers:
        if racer.run is not None and racer.name not in hidden:
            settings |= racer.settings
    return Snippet(code, tuple(lines), settings, notes)


SNIPPETS = {"map": paths, "progress": progress, "state": inside}
_ALL = tuple(optimizers.NAMES)
TEST_LINKS: dict[str, dict[str, Any]] = {
    "every optimizer, their other hyperparameters": {
        "opt": _ALL, "steps": 60, "kappa": 25.0, "x0": -3.5, "y0": 1.25, "t": 9,
        "sgd_lr": 0.05, "sgd_wd": 0.02, "momentum_lr": 0.002, "momentum_mu": 0.8,
        "momentum_damp": 0.1, "momentum_wd": 0.01, "nesterov_lr": 0.013, "nesterov_mu": 0.7,
        "nesterov_wd": 0.03, "adagrad_lr": 0.5, "adagrad_decay": 0.01, "adagrad_eps": 1e-06,
        "adagrad_wd": 0.04, "rmsprop_lr": 0.05, "rmsprop_alpha": 0.9, "rmsprop_mu": 0.5,
        "rmsprop_eps": 0.0001, "rmsprop_wd": 0.05, "rmsprop_c": True, "adadelta_lr": 2.0,
        "adadelta_rho": 0.95, "adadelta_eps": 1e-05, "adadelta_wd": 0.1, "adam_lr": 0.3,
        "adam_b1": 0.8, "adam_b2": 0.99, "adam_eps": 1e-06, "adam_wd": 0.1, "adam_ams": True,
        "adamw_lr": 0.1, "adamw_b1": 0.85, "adamw_wd": 0.2, "adamw_ams": True,
        "adamax_lr": 0.3, "adamax_b2": 0.99, "adamax_wd": 0.05, "nadam_lr": 0.1,
        "nadam_b1": 0.95, "nadam_wd": 0.01,
    },
    "rosenbrock, 500 steps, state at the end": {
        "surf": "rosenbrock", "rb": 10.0, "x0": -1.5, "y0": 2.5,
        "opt": ("sgd", "nesterov", "rmsprop", "adadelta", "adam", "nadam"),
        "steps": 500, "t": 500, "sgd_lr": 0.002, "momentum_lr": 0.001, "nesterov_lr": 0.001,
        "adagrad_lr": 0.5, "rmsprop_lr": 0.05, "adadelta_lr": 5.0, "adam_lr": 0.1,
        "adamw_lr": 0.1, "adamax_lr": 0.2, "nadam_lr": 0.1,
    },
    "beale": {
        "surf": "beale", "opt": ("sgd", "adagrad", "adam", "nadam"), "x0": 1.0, "y0": 1.5,
        "steps": 200, "t": 37, "sgd_lr": 0.01, "adagrad_lr": 1.0, "adam_lr": 0.2,
        "nadam_lr": 0.2,
    },
    "himmelblau": {
        "surf": "himmelblau", "opt": ("sgd", "momentum", "rmsprop"), "x0": -4.5, "y0": 0.0,
        "steps": 150, "t": 150, "sgd_lr": 0.01, "momentum_lr": 0.005, "rmsprop_lr": 0.05,
    },
    "plateau": {
        "surf": "plateau", "opt": ("sgd", "momentum", "adam", "adadelta"), "x0": -1.5,
        "y0": 1.3, "steps": 300, "t": 120, "sgd_lr": 0.5, "momentum_lr": 0.2,
        "adam_lr": 0.2, "adadelta_lr": 5.0,
    },
    "logistic, full batch": {
        "surf": "logistic", "l2": 0.01, "batch": 200, "opt": ("sgd", "momentum", "adamw"),
        "x0": 3.5, "y0": 3.5, "steps": 100, "t": 100, "sgd_lr": 2.0, "momentum_lr": 0.2,
        "adamw_lr": 0.2,
    },
    "noisy ravine": {"sigma": 2.5, "seed": 7, "t": 40, "opt": ("sgd", "rmsprop", "adam")},
}  # fmt: skip
