"""``stvideo reproduce tesnet --quick``'s data and settings: motion-labelled MotionClips videos, no colour cue."""

import argparse

import numpy as np
import pytest

from keras_stvideo.data.video import read_video
from keras_stvideo.reproductions.tesnet.experiment import build_model, load_index, quick_folder
from keras_stvideo.reproductions.tesnet.quick_data import motion_clip_dataset
from keras_stvideo.reproductions.tesnet.reproduction import add_arguments, settings_from_args
from keras_stvideo.reproductions.tesnet.settings import TesnetSettings
from keras_stvideo.models.tesnet.training import TesnetClipSampler, tsn_crop


def _colour_f_statistic(colours, labels):
    """One-way ANOVA F of per-video mean colours against the class, per channel: ~1 when the class carries no
    colour, large when each class has its own colour."""
    classes = np.unique(labels)
    grand = colours.mean(axis=0)
    between = sum((labels == c).sum() * (colours[labels == c].mean(axis=0) - grand) ** 2 for c in classes)
    within = sum(((colours[labels == c] - colours[labels == c].mean(axis=0)) ** 2).sum(axis=0) for c in classes)
    return (between / (len(classes) - 1)) / (within / (len(labels) - len(classes)))


def test_quick_data_is_motion_clips_labelled_by_motion_only(tmp_path):
    """The quick run's videos come from MotionClips (the label is the motion) and the classes share one colour
    distribution: the per-class mean colours agree within the videos' noise (the old quick data gave each
    class its own square colour, which a network can read from a single frame)."""
    settings = TesnetSettings.quick_run(quick_videos_per_class=12, quick_video_frames=16)
    index = load_index(settings, None, tmp_path)
    assert index.name == "motion_clips" and index.root.parent == quick_folder(settings, tmp_path).resolve()
    assert list(index.class_names) == ["MoveLeft", "MoveRight", "MoveUp", "MoveDown", "ZoomIn", "ZoomOut"]
    assert len(index.entries) == 6 * 12 and index.counts("split1") == {"train": 54, "test": 18}
    videos = [read_video(index.path_of(e)) for e in index.entries]
    assert videos[0].shape == (16, 32, 32, 3)
    labels = np.array([e.label for e in index.entries])
    colours = np.stack([v.reshape(-1, 3).mean(axis=0) for v in videos])
    assert (_colour_f_statistic(colours, labels) < 5.0).all()  # F(5, 66) > 5 has probability < 0.001
    tinted = colours.copy()  # the check sees a class tint of 80 grey levels in one channel (the frames' colours vary)
    tinted[np.arange(len(labels)), labels % 3] += 80.0
    assert _colour_f_statistic(tinted, labels).min() > 5.0
    assert load_index(settings, None, tmp_path).entries == index.entries  # written once, then reused


def test_motion_clip_dataset_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match="num_classes"):
        motion_clip_dataset(tmp_path / "a", num_classes=9)
    with pytest.raises(ValueError, match="videos_per_class"):
        motion_clip_dataset(tmp_path / "b", videos_per_class=3)


def _args(*argv):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_quick_settings_run_the_papers_pipeline_on_the_small_backbone():
    quick = settings_from_args(_args("--quick"))
    assert (quick.model, quick.setting, quick.frames, quick.num_test_clips) == ("tesnet", 1, 16, 20)
    assert (quick.backbone, quick.input_size, quick.frame_size, quick.flip) == ("small", 32, (32, 32), False)
    assert (quick.num_classes, quick.quick_videos_per_class, quick.quick_video_frames) == (6, 300, 24)
    assert quick.flow_bound == pytest.approx(2.5) and quick.stream == "rgb"
    assert settings_from_args(_args("--quick", "--videos-per-class", "40")).quick_videos_per_class == 40
    full = settings_from_args(_args())
    assert (full.backbone, full.flip, full.flow_bound, full.frames) == ("inception_resnet_v2", True, 20.0, 10)
    tsn = settings_from_args(_args("--quick", "--model", "tsn"))  # TSN has no small backbone: Inception-ResNet-V2
    assert (tsn.backbone, tsn.input_size, tsn.frame_size) == ("inception_resnet_v2", 75, (80, 80))
    with pytest.raises(ValueError, match="backbone 'small'"):
        TesnetSettings(backbone="small", model="tsn")
    with pytest.raises(ValueError, match="backbone 'small'"):
        TesnetSettings(backbone="small", setting=5)
    with pytest.raises(ValueError, match="backbone must be one of"):
        TesnetSettings(backbone="resnet")
    with pytest.raises(ValueError, match="--videos-per-class is for --quick"):
        settings_from_args(_args("--videos-per-class", "40"))
    with pytest.raises(ValueError, match="--flow-bound must be positive"):
        settings_from_args(_args("--quick", "--flow-bound", "0"))


def test_sampler_without_flip_never_mirrors():
    """Mirroring turns a "left" clip into a "right" one, so the quick run's sampler keeps TSN's crops only."""
    clip = np.zeros((16, 32, 32, 3), np.uint8)
    clip[..., 0] = np.arange(32)[None, None, :] * 8  # red grows to the right
    sampler = TesnetClipSampler(16, 32, flip=False)
    for seed in range(20):
        crop = sampler(clip, np.random.default_rng(seed))
        assert crop.shape == (16, 32, 32, 3) and (np.diff(crop[0, 0, :, 0].astype(int)) >= 0).all()
    flipped = [tsn_crop(clip, np.random.default_rng(s), 32)[0, 0, 0, 0] > 128 for s in range(20)]
    assert any(flipped)  # TSN's default does mirror


def test_quick_model_is_the_compare_recipe_on_any_frame_size():
    from keras_stvideo.reproductions.tesnet import comparison

    model = build_model(TesnetSettings.quick_run())
    assert model.get_layer("small_inception_resnet") is not None and model.input.shape[1:] == (16, None, None, 3)
    assert model.get_layer("ts1_input").basis == comparison.TS_BASIS and model.get_layer("fuse_conv") is not None
    for size in (32, 40):
        assert model.predict_on_batch(np.zeros((1, 16, size, size, 3), np.float32)).shape == (1, 6)
