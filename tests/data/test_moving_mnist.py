import dataclasses
import math
import subprocess
import sys

import numpy as np
import pytest
from skimage.transform import rotate, warp

from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.moving_mnist import VARIANTS, MovingMNIST, MovingMNISTSequence
from keras_stvideo.data.warp import elastic_displacements, gaussian_kernel, uniform_fields
from keras_stvideo.data.moving_mnist_reference import canvas_transform, elastic_warp, reference_render

MNIST = load_embedded_digits()


def make(**kwargs):
    kwargs.setdefault("mnist", MNIST)
    kwargs.setdefault("seed", 0)
    return MovingMNIST(**kwargs)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_shapes_range_labels(variant):
    x, y, params = MovingMNIST.from_variant(variant, mnist=MNIST, seed=1).generate(6, return_parameters=True)
    assert x.shape == (6, 5, 64, 64, 1) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0 and x.max() > 0.5
    np.testing.assert_array_equal(y, 10 * params.digit_labels[:, 0] + params.digit_labels[:, 1])
    np.testing.assert_array_equal(params.digit_labels, MNIST[0][1][params.digit_indices])


def test_same_seed_same_bytes_other_seed_differs():
    a = MovingMNIST.from_variant("elastic", mnist=MNIST, seed=7).generate(4)[0]
    b = MovingMNIST.from_variant("elastic", mnist=MNIST, seed=7).generate(4)[0]
    c = MovingMNIST.from_variant("elastic", mnist=MNIST, seed=8).generate(4)[0]
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def test_motion_speed_range_and_bounce():
    gen = make(sequence_length=40)
    params = gen.sample_parameters(50)
    speeds = np.linalg.norm(params.velocities, axis=-1)
    assert speeds.min() >= 4.0 and speeds.max() <= 12.0
    pos = params.positions
    assert pos.min() >= 0.0 and pos.max() <= 64 - 28  # digits stay fully on the canvas
    # Bouncing is reflection: the path equals the straight line folded into [0, 36].
    limit = 64 - 28
    straight = pos[:, :1] + np.arange(40)[None, :, None, None] * params.velocities[:, None]
    folded = limit - np.abs(np.mod(straight, 2 * limit) - limit)
    np.testing.assert_allclose(pos, folded, atol=1e-9)
    # Over 40 frames at >= 4 px/frame within a 36 px range every digit bounces.
    velocity_sign_changes = np.diff(np.sign(np.diff(pos, axis=1)), axis=1) != 0
    assert velocity_sign_changes.any(axis=(1, 3)).all()


def test_unaugmented_frame_is_the_pasted_digits():
    gen = make()
    x, _, params = gen.generate(3, return_parameters=True)
    n, t = 1, 2
    canvas = np.zeros((64, 64), np.float32)
    for d in range(2):
        r, c = np.rint(params.positions[n, t, d]).astype(int)
        digit = MNIST[0][0][params.digit_indices[n, d]] / 255.0
        canvas[r : r + 28, c : c + 28] = np.maximum(canvas[r : r + 28, c : c + 28], digit)
    np.testing.assert_allclose(x[n, t, ..., 0], canvas, atol=1e-6)


@pytest.mark.parametrize("variant", ["rotation", "scaling", "rotation_scaling", "elastic"])
def test_matches_per_frame_skimage_reference(variant):
    """Each digit warped once per sequence and placed per frame equals scikit-image, frame by frame."""
    gen = MovingMNIST.from_variant(variant, mnist=MNIST, seed=3)
    x, _, params = gen.generate(6, return_parameters=True)
    np.testing.assert_allclose(x, reference_render(gen, params), atol=1e-5)


def test_rotation_and_scaling_move_digits_with_the_canvas():
    """Against the literal per-frame canvas warp (skimage.transform.rotate): same direction, place and mass.

    The two differ by the placement's rounding (at most half a pixel) and where digits overlap.
    """
    gen = make(augmentations=("rotation", "scaling"))
    x, _, params = gen.generate(8, return_parameters=True)
    assert np.ptp(params.angles) > 0 and params.angles.min() >= 0 and params.angles.max() <= 2 * math.pi
    assert params.scales.min() >= 0.4 and params.scales.max() <= 1.0
    plain = gen.render(params, augment=False)
    # The literal transform turns counter-clockwise on screen, as skimage.transform.rotate does.
    turned = warp(plain[0, 0, ..., 0], canvas_transform(params.angles[0], 1.0, 64).inverse, order=1, mode="constant")
    np.testing.assert_allclose(turned, rotate(plain[0, 0, ..., 0], math.degrees(params.angles[0]), order=1), atol=1e-6)
    rows, cols = np.mgrid[:64, :64]
    for i in range(8):
        transform = canvas_transform(params.angles[i], params.scales[i], 64)
        for t in range(5):
            expected = warp(plain[i, t, ..., 0], transform.inverse, order=1, mode="constant")
            got = x[i, t, ..., 0]
            assert got.sum() == pytest.approx(expected.sum(), rel=0.05)
            for grid in (rows, cols):
                assert (grid * got).sum() / got.sum() == pytest.approx(
                    (grid * expected).sum() / expected.sum(), abs=0.75
                )
        # Content shrinks: its mass scales with s**2, up to what the borders clip.
        assert x[i].sum() == pytest.approx(plain[i].sum() * params.scales[i] ** 2, rel=0.1)


def test_identity_transform_is_the_pasted_canvas():
    gen = make(augmentations=("rotation", "scaling"), rotation_range=(0.0, 0.0), scale_range=(1.0, 1.0))
    x, _, params = gen.generate(5, return_parameters=True)
    assert x.tobytes() == gen.render(params, augment=False).tobytes()


def test_elastic_variant_deforms_the_rotation_scaling_video():
    gen = make(augmentations=("rotation", "scaling", "elastic"))
    x, _, params = gen.generate(3, return_parameters=True)
    undeformed = make(augmentations=("rotation", "scaling")).render(params)
    for i in range(3):
        for t in range(5):
            warped = elastic_warp(undeformed[i, t, ..., 0], params.displacements[i, t])
            np.testing.assert_allclose(x[i, t, ..., 0], warped, atol=1e-5)


def test_elastic_fields_follow_simard():
    rng = np.random.default_rng(0)
    fields = elastic_displacements(rng, 2, 64, alpha=300.0, sigma=10.0, kernel_size=7)
    rng = np.random.default_rng(0)
    raw = rng.bit_generator.random_raw(2 * 2 * 64 * 64 // 4).astype("<u8").view("<u2").reshape(2, 2, 64, 64)
    raw = raw / 32768.0 - 1.0  # uniform in [-1, 1) on 16-bit levels
    np.testing.assert_array_equal(uniform_fields(np.random.default_rng(0), 2, 64), raw.astype(np.float32))
    kernel = np.outer(gaussian_kernel(7, 10.0), gaussian_kernel(7, 10.0))
    padded = np.pad(raw[0, 0], 3)
    reference = np.array(
        [[(padded[r : r + 7, c : c + 7] * kernel).sum() for c in range(64)] for r in range(64)]
    )
    np.testing.assert_allclose(fields[0, 0], 300.0 * reference, rtol=1e-4, atol=1e-3)
    assert fields.dtype == np.float32 and 15 < fields.std() < 35  # about 300 x 0.58 / 7 = 25 px


def test_elastic_readings_field_strength_and_simard_smoothing():
    """Literal (7 x 7, sigma 10, alpha 300): std about 300 * 0.577 / 7 = 25 px; smooth: about 5 px."""
    from scipy import ndimage

    literal = elastic_displacements(np.random.default_rng(1), 8, 64, alpha=300.0, sigma=10.0, kernel_size=7)
    smooth = elastic_displacements(np.random.default_rng(1), 8, 64, alpha=300.0, sigma=10.0, kernel_size=None)
    inner = (slice(None), slice(None), slice(24, 40), slice(24, 40))  # away from the zero-padded borders
    assert 22 < literal[inner].std() < 28
    # Untruncated Gaussian: var = (1/3) / (4 pi sigma^2) -> std = 300 * 0.0163 = 4.9 px.
    assert 3.5 < smooth[inner].std() < 6.5
    raw = uniform_fields(np.random.default_rng(1), 8, 64)  # the draws elastic_displacements smooths
    reference = 300.0 * ndimage.gaussian_filter(raw[0, 3].astype(np.float64), 10.0, mode="constant", cval=0.0)
    np.testing.assert_allclose(smooth[0, 3], reference, atol=1e-3)


def test_elastic_reading_option():
    literal = MovingMNIST.from_variant("elastic", mnist=MNIST, seed=3)
    smooth = MovingMNIST.from_variant("elastic", mnist=MNIST, seed=3, elastic_reading="smooth")
    assert literal.elastic_reading == "literal"
    x_literal, _, params = literal.generate(3, return_parameters=True)
    x_smooth, _, params_smooth = smooth.generate(3, return_parameters=True)
    np.testing.assert_array_equal(params.positions, params_smooth.positions)  # only the fields differ
    assert np.abs(params.displacements).mean() > 3 * np.abs(params_smooth.displacements).mean()
    # The same rotation and scaling without the elastic field.
    undeformed = literal.render(dataclasses.replace(params, displacements=None))
    np.testing.assert_array_equal(undeformed, smooth.render(dataclasses.replace(params_smooth, displacements=None)))
    # The smooth field bends the strokes: the frames still correlate with the undeformed ones and keep
    # their ink. The literal one scatters it: no correlation left, and much of it is read from outside.
    def correlation(x):
        return np.corrcoef(x.ravel(), undeformed.ravel())[0, 1]

    assert correlation(x_smooth) > 0.15 and correlation(x_literal) < 0.05
    assert x_smooth.mean() == pytest.approx(undeformed.mean(), rel=0.1)
    assert x_literal.mean() < 0.7 * undeformed.mean()
    with pytest.raises(ValueError, match="elastic_reading"):
        MovingMNIST(mnist=MNIST, elastic_reading="loose")


def test_elastic_warp_uses_recorded_fields():
    gen = make(augmentations=("elastic",))
    x, _, params = gen.generate(2, return_parameters=True)
    plain = gen.render(params, augment=False)
    d = params.displacements[1, 2]  # (2, H, W): row and column displacement
    rows, cols = np.meshgrid(np.arange(64), np.arange(64), indexing="ij")
    expected = warp(plain[1, 2, ..., 0], np.stack([rows + d[0], cols + d[1]]), order=1, mode="constant")
    np.testing.assert_allclose(x[1, 2, ..., 0], expected, atol=1e-4)
    assert not np.allclose(params.displacements[1, 0], params.displacements[1, 1])  # per frame


def test_train_and_test_never_share_a_digit_image():
    train = make(split="train").sample_parameters(300)
    test = make(split="test").sample_parameters(300)
    train_images = {MNIST[0][0][i].tobytes() for i in train.digit_indices.ravel()}
    test_images = {MNIST[1][0][i].tobytes() for i in test.digit_indices.ravel()}
    assert not train_images & test_images
    # The paper's protocol draws both splits from the training set.
    paper_test = make(split="test", digit_source="paper")
    assert paper_test.digits is MNIST[0][0]


def test_paper_protocol_counts():
    x, y = MovingMNIST.from_variant("rotation_scaling", mnist=MNIST, seed=0).paper_protocol(settings_per_class=1)
    assert x.shape == (100, 5, 64, 64, 1)
    np.testing.assert_array_equal(y, np.arange(100))


def test_generate_renders_in_chunks_exactly_as_at_once(monkeypatch):
    from keras_stvideo.data import moving_mnist

    generator = make(augmentations=("rotation", "scaling", "elastic"))
    x, y, params = generator.generate(7, return_parameters=True)
    monkeypatch.setattr(moving_mnist, "_RENDER_CHUNK", 3)
    x_chunked, y_chunked = generator.generate(7)
    assert x_chunked.tobytes() == x.tobytes() and x.tobytes() == generator.render(params).tobytes()
    np.testing.assert_array_equal(y_chunked, y)


def test_drawn_order_is_invisible_in_the_video():
    """Swapping the two digit slots (images, paths) renders the same video, yet flips a drawn label."""
    generator = make(augmentations=("rotation", "scaling"))
    params = generator.sample_parameters(20)
    swapped = dataclasses.replace(
        params,
        digit_indices=params.digit_indices[:, ::-1],
        digit_labels=params.digit_labels[:, ::-1],
        positions=params.positions[:, :, ::-1],
        velocities=params.velocities[:, ::-1],
    )
    assert generator.render(params).tobytes() == generator.render(swapped).tobytes()
    distinct = params.digit_labels[:, 0] != params.digit_labels[:, 1]
    assert distinct.any()
    assert (params.labels[distinct] != swapped.labels[distinct]).all()


def test_sorted_order_changes_labels_not_videos():
    x_drawn, y_drawn, p_drawn = make(augmentations=("scaling",)).generate(40, return_parameters=True)
    x_sorted, y_sorted, p_sorted = make(augmentations=("scaling",), label_order="sorted").generate(
        40, return_parameters=True
    )
    assert x_drawn.tobytes() == x_sorted.tobytes()
    np.testing.assert_array_equal(y_sorted, 10 * p_drawn.digit_labels.min(axis=1) + p_drawn.digit_labels.max(axis=1))
    assert (p_sorted.digit_labels[:, 0] <= p_sorted.digit_labels[:, 1]).all()
    assert (y_sorted != y_drawn).any()
    _, y_protocol = make(label_order="sorted").paper_protocol(settings_per_class=1)
    assert len(y_protocol) == 100 and len(np.unique(y_protocol)) == 55


def test_pydataset_batches_are_deterministic():
    data = MovingMNISTSequence(make(augmentations=("rotation",)), num_sequences=7, batch_size=3, seed=5, one_hot=True)
    assert len(data) == 3
    x0, y0 = data[0]
    x0_again, _ = data[0]
    x2, y2 = data[2]
    assert x0.shape == (3, 5, 64, 64, 1) and y0.shape == (3, 100)
    assert x2.shape[0] == 1
    assert x0.tobytes() == x0_again.tobytes()
    np.testing.assert_allclose(y0.sum(axis=1), 1.0)
    with pytest.raises(IndexError):
        data[3]


def test_pydataset_fresh_each_epoch_shows_new_videos_every_epoch():
    fixed = MovingMNISTSequence(make(), num_sequences=4, batch_size=2, seed=5)
    fresh = MovingMNISTSequence(make(), num_sequences=4, batch_size=2, seed=5, fresh_each_epoch=True)
    first_epoch = [fresh[i][0].tobytes() for i in range(2)]
    assert first_epoch == [fresh[i][0].tobytes() for i in range(2)]  # deterministic within an epoch
    before = fixed[0][0].tobytes()
    fresh.on_epoch_begin()  # epoch 0, as model.fit starts
    assert [fresh[i][0].tobytes() for i in range(2)] == first_epoch
    for data in (fixed, fresh):
        data.on_epoch_end()
        data.on_epoch_begin()  # epoch 1
    assert fixed[0][0].tobytes() == before
    second_epoch = [fresh[i][0].tobytes() for i in range(2)]
    assert not set(first_epoch) & set(second_epoch)
    again = MovingMNISTSequence(make(), num_sequences=4, batch_size=2, seed=5, fresh_each_epoch=True)
    again.on_epoch_begin()
    again.on_epoch_begin()
    assert [again[i][0].tobytes() for i in range(2)] == second_epoch  # the same seed replays every epoch
    with pytest.raises(ValueError, match="fresh_each_epoch needs workers=1.*got workers=2"):
        MovingMNISTSequence(make(), num_sequences=4, fresh_each_epoch=True, workers=2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"canvas_size": 20}, "canvas_size.*20"),
        ({"speed_range": (12, 4)}, "speed_range.*min <= max"),
        ({"scale_range": (0.4,)}, "scale_range.*pair"),
        ({"num_digits": 0}, "num_digits.*0"),
        ({"sequence_length": -1}, "sequence_length.*-1"),
        ({"augmentations": ("shear",)}, "augmentations.*shear"),
        ({"split": "val"}, "split.*val"),
        ({"digit_source": "both"}, "digit_source.*both"),
        ({"elastic_kernel_size": 6}, "elastic_kernel_size.*6"),
        ({"label_order": "random"}, "label_order.*random"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


def test_bad_counts_and_variants():
    with pytest.raises(ValueError, match="num_sequences.*-2"):
        make().generate(-2)
    with pytest.raises(ValueError, match="variant.*blur"):
        MovingMNIST.from_variant("blur", mnist=MNIST)


def test_cli_writes_npz_and_gif(tmp_path):
    out = tmp_path / "sub" / "mm.npz"
    gif = tmp_path / "sub" / "mm.gif"
    result = subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "moving-mnist", "--variant", "rotation",
         "--num-sequences", "12", "--out", str(out), "--preview", str(gif), "--seed", "3"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with np.load(out) as data:
        assert data["x"].shape == (12, 5, 64, 64, 1)
        assert data["y"].max() < 100
    import imageio.v3 as iio

    assert iio.imread(gif).shape[0] == 5  # one GIF frame per time step
    assert sorted(p.name for p in out.parent.iterdir()) == ["mm.gif", "mm.npz"]  # no temp files left


def test_cli_rejects_bad_preview(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "moving-mnist", "--num-sequences", "2",
         "--out", str(tmp_path / "a.npz"), "--preview", str(tmp_path / "a.png")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and ".gif or .mp4" in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("size, kernel_size", [(16, 7), (11, 7), (10, None)])  # bordered flat layout, transposed passes
def test_elastic_smoothing_layouts_and_chunks_agree(monkeypatch, size, kernel_size):
    """Both smoothing layouts give scipy's zero-padded separable correlation, the same bytes for any chunking."""
    from scipy import ndimage

    from keras_stvideo.data import warp

    fields = elastic_displacements(np.random.default_rng(4), 5, size, alpha=300.0, sigma=2.0, kernel_size=kernel_size)
    monkeypatch.setattr(warp, "_SMOOTH_CHUNK", 3)  # 10 fields: three full chunks and a partial one
    rechunked = elastic_displacements(np.random.default_rng(4), 5, size, alpha=300.0, sigma=2.0,
                                      kernel_size=kernel_size)
    np.testing.assert_array_equal(fields, rechunked)
    raw = uniform_fields(np.random.default_rng(4), 5, size).astype(np.float64)
    kernel = gaussian_kernel(kernel_size, 2.0)
    for index in np.ndindex(2, 5):
        expected = 300.0 * ndimage.correlate1d(
            ndimage.correlate1d(raw[index], kernel, axis=0, mode="constant"), kernel, axis=1, mode="constant"
        )
        np.testing.assert_allclose(fields[index], expected, rtol=1e-5, atol=1e-4)


def test_smoothing_draws_advance_the_generator_as_one_draw(monkeypatch):
    """Fields drawn chunk by chunk (words split across chunks) use the 16-bit draws of one ``_draw_uint16``."""
    from keras_stvideo.data import warp

    monkeypatch.setattr(warp, "_SMOOTH_CHUNK", 3)  # 11 x 11 fields: chunks of 363 draws, not whole 64-bit words
    rng, other = np.random.default_rng(7), np.random.default_rng(7)
    fields = elastic_displacements(rng, 4, 11, alpha=300.0, sigma=2.0, kernel_size=7)
    raw = warp._draw_uint16(other, 2 * 4 * 11 * 11).astype(np.float64).reshape(2, 4, 11, 11) / 32768.0 - 1.0
    assert rng.bit_generator.state == other.bit_generator.state  # ceil(968 / 4) words in all
    kernel = gaussian_kernel(7, 2.0)
    from scipy import ndimage

    expected = 300.0 * ndimage.correlate1d(ndimage.correlate1d(raw, kernel, axis=-2, mode="constant"), kernel,
                                           axis=-1, mode="constant")
    np.testing.assert_allclose(fields, expected, rtol=1e-5, atol=1e-4)


def test_elastic_kernel_with_underflowing_taps():
    """sigma 0.05: the outer taps of a 7-tap Gaussian are exactly 0 (dropped); the field is the scaled draws."""
    fields = elastic_displacements(np.random.default_rng(2), 2, 16, alpha=3.0, sigma=0.05, kernel_size=7)
    np.testing.assert_allclose(fields, 3.0 * uniform_fields(np.random.default_rng(2), 2, 16), rtol=1e-6)


def test_relative_sampling_and_clip_match_absolute_coordinates():
    from keras_stvideo.data.warp import bilinear_sample

    rng = np.random.default_rng(5)
    images = rng.random((7, 12, 10), dtype=np.float32) * 1.5 - 0.25
    fields = (rng.standard_normal((2, 7, 12, 10)) * 6).astype(np.float32)
    rows, cols = np.mgrid[:12, :10].astype(np.float32)
    absolute = bilinear_sample(images, rows + fields[0], cols + fields[1])
    relative = bilinear_sample(images, fields[0], fields[1], relative=True)
    np.testing.assert_allclose(relative, absolute, atol=1e-5)  # absolute coordinates round their sums
    for i in range(7):  # scikit-image's bilinear warp with zeros outside
        np.testing.assert_allclose(relative[i], elastic_warp(images[i].astype(np.float64), fields[:, i]), atol=1e-5)
    clipped = bilinear_sample(images.copy(), fields[0], fields[1], relative=True, clip=(0.0, 1.0))
    assert clipped.tobytes() == np.clip(relative, 0.0, 1.0).tobytes()
    in_place = images.copy()
    bilinear_sample(in_place, fields[0], fields[1], out=in_place, relative=True)
    assert in_place.tobytes() == relative.tobytes()


@pytest.mark.parametrize("relative", [True, False])
@pytest.mark.parametrize("clip", [None, (0.0, 1.0), (0.25, 0.5)])
def test_sparse_sampling_gives_the_dense_bytes(monkeypatch, relative, clip):
    """``sparse=True`` blends only pixels with a nonzero corner; every other pixel is exactly the dense zero."""
    from keras_stvideo.data import warp

    monkeypatch.setattr(warp, "_SAMPLE_CHUNK", 3 * 20 * 17)  # chunks of 3 frames: a partial last one
    monkeypatch.setattr(warp, "_SPARSE_GROUP", 2)  # blended 6 frames at a time: a partial last group
    rng = np.random.default_rng(6)
    images = rng.random((8, 20, 17), dtype=np.float32) * (rng.random((8, 20, 17)) < 0.1)
    images[2] = 0.0  # a frame with nothing to sample
    images[5, 0, :] = 0.75  # nonzero pixels on the border rows and columns
    images[5, :, -1] = -0.5
    rows, cols = (rng.standard_normal((2, 8, 20, 17)) * 8).astype(np.float32)
    if not relative:
        rows += np.arange(20, dtype=np.float32)[:, None]
        cols += np.arange(17, dtype=np.float32)
    dense = warp.bilinear_sample(images, rows, cols, relative=relative, clip=clip)
    sparse = warp.bilinear_sample(images, rows, cols, relative=relative, clip=clip, sparse=True)
    assert sparse.tobytes() == dense.tobytes()
    untouched = 0.0 if clip is None else np.clip(0.0, *clip)  # a pixel whose corners are zeros
    assert 0 < np.count_nonzero(dense != untouched) < dense.size // 2  # both kinds of pixel are exercised
    transposed_out = np.full((8, 17, 20), np.nan, np.float32).transpose(0, 2, 1)  # not contiguous
    warp.bilinear_sample(images, rows, cols, relative=relative, clip=clip, sparse=True, out=transposed_out)
    assert np.ascontiguousarray(transposed_out).tobytes() == dense.tobytes()


def test_paste_max_on_a_zeroed_canvas_copies_first_placements_to_the_same_bytes():
    from keras_stvideo.data.warp import paste_max

    rng = np.random.default_rng(6)
    images = [rng.random((s, s), dtype=np.float32) for s in (5, 9, 13)]
    frames = np.repeat(np.arange(6), 3)
    image_index = rng.integers(0, 3, len(frames))
    top_left = rng.integers(-12, 20, (len(frames), 2))  # some clipped, some overlapping, some outside
    top_left[0] = (-30, -30)  # frame 0's first placement misses the canvas: its second one is copied
    plain = paste_max(np.zeros((6, 20, 20), np.float32), images, frames, image_index, top_left)
    zeroed = paste_max(np.zeros((6, 20, 20), np.float32), images, frames, image_index, top_left, zeroed=True)
    assert plain.tobytes() == zeroed.tobytes() and plain.max() > 0
