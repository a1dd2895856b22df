import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.images import CLASSES, PICTURES, STROKES, digits, permute_pixels, picture

HYPOTHESIS = settings(max_examples=25, deadline=None, database=None)


def nearest_class_mean_accuracy(train, test):
    """Accuracy on test of the classifier that picks the class whose mean image is nearest."""
    (x, y), (xt, yt) = train, test
    means = np.stack([x[y == c].reshape(np.sum(y == c), -1).mean(axis=0) for c in range(CLASSES)])
    dist = ((xt.reshape(len(xt), 1, -1) - means[None]) ** 2).sum(axis=2)
    return float(np.mean(dist.argmin(axis=1) == yt))


# --- digits ----------------------------------------------------------------------------------


def test_digits_are_the_same_for_the_same_seed():
    x1, y1 = digits(200, seed=3)
    x2, y2 = digits(200, seed=3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)


def test_digits_differ_for_another_seed():
    x1, _ = digits(50, seed=3)
    x2, _ = digits(50, seed=4)
    assert not np.array_equal(x1, x2)


@HYPOTHESIS
@given(n=st.integers(1, 60), size=st.sampled_from([12, 16, 28]), seed=st.integers(0, 2**32 - 1))
def test_digits_shapes_dtypes_and_range(n, size, seed):
    x, y = digits(n, seed, size)
    assert x.shape == (n, 1, size, size)
    assert x.dtype == np.float64
    assert y.shape == (n,)
    assert y.dtype == np.int64
    assert x.min() >= 0.0
    assert x.max() <= 1.0
    assert set(y.tolist()) <= set(range(CLASSES))


@HYPOTHESIS
@given(n=st.integers(1, 60), size=st.sampled_from([12, 16, 28]), seed=st.integers(0, 2**32 - 1))
def test_digits_keep_clear_of_the_border_and_every_image_has_ink(n, size, seed):
    x, _ = digits(n, seed, size)
    edges = np.concatenate([x[:, 0, 0], x[:, 0, -1], x[:, 0, :, 0], x[:, 0, :, -1]], axis=1)
    assert np.all(edges == 0.0)
    assert np.all(x.max(axis=(1, 2, 3)) > 0.5)


@pytest.mark.parametrize("n", [1, 7, 10, 2000, 2003])
def test_digits_classes_are_as_balanced_as_n_allows(n):
    _, y = digits(n, seed=0)
    counts = np.bincount(y, minlength=CLASSES)
    assert counts.sum() == n
    assert counts.max() - counts.min() <= 1


def test_digits_come_in_shuffled_order():
    _, y = digits(100, seed=0)
    assert not np.array_equal(y, np.sort(y))
    assert not np.array_equal(y, np.arange(100) % CLASSES)


def test_digits_of_one_class_vary_in_position_size_and_stroke():
    x, y = digits(200, seed=1)
    ones = x[y == 1, 0]
    assert len({img.tobytes() for img in ones}) == len(ones)
    ink_centre = [np.argwhere(img > 0.5).mean(axis=0) for img in ones]
    assert np.ptp(np.array(ink_centre), axis=0).min() > 4.0  # pixels: they move around


@pytest.mark.parametrize(("size", "floor"), [(16, 0.6), (28, 0.45)])
def test_digits_are_distinguishable_a_nearest_class_mean_beats_chance_fourfold(size, floor):
    # chance is 0.1; the class means blur (random positions), yet they separate the classes
    accuracy = nearest_class_mean_accuracy(digits(2000, 0, size), digits(1000, 1, size))
    assert accuracy > floor


def test_digit_strokes_lie_in_the_unit_box():
    points = np.concatenate([p for strokes in STROKES.values() for p in strokes])
    assert sorted(STROKES) == list(range(CLASSES))
    assert points.min() >= 0.0
    assert points.max() <= 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0, "seed": 0}, r"n must be in \[1, 20000\], got 0"),
        ({"n": 5, "seed": -1}, r"seed must be in \[0, inf\), got -1"),
        ({"n": 5, "seed": 0, "size": 8}, r"size must be in \[12, 64\], got 8"),
        ({"n": 5, "seed": 0, "size": 28.0}, "size must be an integer, got 28.0"),
    ],
)
def test_digits_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        digits(**kwargs)


# --- the permutation experiment's input --------------------------------------------------------


def test_permute_pixels_applies_one_permutation_to_every_image():
    x, _ = digits(40, seed=2, size=16)
    together = permute_pixels(x, seed=9)
    apart = np.concatenate([permute_pixels(x[:25], seed=9), permute_pixels(x[25:], seed=9)])
    np.testing.assert_array_equal(together, apart)  # train and test split alike


def test_permute_pixels_keeps_each_image_s_values_and_moves_them():
    x, _ = digits(10, seed=2, size=16)
    shuffled = permute_pixels(x, seed=9)
    np.testing.assert_array_equal(np.sort(shuffled.reshape(10, -1)), np.sort(x.reshape(10, -1)))
    assert not np.array_equal(shuffled, x)


def test_permute_pixels_leaves_a_nearest_class_mean_s_accuracy_unchanged():
    # it never uses where a pixel is, as an MLP does not: the same permutation everywhere is
    # a relabelling of its inputs, and its accuracy is the same to the last digit
    train, test = digits(1000, 0, 16), digits(500, 1, 16)
    plain = nearest_class_mean_accuracy(train, test)
    moved = ((permute_pixels(train[0], 3), train[1]), (permute_pixels(test[0], 3), test[1]))
    assert nearest_class_mean_accuracy(*moved) == plain


def test_permute_pixels_rejects_a_one_dimensional_array():
    with pytest.raises(ValueError, match=r"images must have at least 2 axes"):
        permute_pixels(np.zeros(5), seed=0)


# --- pictures --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PICTURES))
def test_pictures_lie_in_the_unit_range_with_the_size_asked(name):
    img = picture(name, 40)
    assert img.shape == ((3, 40, 40) if name == "scene" else (40, 40))
    assert img.min() >= 0.0
    assert img.max() <= 1.0
    assert len(np.unique(img)) > 1


def test_picture_gradient_rises_left_to_right_and_is_constant_down_columns():
    img = picture("gradient", 16)
    assert np.all(np.diff(img, axis=1) > 0)
    assert np.all(img == img[0])
    assert (img[0, 0], img[0, -1]) == (0.0, 1.0)


def test_picture_checkerboard_alternates_squares_of_equal_area():
    img = picture("checkerboard", 32)
    assert img.mean() == 0.5
    assert (img[0, 0], img[0, 8], img[8, 0], img[8, 8]) == (1.0, 0.0, 0.0, 1.0)


def test_picture_house_and_face_have_parts_of_distinct_brightness():
    assert len(np.unique(picture("house", 32))) >= 4  # background, walls, roof, door, window
    assert len(np.unique(picture("face", 32))) == 3  # background, skin, eyes and mouth


def test_picture_scene_channels_differ_it_is_a_colour_image():
    r, g, b = picture("scene", 32)
    assert not np.array_equal(r, g)
    assert not np.array_equal(g, b)


def test_picture_rejects_an_unknown_name_listing_the_choices():
    with pytest.raises(ValueError, match="unknown picture 'cat'; choose one of: gradient"):
        picture("cat")
