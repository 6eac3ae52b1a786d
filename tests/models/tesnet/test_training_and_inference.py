"""TeSNet training pieces (optimiser, augmentation, sampling), 20-clip testing, fusion, and a short training run."""

import argparse

import keras
import numpy as np
import pytest

from keras_stvideo.layers import TemporalSqueeze
from keras_stvideo.models.tesnet.tesnet_video_inference import evaluate_videos, sample_test_clips, two_stream_fusion
from keras_stvideo.reproductions.tesnet.quick_data import make_moving_square_dataset
from keras_stvideo.reproductions.tesnet.reproduction import add_arguments, settings_from_args
from keras_stvideo.reproductions.tesnet.settings import TesnetSettings
from keras_stvideo.models.tesnet.training import (
    TesnetClipSampler,
    centre_crop,
    compile_tesnet,
    segment_frames,
    tesnet_optimizer,
    tsn_crop,
)


def test_optimizer_is_the_papers():
    rgb, flow = tesnet_optimizer("rgb"), tesnet_optimizer("flow")
    assert float(rgb.learning_rate) == pytest.approx(0.001) and float(flow.learning_rate) == pytest.approx(0.005)
    assert rgb.momentum == 0.9 and isinstance(rgb, keras.optimizers.SGD)
    with pytest.raises(ValueError, match="stream must be one of"):
        tesnet_optimizer("depth")
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        tesnet_optimizer("rgb", 0.0)


def test_tsn_crop_same_box_for_all_frames_and_sizes():
    rng = np.random.default_rng(0)
    clip = np.zeros((4, 60, 80, 3), np.uint8)
    clip[:, :, :, 0] = np.arange(80)[None, None, :]  # column index in red
    clip[:, :, :, 1] = np.arange(60)[None, :, None]  # row index in green
    for _ in range(20):
        crop = tsn_crop(clip, rng, 32, flip=False)
        assert crop.shape == (4, 32, 32, 3)
        assert all(np.array_equal(crop[0], frame) for frame in crop)  # one box for the whole clip
    unscaled = tsn_crop(clip, np.random.default_rng(1), 60, scales=(1.0,), flip=False)  # 60 x 60 at a corner/centre
    assert unscaled[0, 0, 0, 0] in (0, 10, 20) and unscaled[0, 0, 0, 1] == 0


def test_centre_crop_and_segments():
    clip = np.arange(2 * 6 * 8).reshape(2, 6, 8, 1)
    np.testing.assert_array_equal(centre_crop(clip, 4), clip[:, 1:5, 2:6])
    with pytest.raises(ValueError, match="larger than the frames"):
        centre_crop(clip, 7)
    np.testing.assert_array_equal(segment_frames(30, 3), [5, 15, 25])
    picks = segment_frames(30, 3, rng=np.random.default_rng(0))
    assert all(10 * i <= p < 10 * (i + 1) for i, p in enumerate(picks))
    with pytest.raises(ValueError, match="fewer than the 3 segments"):
        segment_frames(2, 3)


def test_twenty_uniform_test_clips():
    video = np.arange(50)[:, None, None, None] * np.ones((1, 2, 2, 1))
    clips = sample_test_clips(video, frames=10, num_clips=20)
    assert clips.shape == (20, 10, 2, 2, 1)
    starts = clips[:, 0, 0, 0, 0]
    np.testing.assert_array_equal(starts, np.linspace(0, 40, 20).round())
    np.testing.assert_array_equal(clips[:, :, 0, 0, 0] - starts[:, None], np.tile(np.arange(10), (20, 1)))
    tsn = sample_test_clips(video, frames=3, num_clips=20, kind="tsn")
    assert tsn.shape == (20, 3, 2, 2, 1)


def test_evaluate_averages_clip_scores():
    """A model that scores a clip by its first frame's value: the video score is the mean over the 20 clips."""
    inputs = keras.Input((4, None, None, 1))
    first = keras.layers.Lambda(lambda x: keras.ops.mean(x[:, 0], axis=(1, 2)))(inputs)  # (batch, 1)
    scores = keras.layers.Concatenate()([first, 100.0 - first])
    model = keras.Model(inputs, scores)
    video = np.arange(24, dtype=np.float32)[:, None, None, None] * np.ones((1, 3, 3, 1), np.float32)
    result = evaluate_videos(model, [video, 100 - video[::-1]], [1, 0], frames=4, num_clips=20)
    starts = np.linspace(0, 20, 20).round()
    np.testing.assert_allclose(result["scores"][0], [starts.mean(), 100 - starts.mean()], rtol=1e-5)
    assert result["top1"] == 1.0


def test_two_stream_fusion():
    rgb, flow = np.array([[0.6, 0.4]]), np.array([[0.1, 0.9]])
    np.testing.assert_allclose(two_stream_fusion(rgb, flow), [[0.35, 0.65]])
    np.testing.assert_allclose(two_stream_fusion(rgb, flow, flow_weight=1.5), [[0.3, 0.7]])
    with pytest.raises(ValueError, match="same shape"):
        two_stream_fusion(rgb, flow[:, :1])


def _args(*argv):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_reproduction_options():
    settings = settings_from_args(_args("--split", "all", "--stream", "both", "--setting", "5"))
    assert settings.splits == (1, 2, 3) and settings.streams == ("rgb", "flow") and settings.setting == 5
    assert settings.epochs == 30 and settings.batch_size == 32 and settings.num_test_clips == 20
    assert settings.backbone_weights == "imagenet" and settings.input_size == 299
    quick = settings_from_args(_args("--quick", "--epochs", "2"))
    assert quick.quick and quick.epochs == 2 and quick.backbone_weights is None and quick.num_classes == 6
    with pytest.raises(ValueError, match="--epochs must be positive"):
        settings_from_args(_args("--epochs", "0"))
    with pytest.raises(ValueError, match="setting must be one of"):
        TesnetSettings(setting=7)
    with pytest.raises(ValueError, match="splits must be among"):
        TesnetSettings(splits=(4,))


def _ts_loss(model, clips):
    model(clips, training=False)
    return sum(float(loss) for layer in model.get_layer("backbone").layers + model.layers
               if isinstance(layer, TemporalSqueeze) for loss in layer.losses)


def _random_a(layer, seed):
    """``layer``'s weights with A = a random non-negative K x D matrix (W2 = 0, so A is b2 for every clip)."""
    weights = [w.copy() for w in layer.get_weights()]
    weights[3] = np.random.default_rng(seed).uniform(0, 1, weights[3].shape).astype("float32")
    return weights


@pytest.mark.slow
def test_short_training_beats_chance_and_keeps_the_projection_loss_low(tmp_path):
    """~3-10 minutes on the shared 2-core machine (most of it TensorFlow tracing Inception-ResNet-V2).

    The projection loss need not fall in joint training: the block-indicator start projects every static pixel
    exactly and is a kink (local minimum) of Eq. 5 (tests/layers/test_temporal_squeeze.py), and at the start the
    cross-entropy's gradient on A is ~165 times beta * l_proj's, so Eq. 6's training moves A off it and l_proj rises
    (measured 0.28 -> 0.40-0.52 in 8 epochs). What Eq. 6 does guarantee: the fitted A still projects far better
    than a random A (1.8-3.1), and l_proj alone, minimised from a random A on these clips, falls.
    """
    from keras_stvideo.data.video import read_video
    from keras_stvideo.data.video_dataset import VideoClipDataset
    from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet

    index = make_moving_square_dataset(tmp_path, num_classes=3, videos_per_class=9, frames=16, height=80, width=96,
                                       colour_cue=True)
    train = VideoClipDataset(index, "split1", "train", TesnetClipSampler(6, 75), batch_size=6, cache_size=100)
    model = build_tesnet(3, frames=6, setting=1, input_size=None, batchnorm_momentum=0.9)
    compile_tesnet(model, learning_rate=0.003, jit_compile=False)
    probe = VideoClipDataset(index, "split1", "test", TesnetClipSampler(6, 75, augment=False), batch_size=9,
                             shuffle=False)[0][0]
    ts = model.get_layer("ts1_input")
    start, start_weights = _ts_loss(model, probe), ts.get_weights()
    random_losses = []
    for seed in range(3):
        ts.set_weights(_random_a(ts, seed))
        random_losses.append(_ts_loss(model, probe))
    ts.set_weights(start_weights)
    assert start < min(random_losses)  # block means fit a clip better than a random hyperplane
    model.fit(train, epochs=8, verbose=0)
    after = _ts_loss(model, probe)
    assert after < 0.5 * min(random_losses), (start, after, random_losses)  # Eq. 6 keeps A a good hyperplane
    entries = index.entries_for("split1", "test")
    result = evaluate_videos(model, [read_video(index.path_of(e)) for e in entries], [e.label for e in entries],
                             frames=6, num_clips=20)
    assert result["top1"] >= 2 / 3  # chance: 1/3

    # beta * l_proj alone (fit with no compiled loss) from a random A, on the same training clips: it must fall.
    inputs = keras.Input((6, None, None, 3))
    alone = TemporalSqueeze(3, beta=ts.beta)
    squeeze_only = keras.Model(inputs, alone(keras.layers.Rescaling(1.0 / 127.5, offset=-1.0)(inputs)))
    alone.set_weights(_random_a(alone, 0))
    alone_start = _ts_loss_of(squeeze_only, alone, probe)
    squeeze_only.compile(optimizer=tesnet_optimizer("rgb", 0.003))
    squeeze_only.fit(train, epochs=4, verbose=0)
    assert _ts_loss_of(squeeze_only, alone, probe) < 0.5 * alone_start


def _ts_loss_of(model, layer, clips):
    model(clips, training=False)
    return float(layer.losses[0])
