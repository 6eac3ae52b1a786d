"""Bad input, round two (issue 34): every class of failure a new user met, as rows.

Each row runs the real ``stvideo`` entry point (``cli.main``) and expects exit status 2, exactly one line on
stderr that names the option or the file (the fragment, formatted with the placeholders below), no traceback,
nothing on stdout, and nothing left behind under the test's folder.

Placeholders (besides those of ``tests/test_cli.py``): ``{binary}`` a file of random bytes; ``{list_json}`` the
JSON ``[]``; ``{rows_missing}`` a JSON object without rows; ``{damaged_keras}`` a ``.keras`` archive with a
corrupted member; ``{index_text_video}`` an index whose video is a text file; ``{index_dir_video}`` one whose
video is a folder; ``{empty_mnist}`` an MNIST .npz without digits; ``{unwritable}`` a path no one can create,
root included (under ``/proc``).
"""

import json
import os
import sys
import zipfile

import numpy as np
import pytest

from keras_stvideo import cli
from tests.cli_checks import assert_one_line_error

BIG = "100000000000000000000000"

ROWS = [
    # No bounds: every numeric option has one; the message names the option.
    (["moving-mnist", "--out", "{new}/x.npz", "--seed", "-1"], "--seed must be an integer in [0, 4294967295], got -1"),
    (["moving-mnist", "--out", "{new}/x.npz", "--seed", BIG], "--seed must be an integer in [0, 4294967295]"),
    (["moving-mnist", "--out", "{new}/x.npz", "--num-sequences", BIG], "--num-sequences must be at most"),
    (["moving-mnist", "--out", "{new}/x.npz", "--num-sequences", "10000000", "--sequence-length", "1000"],
     "lower --num-sequences or --sequence-length"),
    (["motion-clips", "--out", "{new}", "--fps", "0"], "--fps must be positive, got 0"),
    (["motion-clips", "--out", "{new}", "--fps", BIG], "--fps must be at most 1000"),
    (["motion-clips", "--out", "{new}", "--frame-size", BIG], "--frame-size must be at most 4096"),
    (["motion-clips", "--out", "{new}", "--frame-size", "4096", "--num-frames", "10000"],
     "lower --frame-size or --num-frames"),
    (["motion-clips", "--out", "{new}", "--frame-size", "8"], "--frame-size must be at least 16 pixels"),
    (["motion-clips", "--out", "{new}", "--num-frames", "1"], "--num-frames must be at least 2"),
    (["motion-clips", "--out", "{new}", "--motions", "left", "sideways"], "--motions: unknown motion 'sideways'"),
    (["motion-clips", "--out", "{new}", "--motions", "left", "left"], "--motions must be at least two distinct"),
    (["motion-clips", "--out", "{new}", "--clips-per-class", "2"], "--clips-per-group"),
    (["motion-clips", "--out", "{new}", "--splits", "10"], "--splits must be at most 9"),
    (["motion-clips", "--out", "{new}", "--seed", "-1"], "--seed must be an integer in [0, 4294967295]"),
    (["evaluate", "{empty_keras}", "{index}", "--num-clips", "100000000"], "--num-clips must be at most 1000"),
    (["evaluate", "{empty_keras}", "{index}", "--frame-size", BIG, "8"], "--frame-size must be at most"),
    (["reproduce", "stcsae", "--quick", "--out", "{new}", "--lstm-units", BIG], "--lstm-units must be at most 4096"),
    (["reproduce", "shan2017", "--out", "{new}", "--lstm-units", "100000"], "--lstm-units must be at most 4096"),
    (["reproduce", "shan2017", "--out", "{new}", "--seed", "-1"], "--seed must be an integer in [0, 4294967295]"),
    (["reproduce", "tesnet", "--out", "{new}", "--learning-rate", "nan"], "--learning-rate must be a finite number"),
    (["reproduce", "tesnet", "--out", "{new}", "--learning-rate", "0"], "--learning-rate must be a number in"),
    (["reproduce", "tesnet", "--out", "{new}", "--frames", BIG], "--frames must be at most"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--quick", "--seed", "-5"], "--seed must be an integer"),
    (["compare", "--out", "{new}", "--seed", "-1"], "--seed must be an integer in [0, 4294967295], got -1"),
    (["compare", "--out", "{new}", "--train-clips", "10000000", "--test-clips", "10000000"],
     "lower --train-clips or --test-clips"),
    (["export", "{empty_keras}", "{new}/saved", "--atol", "inf"], "--atol must be a finite number"),
    (["export", "{empty_keras}", "{new}/saved", "--input-shape", "a,b"], "--input-shape must be positive integers"),
    (["--debug", "moving-mnist", "--out", "{new}/x.npz", "--seed", "-1"], "--seed must be an integer"),
    (["moving-mnist", "--out", "{new}/x.npz", "--seed", "-1", "--debug"], "--seed must be an integer"),
    # Partial work: writability judged by creating a probe, before anything is generated.
    (["motion-clips", "--out", "{new}", "--preview", "{unwritable}/p.gif"], "--preview"),
    (["motion-clips", "--out", "{unwritable}/clips"], "--out"),
    (["moving-mnist", "--out", "{unwritable}/x.npz"], "--out"),
    # Late checks: input files opened and validated before any training.
    (["reproduce", "siamese-c3d", "--out", "{new}", "--quick", "--aslan", "{file}"], "--aslan {file}"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--quick", "--aslan", "{binary}"], "--aslan {binary}"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--quick", "--aslan", "{list_json}"], "--aslan {list_json}"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--ucf101", "{binary}"], "--ucf101 {binary}"),
    (["reproduce", "siamese-c3d", "--out", "{new}", "--quick", "--hmdb51", "{list_json}"], "--hmdb51 {list_json}"),
    (["compare", "--out", "{new}", "--merge", "{list_json}"], "--merge {list_json}"),
    (["compare", "--out", "{new}", "--merge", "{file}"], "--merge {file}"),
    (["compare", "--out", "{new}", "--merge", "{rows_missing}"], "'rows' missing"),
    (["compare", "--out", "{new}", "--merge", "{missing}"], "not found"),
    # Misleading messages: folders, devices, corrupt files name the option and the file.
    (["moving-mnist", "--out", "{new}/x.npz", "--mnist", "/dev/zero"], "--mnist /dev/zero is not a regular file"),
    (["moving-mnist", "--out", "{new}/x.npz", "--mnist", "{dir}"], "is a folder"),
    (["moving-mnist", "--out", "{new}/x.npz", "--mnist", "{empty_mnist}", "--num-sequences", "2"],
     "--mnist {empty_mnist}: x_train/y_train must hold (N, H, W) images of all ten digits"),
    (["evaluate", "{empty_keras}", "/dev/zero"], "index /dev/zero is not a regular file"),
    (["evaluate", "{empty_keras}", "{dir}"], "is a folder"),
    (["evaluate", "{empty_keras}", "{binary}"], "index {binary}"),
    (["evaluate", "{empty_keras}", "{list_json}"], "index {list_json}"),
    (["evaluate", "{empty_keras}", "{index_text_video}"], "cannot decode the video"),
    (["evaluate", "{empty_keras}", "{index_dir_video}"], "is missing or not a regular file"),
    (["evaluate", "{damaged_keras}", "{index}"], "model {damaged_keras} is a damaged .keras archive"),
    (["export", "{damaged_keras}", "{new}/saved"], "model {damaged_keras} is a damaged .keras archive"),
    (["reproduce", "shan2017", "--out", "{new}", "--init-model", "{damaged_keras}"], "--init-model {damaged_keras}"),
    (["reproduce", "shan2017", "--out", "{new}", "--pretrained-cnn", "{file}"], "--pretrained-cnn {file}"),
    (["reproduce", "shan2017", "--out", "{new}", "--pretrained-cnn", "{binary}"], "--pretrained-cnn {binary}"),
    (["reproduce", "tesnet", "--out", "{new}", "--backbone-weights", "{file}"], "--backbone-weights {file}"),
    (["reproduce", "stcsae", "--out", "{new}", "--root", "{root_bad_index}"], "--root"),
]


@pytest.fixture
def places(tmp_path):
    from tests.data.video_files import write_video

    (tmp_path / "existing").mkdir()
    (tmp_path / "file.txt").write_text("just text\n")
    (tmp_path / "binary.bin").write_bytes(os.urandom(512))
    (tmp_path / "list.json").write_text("[]")
    (tmp_path / "rows_missing.json").write_text(json.dumps({"settings": {}, "seconds": 1.0}))
    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as archive:
        archive.writestr("config.json", "{}")
    with zipfile.ZipFile(tmp_path / "damaged.keras", "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("config.json", json.dumps({"class_name": "Nothing"}))
        archive.writestr("model.weights.h5", b"W" * 4096)
    data = bytearray((tmp_path / "damaged.keras").read_bytes())
    where = bytes(data).index(b"W" * 4096)
    data[where + 100 : where + 110] = b"X" * 10  # a flipped stretch of the weights: the CRC no longer matches
    (tmp_path / "damaged.keras").write_bytes(bytes(data))

    def index(name, video):
        payload = {"name": "tiny", "root": str(tmp_path / "videos"), "class_names": ["a", "b"],
                   "entries": [{"path": video, "label": 0, "splits": {"split1": "test"}}]}
        (tmp_path / name).write_text(json.dumps(payload))
        return str(tmp_path / name)

    write_video(tmp_path / "videos" / "a" / "v.avi", np.zeros((2, 16, 16, 3), np.uint8))
    (tmp_path / "videos" / "a" / "text.avi").write_text("not a video\n")
    (tmp_path / "videos" / "a" / "folder.avi").mkdir()
    empty = np.zeros((0, 28, 28), np.uint8)
    np.savez(tmp_path / "empty_mnist.npz", x_train=empty, y_train=empty[:, 0, 0], x_test=empty, y_test=empty[:, 0, 0])
    (tmp_path / "kth").mkdir()
    (tmp_path / "kth" / "index.json").write_bytes(os.urandom(64))
    return {
        "new": str(tmp_path / "new"), "dir": str(tmp_path / "existing"), "file": str(tmp_path / "file.txt"),
        "missing": str(tmp_path / "missing.json"), "binary": str(tmp_path / "binary.bin"),
        "list_json": str(tmp_path / "list.json"), "rows_missing": str(tmp_path / "rows_missing.json"),
        "empty_keras": str(tmp_path / "empty.keras"), "damaged_keras": str(tmp_path / "damaged.keras"),
        "index": index("index.json", "a/v.avi"), "index_text_video": index("text_index.json", "a/text.avi"),
        "index_dir_video": index("dir_index.json", "a/folder.avi"), "root_bad_index": str(tmp_path / "kth"),
        "unwritable": "/proc/stvideo-no-such-folder", "empty_mnist": str(tmp_path / "empty_mnist.npz"),
    }


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and /dev/zero")
@pytest.mark.parametrize("arguments, fragment", ROWS, ids=[" ".join(row[0]) for row in ROWS])
def test_bad_input_is_one_line_naming_it(tmp_path, places, capsys, arguments, fragment):
    assert_one_line_error(tmp_path, capsys, [argument.format(**places) for argument in arguments],
                          fragment.format(**places))


# --- unexpected errors: one line, exit 1, the traceback with --debug; Ctrl-C exits 130 ---------------------------

@pytest.mark.parametrize("error", [AttributeError("'NoneType' object has no attribute 'shape'"), IndexError("list"),
                                   TypeError("bad operand"), MemoryError(), OverflowError("int too large"),
                                   KeyError("x"), RuntimeError("boom")])
def test_internal_errors_are_one_line_with_a_debug_hint(monkeypatch, capsys, tmp_path, error):
    from keras_stvideo.commands import export

    def fail(args):
        raise error

    monkeypatch.setattr(export, "run", fail)
    arguments = ["export", str(tmp_path / "m.keras"), str(tmp_path / "saved")]
    assert cli.main(arguments) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("stvideo export: internal error: ") and "--debug" in lines[0], lines[0]
    assert type(error).__name__ in lines[0] or "out of memory" in lines[0]
    for debug_arguments in (["--debug", *arguments], [*arguments, "--debug"]):
        assert cli.main(debug_arguments) == 1
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and err.strip().splitlines()[-1] == lines[0]


def test_tensorflow_resource_errors_are_one_line(monkeypatch, capsys, tmp_path):
    from keras_stvideo.commands import export

    ResourceExhaustedError = type("ResourceExhaustedError", (Exception,), {"__module__": "tensorflow.errors"})

    def fail(args):
        raise ResourceExhaustedError("OOM when allocating tensor with shape[100000,1000000]")

    monkeypatch.setattr(export, "run", fail)
    assert cli.main(["export", str(tmp_path / "m.keras"), str(tmp_path / "saved")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "out of memory" in err[0] and "--debug" in err[0]


def test_keyboard_interrupt_exits_130(monkeypatch, capsys, tmp_path):
    from keras_stvideo.commands import export

    def interrupt(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "run", interrupt)
    assert cli.main(["export", str(tmp_path / "m.keras"), str(tmp_path / "saved")]) == 130
    assert capsys.readouterr().err.strip() == "stvideo export: interrupted"


def test_temporary_names_never_appear():
    error = PermissionError(13, "Permission denied", "/data/.x.npz.ab_c1234.part.npz")
    assert cli.describe_error(error) == "Permission denied: /data/x.npz"
    message = cli.describe_error(ValueError("cannot write /o/.clips.k2j3h4g5.part/videos"))
    assert message == "cannot write /o/clips/videos"


def test_memory_estimate_stops_at_once_naming_the_option(monkeypatch, capsys, tmp_path):
    from keras_stvideo.commands import _common

    monkeypatch.setattr(_common, "available_memory_bytes", lambda: 2**20)
    assert cli.main(["moving-mnist", "--out", str(tmp_path / "x.npz"), "--num-sequences", "1000"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "would need about" in err[0] and "lower --num-sequences" in err[0]
    assert list(tmp_path.iterdir()) == []


def test_bounds_cover_every_numeric_option():
    """Every int/float option of every command and reproduction has a bounded type (none is plain int/float)."""
    import argparse

    def walk(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from walk(sub)
            else:
                yield action

    assert [a.option_strings for a in walk(cli.build_parser()) if a.type in (int, float)] == []


# --- the corrected rerun after a failure works -------------------------------------------------------------------

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_motion_clips_unwritable_preview_writes_nothing_and_the_rerun_works(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: True)  # as root: os.access says yes everywhere
    small = ["--clips-per-class", "2", "--clips-per-group", "1", "--splits", "1", "--frame-size", "16",
             "--num-frames", "2", "--motions", "left", "right", "--objects", "shapes"]
    out = tmp_path / "clips"
    assert cli.main(["motion-clips", "--out", str(out), "--preview", "/proc/no-such/p.gif", *small]) == 2
    assert "--preview" in capsys.readouterr().err and not out.exists()
    assert cli.main(["motion-clips", "--out", str(out), "--preview", str(tmp_path / "p.gif"), *small]) == 0
    assert (out / "index.json").is_file() and (tmp_path / "p.gif").is_file()
    # a preview inside the new dataset folder is fine too
    assert cli.main(["motion-clips", "--out", str(tmp_path / "c2"), "--preview", str(tmp_path / "c2" / "p.gif"),
                     *small]) == 0
    assert (tmp_path / "c2" / "index.json").is_file() and (tmp_path / "c2" / "p.gif").is_file()


# --- silent wrong results ------------------------------------------------------------------------------------------

def test_evaluate_refuses_an_index_of_other_classes(tmp_path, capsys):
    import keras_stvideo
    from tests.data.video_files import write_video

    model = keras_stvideo.build_fstcn(6, input_size=112, clip_length=2, fc_units=(8, 8), fusion_units=8)
    model.save(tmp_path / "fstcn.keras")
    write_video(tmp_path / "videos" / "c0" / "v.avi", np.zeros((4, 128, 128, 3), np.uint8))
    index = {"name": "ten", "root": str(tmp_path / "videos"), "class_names": [f"c{i}" for i in range(10)],
             "entries": [{"path": "c0/v.avi", "label": 0, "splits": {"split1": "test"}}]}
    (tmp_path / "index.json").write_text(json.dumps(index))
    assert cli.main(["evaluate", str(tmp_path / "fstcn.keras"), str(tmp_path / "index.json")]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "predicts 6 classes but the index" in lines[0] and "has 10" in lines[0], lines
    assert "%" not in captured.out
