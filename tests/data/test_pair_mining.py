"""Algorithm 1 (Paul et al. 2018) statistics over many batches, the colour transforms, and the disk-reading dataset."""

import colorsys

import numpy as np
import pytest

from keras_stvideo.data.pair_mining import (
    EXPONENT_RANGE,
    HUE_SHIFT_RANGE,
    SCALE_RANGE,
    ColourParams,
    PairMiner,
    PairMiningDataset,
    Volume,
    colour_transform,
    flip_transform,
    read_frames,
    volumes_intersect,
)
from keras_stvideo.data.video_index import VideoEntry, VideoIndex
from tests.data.video_files import pattern_video, write_video

SHAPES = [(40, 30, 40), (20, 24, 24), (33, 50, 20), (60, 16, 16)]
VOLUME = (8, 12, 12)


def _batches(miner, count, seed=0):
    rng = np.random.default_rng(seed)
    return [miner.mine_batch(rng) for _ in range(count)]


def test_exact_composition_and_non_intersecting_positives():
    miner = PairMiner(SHAPES, VOLUME, positive_ratio=0.3, batch_size=10)
    assert (miner.num_positive, miner.num_negative) == (3, 7)  # N_p = round(0.3 * 10)
    for batch in _batches(miner, 400):
        labels = [plan.label for plan in batch]
        assert labels == [1] * 3 + [-1] * 7
        for plan in batch:
            for volume in (plan.first, plan.second):
                frames, height, width = SHAPES[volume.video]
                assert 0 <= volume.t <= frames - 8 and 0 <= volume.y <= height - 12 and 0 <= volume.x <= width - 12
            if plan.label == 1:
                assert plan.first.video == plan.second.video
                assert not volumes_intersect(plan.first, plan.second, VOLUME)
            else:
                assert plan.first.video != plan.second.video
    assert PairMiner(SHAPES, VOLUME, positive_ratio=0.25, batch_size=10).num_positive == 2  # round(2.5) = 2


def test_intersection_is_the_three_axes_overlap():
    shape = (4, 5, 6)
    assert volumes_intersect(Volume(0, 0, 0, 0), Volume(0, 3, 4, 5), shape)
    assert not volumes_intersect(Volume(0, 0, 0, 0), Volume(0, 4, 0, 0), shape)  # temporally disjoint
    assert not volumes_intersect(Volume(0, 0, 0, 0), Volume(0, 0, 0, 6), shape)  # side by side in x
    assert not volumes_intersect(Volume(0, 0, 0, 0), Volume(1, 0, 0, 0), shape)  # other video


@pytest.mark.parametrize("transform_on", ["both", "negative", "positive", "none"])
def test_transform_frequencies_and_colour_ranges(transform_on):
    miner = PairMiner(SHAPES, VOLUME, transform_on=transform_on)
    counts = {1: [0, 0, 0], -1: [0, 0, 0]}  # pairs, F1, F2
    both = {1: 0, -1: 0}
    for batch in _batches(miner, 600, seed=1):
        for plan in batch:
            counts[plan.label][0] += 1
            counts[plan.label][1] += plan.colour is not None
            counts[plan.label][2] += plan.flip
            both[plan.label] += plan.colour is not None and plan.flip
            if plan.colour is not None:
                assert HUE_SHIFT_RANGE[0] < plan.colour.hue_shift < HUE_SHIFT_RANGE[1]
                assert EXPONENT_RANGE[0] < plan.colour.exponent < EXPONENT_RANGE[1]
                assert SCALE_RANGE[0] < plan.colour.scale < SCALE_RANGE[1]
    for label, applies in ((1, transform_on in ("both", "positive")), (-1, transform_on in ("both", "negative"))):
        pairs, f1, f2 = counts[label]
        if applies:  # r ~ N(0, 1) > 0: probability 1/2 each, independent (F1 o F2 1/4); 1800 or 4200 pairs
            assert abs(f1 / pairs - 0.5) < 0.04 and abs(f2 / pairs - 0.5) < 0.04
            assert abs(both[label] / pairs - 0.25) < 0.04
        else:
            assert f1 == f2 == 0


def test_colour_draws_are_uniform_over_the_paper_ranges():
    miner = PairMiner(SHAPES, VOLUME)
    draws = [p.colour for b in _batches(miner, 500, seed=2) for p in b if p.colour is not None]
    for field, (low, high) in (("hue_shift", HUE_SHIFT_RANGE), ("exponent", EXPONENT_RANGE), ("scale", SCALE_RANGE)):
        values = np.array([getattr(d, field) for d in draws])
        assert abs(values.mean() - (low + high) / 2) < 0.03 * (high - low)
        assert values.min() < low + 0.02 * (high - low) and values.max() > high - 0.02 * (high - low)


def test_max_offset_keeps_positive_pairs_within_the_boundary():
    miner = PairMiner([(64, 20, 20), (64, 20, 20)], (8, 20, 20), max_offset=(10, 0, 0))
    for batch in _batches(miner, 100):
        for plan in batch[:3]:
            assert 8 <= abs(plan.first.t - plan.second.t) <= 10


@pytest.mark.parametrize("offset_on", ["all", "hue"])
def test_colour_transform_against_colorsys(offset_on):
    rng = np.random.default_rng(0)
    volume = rng.random((2, 3, 4, 3)).astype(np.float32)
    params = ColourParams(hue_shift=0.07, exponent=1.6, scale=1.3, offset_on=offset_on)
    out = colour_transform(volume, params)
    expected = np.empty_like(volume)
    for index in np.ndindex(volume.shape[:3]):
        h, s, v = colorsys.rgb_to_hsv(*volume[index])
        h = (h + 0.07) % 1.0
        if offset_on == "all":  # section 3: the number is added "to all the pixels"
            s, v = min(1.0, s + 0.07), min(1.0, v + 0.07)
        s, v = (min(1.0, 1.3 * s**1.6), min(1.0, 1.3 * v**1.6))
        expected[index] = colorsys.hsv_to_rgb(h, s, v)
    np.testing.assert_allclose(out, expected, atol=1e-5)
    identity = colour_transform(volume, ColourParams(0.0, 1.0, 1.0))
    np.testing.assert_allclose(identity, volume, atol=1e-5)
    as_uint8 = colour_transform((volume * 255).round().astype(np.uint8), params)
    assert as_uint8.dtype == np.uint8
    np.testing.assert_allclose(as_uint8 / 255.0, expected, atol=2.5 / 255)


def test_flip_is_x_times_the_anti_diagonal():
    volume = np.random.default_rng(0).random((2, 3, 5, 3))
    anti = np.fliplr(np.eye(5))
    np.testing.assert_allclose(flip_transform(volume), np.einsum("thwc,wv->thvc", volume, anti))


def test_bad_arguments():
    with pytest.raises(ValueError, match="at least 2 videos"):
        PairMiner(SHAPES[:1], VOLUME)
    with pytest.raises(ValueError, match="transform_on"):
        PairMiner(SHAPES, VOLUME, transform_on="all")
    with pytest.raises(ValueError, match="N_p=0"):
        PairMiner(SHAPES, VOLUME, positive_ratio=0.01)
    with pytest.raises(ValueError, match="smaller than the volume"):
        PairMiner(SHAPES, (64, 12, 12))
    with pytest.raises(ValueError, match="two non-intersecting"):
        PairMiner([(10, 12, 12), (10, 12, 12)], (8, 12, 12))


# ------------------------------------------------------------------ the dataset on real files
def _index(tmp_path, lengths=(30, 24, 36)):
    entries = []
    for i, length in enumerate(lengths):
        frames = pattern_video(length, 32, 40)
        frames[..., 2] = 60 * (i + 1)  # the blue channel names the video
        write_video(tmp_path / f"v{i}.avi", frames)
        entries.append(VideoEntry(f"v{i}.avi", 0, {"split1": "train"}))
    return VideoIndex(tmp_path, ["all"], entries)


def test_read_frames_reads_only_the_volume(tmp_path):
    index = _index(tmp_path)
    from keras_stvideo.data.video import read_video

    whole = read_video(index.path_of(index.entries[0]))
    np.testing.assert_array_equal(read_frames(index.path_of(index.entries[0]), 5, 9), whole[5:9])
    np.testing.assert_array_equal(read_frames(index.path_of(index.entries[0]), 1, 3, frame_range=(4, 20)), whole[5:7])
    with pytest.raises(ValueError, match="ended after 30 frames"):
        read_frames(index.path_of(index.entries[0]), 28, 34)


def test_dataset_batches_from_disk(tmp_path):
    index = _index(tmp_path)
    data = PairMiningDataset(index, volume_shape=(6, 16, 16), frame_size=None, batches_per_epoch=3,
                             transform_on="none", seed=4)
    assert data.file_shapes == [(30, 32, 40), (24, 32, 40), (36, 32, 40)]  # from the headers, nothing decoded
    (first, second), y = data[0]
    assert first.shape == second.shape == (10, 6, 16, 16, 3) and first.dtype == np.float32
    np.testing.assert_array_equal(y, [1] * 3 + [-1] * 7)
    assert 0.0 <= first.min() and first.max() <= 1.0
    plans = data.batch_plans(0)
    for a, b, plan in zip(first, second, plans):
        video_a = int(round(a[..., 2].mean() * 255 / 60)) - 1
        video_b = int(round(b[..., 2].mean() * 255 / 60)) - 1
        assert (video_a, video_b) == (plan.first.video, plan.second.video)
    # same seed, epoch and batch: the same batch; the next epoch: another one
    np.testing.assert_array_equal(data[0][0][0], first)
    data.on_epoch_begin()
    data.on_epoch_begin()
    assert data.batch_plans(0) != plans


def test_dataset_resizes_and_transforms(tmp_path):
    index = _index(tmp_path)
    data = PairMiningDataset(index, volume_shape=(4, 20, 20), frame_size=(24, 30), batches_per_epoch=1, seed=0,
                             positive_ratio=0.5, batch_size=4)
    (first, second), y = data[0]
    assert first.shape == (4, 4, 20, 20, 3)
    assert all(s == (n, 24, 30) for s, n in zip(data.miner.video_shapes, (30, 24, 36)))
    with pytest.raises(ValueError, match="at least 2 videos"):
        PairMiningDataset(VideoIndex(tmp_path, ["all"], index.entries[:1]), frame_size=None)


@pytest.mark.parametrize("offset_on", ["all", "hue"])
def test_colour_step_one_adds_the_number_where_the_reading_says(offset_on):
    """Section 3, F1 step 1: "adding a random number in (-0.1, 0.1) to all the pixels" (in HSV); against colorsys."""
    import colorsys

    rng = np.random.default_rng(3)
    volume = rng.uniform(0.2, 0.8, size=(2, 3, 4, 3)).astype(np.float32)
    out = colour_transform(volume, ColourParams(0.05, 1.0, 1.0, offset_on=offset_on))
    for rgb, got in zip(volume.reshape(-1, 3), out.reshape(-1, 3)):
        h, s, v = colorsys.rgb_to_hsv(*rgb)
        h = (h + 0.05) % 1.0
        if offset_on == "all":
            s, v = min(s + 0.05, 1.0), min(v + 0.05, 1.0)
        np.testing.assert_allclose(got, colorsys.hsv_to_rgb(h, s, v), atol=1e-5)


def test_colour_step_one_reading_is_checked():
    with pytest.raises(ValueError, match="offset_on must be one of"):
        ColourParams(0.05, 1.0, 1.0, offset_on="rgb")
