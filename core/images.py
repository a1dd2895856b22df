"""Generated grayscale digits and a few test pictures: seeded, drawn from strokes, no downloads.

``digits(n, seed, size)`` returns ``(X, y)``: X of shape (n, 1, size, size), float64 in [0, 1]
(0 the background, 1 the ink), y the labels 0 … 9 as evenly split as n allows, in shuffled order.
Each digit is a few polylines in a unit box, drawn with its own random rotation, shear, width,
height, position and pen thickness, anti-aliased over one pixel: MNIST-like, not MNIST.

``permute_pixels(images, seed)`` shuffles every image's pixels by one fixed permutation (the
experiment that shows which models use the spatial structure).

``picture(name, size)`` returns one test image for filter demos: a ramp, a checkerboard, a drawn
house and face (grayscale, (size, size)), and a colour scene ((3, size, size), RGB).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CLASSES = 10
SIZE_RANGE = (12, 64)  # pixels per side
MAX_IMAGES = 20_000
ROTATION = math.radians(12.0)  # each digit turned by up to this either way
SHEAR = 0.25
HEIGHT = (0.6, 0.85)  # of the image side
ASPECT = (0.75, 1.05)  # width over height
THICKNESS = (0.06, 0.12)  # pen width, of the image side (1.7 to 3.4 pixels at 28)
MARGIN = 1.0  # pixels kept clear at each edge


# --- strokes ---------------------------------------------------------------------------------


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float, points: int = 9):
    """Points on an ellipse in the unit box (y grows downwards: 90° is the bottom), in degrees."""
    t = np.radians(np.linspace(start, stop, points))
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def _line(*points: tuple[float, float]) -> FloatArray:
    return np.array(points, dtype=np.float64)


# Each digit: polylines of (x, y) points in the unit box, x to the right, y downwards.
STROKES: Mapping[int, tuple[FloatArray, ...]] = MappingProxyType(
    {
        0: (_arc(0.5, 0.5, 0.28, 0.4, 0, 360, 13),),
        1: (_line((0.3, 0.26), (0.52, 0.1), (0.52, 0.9)),),
        2: (
            _arc(0.5, 0.32, 0.27, 0.22, 200, 390),
            _line((0.75, 0.43), (0.2, 0.9), (0.82, 0.9)),
        ),
        3: (_arc(0.48, 0.3, 0.25, 0.2, 200, 450), _arc(0.48, 0.7, 0.28, 0.21, -90, 160)),
        4: (_line((0.62, 0.9), (0.62, 0.1), (0.15, 0.65), (0.85, 0.65)),),
        5: (
            _line((0.78, 0.1), (0.3, 0.1), (0.27, 0.46), (0.32, 0.46)),
            _arc(0.48, 0.66, 0.28, 0.24, -125, 150),
        ),
        6: (
            _line((0.7, 0.1), (0.46, 0.24), (0.31, 0.45), (0.27, 0.7)),
            _arc(0.5, 0.7, 0.23, 0.2, 0, 360, 13),
        ),
        7: (_line((0.18, 0.1), (0.82, 0.1), (0.42, 0.9)),),
        8: (_arc(0.5, 0.29, 0.2, 0.19, 0, 360, 13), _arc(0.5, 0.7, 0.24, 0.21, 0, 360, 13)),
        9: (_arc(0.5, 0.32, 0.23, 0.21, 0, 360, 13), _line((0.73, 0.32), (0.62, 0.9))),
    }
)


def _segments(polylines: Sequence[FloatArray]) -> FloatArray:
    """Consecutive points of every polyline as segments (S, 2 ends, 2 coordinates)."""
    return np.concatenate([np.stack([p[:-1], p[1:]], axis=1) for p in polylines])


def _ink(segments: FloatArray, thickness: FloatArray, size: int) -> FloatArray:
    """(n, size, size) ink of n images' segments (n, S, 2, 2), in pixel (x = column, y = row)."""
    seg = segments.astype(np.float32)
    t = np.arange(size, dtype=np.float32)
    px, py = np.tile(t, size), np.repeat(t, size)  # every pixel, row-major
    nearest = np.full((seg.shape[0], size * size), np.inf, dtype=np.float32)  # squared distance
    # One pass per segment (a digit has at most a few dozen), all n images and pixels at once:
    # (n, pixels) float32 temporaries stay in cache where (n, S, pixels) ones did not.
    for s in range(seg.shape[1]):
        ax, ay = seg[:, s, 0, 0, None], seg[:, s, 0, 1, None]  # the segment's start a
        bx, by = seg[:, s, 1, 0, None] - ax, seg[:, s, 1, 1, None] - ay  # its direction b − a
        length2 = np.maximum(bx * bx + by * by, np.float32(1e-12))
        dx, dy = px - ax, py - ay
        along = np.clip((dx * bx + dy * by) / length2, 0.0, 1.0)  # nearest point's place on ab
        dx -= along * bx
        dy -= along * by
        np.minimum(nearest, dx * dx + dy * dy, out=nearest)
    # full ink within half the pen width, fading to none one pixel further out (anti-aliasing)
    ink = np.clip(thickness[:, None] / 2 + 0.5 - np.sqrt(nearest), 0.0, 1.0)
    return ink.reshape(-1, size, size).astype(np.float64)


def _shapes(n: int, rng: np.random.Generator, size: int) -> FloatArray:
    """n random linear maps (n, 2, 2) from the unit box to pixels: turned, sheared, sized."""
    height = rng.uniform(*HEIGHT, n) * size
    width = height * rng.uniform(*ASPECT, n)
    turn, shear = rng.uniform(-ROTATION, ROTATION, n), rng.uniform(-SHEAR, SHEAR, n)
    cos, sin = np.cos(turn), np.sin(turn)
    # A = rotation · shear · scale, applied to points centred on the unit box's middle
    a = np.empty((n, 2, 2))
    a[:, 0, 0], a[:, 0, 1] = cos * width, (cos * shear - sin) * height
    a[:, 1, 0], a[:, 1, 1] = sin * width, (sin * shear + cos) * height
    return a


def _draw_class(label: int, n: int, rng: np.random.Generator, size: int) -> FloatArray:
    """n images of one digit, each placed, turned and sized at random: (n, size, size)."""
    unit = _segments(STROKES[label]) - 0.5  # (S, 2, 2), centred
    a = _shapes(n, rng, size)
    drawn = np.einsum("nij,sej->nsei", a, unit)  # (n, S, 2, 2) around the origin
    thickness = rng.uniform(*THICKNESS, n) * size
    # a random position that keeps the whole stroke, pen included, inside the margin; a digit
    # too large for that (small images: the pen and margin do not shrink with them) shrinks
    reach = (thickness / 2 + 0.5 + MARGIN)[:, None]
    extent = np.ptp(drawn, axis=(1, 2))  # (n, 2): the strokes' width and height
    fit = np.minimum(1.0, ((size - 1 - 2 * reach) / extent).min(axis=1))
    drawn = drawn * fit[:, None, None, None]
    lo = drawn.min(axis=(1, 2)) - reach
    room = np.maximum((size - 1) - (np.ptp(drawn, axis=(1, 2)) + 2 * reach), 0.0)
    shift = -lo + rng.uniform(0.0, 1.0, (n, 2)) * room
    return _ink(drawn + shift[:, None, None], thickness, size)


def digits(n: int, seed: int, size: int = 28) -> tuple[FloatArray, IntArray]:
    """n generated digits, (n, 1, size, size) in [0, 1], and their labels (n,), classes balanced."""
    n = validate.integer("n", n, lo=1, hi=MAX_IMAGES)
    seed = validate.integer("seed", seed, lo=0)
    size = validate.integer("size", size, lo=SIZE_RANGE[0], hi=SIZE_RANGE[1])
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % CLASSES).astype(np.int64)
    x = np.empty((n, 1, size, size))
    for label in range(CLASSES):  # one batch per class: each class has its own strokes
        where = np.flatnonzero(y == label)
        if where.size:
            x[where, 0] = _draw_class(label, where.size, rng, size)
    return x, y


def permute_pixels(images: npt.ArrayLike, seed: int) -> FloatArray:
    """Images (…, H, W) with their pixels shuffled by one permutation of H·W drawn from seed."""
    # every image and channel the same permutation, and the same seed gives it again: train and
    # test stay consistent, so a model that ignores where pixels are loses nothing
    x = np.asarray(images, dtype=np.float64)
    if x.ndim < 2 or x.size == 0:
        raise ValueError(f"images must have at least 2 axes (…, H, W), got shape {x.shape}")
    seed = validate.integer("seed", seed, lo=0)
    h, w = x.shape[-2:]
    order = np.random.default_rng(seed).permutation(h * w)
    return x.reshape(*x.shape[:-2], h * w)[..., order].reshape(x.shape)


# --- test pictures ---------------------------------------------------------------------------


def _grid(size: int) -> tuple[FloatArray, FloatArray]:
    """Pixel centres as (x, y) in [0, 1], y downwards, each (size, size)."""
    t = (np.arange(size) + 0.5) / size
    return np.meshgrid(t, t)


def _gradient(size: int) -> FloatArray:
    """Intensity rising from 0 on the left to 1 on the right."""
    x, _ = _grid(size)
    return (x - x.min()) / (x.max() - x.min())


def _checkerboard(size: int, squares: int = 4) -> FloatArray:
    """squares × squares alternating cells, 1 in the top-left."""
    x, y = _grid(size)
    return ((np.floor(x * squares) + np.floor(y * squares)) % 2 == 0).astype(np.float64)


def _house_parts(size: int) -> dict[str, npt.NDArray[np.bool_]]:
    x, y = _grid(size)
    walls = (x > 0.22) & (x < 0.78) & (y > 0.48) & (y < 0.9)
    roof = (y <= 0.48) & (y > 0.18) & (np.abs(x - 0.5) < (y - 0.18) / 0.3 * 0.34)
    door = (x > 0.43) & (x < 0.57) & (y > 0.66) & (y < 0.9)
    window = (x > 0.28) & (x < 0.39) & (y > 0.56) & (y < 0.67)
    sun = (x - 0.85) ** 2 + (y - 0.15) ** 2 < 0.08**2
    return {"walls": walls, "roof": roof, "door": door, "window": window, "sun": sun}


def _house(size: int) -> FloatArray:
    """A house: walls, roof, a dark door and a bright window on a dark background."""
    parts = _house_parts(size)
    img = np.zeros((size, size))
    for name, value in (("walls", 0.7), ("roof", 0.45), ("door", 0.15), ("window", 1.0)):
        img[parts[name]] = value
    return img


def _face(size: int) -> FloatArray:
    """A face: a bright disc with two dark eyes and a dark smile."""
    x, y = _grid(size)
    img = np.zeros((size, size))
    img[(x - 0.5) ** 2 + (y - 0.5) ** 2 < 0.4**2] = 0.8
    for ex in (0.36, 0.64):
        img[(x - ex) ** 2 + (y - 0.4) ** 2 < 0.06**2] = 0.1
    r = np.sqrt((x - 0.5) ** 2 + (y - 0.5) ** 2)
    img[(np.abs(r - 0.22) < 0.035) & (y > 0.58)] = 0.1
    return img


def _scene(size: int) -> FloatArray:
    """The house in colour: blue sky, green grass, red walls, a yellow sun. (3, size, size)."""
    _, y = _grid(size)
    parts = _house_parts(size)
    rgb = np.stack([0.35 + 0.3 * y, 0.6 + 0.25 * y, np.full_like(y, 0.95)])  # sky, paler lower
    colours = (
        (y > 0.8, (0.2, 0.6, 0.2)),
        (parts["walls"], (0.8, 0.15, 0.1)),
        (parts["roof"], (0.4, 0.2, 0.1)),
        (parts["door"], (0.3, 0.15, 0.05)),
        (parts["window"], (0.95, 0.95, 0.6)),
        (parts["sun"], (1.0, 0.85, 0.0)),
    )
    for mask, colour in colours:
        rgb[:, mask] = np.array(colour)[:, None]
    return rgb


PICTURES: Mapping[str, Callable[[int], FloatArray]] = MappingProxyType(
    {
        "gradient": _gradient,
        "checkerboard": _checkerboard,
        "house": _house,
        "face": _face,
        "scene": _scene,
    }
)
PICTURE_SIZE_RANGE = (8, 256)


def picture(name: str, size: int = 32) -> FloatArray:
    """One test picture in [0, 1]: (size, size) grayscale, or (3, size, size) for "scene"."""
    name = validate.choice("picture", name, PICTURES)
    size = validate.integer("size", size, lo=PICTURE_SIZE_RANGE[0], hi=PICTURE_SIZE_RANGE[1])
    return PICTURES[name](size)
