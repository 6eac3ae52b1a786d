"""The KTH path of ``stvideo reproduce stcsae`` on a tiny fake KTH tree: both protocols, then a resumed rerun."""

import json
import shutil

import pytest

from keras_stvideo.data.datasets import kth
from keras_stvideo.reproductions.stcsae import experiment
from keras_stvideo.reproductions.stcsae.settings import STCSAESettings
from tests.data.video_files import pattern_video, write_video

SETTINGS = STCSAESettings(frame_size=(24, 32), frame_stride=1, sequence_length=6, train_windows_per_video=1,
                          test_windows_per_video=2, patch_shape=(3, 6, 6, 1), code_units=128, patches_per_clip=4,
                          ae_epochs=1, ae_batch_size=16, lstm_units=4, lstm_epochs=1, lstm_batch_size=8,
                          motion_threshold=0.0)


def make_kth(root):
    video = write_video(root / "source.avi", pattern_video(16, 48, 64))
    lines = []
    for person in (2, 11):  # a test person and a training person
        for action in ("boxing", "walking"):
            for scenario in kth.SCENARIOS:
                name = f"person{person:02d}_{action}_{scenario}"
                (root / action).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(video, root / action / f"{name}_uncomp.avi")
                lines.append(f"{name}\t\tframes\t1-8, 9-16")
    (root / "00sequences.txt").write_text("\n".join(lines) + "\n")
    video.unlink()
    kth.build_index(root, root / "00sequences.txt").save(root / "index.json")
    return root


@pytest.mark.slow
def test_kth_protocols_run_and_resume(tmp_path, capsys):
    root = make_kth(tmp_path / "kth")
    out = tmp_path / "out"
    results = experiment.run_kth(root, SETTINGS, out=out)
    assert set(results) == {"kth1", "kth2"}
    assert results["kth1"]["test_videos"] == 2 * 4 * 2  # person 2: 2 actions x 4 scenarios x 2 sub-sequences
    assert set(results["kth2"]["scenarios"]) == set(kth.SCENARIOS)
    for scenario in results["kth2"]["scenarios"].values():
        assert scenario["test_videos"] == 4
    mean = sum(r["accuracy"] for r in results["kth2"]["scenarios"].values()) / 4
    assert results["kth2"]["accuracy"] == pytest.approx(mean)
    assert (out / "autoencoder.keras").is_file() and (out / "features_kth1_train.npy").is_file()
    capsys.readouterr()
    again = experiment.run_kth(root, SETTINGS, out=out)
    printed = capsys.readouterr().out
    assert "stage 1: reusing" in printed and "kth1: done before" in printed and "kth2_d4: done before" in printed
    assert json.dumps(again, sort_keys=True) == json.dumps(results, sort_keys=True)
