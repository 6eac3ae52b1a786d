"""Path checks: each names the option and the path, creates nothing, and works as root."""

import os
import zipfile

import pytest

from keras_stvideo.utils.paths import (
    PathError,
    check_input_file,
    check_keras_archive,
    check_output_file,
    check_output_folder,
)


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_output_file(tmp_path):
    (tmp_path / "plain.txt").write_text("x")
    assert check_output_file(tmp_path / "a" / "b" / "c.npz", "--out") == tmp_path / "a" / "b" / "c.npz"
    assert check_output_file(tmp_path / "plain.txt", "--out").name == "plain.txt"  # replaced later, atomically
    with pytest.raises(PathError, match=r"--out .*plain.txt/sub/c.npz: .*plain.txt is a file, not a folder"):
        check_output_file(tmp_path / "plain.txt" / "sub" / "c.npz", "--out")
    with pytest.raises(PathError, match="--out .* is an existing folder; expected a file path"):
        check_output_file(tmp_path, "--out")
    with pytest.raises(PathError, match=r"--preview must end in .gif or .mp4, got '.*x.png'"):
        check_output_file(tmp_path / "x.png", "--preview", suffixes=(".gif", ".mp4"))
    assert _listing(tmp_path) == ["plain.txt"]  # nothing created, no probe file left


def test_output_folder(tmp_path):
    (tmp_path / "plain.txt").write_text("x")
    (tmp_path / "old").mkdir()
    assert check_output_folder(tmp_path / "new" / "deeper", "--out").name == "deeper"
    assert check_output_folder(tmp_path / "old", "--out").name == "old"
    with pytest.raises(PathError, match="--out .*old already exists; choose a new folder"):
        check_output_folder(tmp_path / "old", "--out", must_not_exist=True)
    with pytest.raises(PathError, match="--out .*plain.txt is a file; expected a folder"):
        check_output_folder(tmp_path / "plain.txt", "--out")
    with pytest.raises(PathError, match="plain.txt is a file, not a folder"):
        check_output_folder(tmp_path / "plain.txt" / "x", "--out")
    assert _listing(tmp_path) == ["old", "plain.txt"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(PathError, match="cannot write in .*locked"):
            check_output_file(locked / "x.npz", "--out")
        with pytest.raises(PathError, match="cannot write in .*locked"):
            check_output_folder(locked / "sub", "--out")
    finally:
        locked.chmod(0o755)


def test_input_and_keras_archive(tmp_path):
    with pytest.raises(FileNotFoundError, match="--mnist MNIST file not found: .*nope.npz"):
        check_input_file(tmp_path / "nope.npz", "--mnist", what="MNIST file")
    with pytest.raises(PathError, match="is a folder; expected a file"):
        check_input_file(tmp_path, "index")
    text = tmp_path / "model.keras"
    text.write_text("hello")
    with pytest.raises(PathError, match="model.keras is not a valid .keras archive"):
        check_keras_archive(text, "model")
    whole = tmp_path / "whole.keras"
    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", b"\0" * 5000)
    assert check_keras_archive(whole, "model") == whole
    cut = tmp_path / "cut.keras"
    cut.write_bytes(whole.read_bytes()[:2000])
    with pytest.raises(PathError, match="cut.keras is not a valid .keras archive"):
        check_keras_archive(cut, "model")
    no_config = tmp_path / "weights.keras"
    with zipfile.ZipFile(no_config, "w") as archive:
        archive.writestr("model.weights.h5", b"\0")
    with pytest.raises(PathError, match="weights.keras is not a valid .keras archive"):
        check_keras_archive(no_config, "model")
    with pytest.raises(PathError, match="expected a .keras model file, got '.*model.h5'"):
        (tmp_path / "model.h5").write_bytes(b"\0")
        check_keras_archive(tmp_path / "model.h5", "model")


def test_load_model_names_a_file_that_is_not_an_archive(tmp_path):
    from keras_stvideo import load_model

    fake = tmp_path / "model.keras"
    fake.write_text("not a zip")
    with pytest.raises(ValueError, match="model.keras is not a valid .keras archive"):
        load_model(fake)
