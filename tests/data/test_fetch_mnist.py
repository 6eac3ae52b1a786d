import hashlib
import importlib.util
import pathlib

import numpy as np
import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "data_scripts" / "fetch_mnist.py"
spec = importlib.util.spec_from_file_location("fetch_mnist", SCRIPT)
fetch_mnist = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fetch_mnist)


def _fake_mnist(path):
    np.savez(path, x_train=np.zeros((2, 28, 28), np.uint8), y_train=np.zeros(2, np.uint8),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.zeros(1, np.uint8))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_install_verifies_checksum_and_is_atomic(tmp_path):
    source = tmp_path / "src.npz"
    digest = _fake_mnist(source)
    dest = tmp_path / "cache" / "mnist.npz"
    with pytest.raises(ValueError, match="checksum mismatch.*expected sha256 0+"):
        fetch_mnist.install(dest, source, sha256="0" * 64)
    assert not dest.parent.exists() or not list(dest.parent.iterdir())  # nothing half-written
    fetch_mnist.install(dest, source, sha256=digest)
    assert fetch_mnist.sha256_of(dest) == digest
    assert [p.name for p in dest.parent.iterdir()] == ["mnist.npz"]


def test_install_rejects_wrong_layout(tmp_path):
    source = tmp_path / "bad.npz"
    np.savez(source, images=np.zeros(3))
    with pytest.raises(ValueError, match="x_train"):
        fetch_mnist.install(tmp_path / "out.npz", source, sha256="")
    assert not (tmp_path / "out.npz").exists()

