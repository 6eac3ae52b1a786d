import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import TemporalSqueeze
from keras_stvideo.layers.temporal_squeeze import bernstein_basis, block_indicator_basis, ramp_basis
from tests.layer_checks import layer_gradients, run_layer_checks


def numpy_temporal_squeeze(x, w1, b1, w2, b2, d, slope=0.01, ridge=1e-4):
    batch, k = x.shape[:2]
    z = x.reshape(batch, k, -1).mean(-1)
    h = 1 / (1 + np.exp(-(z @ w1 + b1)))
    a = h @ w2 + b2
    a = np.where(a > 0, a, slope * a).reshape(batch, k, d)
    xs = x.reshape(batch, k, -1)
    y = np.stack([np.linalg.solve(a[b].T @ a[b] + ridge * np.eye(d), a[b].T @ xs[b]) for b in range(batch)])
    residual = xs - np.einsum("bkd,bdn->bkn", a, y)
    loss = np.mean(np.sqrt((residual**2).sum(1)))
    return y.reshape((batch, d) + x.shape[2:]), loss


def test_matches_numpy_equations_1_to_5():
    rng = np.random.default_rng(0)
    x = rng.random((3, 10, 4, 5, 3)).astype("float32")
    layer = TemporalSqueeze(2, beta=10.0)
    layer.build(x.shape)
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()]
    weights[3] = np.abs(weights[3]) + 0.5  # a well-conditioned A
    layer.set_weights(weights)
    out = ops.convert_to_numpy(layer(x))
    expected, loss = numpy_temporal_squeeze(x, *weights, d=2)
    np.testing.assert_allclose(out, expected, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(float(ops.convert_to_numpy(layer.losses[0])), 10.0 * loss, rtol=1e-4)


def test_initial_output_is_block_mean():
    np.testing.assert_allclose(block_indicator_basis(6, 3), np.kron(np.eye(3), [[1.0], [1.0]]))
    x = np.random.default_rng(1).random((2, 6, 3, 3, 1)).astype("float32")
    out = ops.convert_to_numpy(TemporalSqueeze(3, ridge=0.0)(x))
    # A's columns hold 1 on their block: A^T A = 2 I and A^T x = block sum, so y = the block mean.
    expected = x.reshape(2, 3, 2, 3, 3, 1).mean(axis=2)
    np.testing.assert_allclose(out, expected, rtol=1e-4)
    # Unequal blocks (K = 7, D = 3: blocks of 2, 3, 2 frames) and the default ridge.
    x = np.random.default_rng(6).random((1, 7, 2, 2, 1)).astype("float32")
    out = ops.convert_to_numpy(TemporalSqueeze(3)(x))
    expected = np.stack([x[:, 0:2].mean(1), x[:, 2:5].mean(1), x[:, 5:7].mean(1)], axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-3)


def test_standard_checks_raw_frames_and_feature_maps():
    for channels in (3, 16):
        x = np.random.default_rng(channels).random((2, 8, 6, 6, channels)).astype("float32")
        run_layer_checks(TemporalSqueeze, {"squeezed_frames": 2}, x, expected_output_shape=(2, 2, 6, 6, channels),
                         atol=1e-5)


def test_projection_loss_reaches_fit():
    inputs = keras.Input((6, 4, 4, 1))
    squeezed = TemporalSqueeze(2, beta=10.0)(inputs)
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(squeezed))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(2).random((4, 6, 4, 4, 1)).astype("float32")
    y = np.zeros((4, 1), "float32")
    mse_only = float(np.mean(ops.convert_to_numpy(model(x)) ** 2))
    evaluated = model.evaluate(x, y, verbose=0)
    assert evaluated > mse_only + 1e-3  # the beta * l_proj term is part of the training loss (Eq. 6)


def test_ill_conditioned_a_stays_finite():
    x = np.random.default_rng(3).random((2, 4, 3, 3, 2)).astype("float32")
    layer = TemporalSqueeze(2)
    layer.build(x.shape)
    w = layer.get_weights()
    w[3] = np.ones_like(w[3])  # both columns of A equal: A^T A singular
    layer.set_weights(w)
    out = ops.convert_to_numpy(layer(x))
    assert np.isfinite(out).all() and np.isfinite(ops.convert_to_numpy(layer.losses[0]))
    extreme = np.full((1, 4, 3, 3, 1), 1e6, "float32")
    assert np.isfinite(ops.convert_to_numpy(TemporalSqueeze(2)(extreme))).all()


def test_gradients_finite_and_nonzero():
    x = np.random.default_rng(4).random((2, 6, 3, 3, 2)).astype("float32")
    layer = TemporalSqueeze(2)
    layer.build(x.shape)
    weights = layer.get_weights()
    weights[2] = np.random.default_rng(5).normal(0, 0.1, weights[2].shape).astype("float32")  # W2 starts at 0
    layer.set_weights(weights)
    grads = layer_gradients(layer, x, lambda y: ops.sum(ops.square(y)))  # + the projection loss (add_loss)
    assert len(grads) == 1 + len(layer.trainable_weights)
    for g in grads:
        assert np.isfinite(g).all() and np.abs(g).sum() > 0


def test_errors():
    with pytest.raises(ValueError, match="squeezed_frames"):
        TemporalSqueeze(0)
    with pytest.raises(ValueError, match="K >= 3, got K=2"):
        TemporalSqueeze(3)(np.zeros((1, 2, 4, 4, 1), "float32"))
    with pytest.raises(ValueError, match="rank 5"):
        TemporalSqueeze(2)(np.zeros((1, 4, 4, 1), "float32"))


def test_bernstein_basis_is_column_independent_positive_and_signed():
    basis = bernstein_basis(16, 3)
    assert basis.shape == (16, 3) and (basis > 0).all()  # away from the LeakyReLU's kink at 0
    assert np.linalg.matrix_rank(basis) == 3
    np.testing.assert_allclose(basis.sum(axis=1), 1.0, rtol=1e-5)  # Bernstein polynomials: a partition of unity
    rows = np.linalg.pinv(basis)  # squeezed frame d = rows[d] . frames
    assert (rows < 0).any(axis=1).all() and (rows > 0).any(axis=1).all()
    assert not np.allclose(rows[0], rows[0][::-1], atol=1e-3)  # weighs early and late frames differently
    # block means: the rows of pinv(A) are non-negative (motion-blurred stills)
    assert (np.linalg.pinv(block_indicator_basis(16, 3)) > -1e-6).all()


def test_time_reversal_permutes_the_squeezed_frames_of_symmetric_starts():
    """Both starts are symmetric in time: a clip's time reversal gives the same D squeezed frames in reverse
    order (so averaging per-frame scores is blind to the direction of time at the start; the comparison recipe
    therefore keeps the frames in order, ``consensus="concat"``), while the Bernstein frames are not, one by
    one, the same for a clip and its reversal."""
    x = np.random.default_rng(3).random((2, 16, 4, 4, 3)).astype("float32")
    reverse = x[:, ::-1]
    for basis in ("block", "bernstein"):
        layer = TemporalSqueeze(3, basis=basis)
        out, out_rev = (ops.convert_to_numpy(layer(v)) for v in (x, reverse))
        np.testing.assert_allclose(out, out_rev[:, ::-1], atol=1e-3)
        if basis == "bernstein":
            assert np.abs(out - out_rev).max() > 1e-2


def test_basis_round_trips_and_is_checked():
    layer = TemporalSqueeze(2, basis="bernstein")
    assert TemporalSqueeze.from_config(layer.get_config()).basis == "bernstein"
    assert TemporalSqueeze(2).basis == "block"
    with pytest.raises(ValueError, match="basis"):
        TemporalSqueeze(2, basis="random")


def test_ramp_basis_gives_ramp_weighted_block_means():
    """``basis="ramp"``: column d rises 1, 2, ..., n over block d, so each squeezed frame is the ramp-weighted
    mean of its block (non-negative weights, latest frames heaviest) and ``A^T A`` is diagonal."""
    basis = ramp_basis(16, 3)
    assert basis.shape == (16, 3) and (basis >= 0).all() and np.linalg.matrix_rank(basis) == 3
    gram = basis.T @ basis
    np.testing.assert_allclose(gram, np.diag(np.diag(gram)), atol=1e-6)
    np.testing.assert_array_equal(basis > 0, block_indicator_basis(16, 3) > 0)  # same blocks 5, 6, 5
    x = np.random.default_rng(4).random((2, 16, 3, 3, 2)).astype("float32")
    out = ops.convert_to_numpy(TemporalSqueeze(3, basis="ramp", ridge=0.0)(x))
    for d, (start, stop) in enumerate(((0, 5), (5, 11), (11, 16))):
        w = np.arange(1, stop - start + 1, dtype="float64")
        expected = np.tensordot(w / w.sum(), x[:, start:stop], axes=([0], [1]))
        np.testing.assert_allclose(out[:, d], expected, rtol=1e-4, atol=1e-5)


def test_ramp_start_is_not_closed_under_time_reversal():
    """Unlike block means and Bernstein columns, the ramp start does not map a clip's reversal onto its
    squeezed frames in reverse order: a bright dot moving right leaves its brightest mark at its last place."""
    x = np.zeros((1, 16, 1, 16, 1), "float32")
    x[0, np.arange(16), 0, np.arange(16), 0] = 1.0  # a dot moving right, one pixel a frame
    layer = TemporalSqueeze(3, basis="ramp")
    out = ops.convert_to_numpy(layer(x))[0, :, 0, :, 0]
    out_rev = ops.convert_to_numpy(layer(x[:, ::-1].copy()))[0, :, 0, :, 0]
    assert np.abs(out - out_rev[::-1]).max() > 0.1
    assert out[0].argmax() == 4 and np.all(np.diff(out[0][:5]) > 0)  # the comet's head: the latest position
    assert out_rev[2].argmax() == 0 and np.all(np.diff(out_rev[2][:5]) < 0)  # reversed (moving left): head at 0


def test_ramp_basis_round_trips_through_keras_file(tmp_path):
    x = np.random.default_rng(5).random((2, 16, 4, 4, 3)).astype("float32")
    inputs = keras.Input((16, 4, 4, 3))
    model = keras.Model(inputs, TemporalSqueeze(3, basis="ramp", name="ts")(inputs))
    path = tmp_path / "ramp.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.get_layer("ts").basis == "ramp"
    np.testing.assert_allclose(loaded.predict_on_batch(x), model.predict_on_batch(x), atol=1e-6)


def moving_square_clips(num=4, frames=6, size=16, seed=0):
    """Clips in [-1, 1] of a 4 x 4 square moving one pixel a frame over a static background (one colour each)."""
    rng = np.random.default_rng(seed)
    clips = np.empty((num, frames, size, size, 3), "float32")
    for n in range(num):
        clips[n] = rng.uniform(-1, 1, 3)
        colour, (top, left), step = rng.uniform(-1, 1, 3), rng.integers(0, size - 4 - frames, 2), rng.choice([-1, 1])
        for k in range(frames):
            column = left + (k if step > 0 else frames - k)
            clips[n, k, top : top + 4, column : column + 4] = colour
    return clips


def _projection_loss(layer, x):
    layer(x)
    return float(ops.convert_to_numpy(layer.losses[0]))


def test_block_start_is_a_local_minimum_of_the_projection_loss():
    """Why joint training may raise l_proj from the start: with the block indicators (or any A whose span holds the
    constant vector) every static pixel projects exactly, and Eq. 5's norm (not squared) has a kink at a zero
    residual, so moving any entry of A either way raises the loss to first order."""
    x = moving_square_clips()
    layer = TemporalSqueeze(3, beta=1.0)
    start = _projection_loss(layer, x)
    weights = layer.get_weights()
    for i in range(weights[3].size):
        for h in (1e-2, -1e-2):
            moved = [w.copy() for w in weights]
            moved[3][i] += h
            layer.set_weights(moved)
            assert _projection_loss(layer, x) > start, (i, h)


def test_projection_loss_falls_under_its_own_gradient():
    """Eq. 5 alone, minimised by fit from a random A (not at the kink above): the loss must fall."""
    x = moving_square_clips()
    for seed in range(3):
        inputs = keras.Input(x.shape[1:])
        layer = TemporalSqueeze(3, beta=1.0)
        model = keras.Model(inputs, layer(inputs))
        weights = layer.get_weights()
        weights[3] = np.random.default_rng(seed).uniform(0, 1, weights[3].shape).astype("float32")
        layer.set_weights(weights)
        start = _projection_loss(layer, x)
        model.compile(optimizer=keras.optimizers.SGD(0.1))  # no compiled loss: fit minimises add_loss's l_proj
        model.fit(x, epochs=30, batch_size=len(x), shuffle=False, verbose=0)
        assert _projection_loss(layer, x) < 0.6 * start, seed
