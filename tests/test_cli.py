"""Every ``stvideo`` command with bad options and unusable paths: exit status 2, one line on stderr, no file written.

The table is driven by rows; a new command or reproduction is covered by adding
rows (``test_every_command_and_reproduction_has_rows`` fails until it has some).
Placeholders in a row's arguments:

- ``{new}``: a path that does not exist yet, in a fresh folder;
- ``{dir}``: an existing folder; ``{file}``: an existing text file;
- ``{under_file}``: a path below a regular file, which no one (root included) can create;
- ``{missing}``: a missing file; ``{text_keras}``: a text file named ``.keras``;
- ``{truncated_keras}``: the first half of a ``.keras`` archive;
- ``{empty_keras}``: a ZIP that holds ``config.json`` but no model (the archive checks pass, loading fails);
- ``{index}``: a valid one-video dataset index (split ``split1``).
"""

import json
import os
import subprocess
import sys
import zipfile

import pytest

from keras_stvideo import cli
from keras_stvideo.reproductions import REPRODUCTIONS
from tests.cli_checks import assert_one_line_error

ROWS = [
    # (arguments, fragment of the error line)
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
    # moving-mnist
    (["moving-mnist"], "the following arguments are required: --out"),
    (["moving-mnist", "--out", "{new}/x.npz", "--num-sequences", "0"], "--num-sequences must be positive, got 0"),
    (["moving-mnist", "--out", "{new}/x.npz", "--sequence-length", "0"], "--sequence-length must be positive"),
    (["moving-mnist", "--out", "{new}/x.npz", "--num-sequences", "two"], "invalid int value: 'two'"),
    (["moving-mnist", "--out", "{new}/x.npz", "--variant", "blurry"], "invalid choice: 'blurry'"),
    (["moving-mnist", "--out", "{under_file}/x.npz"], "file.txt is a file, not a folder"),
    (["moving-mnist", "--out", "{dir}"], "is an existing folder"),
    (["moving-mnist", "--out", "{new}/x.npz", "--preview", "{under_file}/p.gif"], "--preview"),
    (["moving-mnist", "--out", "{new}/x.npz", "--preview", "{new}/p.png"], "--preview must end in .gif or .mp4"),
    (["moving-mnist", "--out", "{new}/x.npz", "--preview", "{dir}/p.gif", "--mnist", "{missing}"], "not found"),
    (["moving-mnist", "--out", "{new}/x.npz", "--mnist", "{file}"], "is not an MNIST .npz file"),
    (["moving-mnist", "--out", "{new}/x.gif", "--preview", "{new}/x.gif"], "--preview and --out must differ"),
    # motion-clips
    (["motion-clips"], "the following arguments are required: --out"),
    (["motion-clips", "--out", "{dir}"], "--out must not exist yet"),
    (["motion-clips", "--out", "{under_file}/clips"], "file.txt"),
    (["motion-clips", "--out", "{new}", "--preview", "{new}.png"], "--preview must end in .gif or .mp4"),
    (["motion-clips", "--out", "{new}", "--preview", "{under_file}/p.gif"], "file.txt"),
    (["motion-clips", "--out", "{new}", "--clips-per-class", "0"], "--clips-per-class must be positive"),
    (["motion-clips", "--out", "{new}", "--frame-size", "8", "8", "8"], "--frame-size takes one or two integers"),
    (["motion-clips", "--out", "{new}", "--codec", "h264"], "invalid choice: 'h264'"),
    (["motion-clips", "--out", "{new}", "--num-frames", "0"], "--num-frames must be positive, got 0"),
    # reproduce
    (["reproduce"], "the following arguments are required: PAPER"),
    (["reproduce", "nobody2099"], "invalid choice: 'nobody2099'"),
    (["reproduce", "shan2017", "--out", "{under_file}/results"], "--out"),
    (["reproduce", "shan2017", "--out", "{file}"], "is a file; expected a folder"),
    (["reproduce", "shan2017", "--out", "{new}", "--mnist", "{missing}"], "--mnist MNIST .npz file not found"),
    (["reproduce", "shan2017", "--out", "{new}", "--init-model", "{text_keras}"], "not a valid .keras archive"),
    (["reproduce", "shan2017", "--out", "{new}", "--backup-dir", "{file}"], "--backup-dir"),
    (["reproduce", "shan2017", "--out", "{new}", "--models", "vgg"], "invalid choice: 'vgg'"),
    (["reproduce", "stcsae", "--out", "{new}"], "needs --root DIR"),
    (["reproduce", "stcsae", "--out", "{new}", "--quick", "--ae-epochs", "0"], "--ae-epochs must be positive, got 0"),
    (["reproduce", "stcsae", "--out", "{new}", "--root", "{missing}"], "no KTH index at"),
    (["reproduce", "shan2017", "--out", "{new}", "--epochs", "0"], "--epochs must be positive, got 0"),
    (["reproduce", "shan2017", "--out", "{new}", "--devices", "0"], "--devices must be a positive number"),
    (["reproduce", "siamese-c3d", "--out", "{new}"], "give --ucf101 INDEX"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--epochs", "0"], "--epochs must be positive, got 0"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--ucf101", "{missing}"], "--ucf101 dataset index not found"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--quick", "--aslan", "{missing}"], "ASLAN pairs file not found"),
    (["reproduce", "siamese-c3d", "--out", "{file}", "--quick"], "is a file; expected a folder"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--transform-on", "all"], "invalid choice: 'all'"),
    (["reproduce", "tesnet", "--out", "{new}", "--epochs", "0"], "--epochs must be positive, got 0"),
    (["reproduce", "tesnet", "--out", "{new}", "--root", "{dir}"], "index.json not found"),
    (["reproduce", "tesnet", "--out", "{new}", "--setting", "9"], "invalid choice: 9"),
    (["reproduce", "fstcn", "--out", "{new}", "--seed", "-1"], "--seed must be an integer in [0, 4294967295]"),
    (["reproduce", "fstcn", "--out", "{new}", "--index", "{missing}"], "--index dataset index not found"),
    (["reproduce", "fstcn", "--out", "{new}", "--index", "{file}"], "--index"),
    # compare
    (["compare", "--out", "{under_file}/cmp"], "file.txt is a file, not a folder"),
    (["compare", "--out", "{file}"], "is a file; expected a folder"),
    (["compare", "--out", "{new}", "--epochs", "0"], "--epochs must be positive, got 0"),
    (["compare", "--out", "{new}", "--train-clips", "-3"], "--train-clips must be positive, got -3"),
    (["compare", "--out", "{new}", "--quick", "--smoke"], "--quick and --smoke exclude each other"),
    (["compare", "--out", "{new}", "--methods", "vgg"], "invalid choice: 'vgg'"),
    (["compare", "--out", "{new}", "--seeds", "0", "0"], "--seeds must be distinct, got [0, 0]"),
    (["compare", "--out", "{new}", "--seeds", "1", "-2"], "--seeds must be an integer in [0, 4294967295], got -2"),
    (["compare", "--out", "{new}", "--seed", "1", "--seeds", "2", "3"], "--seed and --seeds exclude each other"),
    # claims, data
    (["claims", "--out", "{new}", "--seeds", "0", "0"], "--seeds must be distinct"),
    (["claims", "--out", "{new}", "--seeds", "-1"], "--seeds must be an integer in [0, 4294967295], got -1"),
    (["data", "fetch", "nonesuch"], "invalid choice: 'nonesuch'"),
    # export
    (["export"], "the following arguments are required: model, out_dir"),
    (["export", "{missing}", "{new}/saved"], "not found"),
    (["export", "{text_keras}", "{new}/saved"], "is not a valid .keras archive"),
    (["export", "{truncated_keras}", "{new}/saved"], "is not a valid .keras archive"),
    (["export", "{file}", "{new}/saved"], "expected a .keras model file"),
    (["export", "{empty_keras}", "{dir}"], "already exists"),
    (["export", "{empty_keras}", "{under_file}/saved"], "file.txt is a file, not a folder"),
    (["export", "{empty_keras}", "{new}/saved", "--atol", "0"], "atol must be positive"),
    (["export", "{empty_keras}", "{new}/saved"], "cannot load this .keras file"),
    # evaluate
    (["evaluate", "{text_keras}", "{index}"], "is not a valid .keras archive"),
    (["evaluate", "{truncated_keras}", "{index}"], "is not a valid .keras archive"),
    (["evaluate", "{empty_keras}", "{missing}"], "dataset index not found"),
    (["evaluate", "{empty_keras}", "{file}"], "is not a keras_stvideo dataset index"),
    (["evaluate", "{empty_keras}", "{index}", "--num-clips", "0"], "--num-clips must be positive"),
    (["evaluate", "{empty_keras}", "{index}", "--frame-size", "0", "8"], "--frame-size must be positive, got 0"),
    (["evaluate", "{empty_keras}", "{index}", "--split", "split9"], "unknown split 'split9'"),
    (["evaluate", "{empty_keras}", "{index}"], "cannot load this .keras file"),
]


@pytest.fixture
def places(tmp_path):
    (tmp_path / "existing").mkdir()
    (tmp_path / "file.txt").write_text("just text\n")
    (tmp_path / "text.keras").write_text("not a model\n")
    with zipfile.ZipFile(tmp_path / "whole.keras", "w") as archive:
        archive.writestr("config.json", json.dumps({"class_name": "Nothing", "config": {}}))
        archive.writestr("metadata.json", "{}")
        archive.writestr("model.weights.h5", os.urandom(4096))
    data = (tmp_path / "whole.keras").read_bytes()
    (tmp_path / "truncated.keras").write_bytes(data[: len(data) // 2])
    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as archive:
        archive.writestr("config.json", "{}")
    (tmp_path / "whole.keras").unlink()
    index = {"name": "tiny", "root": str(tmp_path / "videos"), "class_names": ["a"],
             "entries": [{"path": "a/v.avi", "label": 0, "splits": {"split1": "test"}}]}
    (tmp_path / "index.json").write_text(json.dumps(index))
    import numpy as np

    from tests.data.video_files import write_video

    (tmp_path / "videos" / "a").mkdir(parents=True)
    write_video(tmp_path / "videos" / "a" / "v.avi", np.zeros((2, 16, 16, 3), np.uint8))
    return {
        "new": str(tmp_path / "new"), "dir": str(tmp_path / "existing"), "file": str(tmp_path / "file.txt"),
        "under_file": str(tmp_path / "file.txt" / "sub"), "missing": str(tmp_path / "missing.keras"),
        "text_keras": str(tmp_path / "text.keras"), "truncated_keras": str(tmp_path / "truncated.keras"),
        "empty_keras": str(tmp_path / "empty.keras"), "index": str(tmp_path / "index.json"),
    }


@pytest.mark.parametrize("arguments, fragment", ROWS, ids=[" ".join(row[0]) or "(none)" for row in ROWS])
def test_bad_arguments_fail_with_one_line_and_no_file(tmp_path, places, capsys, arguments, fragment):
    assert_one_line_error(tmp_path, capsys, [argument.format(**places) for argument in arguments], fragment)


def _command_names():
    parser = cli.build_parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    return set(commands.choices)


def test_every_command_and_reproduction_has_rows():
    covered = {row[0][0] for row in ROWS if row[0]}
    assert _command_names() <= covered, f"add ROWS for {sorted(_command_names() - covered)}"
    reproductions = {row[0][1] for row in ROWS if len(row[0]) > 1 and row[0][0] == "reproduce"}
    assert set(REPRODUCTIONS) <= reproductions, f"add ROWS for reproduce {sorted(set(REPRODUCTIONS) - reproductions)}"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert cli.main(["moving-mnist", "--out", str(locked / "x.npz")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "cannot write in" in err[0] and str(locked) in err[0]
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_os_errors_become_one_line_naming_the_path():
    error = PermissionError(13, "Permission denied", "/data/out.npz")
    assert cli.describe_error(error) == "Permission denied: /data/out.npz"
    assert cli.describe_error(ValueError("two\n  lines")) == "two lines"


FRESH = """
import sys
from keras_stvideo import cli
statuses = [cli.main(arguments) for arguments in {cases!r}]
print(statuses, sorted(m for m in ("tensorflow", "keras", "jax", "torch") if m in sys.modules))
"""


def test_help_and_argument_errors_do_not_import_tensorflow(tmp_path):
    (tmp_path / "text.keras").write_text("not a model")
    cases = [["--help"], ["reproduce", "shan2017", "--help"], ["moving-mnist", "--help"], ["export", "--help"],
             ["evaluate", "--help"], ["compare", "--help"], ["motion-clips", "--help"],
             ["moving-mnist", "--out", str(tmp_path / "x.npz"), "--num-sequences", "0"],
             ["export", str(tmp_path / "text.keras"), str(tmp_path / "saved")], ["reproduce", "nobody"]]
    env = dict(os.environ, PYTHONPATH=os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("KERAS_BACKEND", None)
    result = subprocess.run([sys.executable, "-c", FRESH.format(cases=cases)], capture_output=True, text=True,
                            timeout=120, env=env, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[0, 0, 0, 0, 0, 0, 0, 2, 2, 2] []"
    assert "I0000" not in result.stderr and "oneDNN" not in result.stderr


def test_moving_mnist_elastic_preview_reads_back_and_one_mnist_line(tmp_path, capsys, monkeypatch):
    import imageio.v3 as iio
    import numpy as np

    from keras_stvideo.data import mnist

    monkeypatch.delenv(mnist.ENV_VARIABLE, raising=False)
    monkeypatch.setattr(mnist, "KERAS_CACHE", tmp_path / "no_cache" / "mnist.npz")
    monkeypatch.setenv(mnist.OFFLINE_VARIABLE, "1")
    monkeypatch.setattr(mnist, "_announced", set())
    out, preview = tmp_path / "elastic.npz", tmp_path / "elastic.gif"
    # Seed 2 with 16 sequences wrote a GIF that mixed "L" and "P" frames: imread failed (No packer found from P to L).
    assert cli.main(["moving-mnist", "--variant", "elastic", "--num-sequences", "16", "--seed", "2",
                     "--out", str(out), "--preview", str(preview)]) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "MNIST" in line and "moving-mnist" not in line] == [
        line for line in err.splitlines() if line.startswith("MNIST: using the 10,000 test digits embedded")]
    assert err.count("MNIST: ") == 1 and "Downloading data from" not in err
    frames = iio.imread(preview)
    assert frames.shape == (5, 256, 256) and frames.dtype == np.uint8
    with np.load(out) as data:
        x = data["x"]
    from keras_stvideo.data.preview import tile_sequences

    np.testing.assert_array_equal(frames, tile_sequences(x[:16])[..., 0])  # a grey GIF reads back exactly
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elastic.gif", "elastic.npz"]
