import math
import re

import numpy as np
import pytest
from scipy import stats
from skimage.transform import AffineTransform, warp

from keras_stvideo.data.motion_clips import CLASS_NAMES, MOTIONS, MotionClips
from keras_stvideo.data.motion_clips_sequence import MotionClipsSequence
from keras_stvideo.data.sprites import (
    SPRITE_SIZE,
    content_half_extents,
    half_pixel_phases,
    paint_sprites,
    shift_periodic,
    sprite_table,
    upsample_twice,
)

SMALL = dict(frame_size=32, num_frames=8)


def make(**kwargs):
    kwargs.setdefault("seed", 0)
    return MotionClips(**kwargs)


# ----------------------------------------------------------------------------- shapes and seeds
@pytest.mark.parametrize("frame_size", [64, 112, (48, 80)])
def test_shapes_dtypes_labels(frame_size):
    gen = make(frame_size=frame_size, num_frames=5)
    x, y = gen.generate(7)
    height, width = (frame_size, frame_size) if isinstance(frame_size, int) else frame_size
    assert x.shape == (7, 5, height, width, 3) and x.dtype == np.uint8
    assert y.shape == (7,) and y.dtype == np.int64 and y.min() >= 0 and y.max() < 6
    assert x.std() > 10  # textured, not blank
    xf, yf = gen.generate(7, dtype="float32")
    assert xf.dtype == np.float32
    np.testing.assert_array_equal(xf, x.astype(np.float32) / np.float32(255.0))
    np.testing.assert_array_equal(yf, y)


def test_default_classes_and_names():
    gen = make()
    assert gen.motions == ("left", "right", "up", "down", "zoom_in", "zoom_out")
    assert gen.class_names == ["MoveLeft", "MoveRight", "MoveUp", "MoveDown", "ZoomIn", "ZoomOut"]
    assert gen.num_classes == 6 and gen.frame_size == (64, 64) and gen.num_frames == 16
    assert set(CLASS_NAMES) == set(MOTIONS)


def test_same_seed_same_bytes_other_seed_differs():
    a = make(seed=3, **SMALL).generate(5)[0]
    b = make(seed=3, **SMALL).generate(5)[0]
    c = make(seed=4, **SMALL).generate(5)[0]
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()
    # A seed given to generate overrides the generator's.
    assert make(seed=9, **SMALL).generate(5, seed=3)[0].tobytes() == a.tobytes()


def test_train_test_streams_and_config():
    gen = make(seed=4, **SMALL)
    (x, y), (x_test, y_test) = gen.train_test(3, 2)
    assert x.dtype == np.float32 and x.shape[0] == 3 and x_test.shape[0] == 2
    np.testing.assert_array_equal(x, gen.generate(3, seed=[4, 0], dtype="float32")[0])
    np.testing.assert_array_equal(x_test, gen.generate(2, seed=[4, 1], dtype="float32")[0])
    config = gen.get_config()
    assert config["frame_size"] == [32, 32] and config["motions"] == list(gen.motions)
    again = MotionClips(**config)
    assert again.generate(2)[0].tobytes() == gen.generate(2)[0].tobytes()


def test_requested_labels_are_rendered():
    gen = make(motions=MOTIONS, **SMALL)
    labels = np.arange(8)
    _, y, params = gen.generate(8, labels=labels, return_parameters=True)
    np.testing.assert_array_equal(y, labels)
    np.testing.assert_array_equal(params.labels, labels)


# ----------------------------------------------------------------------------- the motions
def test_actor_paths_follow_the_class():
    gen = make(motions=MOTIONS, num_frames=10, jitter=0.0)
    labels = np.repeat(np.arange(8), 4)
    params = gen.sample_parameters(len(labels), labels=labels)
    step = np.diff(params.actor_centers[:, :, 0], axis=1)  # (N, T - 1, 2)
    step = (step + 32) % 64 - 32  # undo the wrap-around
    expected = {"left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}
    for label, motion in enumerate(MOTIONS):
        rows = labels == label
        direction = expected.get(motion, (0, 0))
        expected_step = np.asarray(direction)[None, None] * params.speeds[rows, None, None]
        np.testing.assert_allclose(step[rows], np.broadcast_to(expected_step, step[rows].shape), atol=1e-9)
        ratio = params.actor_extents[rows, 1:, 0] / params.actor_extents[rows, :-1, 0]
        turn = np.diff(params.actor_angles[rows, :, 0], axis=1)
        if motion == "zoom_in":
            assert (ratio > 1).all()
            total = params.actor_extents[rows, -1, 0] / params.actor_extents[rows, 0, 0]
            assert total.min() >= 1.5 - 1e-9 and total.max() <= 2.2 + 1e-9
        elif motion == "zoom_out":
            assert (ratio < 1).all()
        else:
            np.testing.assert_allclose(ratio, 1.0)
        if motion == "rotate_ccw":
            assert (turn >= 0.1 - 1e-9).all() and (turn <= 0.25 + 1e-9).all()
        elif motion == "rotate_cw":
            assert (turn <= -0.1 + 1e-9).all() and (turn >= -0.25 - 1e-9).all()
        else:
            np.testing.assert_allclose(turn, 0.0, atol=1e-12)


def _actor_only(motion):
    """One clip of one bright actor on a black background (no clutter, drift or jitter), and its params."""
    gen = make(motions=(motion, "zoom_in" if motion != "zoom_in" else "left"), num_frames=8, num_clutter=0,
               objects="shapes", background_speed_range=(0.0, 0.0), jitter=0.0)
    params = gen.sample_parameters(1, labels=np.array([0]))
    params.background[:] = 0.0
    params.background_colors[:] = 0.0
    params.sprite_colors[:] = 1.0
    return gen, params


@pytest.mark.parametrize("motion,axis,sign", [("left", 1, -1), ("right", 1, 1), ("up", 0, -1), ("down", 0, 1)])
def test_rendered_actor_moves_the_right_way(motion, axis, sign):
    gen, params = _actor_only(motion)
    # The same path, centred on the frame so that it does not wrap around during the clip.
    step = params.speeds[0] * np.eye(2)[axis] * sign
    params.actor_centers[0, :, 0] = 32.0 + (np.arange(8) - 3.5)[:, None] * step
    x = gen.render(params).astype(np.float64)
    mask = x[0].sum(-1) > 30  # (T, H, W) pixels of the actor
    coords = np.indices(mask.shape[1:])[axis]
    centroid = (mask * coords).sum((1, 2)) / mask.sum((1, 2))
    moved = np.diff(centroid)
    assert (sign * moved > 0.3).all(), centroid
    np.testing.assert_allclose(centroid[-1] - centroid[0], sign * params.speeds[0] * 7, atol=1.5)


@pytest.mark.parametrize("motion", ["zoom_in", "zoom_out"])
def test_rendered_actor_zooms(motion):
    gen, params = _actor_only(motion)
    x = gen.render(params).astype(np.float64)
    area = (x[0].sum(-1) > 30).sum((1, 2))
    ratio = params.actor_extents[0, -1, 0] ** 2 / params.actor_extents[0, 0, 0] ** 2
    if motion == "zoom_in":
        assert (np.diff(area) >= 0).all() and area[-1] / area[0] == pytest.approx(ratio, rel=0.25)
    else:
        assert (np.diff(area) <= 0).all() and area[0] / area[-1] == pytest.approx(1 / ratio, rel=0.25)


# ----------------------------------------------------------------------------- rendering against references
def test_half_pixel_phases_match_shift_periodic_and_integer_shifts_are_rolls():
    rng = np.random.default_rng(0)
    images = rng.random((2, 12, 10, 3)).astype(np.float32)
    phases = half_pixel_phases(images)
    halves = np.array([[0, 0], [0, 0.5], [0.5, 0], [0.5, 0.5]])
    for k, offset in enumerate(halves):
        shifted = shift_periodic(images, np.array([0, 1]), np.array([offset, offset]))
        np.testing.assert_allclose(phases[:, k], shifted, atol=1e-6)
    rolled = shift_periodic(images, np.array([1]), np.array([[3.0, -2.0]]))
    np.testing.assert_allclose(rolled[0], np.roll(images[1], (3, -2), axis=(0, 1)), atol=1e-6)


def test_shift_periodic_matches_skimage_wrap():
    rng = np.random.default_rng(1)
    image = rng.random((16, 20, 3)).astype(np.float32)
    offset = np.array([2.3, -5.7])
    ours = shift_periodic(image[None], np.array([0]), offset[None])[0]
    ref = warp(image.astype(np.float64), AffineTransform(translation=(offset[1], offset[0])).inverse, order=1,
               mode="wrap")
    np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_frames_are_the_quantised_world_rolled_by_the_offsets():
    """With invisible actors, every frame is its clip's world at the frame's half-pixel phase, np.roll-ed."""
    gen = make(frame_size=(24, 40), num_frames=6, num_clutter=1, jitter=3.0, background_speed_range=(2.0, 4.0))
    params = gen.sample_parameters(3)
    params.sprites[:, 0] = 0.0  # the actor: alpha 0 leaves the world untouched, exactly
    params.world_offsets[0, :3] = [[0.0, 0.0], [-24.0, 40.0], [0.5, -39.5]]  # no wrap, whole turns, edges
    x = gen.render(params)
    phases = half_pixel_phases(gen.render_worlds(params)) * np.float32(255.0)
    phases = np.rint(phases).astype(np.uint8)
    for i in range(3):
        for j in range(gen.num_frames):
            offset = params.world_offsets[i, j]
            whole = np.floor(offset)
            half = np.rint((offset - whole) * 2).astype(int)
            expected = np.roll(phases[i, half[0] * 2 + half[1]], whole.astype(int), axis=(0, 1))
            np.testing.assert_array_equal(x[i, j], expected)


def test_upsample_twice_is_bilinear_at_the_new_centres():
    rng = np.random.default_rng(2)
    image = rng.random((5, 6)).astype(np.float32)
    up = upsample_twice(image[None])[0]
    # New pixel j sits at old coordinate (j + 1/2) / 2 - 1/2; zero outside the old image.
    padded = np.pad(image.astype(np.float64), 1)
    rows = (np.arange(10) + 0.5) / 2 - 0.5 + 1
    cols = (np.arange(12) + 0.5) / 2 - 0.5 + 1
    from scipy.ndimage import map_coordinates

    grid = np.meshgrid(rows, cols, indexing="ij")
    np.testing.assert_allclose(up, map_coordinates(padded, grid, order=1), atol=1e-6)


def _skimage_paint(canvas, sprite, color, center, angle, extent):
    """Independent reference: skimage warp (nearest) of the upsampled sprite over the whole torus."""
    height, width = canvas.shape[:2]
    up = upsample_twice(sprite).transpose(1, 2, 0)  # (2S, 2S, 2)
    out = canvas.copy()
    k = 2 * SPRITE_SIZE / extent
    for dr in (-height, 0, height):  # the sprite and its wrapped copies
        for dc in (-width, 0, width):
            to_relative = AffineTransform(translation=(-(center[1] + dc), -(center[0] + dr)))
            matrix = (AffineTransform(translation=(SPRITE_SIZE - 0.5, SPRITE_SIZE - 0.5)).params
                      @ AffineTransform(scale=k).params @ AffineTransform(rotation=angle).params
                      @ to_relative.params)
            layer = warp(up, AffineTransform(matrix=matrix), output_shape=(height, width), order=0, cval=0.0)
            out = out * (1 - layer[..., :1]) + layer[..., 1:2] * color
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paint_sprites_matches_a_skimage_reference(seed):
    rng = np.random.default_rng(seed)
    height, width = 40, 48
    sprites = rng.random((3, 2, SPRITE_SIZE, SPRITE_SIZE)).astype(np.float32)
    sprites[:, 1] *= sprites[:, 0]
    colors = rng.random((3, 3)).astype(np.float32)
    canvas = rng.random((4, height, width, 3)).astype(np.float32)
    index = np.array([0, 1, 2, 1])
    centers = np.array([[20.0, 24.0], [2.5, 46.2], [38.7, 1.1], [0.3, 0.4]])  # some wrap around the edges
    angles = rng.uniform(0, 2 * np.pi, 4)
    extents = rng.uniform(12, 26, 4)
    expected = np.stack([_skimage_paint(canvas[f], sprites[index[f]], colors[index[f]], centers[f], angles[f],
                                        extents[f]) for f in range(4)])
    ours = paint_sprites(canvas.copy(), sprite_table(sprites, colors), index, centers, angles, extents)
    difference = np.abs(ours - expected)
    assert np.mean(difference > 1e-4) < 0.002  # nearest-pixel ties may round the other way
    assert difference.max() < 1.0


def test_content_half_extents_only_shrink_the_windows():
    gen = make(objects="digits", num_clutter=0, **SMALL)
    params = gen.sample_parameters(6)
    sprites = params.sprites[:, 0]
    half = content_half_extents(sprites)
    assert (half < SPRITE_SIZE / 2).all() and (half > 4).all()  # MNIST digits fill about 20 of 28 pixels
    args = (np.repeat(np.arange(6), 8), params.actor_centers[:, :, 0].reshape(-1, 2),
            params.actor_angles[:, :, 0].reshape(-1), params.actor_extents[:, :, 0].reshape(-1))
    canvas = np.random.default_rng(0).integers(0, 256, (48, 32, 32, 3)).astype(np.uint8)
    table = sprite_table(sprites, params.sprite_colors[:, 0], 255.0)
    np.testing.assert_array_equal(paint_sprites(canvas.copy(), table, *args, half),
                                  paint_sprites(canvas.copy(), table, *args))


def test_rotation_is_counter_clockwise_on_screen():
    # A bar pointing right (+x) turned by +90 degrees points up (towards row 0).
    sprite = np.zeros((1, 2, SPRITE_SIZE, SPRITE_SIZE), np.float32)
    sprite[0, :, 14:18, 16:] = 1.0
    canvas = np.zeros((1, 64, 64, 3), np.float32)
    paint_sprites(canvas, sprite_table(sprite, np.ones((1, 3))), np.array([0]), np.array([[32.0, 32.0]]),
                  np.array([np.pi / 2]), np.array([32.0]))
    painted = canvas[0, ..., 0] > 0.5
    rows, cols = np.nonzero(painted)
    assert rows.mean() < 28 and abs(cols.mean() - 32) < 3


def test_uint8_canvas_is_the_rounded_float_canvas():
    rng = np.random.default_rng(5)
    sprites = rng.random((2, 2, SPRITE_SIZE, SPRITE_SIZE)).astype(np.float32)
    colors = rng.random((2, 3)).astype(np.float32)
    canvas = rng.integers(0, 256, (2, 32, 32, 3)).astype(np.uint8)
    args = (np.array([0, 1]), np.array([[10.0, 30.0], [16.2, 3.3]]), np.array([0.3, 4.0]), np.array([20.0, 14.0]))
    as_float = paint_sprites(canvas.astype(np.float32), sprite_table(sprites, colors, 255.0), *args)
    as_uint8 = paint_sprites(canvas.copy(), sprite_table(sprites, colors, 255.0), *args)
    np.testing.assert_array_equal(as_uint8, np.rint(as_float).astype(np.uint8))


# ----------------------------------------------------------------------------- no single frame tells the class
def test_single_frame_statistics_do_not_separate_the_classes():
    """At a random time, the actor's placement, size and orientation and the frame's statistics are class-free."""
    gen = make(motions=MOTIONS, **SMALL)
    n = 1600
    x, y, params = gen.generate(n, seed=11, return_parameters=True)
    rng = np.random.default_rng(12)
    t = rng.integers(0, gen.num_frames, n)
    rows = np.arange(n)
    frames = x[rows, t].astype(np.float64)
    features = {
        "actor_row": params.actor_centers[rows, t, 0, 0],
        "actor_col": params.actor_centers[rows, t, 0, 1],
        "actor_log_size": np.log(params.actor_extents[rows, t, 0]),
        "actor_angle": np.mod(params.actor_angles[rows, t, 0], 2 * np.pi),
        "frame_mean": frames.mean((1, 2, 3)),
        "frame_std": frames.std((1, 2, 3)),
        "frame_edges": np.abs(np.diff(frames, axis=2)).mean((1, 2, 3)),
    }
    for name, values in features.items():
        groups = [values[y == c] for c in range(gen.num_classes)]
        p = stats.kruskal(*groups).pvalue
        assert p > 1e-3, f"{name} differs between classes (Kruskal-Wallis p = {p:.2g})"
    # ... while the motion itself does: frame-to-frame displacement of the actor.
    step = np.diff(params.actor_centers[:, :, 0, 1], axis=1)[:, 0]
    step = (step + 16) % 32 - 16
    assert stats.kruskal(*[step[y == c] for c in range(gen.num_classes)]).pvalue < 1e-10


@pytest.mark.slow
def test_a_single_frame_model_stays_at_chance_a_clip_model_does_not():
    """Train a small 2D CNN on single frames and a small 3D CNN on clips, briefly, on the same clips."""
    import keras

    gen = make(frame_size=32, num_frames=8)  # the six default classes, default nuisances scaled to 32 pixels
    x, y = gen.generate(1200, seed=1, dtype="float32")
    x_test, y_test = gen.generate(400, seed=2, dtype="float32")
    rng = np.random.default_rng(0)
    pick = rng.integers(0, gen.num_frames, len(x))
    pick_test = rng.integers(0, gen.num_frames, len(x_test))

    frame_model = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(gen.num_classes),
    ])
    clip_input = keras.Input((8, 32, 32, 3))
    frames = keras.layers.Lambda(lambda v: v[:, 1:])(clip_input)
    differences = keras.layers.Lambda(lambda v: v[:, 1:] - v[:, :-1])(clip_input)
    h = keras.layers.Concatenate()([frames, differences])
    h = keras.layers.Conv3D(16, 3, activation="relu", padding="same")(h)
    h = keras.layers.MaxPooling3D((1, 2, 2))(h)
    h = keras.layers.Conv3D(32, 3, activation="relu", padding="same")(h)
    h = keras.layers.MaxPooling3D((2, 2, 2))(h)
    h = keras.layers.GlobalAveragePooling3D()(h)
    clip_model = keras.Model(clip_input, keras.layers.Dense(gen.num_classes)(h))
    accuracy = {}
    for name, model, inputs, test_inputs in (
        ("frame", frame_model, x[np.arange(len(x)), pick], x_test[np.arange(len(x_test)), pick_test]),
        ("clip", clip_model, x, x_test),
    ):
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        model.fit(inputs, y, epochs=10, batch_size=32, verbose=0)
        accuracy[name] = model.evaluate(test_inputs, y_test, verbose=0)[1]
    chance = 1.0 / gen.num_classes
    print(f"test accuracy: single frames {accuracy['frame']:.3f}, clips {accuracy['clip']:.3f}, chance {chance:.3f}")
    assert accuracy["frame"] < chance + 0.1, accuracy
    assert accuracy["clip"] > chance + 0.3, accuracy  # 0.62 when written (single frames 0.15)


# ----------------------------------------------------------------------------- the PyDataset
def test_sequence_fresh_each_epoch_and_deterministic():
    gen = make(**SMALL)
    data = MotionClipsSequence(gen, num_clips=10, batch_size=4, seed=5)
    assert len(data) == 3
    x0, y0 = data[0]
    assert x0.shape == (4, 8, 32, 32, 3) and x0.dtype == np.float32 and data[2][0].shape[0] == 2
    np.testing.assert_array_equal(data[0][0], x0)  # the same batch again
    data.on_epoch_begin()  # epoch 0
    np.testing.assert_array_equal(data[0][0], x0)
    data.on_epoch_begin()  # epoch 1: new clips
    x1 = data[0][0]
    assert not np.array_equal(x1, x0)
    other = MotionClipsSequence(gen, num_clips=10, batch_size=4, seed=5)
    other.set_epoch(1)
    other.on_epoch_begin()
    np.testing.assert_array_equal(other[0][0], x1)
    np.testing.assert_array_equal(other[0][0], gen.generate(4, seed=[5, 1, 0], dtype="float32")[0])
    fixed = MotionClipsSequence(gen, num_clips=10, batch_size=4, seed=5, fresh_each_epoch=False, dtype="uint8",
                                one_hot=True)
    xa, ya = fixed[1]
    fixed.on_epoch_begin()
    fixed.on_epoch_begin()
    np.testing.assert_array_equal(fixed[1][0], xa)
    assert xa.dtype == np.uint8 and ya.shape == (4, 6) and (ya.sum(1) == 1).all()


def test_sequence_trains_a_model():
    import keras

    gen = make(frame_size=16, num_frames=4)
    model = keras.Sequential([keras.Input((4, 16, 16, 3)), keras.layers.Flatten(), keras.layers.Dense(6)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(MotionClipsSequence(gen, num_clips=16, batch_size=8), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


# ----------------------------------------------------------------------------- writing the set
def test_write_reads_back_like_ucf101(tmp_path):
    from keras_stvideo.data import VideoIndex, read_video
    from keras_stvideo.data.datasets import ucf101

    gen = make(seed=2, **SMALL)
    root = tmp_path / "clips"
    index = gen.write(root, clips_per_class=4, clips_per_group=1, num_splits=3)
    assert sorted(p.name for p in root.iterdir()) == ["index.json", "splits", "videos"]
    assert not list(tmp_path.glob(".*"))  # no temporary folder left
    # The files are the clips generate() gives for the same seed and labels, exactly (lossless FFV1).
    expected, labels = gen.generate(24, seed=2, labels=gen.balanced_labels(4))
    assert len(index.entries) == 24
    for entry in index.entries[::7]:  # reading is slow on a busy machine: four of them
        name = gen.class_names[entry.label]
        assert entry.path.startswith(f"{name}/v_{name}_g")
        group, clip = map(int, re.search(r"_g(\d\d)_c(\d\d)\.avi$", entry.path).groups())
        position = entry.label * 4 + (group - 1)
        assert clip == 1 and labels[position] == entry.label
        np.testing.assert_array_equal(read_video(index.path_of(entry)), expected[position])
    for entry in index.entries:
        name = gen.class_names[entry.label]
        group, clip = map(int, re.search(r"_g(\d\d)_c(\d\d)\.avi$", entry.path).groups())
        assert entry.path == f"{name}/v_{name}_g{group:02d}_c01.avi" and clip == 1 and 1 <= group <= 4
    # Official UCF101 files: the repository's UCF101 parser rebuilds the same index.
    assert ucf101.read_class_index(root / "splits" / "classInd.txt") == gen.class_names
    assert (root / "splits" / "trainlist01.txt").read_text().splitlines()[0].split()[1] == "1"
    rebuilt = ucf101.build_index(root / "videos", root / "splits")
    loaded = VideoIndex.load(root / "index.json")
    assert loaded.class_names == rebuilt.class_names == gen.class_names
    key = lambda e: (e.path, e.label, tuple(sorted(e.splits.items())), e.group)  # noqa: E731
    assert sorted(map(key, loaded.entries)) == sorted(map(key, rebuilt.entries))
    # Four groups, three splits: split k tests group k, group 4 always trains.
    for k in (1, 2, 3):
        test = loaded.entries_for(f"split{k}", "test")
        assert {e.group for e in test} == {f"{k:02d}"} and len(test) == 6
        assert loaded.counts(f"split{k}") == {"train": 18, "test": 6}


def test_written_set_feeds_the_video_pipeline(tmp_path):
    import functools

    from keras_stvideo.data import VideoClipDataset, VideoIndex, sample_consecutive_clip

    make(seed=3, **SMALL).write(tmp_path / "set", clips_per_class=4, clips_per_group=1, num_splits=1)
    index = VideoIndex.load(tmp_path / "set" / "index.json")
    data = VideoClipDataset(index, "split1", "train",
                            functools.partial(sample_consecutive_clip, num_frames=4), batch_size=5)
    x, y = data[0]
    assert x.shape[0] == 5 and x.shape[1] == 4 and x.shape[-1] == 3 and y.shape == (5,)


def test_write_is_byte_identical_for_a_seed(tmp_path):
    for name in ("a", "b"):
        make(seed=6, **SMALL).write(tmp_path / name, clips_per_class=2, clips_per_group=1, num_splits=1)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "videos").rglob("*.avi"))
    assert len(files) == 12
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    for name in ("classInd.txt", "trainlist01.txt", "testlist01.txt"):
        assert (tmp_path / "a" / "splits" / name).read_bytes() == (tmp_path / "b" / "splits" / name).read_bytes()


def test_write_leaves_nothing_when_interrupted(tmp_path):
    gen = make(**SMALL)

    def interrupt(count):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        gen.write(tmp_path / "set", clips_per_class=2, clips_per_group=1, num_splits=1, progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_write_refuses_existing_or_unwritable_output(tmp_path):
    gen = make(**SMALL)
    (tmp_path / "taken").mkdir()
    with pytest.raises(ValueError, match="must not exist"):
        gen.write(tmp_path / "taken", clips_per_class=2, clips_per_group=1, num_splits=1)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="cannot write"):
        gen.write(tmp_path / "file" / "set", clips_per_class=2, clips_per_group=1, num_splits=1)
    with pytest.raises(ValueError, match="num_splits=3 needs at least 4"):
        gen.write(tmp_path / "new", clips_per_class=6, clips_per_group=2, num_splits=3)
    with pytest.raises(ValueError, match="codec"):
        gen.write(tmp_path / "new", codec="h264")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "taken"]


def test_mjpeg_writes_a_lossy_copy(tmp_path):
    from keras_stvideo.data import VideoIndex, read_video

    gen = make(seed=1, **SMALL)
    gen.write(tmp_path / "set", clips_per_class=2, clips_per_group=1, num_splits=1, codec="mjpeg")
    index = VideoIndex.load(tmp_path / "set" / "index.json")
    expected, _ = gen.generate(12, seed=1, labels=gen.balanced_labels(2))
    decoded = read_video(index.path_of(index.entries[0]))
    assert decoded.shape == expected[0].shape
    assert np.abs(decoded.astype(float) - expected[0]).mean() < 12


# ----------------------------------------------------------------------------- the command
def test_command_writes_set_and_preview(tmp_path, capsys):
    from keras_stvideo.cli import main
    from keras_stvideo.data import VideoIndex

    out, preview = tmp_path / "set", tmp_path / "preview.gif"
    code = main(["motion-clips", "--out", str(out), "--clips-per-class", "2", "--clips-per-group", "1",
                 "--splits", "1", "--frame-size", "24", "32", "--num-frames", "6", "--motions", "left", "right",
                 "rotate_cw", "--preview", str(preview), "--seed", "4"])
    assert code == 0
    index = VideoIndex.load(out / "index.json")
    assert index.class_names == ["MoveLeft", "MoveRight", "RotateClockwise"] and len(index.entries) == 6
    assert preview.stat().st_size > 0
    assert "wrote" in capsys.readouterr().out
    # An existing output is refused before anything is generated.
    assert main(["motion-clips", "--out", str(out)]) == 2
    assert "must not exist" in capsys.readouterr().err
    assert main(["motion-clips", "--out", str(tmp_path / "other"), "--preview", str(tmp_path / "p.png")]) == 2
    assert not (tmp_path / "other").exists()


# ----------------------------------------------------------------------------- argument checks
@pytest.mark.parametrize("kwargs,match", [
    (dict(frame_size=8), "frame_size"),
    (dict(frame_size="big"), "frame_size"),
    (dict(num_frames=1), "num_frames"),
    (dict(motions=("left", "sideways")), "motions"),
    (dict(motions=("left",)), "motions"),
    (dict(objects="cars"), "objects"),
    (dict(num_actors=0), "num_actors"),
    (dict(num_clutter=-1), "num_clutter"),
    (dict(actor_size_range=(0.5, 0.9)), "actor_size_range and zoom_range"),
    (dict(zoom_range=(0.5, 2.0)), "zoom_range"),
    (dict(rotation_range=(0.1, 1.0)), "rotation_range"),
    (dict(speed_range=(3.0, 1.0)), "speed_range"),
    (dict(jitter=-1.0), "jitter"),
])
def test_bad_arguments_name_themselves(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MotionClips(**kwargs)


def test_bad_generate_arguments():
    gen = make(**SMALL)
    with pytest.raises(ValueError, match="dtype"):
        gen.generate(2, dtype="float64")
    with pytest.raises(ValueError, match="labels"):
        gen.generate(2, labels=[0, 6])
    with pytest.raises(ValueError, match="num_clips"):
        gen.generate(-1)
    with pytest.raises(ValueError, match="num_clips"):
        MotionClipsSequence(gen, num_clips=0)
    with pytest.raises(ValueError, match="fresh_each_epoch"):
        MotionClipsSequence(gen, num_clips=4, workers=2)
    assert math.isclose(gen.speed_range[0], 1.0) and math.isclose(gen.jitter, 0.25)  # scaled to 32 px
