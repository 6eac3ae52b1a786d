"""``evaluate_clip_classifier``: a single-input clip classifier over an index, against a plain numpy reference
computed from ``read_video`` and ``model.predict`` for a tiny model of each paper's kind."""

import numpy as np
import pytest

from keras_stvideo.data.video_index import VideoEntry, VideoIndex
from keras_stvideo.inference.clip_classifier import evaluate_clip_classifier
from tests.data.video_files import pattern_video, write_video


@pytest.fixture(scope="module")
def clip_index(tmp_path_factory):
    """Two classes, three test videos of different lengths (uniform starts differ) and one training video."""
    root = tmp_path_factory.mktemp("clip_videos")
    entries = []
    for number, (frames, label, role) in enumerate(((14, 0, "test"), (20, 1, "test"), (11, 1, "test"),
                                                    (12, 0, "train"))):
        video = pattern_video(frames, 48, 64)
        video[:, :, :, number % 3] //= 2  # colours differ per video, so luma and RGB paths differ
        write_video(root / f"v{number}.mp4", video)
        entries.append(VideoEntry(f"v{number}.mp4", label, {"split1": role}))
    return VideoIndex(root, ["a", "b"], entries)


def _sci(scores):
    """Eq. 5 and Eq. 6 written out: the clips' scores weighted by their sparsity concentration index."""
    n = scores.shape[1]
    weights = (n * scores.max(axis=1) / scores.sum(axis=1) - 1) / (n - 1)
    if weights.sum() <= 1e-12:  # every clip uniform (a tiny untrained model can be): the plain average
        weights = np.ones_like(weights)
    return (weights[:, None] * scores).sum(axis=0) / weights.sum()


def _reference(model, index, num_clips, size, channels, scale):
    """Per-video (average, SCI) scores from the whole decoded video, clips sliced in numpy."""
    from keras_stvideo.data.video import read_video

    frames = model.inputs[0].shape[1]
    average, sci = [], []
    for entry in index.entries_for("split1", "test"):
        video = read_video(index.path_of(entry), size=size)
        starts = np.linspace(0, len(video) - frames, num_clips).round().astype(int)
        clips = np.stack([video[s:s + frames] for s in starts]).astype(np.float64)
        if channels == 1:
            clips = (0.299 * clips[..., 0] + 0.587 * clips[..., 1] + 0.114 * clips[..., 2])[..., None]
        scores = np.asarray(model.predict((clips * scale).astype(np.float32), verbose=0), np.float64)
        average.append(scores.mean(axis=0))
        sci.append(_sci(scores))
    return np.stack(average), np.stack(sci)


def _c3d(num_classes=2, frames=4):
    import keras_stvideo

    tower = keras_stvideo.build_c3d_small((frames, 16, 16, 3), filters=(4,) * 5, fc_units=16)
    return keras_stvideo.build_c3d_classifier(num_classes, tower=tower)


def _cnn_lstm():
    import keras_stvideo

    return keras_stvideo.build_cnn_lstm(keras_stvideo.build_lenet(input_shape=(32, 32, 1)), sequence_length=3,
                                        num_classes=2)


def _stcsae_lstm():
    import keras_stvideo

    autoencoder = keras_stvideo.build_stcsae((3, 4, 4, 1), code_units=64)
    return keras_stvideo.build_stcsae_lstm(autoencoder, (5, 8, 8, 1), num_classes=2, lstm_units=4)


def _tesnet_fully_convolutional():
    """TeSNet (TS layer on the input, a one-convolution backbone) on frames of any size; it scales its pixels
    from [0, 255] itself."""
    import keras

    import keras_stvideo

    frames = keras.Input((None, None, 3))
    backbone = keras.Model(frames, keras.layers.Conv2D(4, 3, strides=2, name="only_conv")(frames))
    return keras_stvideo.build_tesnet(2, frames=6, setting=1, input_size=None, backbone=backbone)


# (builder, frame_size passed, decoder size of the reference, channels, pixel scale of the reference)
KINDS = {
    "c3d_paul2018": (_c3d, None, (16, 16), 3, 1 / 255),
    "cnn_lstm_shan2017": (_cnn_lstm, None, (32, 32), 1, 1 / 255),
    "stcsae_lstm_baccouche2012": (_stcsae_lstm, None, (8, 8), 1, 1 / 255),
    "tesnet_huang2020": (_tesnet_fully_convolutional, (24, 32), (24, 32), 3, 1.0),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_matches_a_numpy_reference(clip_index, kind):
    build, frame_size, size, channels, scale = KINDS[kind]
    model = build()
    report = evaluate_clip_classifier(model, clip_index, num_clips=4, frame_size=frame_size, progress=False)
    average, sci = _reference(model, clip_index, 4, size, channels, scale)
    assert report["input_scale"] == pytest.approx(scale)
    np.testing.assert_allclose(report["average_scores"], average, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(report["sci_scores"], sci, rtol=1e-4, atol=1e-6)
    labels = np.array([0, 1, 1])
    np.testing.assert_array_equal(report["labels"], labels)
    for fusion, scores in (("average", average), ("sci", sci)):
        predicted = scores.argmax(axis=1)
        assert report[fusion]["top1"] == pytest.approx(np.mean(predicted == labels))
        assert report[fusion]["top5"] == 1.0  # two classes
        assert report[fusion]["mean_class"] == pytest.approx(
            np.mean([np.mean(predicted[labels == c] == c) for c in (0, 1)]))


def test_whole_frames_when_the_model_has_free_sizes(clip_index):
    model = _tesnet_fully_convolutional()
    report = evaluate_clip_classifier(model, clip_index, num_clips=2, progress=False)
    average, _ = _reference(model, clip_index, 2, None, 3, 1.0)
    np.testing.assert_allclose(report["average_scores"], average, rtol=1e-4, atol=1e-6)


def test_saved_tesnet_still_gets_pixels(clip_index, tmp_path):
    """"auto" reads the Rescaling layer of a reloaded model too."""
    from keras_stvideo.inference.clip_classifier import resolve_input_scale
    from keras_stvideo.saving import load_model

    model = _tesnet_fully_convolutional()
    model.save(tmp_path / "tesnet.keras")
    assert resolve_input_scale(load_model(tmp_path / "tesnet.keras")) == 1.0
    assert resolve_input_scale(_c3d()) == pytest.approx(1 / 255)
    assert resolve_input_scale(_c3d(), 1.0) == 1.0


def test_bad_models_and_arguments(clip_index):
    with pytest.raises(ValueError, match="predicts 3 classes but the index has 2"):
        evaluate_clip_classifier(_c3d(num_classes=3), clip_index, progress=False)
    import keras

    pair = [keras.Input((2, 16, 16, 3)), keras.Input((2, 16, 16, 3))]  # two inputs, as FstCN's
    two_inputs = keras.Model(pair, keras.layers.Dense(2, activation="softmax")(
        keras.layers.Flatten()(keras.layers.Add()(pair))))
    with pytest.raises(ValueError, match="one input of clips"):
        evaluate_clip_classifier(two_inputs, clip_index, progress=False)
    with pytest.raises(ValueError, match="frame_size"):
        evaluate_clip_classifier(_c3d(), clip_index, frame_size=(32, 32), progress=False)
    with pytest.raises(ValueError, match="num_clips"):
        evaluate_clip_classifier(_c3d(), clip_index, num_clips=0, progress=False)
    with pytest.raises(ValueError, match="fewer than the model's 12-frame clips"):
        evaluate_clip_classifier(_c3d(frames=12), clip_index, progress=False)
