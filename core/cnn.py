"""The permuted-pixels experiment: an MLP and a CNN trained on digits, then on shuffled pixels.

``experiment(train, epochs, seed, permutation)`` draws ``train`` + TEST digits of SIZE×SIZE
(core.images.digits), shuffles every image's pixels by one fixed permutation (the same for train
and test, core.images.permute_pixels) and trains four networks with Adam on mini-batches: the MLP
and the CNN below, each once on the images and once on the shuffled ones. It records every run's
train accuracy during each epoch and test accuracy after it, its test predictions and the
CNN's first-layer filters.

The MLP on shuffled pixels starts from the MLP on images with its first layer's weight columns
shuffled the same way: x_σ W_σᵀ = x Wᵀ, so it is the same function of the same images at every
step (its gradients are the same columns shuffled, Adam is elementwise, the batches are the same)
and its predictions agree at every epoch. The CNN on shuffled pixels starts from the same weights
as the CNN on images, but neighbouring pixels are no longer neighbours: its 3×3 kernels and its
pooling look at pixels that have nothing to do with each other, and its accuracy falls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import conv, images, losses, nn, optimizers, validate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SIZE = 16  # pixels per side
TEST = 500  # test images, drawn with the training images
TRAIN_RANGE = (200, 1500)
EPOCHS_RANGE = (1, 6)
BATCH = 50
LR = 5e-3  # Adam's learning rate; its other settings torch's defaults (tuned: bench/cnn.py)
HIDDEN = 64  # the MLP's hidden width
CHANNELS = (8, 16)  # the CNN's two conv layers
CLASSES = images.CLASSES
MODELS = ("mlp", "cnn")
RUNS = (("mlp", False), ("mlp", True), ("cnn", False), ("cnn", True))
SHOWN = 8  # images kept for the page, before and after the shuffle
CHUNK = 250  # test images through the network at once


def mlp(seed: int) -> nn.Sequential:
    """SIZE²=256 → Linear 64 → ReLU → Linear 10, torch's default init from seed."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(SIZE * SIZE, HIDDEN, seed=seed),
        nn.Activation("relu"),
        nn.Linear(HIDDEN, CLASSES, seed=seed + 1),
    )


def cnn(seed: int) -> nn.Sequential:
    """(1,16,16) → conv 3×3 ×8 (pad 1) → ReLU → pool 2 → conv 3×3 ×16 (pad 1) → ReLU → pool 2
    → flatten (16·4·4 = 256) → Linear 10."""
    c1, c2 = CHANNELS
    side = SIZE // 4
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1, seed=seed),
        nn.Activation("relu"),
        nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1, seed=seed + 1),
        nn.Activation("relu"),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(c2 * side * side, CLASSES, seed=seed + 2),
    )


def order(permutation: int) -> IntArray:
    """The permutation permute_pixels(·, permutation) applies: shuffled pixel k is order[k]."""
    where = np.arange(SIZE * SIZE, dtype=np.float64).reshape(SIZE, SIZE)
    return images.permute_pixels(where, permutation).ravel().astype(np.int64)


@dataclass(frozen=True)
class Run:
    """One network trained: per epoch its train accuracy (on the batches as it met them during the
    epoch) and its test accuracy and predictions after the epoch."""

    model: str  # "mlp" or "cnn"
    permuted: bool
    train_accuracy: FloatArray  # (epochs,)
    test_accuracy: FloatArray  # (epochs,)
    predictions: npt.NDArray[np.int8]  # (epochs, TEST): the predicted class of each test image
    filters: FloatArray | None  # the CNN's first-layer weights (8, 1, 3, 3) after training


@dataclass(frozen=True)
class Experiment:
    """Four runs on the same digits and the same shuffle, and what the page shows of the data."""

    train: int
    epochs: int
    seed: int
    permutation: int
    runs: tuple[Run, ...]  # in RUNS order
    examples: FloatArray  # (SHOWN, SIZE, SIZE): test images as drawn
    shuffled: FloatArray  # (SHOWN, SIZE, SIZE): the same images, pixels shuffled
    labels: IntArray  # (SHOWN,)
    initial_filters: FloatArray  # (8, 1, 3, 3): both CNNs' first layer before training

    def moved(self, permuted: bool) -> float:
        """‖W − W₀‖ of the CNN's first-layer filters: how far training took them from the start."""
        return float(np.linalg.norm(self.run("cnn", permuted).filters - self.initial_filters))

    def run(self, model: str, permuted: bool) -> Run:
        return self.runs[RUNS.index((model, permuted))]

    def final(self, model: str, permuted: bool) -> float:
        """Test accuracy after the last epoch."""
        return float(self.run(model, permuted).test_accuracy[-1])

    def fall(self, model: str) -> float:
        """Final test accuracy on images minus on shuffled pixels (positive: the shuffle hurt)."""
        return self.final(model, False) - self.final(model, True)


def check(train: int, epochs: int, seed: int, permutation: int) -> tuple[int, int, int, int]:
    """The experiment's arguments, checked."""
    return (
        validate.integer("train", train, lo=TRAIN_RANGE[0], hi=TRAIN_RANGE[1]),
        validate.integer("epochs", epochs, lo=EPOCHS_RANGE[0], hi=EPOCHS_RANGE[1]),
        validate.integer("seed", seed, lo=0, hi=10_000),
        validate.integer("permutation", permutation, lo=0, hi=10_000),
    )


def data(train: int, seed: int) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    """(x_train, y_train, x_test, y_test): train + TEST digits (N, 1, SIZE, SIZE) from seed."""
    x, y = images.digits(train + TEST, seed, SIZE)
    return x[:train], y[:train], x[train:], y[train:]


def _train(
    net: nn.Sequential,
    x: FloatArray,
    y: IntArray,
    x_test: FloatArray,
    y_test: IntArray,
    epochs: int,
    seed: int,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int8]]:
    """Adam on mini-batches of BATCH, shuffled by seed; accuracies and test predictions."""
    p, g = net.parameters, net.gradients
    opt = optimizers.REGISTRY["adam"]
    h = optimizers.hparams("adam", lr=LR)
    state: dict = {key: np.zeros_like(p) for key in opt.buffers(h)}
    if opt.init is not None:
        opt.init(state, h)
    _, grad_of = losses.unchecked("cross_entropy")
    rng = np.random.default_rng([seed, 1])  # the shuffles: the same for every run of a seed
    accuracy = np.zeros((2, epochs))
    predictions = np.zeros((epochs, len(y_test)), dtype=np.int8)
    step = 0
    for epoch in range(epochs):
        shuffle, right = rng.permutation(len(y)), 0
        for start in range(0, len(y), BATCH):
            rows = shuffle[start : start + BATCH]
            out = net.forward(x[rows])
            right += int(np.sum(out.argmax(axis=1) == y[rows]))
            net.backward(grad_of(out, y[rows]) / len(rows))
            step += 1
            opt.step(p, g, state, h, step)
        accuracy[0, epoch] = right / len(y)  # during the epoch, batch by batch, as torch loops do
        for start in range(0, len(y_test), CHUNK):  # in chunks: im2col's copies stay small
            chunk = slice(start, start + CHUNK)
            predictions[epoch, chunk] = net.forward(x_test[chunk]).argmax(axis=1)
        accuracy[1, epoch] = np.mean(predictions[epoch] == y_test)
    return accuracy[0], accuracy[1], predictions


def experiment(
    train: int = 600, epochs: int = 6, seed: int = 0, permutation: int = 0
) -> Experiment:
    """Train the MLP and the CNN on the digits and on their shuffled pixels (module doc)."""
    train, epochs, seed, permutation = check(train, epochs, seed, permutation)
    x, y, x_test, y_test = data(train, seed)
    sigma = order(permutation)
    shuffled = {
        False: (x, x_test),
        True: (images.permute_pixels(x, permutation), images.permute_pixels(x_test, permutation)),
    }
    runs = []
    for model, permuted in RUNS:
        net = mlp(seed) if model == "mlp" else cnn(seed)
        if model == "mlp" and permuted:
            # the same first layer, its columns shuffled with the pixels: the same function
            first = net.layers[1].params["weight"]
            first[...] = first[:, sigma]
        train_x, test_x = shuffled[permuted]
        acc_train, acc_test, predicted = _train(net, train_x, y, test_x, y_test, epochs, seed)
        filters = net.layers[0].params["weight"].copy() if model == "cnn" else None
        runs.append(Run(model, permuted, acc_train, acc_test, predicted, filters))
    return Experiment(
        train=train,
        epochs=epochs,
        seed=seed,
        permutation=permutation,
        runs=tuple(runs),
        examples=x_test[:SHOWN, 0].copy(),
        shuffled=shuffled[True][1][:SHOWN, 0].copy(),
        labels=y_test[:SHOWN].copy(),
        initial_filters=cnn(seed).layers[0].params["weight"].copy(),
    )


# --- translation equivariance ----------------------------------------------------------------

PICTURES = ("house", "face", "checkerboard")
PICTURE_SIZE = 24
MAX_SHIFT = 6
EXACT = 1e-12  # |difference| at most this counts as 0 (sums of nine products, reordered)


@dataclass(frozen=True)
class Equivariance:
    """conv(T x) against T conv(x) for T a zero-filled shift by (rows, cols), 3×3 kernel, padding
    1 ("same" size): equal except within a kernel radius of the border and the filled strip."""

    image: FloatArray  # x (H, W)
    shifted: FloatArray  # T x
    feature: FloatArray  # conv(x)
    conv_of_shifted: FloatArray  # conv(T x)
    shifted_feature: FloatArray  # T conv(x)
    difference: FloatArray  # conv(T x) − T conv(x)
    interior: npt.NDArray[np.bool_]  # cells ≥ 1 + |shift| from the border on the shifted sides
    rows: int
    cols: int

    @property
    def inside(self) -> float:
        """max |difference| over the interior: 0 (up to EXACT)."""
        return float(np.abs(self.difference[self.interior]).max(initial=0.0))

    @property
    def outside(self) -> float:
        """max |difference| outside the interior: where the border and the zeros come in."""
        return float(np.abs(self.difference[~self.interior]).max(initial=0.0))

    @property
    def differing(self) -> int:
        """How many cells differ by more than EXACT (all of them outside the interior)."""
        return int(np.sum(np.abs(self.difference) > EXACT))


def interior(
    shape: tuple[int, int], rows: int, cols: int, radius: int = 1
) -> npt.NDArray[np.bool_]:
    """Cells where conv(T x) = T conv(x) for every x: radius + |shift| from the edges the shift
    moves away from and toward, radius from the other edges."""
    h, w = shape
    mask = np.zeros((h, w), dtype=bool)
    top, bottom = radius + max(rows, 0), h - radius + min(rows, 0)
    left, right = radius + max(cols, 0), w - radius + min(cols, 0)
    mask[max(top, 0) : max(bottom, 0), max(left, 0) : max(right, 0)] = True
    return mask


def equivariance(picture: str, kernel: str, rows: int, cols: int) -> Equivariance:
    """conv(T x), T conv(x) and their difference for a test picture and a classic 3×3 kernel."""
    picture = validate.choice("picture", picture, PICTURES)
    kernel = validate.choice("kernel", kernel, tuple(conv.KERNELS))
    rows = validate.integer("rows", rows, lo=-MAX_SHIFT, hi=MAX_SHIFT)
    cols = validate.integer("cols", cols, lo=-MAX_SHIFT, hi=MAX_SHIFT)
    x = images.picture(picture, PICTURE_SIZE)
    w = conv.KERNELS[kernel][None, None]

    def same(a: FloatArray) -> FloatArray:
        return conv.conv2d(a[None, None], w, padding=1)[0, 0]

    shifted = conv.shift(x, rows, cols)
    feature, of_shifted = same(x), same(shifted)
    moved = conv.shift(feature, rows, cols)
    return Equivariance(
        image=x,
        shifted=shifted,
        feature=feature,
        conv_of_shifted=of_shifted,
        shifted_feature=moved,
        difference=of_shifted - moved,
        interior=interior(x.shape, rows, cols),
        rows=rows,
        cols=cols,
    )


OVERHEAD = 45  # NumPy's window copies, pools and activations per multiply-add (bench/cnn.py)


def cost(train: int, epochs: int, seed: int = 0, permutation: int = 0) -> tuple[float, float]:
    """(multiply-adds, float32 cells) for ui.heavy: each run's images through the network per
    epoch (a training image forward and backward, 3 passes; a test image forward, 1), times
    OVERHEAD, so that ui.heavy's ~2³⁵ a second holds; cells: the largest copy, the second conv's
    im2col matrix for a chunk of test images (float64: two float32 cells each)."""
    c1, c2 = CHANNELS
    conv_work = SIZE * SIZE * c1 * 9 + (SIZE // 2) ** 2 * c2 * c1 * 9
    mlp_work = SIZE * SIZE * HIDDEN + HIDDEN * CLASSES
    passes = epochs * (3 * train + TEST)
    return float(passes * 2 * (conv_work + mlp_work) * OVERHEAD), float(
        2 * CHUNK * (SIZE // 2) ** 2 * c1 * 9
    )
