import functools

import keras
import numpy as np
import pytest

from keras_stvideo.data.samplers import sample_fstcn_clip_pair
from keras_stvideo.data.video_dataset import VideoClipDataset
from keras_stvideo.data.video_index import VideoEntry, VideoIndex
from keras_stvideo.inference import predict_video, sci_fusion
from tests.data.video_files import pattern_video, write_video


def two_input_model(size, frames, classes=4):
    a = keras.Input((frames, size, size, 3))
    b = keras.Input((frames, size, size, 3))
    x = keras.layers.Concatenate()([keras.layers.GlobalAveragePooling3D()(a), keras.layers.GlobalAveragePooling3D()(b)])
    return keras.Model([a, b], keras.layers.Dense(classes, activation="softmax")(x))


def test_predict_video_with_a_two_input_model():
    rng = np.random.default_rng(0)
    video = pattern_video(40, 24, 24)
    clips = [sample_fstcn_clip_pair(video, rng, flip=False)[:2] for _ in range(3)]
    model = two_input_model(16, 5)
    result = predict_video(model, clips, crop_size=16, make_inputs=lambda parts: list(parts))
    assert result["scores"].shape == (3, 18, 4)
    np.testing.assert_allclose(result["sci"], sci_fusion(result["scores"]))
    # float32 sums in another order
    np.testing.assert_allclose(result["average"], result["scores"].mean((0, 1)), rtol=1e-6)
    # The first view of the first clip is the top-left crop, as the model sees it directly.
    direct = model.predict([clips[0][0][None, :, :16, :16], clips[0][1][None, :, :16, :16]], verbose=0)
    np.testing.assert_allclose(result["scores"][0, 0], direct[0], rtol=1e-5)


@pytest.mark.slow  # a fit on decoded videos
def test_video_clip_dataset_serves_pairs(tmp_path):
    for i in range(3):
        write_video(tmp_path / "c" / f"v{i}.mp4", pattern_video(30, 24, 24))
    entries = [VideoEntry(f"c/v{i}.mp4", i % 2, {"split1": "train" if i < 2 else "test"}) for i in range(3)]
    index = VideoIndex(tmp_path, ["a", "b"], entries)
    sampler = functools.partial(sample_fstcn_clip_pair, clip_length=3, stride=2, diff_offset=3, crop_size=16)
    data = VideoClipDataset(index, "split1", "train", sampler, inputs=("v_clip", "v_diff"), batch_size=2, cache_size=2,
                            one_hot=True)
    (v_clip, v_diff), labels = data[0]
    assert v_clip.shape == v_diff.shape == (2, 3, 16, 16, 3) and labels.shape == (2, 2)
    assert len(data._cache) == 2  # decoded once, then served from the cache
    model = two_input_model(16, 3, classes=2)
    model.compile("sgd", "categorical_crossentropy")
    history = model.fit(data, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
