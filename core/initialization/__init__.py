"""Weight initialization: the schemes, how a signal and its gradient cross a deep MLP, why
symmetric starts never learn, and whether a deep net trains at all.

- `schemes`: each scheme's distribution and Var(w); `std`, `bound`, `sample`.
- `reference`: the readable float64 forward/backward pass, the definition the page's formulas
  describe (`forward_backward`, and `table`, the statistics propagate reports).
- `propagation`: `propagate` (and `propagate_with_histograms`, one implementation), the same
  table fast, in float32; built on `kernels` (fused activations, tested against
  core.activations) and `scaled` (arrays kept as X·2^e).
- `mean_field`: `predicted_std`, the variance recursion's prediction.
- `symmetry`: `train_symmetry` and the page's experiment over the three starts.
- `training`: `train_deep`, gradient descent on two moons.
"""

from core.initialization.mean_field import predicted_std
from core.initialization.propagation import (
    COLUMNS,
    GRADIENT_RANGE,
    MAX_BATCH,
    MAX_CELLS,
    MAX_DEPTH,
    MAX_WIDTH,
    Propagation,
    histogram_range,
    propagate,
    propagate_with_histograms,
    reached_ceiling,
)
from core.initialization.reference import (
    BN_EPS,
    SATURATION_THRESHOLD,
    Pass,
    forward_backward,
    reference_pass,
)
from core.initialization.scaled import VALUE_CEILING
from core.initialization.schemes import (
    LATEX,
    REGISTRY,
    SCHEMES,
    Scheme,
    SchemeAt,
    bound,
    every_scheme,
    sample,
    standard_normals,
    std,
)
from core.initialization.symmetry import (
    CONSTANT,
    SYMMETRY_HIDDEN,
    SYMMETRY_INITS,
    StartCurves,
    SymmetryExperiment,
    SymmetryRun,
    symmetry_experiment,
    train_symmetry,
    xor_blobs,
)
from core.initialization.training import (
    MAX_TRAIN_DEPTH,
    MAX_TRAIN_STEPS,
    MAX_TRAIN_WIDTH,
    DeepRun,
    train_deep,
    two_moons,
)

__all__ = [
    "BN_EPS",
    "COLUMNS",
    "CONSTANT",
    "GRADIENT_RANGE",
    "LATEX",
    "MAX_BATCH",
    "MAX_CELLS",
    "MAX_DEPTH",
    "MAX_TRAIN_DEPTH",
    "MAX_TRAIN_STEPS",
    "MAX_TRAIN_WIDTH",
    "MAX_WIDTH",
    "REGISTRY",
    "SATURATION_THRESHOLD",
    "SCHEMES",
    "SYMMETRY_HIDDEN",
    "SYMMETRY_INITS",
    "VALUE_CEILING",
    "DeepRun",
    "Pass",
    "Propagation",
    "Scheme",
    "SchemeAt",
    "StartCurves",
    "SymmetryExperiment",
    "SymmetryRun",
    "bound",
    "every_scheme",
    "forward_backward",
    "histogram_range",
    "predicted_std",
    "propagate",
    "propagate_with_histograms",
    "reached_ceiling",
    "reference_pass",
    "sample",
    "standard_normals",
    "std",
    "symmetry_experiment",
    "train_deep",
    "train_symmetry",
    "two_moons",
    "xor_blobs",
]
