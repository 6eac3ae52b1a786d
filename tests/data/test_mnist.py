import numpy as np
import pytest

from keras_stvideo.data import mnist
from keras_stvideo.data.mnist import load_embedded_digits, load_mnist, load_npz


def test_embedded_digits_are_real_mnist_test_digits():
    (x_a, y_a), (x_b, y_b) = load_embedded_digits()
    x = np.concatenate([x_a, x_b])
    y = np.concatenate([y_a, y_b])
    assert x.shape == (10000, 28, 28) and x.dtype == np.uint8
    # Official MNIST test-set label counts (LeCun et al.).
    expected = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert np.bincount(y, minlength=10).tolist() == expected


def test_embedded_digits_match_shared_copy(shared_mnist_path):
    with np.load(shared_mnist_path) as data:
        x_test, y_test = data["x_test"], data["y_test"]
    (x_a, y_a), (x_b, y_b) = load_embedded_digits()
    np.testing.assert_array_equal(np.concatenate([x_a, x_b]), x_test)
    np.testing.assert_array_equal(np.concatenate([y_a, y_b]), y_test)


def test_embedded_halves_share_no_image():
    (x_a, _), (x_b, _) = load_embedded_digits()
    hashes_a = {image.tobytes() for image in x_a}
    assert not any(image.tobytes() in hashes_a for image in x_b)


def test_offline_fallback_warns(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv(mnist.ENV_VARIABLE, raising=False)
    monkeypatch.setattr(mnist, "KERAS_CACHE", tmp_path / "absent.npz")
    with caplog.at_level("WARNING"):
        (x_train, _), (x_test, _) = load_mnist(allow_download=False)
    assert len(x_train) == 5000 and len(x_test) == 5000
    assert "embedded" in caplog.text and "fetch_mnist" in caplog.text


def test_load_from_path_and_env(monkeypatch, tmp_path):
    path = tmp_path / "mnist.npz"
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 255, (7, 28, 28), dtype=np.uint8),
        "y_train": np.arange(7, dtype=np.uint8),
        "x_test": rng.integers(0, 255, (3, 28, 28), dtype=np.uint8),
        "y_test": np.arange(3, dtype=np.uint8),
    }
    np.savez(path, **arrays)
    (x_train, y_train), (x_test, _) = load_mnist(path)
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    monkeypatch.setenv(mnist.ENV_VARIABLE, str(path))
    (_, _), (x_test_env, _) = load_mnist()
    np.testing.assert_array_equal(x_test_env, arrays["x_test"])


def test_bad_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load_npz(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    np.savez(bad, x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="y_train"):
        load_npz(bad)
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, x_train=np.zeros((2, 32, 32), np.uint8), y_train=np.zeros(2),
             x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2))
    with pytest.raises(ValueError, match=r"\(N, 28, 28\).*\(2, 32, 32\)"):
        load_npz(wrong)
