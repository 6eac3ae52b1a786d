import functools

import numpy as np
import pytest

from keras_stvideo.data.samplers import fstcn_clip_pair_at, sample_fstcn_clip_pair
from keras_stvideo.data.video_dataset import VideoClipDataset
from keras_stvideo.data.video_index import VideoEntry, VideoIndex
from keras_stvideo.training.epoch_backup import DatasetEpochSync
from tests.data.video_files import pattern_video, write_video


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("videos")
    for i in range(4):
        write_video(root / "c" / f"v{i}.mp4", pattern_video(24, 24, 24))
    entries = [VideoEntry(f"c/v{i}.mp4", i % 2, {"split1": "train"}) for i in range(4)]
    return VideoIndex(root, ["a", "b"], entries)


SAMPLER = functools.partial(sample_fstcn_clip_pair, clip_length=3, stride=2, diff_offset=3, crop_size=16)


def make(index, **kwargs):
    return VideoClipDataset(index, "split1", "train", SAMPLER, inputs=("v_clip", "v_diff"), batch_size=2,
                            cache_size=5, seed=3, **kwargs)


def next_epoch(data):
    data.on_epoch_begin()  # what model.fit calls before each epoch
    return [data[i] for i in range(len(data))]


def test_named_outputs_in_the_requested_order(index):
    data = make(index)
    (v_clip, v_diff), labels = data[0]
    assert v_clip.shape == v_diff.shape == (2, 3, 16, 16, 3)
    video = data.load(data.entries[data._order[0]])
    swapped = VideoClipDataset(index, "split1", "train", SAMPLER, inputs=("v_diff", "v_clip"), batch_size=2,
                               cache_size=5, seed=3)
    (first, second), _ = swapped[0]
    np.testing.assert_array_equal(first, v_diff)
    np.testing.assert_array_equal(second, v_clip)
    tcl_only, _ = VideoClipDataset(index, "split1", "train", SAMPLER, inputs=("v_diff",), batch_size=2,
                                   cache_size=5, seed=3)[0]
    np.testing.assert_array_equal(tcl_only, v_diff)
    pair = fstcn_clip_pair_at(video, 0, 3, 2, 3)
    np.testing.assert_array_equal(pair.v_diff, np.abs(video[[0, 2, 4]].astype("float32") - video[[3, 5, 7]]))


def test_resumed_fit_draws_the_epoch_it_should(index):
    walked = make(index)
    first_epoch = next_epoch(walked)
    walked.on_epoch_begin()
    uninterrupted = next_epoch(walked)  # epoch 2
    resumed = make(index)
    resumed.set_epoch(2)  # what DatasetEpochSync does when fit resumes at epoch 2
    again = next_epoch(resumed)
    assert walked.epoch == resumed.epoch == 2
    for (x_a, y_a), (x_b, y_b) in zip(uninterrupted, again):
        np.testing.assert_array_equal(x_a[0], x_b[0])
        np.testing.assert_array_equal(x_a[1], x_b[1])
        np.testing.assert_array_equal(y_a, y_b)
    assert not all(np.array_equal(a[0][0], b[0][0]) for a, b in zip(first_epoch, again))
    DatasetEpochSync(resumed)  # the dataset has the set_epoch the callback needs


def test_errors(index):
    unnamed = VideoClipDataset(index, "split1", "train", SAMPLER, batch_size=2)
    with pytest.raises(ValueError, match="pass inputs="):
        unnamed[0]
    with pytest.raises(ValueError, match="inputs must be"):
        VideoClipDataset(index, "split1", "train", SAMPLER, inputs="v_clip")
    tupled = VideoClipDataset(index, "split1", "train", lambda v, rng: (v[:3], v[:3]), inputs=("a",), batch_size=2)
    with pytest.raises(ValueError, match="named tuple or a dict; got tuple"):
        tupled[0]


def test_tf_dataset_serves_the_pydataset_batches_of_each_epoch(index):
    tf = pytest.importorskip("tensorflow", reason="as_tf_dataset builds a tf.data pipeline")
    from keras_stvideo.data.video_dataset import as_tf_dataset

    data = make(index)
    walked = make(index)
    want = [next_epoch(walked) for _ in range(3)][1:]  # epochs 1 and 2
    pipeline = as_tf_dataset(data, epochs=2, first_epoch=1, num_parallel_calls=2)
    (clip_spec, diff_spec), label_spec = pipeline.element_spec
    assert clip_spec.shape.as_list() == diff_spec.shape.as_list() == [None, 3, 16, 16, 3]
    assert clip_spec.dtype == tf.float32 and label_spec.dtype == tf.int64
    got = list(pipeline.as_numpy_iterator())
    assert len(got) == 2 * len(data) == 4
    for ((clip, diff), labels), ((clip_want, diff_want), labels_want) in zip(got, want[0] + want[1]):
        np.testing.assert_array_equal(clip, clip_want)
        np.testing.assert_array_equal(diff, diff_want)
        np.testing.assert_array_equal(labels, labels_want)
    assert not np.array_equal(got[0][0][0], got[2][0][0])  # two epochs, two draws


def test_tf_dataset_of_a_file_sampler_and_one_input(index):
    pytest.importorskip("tensorflow", reason="as_tf_dataset builds a tf.data pipeline")
    from keras_stvideo.data.samplers import read_consecutive_clip
    from keras_stvideo.data.video_dataset import as_tf_dataset

    data = VideoClipDataset(index, "split1", "train", functools.partial(read_consecutive_clip, num_frames=5),
                            batch_size=3, frame_size=(12, 16), reads_files=True, seed=7, one_hot=True)
    got = list(as_tf_dataset(data, num_parallel_calls=2).as_numpy_iterator())
    assert [x.shape for x, _ in got] == [(3, 5, 12, 16, 3), (1, 5, 12, 16, 3)]  # the short last batch
    data.on_epoch_begin()
    for (x, y), position in zip(got, range(len(data))):
        x_want, y_want = data[position]
        assert x.dtype == np.float32 and y.dtype == np.float32 and y.shape[1] == 2
        np.testing.assert_array_equal(x, x_want)
        np.testing.assert_array_equal(y, y_want)


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": 0}, "epochs must be an integer >= 1, got 0"),
    ({"epochs": 1.5}, "epochs must be an integer >= 1, got 1.5"),
    ({"first_epoch": -1}, "first_epoch must be an integer >= 0, got -1"),
])
def test_tf_dataset_errors(index, kwargs, match):
    pytest.importorskip("tensorflow", reason="as_tf_dataset builds a tf.data pipeline")
    from keras_stvideo.data.video_dataset import as_tf_dataset

    with pytest.raises(ValueError, match=match):
        as_tf_dataset(make(index), **kwargs)
