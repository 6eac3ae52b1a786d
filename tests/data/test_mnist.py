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
    monkeypatch.setattr(mnist, "_announced", set())
    monkeypatch.delenv(mnist.ENV_VARIABLE, raising=False)
    monkeypatch.setattr(mnist, "KERAS_CACHE", tmp_path / "absent.npz")
    with caplog.at_level("WARNING"):
        (x_train, _), (x_test, _) = load_mnist(allow_download=False)
    assert len(x_train) == 5000 and len(x_test) == 5000
    assert "embedded" in caplog.text and "stvideo data fetch mnist" in caplog.text


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


class _Server:
    """A loopback HTTP server that serves ``body`` (or 404 when None) and counts requests."""

    def __init__(self, body):
        import http.server
        import threading

        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                if server.body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.body, self.requests = body, 0
        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/mnist.npz"


@pytest.fixture
def no_local_mnist(monkeypatch, tmp_path):
    monkeypatch.delenv(mnist.ENV_VARIABLE, raising=False)
    monkeypatch.delenv(mnist.OFFLINE_VARIABLE, raising=False)
    monkeypatch.setattr(mnist, "KERAS_CACHE", tmp_path / "cache" / "mnist.npz")
    monkeypatch.setattr(mnist, "_download_failure", None)
    monkeypatch.setattr(mnist, "_announced", set())
    return tmp_path


def test_download_is_tried_once_per_process(no_local_mnist, monkeypatch, caplog):
    server = _Server(None)
    try:
        monkeypatch.setattr(mnist, "URL", server.url)
        with caplog.at_level("INFO", logger="keras_stvideo"):
            for _ in range(3):
                (x_train, _), _ = load_mnist()
                assert len(x_train) == 5000
    finally:
        server.httpd.shutdown()
    assert server.requests == 1
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and lines[0].startswith("MNIST: using the 10,000 test digits embedded")  # said once
    assert "download failed" in lines[0] and "404" in lines[0]
    assert not list((no_local_mnist / "cache").glob("mnist.npz*"))  # no partial file under the final name


def test_download_goes_to_the_cache_and_is_used_next_time(no_local_mnist, monkeypatch, caplog):
    source = no_local_mnist / "served.npz"
    rng = np.random.default_rng(0)
    np.savez(source, x_train=rng.integers(0, 255, (6, 28, 28), dtype=np.uint8), y_train=np.arange(6, dtype=np.uint8),
             x_test=rng.integers(0, 255, (2, 28, 28), dtype=np.uint8), y_test=np.arange(2, dtype=np.uint8))
    import hashlib

    server = _Server(source.read_bytes())
    try:
        monkeypatch.setattr(mnist, "URL", server.url)
        monkeypatch.setattr(mnist, "SHA256", hashlib.sha256(source.read_bytes()).hexdigest())
        with caplog.at_level("INFO", logger="keras_stvideo"):
            (x_train, _), _ = load_mnist()
            (x_again, _), _ = load_mnist()
    finally:
        server.httpd.shutdown()
    assert server.requests == 1 and len(x_train) == 6
    np.testing.assert_array_equal(x_train, x_again)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("MNIST: downloaded to") and lines[1].startswith(f"MNIST: {mnist.KERAS_CACHE}")


def test_offline_variable_skips_the_network(no_local_mnist, monkeypatch, caplog):
    monkeypatch.setenv(mnist.OFFLINE_VARIABLE, "1")
    monkeypatch.setattr(mnist, "URL", "http://127.0.0.1:9/unreachable")
    with caplog.at_level("INFO", logger="keras_stvideo"):
        load_mnist()
    assert len(caplog.records) == 1 and mnist.OFFLINE_VARIABLE in caplog.records[0].getMessage()


def test_non_npz_file_is_named(tmp_path):
    text = tmp_path / "digits.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="digits.npz is not an MNIST .npz file"):
        load_npz(text)
    single = tmp_path / "one.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match="one.npy is not an MNIST .npz file.*one array"):
        load_npz(single)
