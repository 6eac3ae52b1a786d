"""Bad arguments to the data functions raise a ValueError that names the argument and what it allows."""

import math

import numpy as np
import pytest

from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.moving_mnist import MovingMNIST
from keras_stvideo.data.video import read_frames, read_video, resize_frames
from keras_stvideo.data.warp import elastic_displacements
from tests.data.video_files import pattern_video, write_video

MNIST = load_embedded_digits()


@pytest.mark.parametrize("kwargs, match", [
    ({"num_digits": 20}, r"num_digits must be an integer in \[1, 18\] .*got 20"),
    ({"num_digits": 19}, r"num_digits must be an integer in \[1, 18\]"),
    ({"num_digits": 0}, r"num_digits must be an integer in \[1, 18\]"),
    ({"num_digits": True}, r"num_digits must be an integer in \[1, 18\]"),
    ({"num_digits": 2.0}, r"num_digits must be an integer in \[1, 18\]"),
    ({"elastic_alpha": math.nan}, "elastic_alpha must be a finite number >= 0, got nan"),
    ({"elastic_alpha": math.inf}, "elastic_alpha must be a finite number >= 0, got inf"),
    ({"elastic_alpha": -1.0}, "elastic_alpha must be a finite number >= 0"),
    ({"elastic_alpha": "300"}, "elastic_alpha must be a finite number >= 0, got '300'"),
    ({"elastic_alpha": np.float32("nan")}, "elastic_alpha must be a finite number >= 0, got"),
    ({"elastic_sigma": math.nan}, "elastic_sigma must be a finite number > 0, got nan"),
    ({"elastic_sigma": -math.inf}, "elastic_sigma must be a finite number > 0"),
    ({"elastic_sigma": 0.0}, "elastic_sigma must be a finite number > 0"),
    ({"rotation_range": (0.0, math.inf)}, "rotation_range must be two finite numbers"),
    ({"scale_range": (math.nan, 1.0)}, "scale_range must be two finite numbers"),
])
def test_moving_mnist_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MovingMNIST(mnist=MNIST, **kwargs)


def test_the_largest_digit_count_still_labels_exactly():
    generator = MovingMNIST(num_digits=18, canvas_size=64, mnist=MNIST, seed=0)
    params = generator.sample_parameters(3, rng=np.random.default_rng(0))
    digits = params.digit_labels
    want = [int("".join(str(d) for d in row)) for row in digits]  # the digits read as one decimal number
    assert params.labels.tolist() == want


@pytest.mark.parametrize("alpha, sigma, match", [
    (math.nan, 10.0, "alpha must be a finite number >= 0, got nan"),
    (300.0, math.inf, "sigma must be a finite number > 0, got inf"),
    (300.0, math.nan, "sigma must be a finite number > 0, got nan"),
])
def test_elastic_fields_reject(alpha, sigma, match):
    with pytest.raises(ValueError, match=match):
        elastic_displacements(np.random.default_rng(0), 1, 16, alpha, sigma, 7)


@pytest.fixture(scope="module")
def small_video(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("validation") / "v.mp4", pattern_video(6, 16, 16))


BAD_SIZES = [(10.5, 10), (10, 0), (-3, 4), (True, 4), ("10", 10), (10,), (10, 10, 3), 12, "ab"]


@pytest.mark.parametrize("size", BAD_SIZES, ids=repr)
def test_sizes_must_be_two_positive_integers(small_video, size):
    for read in (lambda: read_video(small_video, size=size), lambda: read_frames(small_video, [0], size=size),
                 lambda: resize_frames(np.zeros((1, 4, 4, 3), np.uint8), size)):
        with pytest.raises(ValueError, match=r"size must be two positive integers \(height, width\), got"):
            read()


def test_numpy_integer_sizes_are_integers(small_video):
    assert read_video(small_video, size=(np.int64(8), np.int32(12))).shape == (6, 8, 12, 3)
