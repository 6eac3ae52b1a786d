import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import SpatialTransformer
from tests.layer_checks import layer_gradients, run_layer_checks
from tests.layers.test_bilinear import numpy_bilinear


def test_standard_checks_and_output_size():
    x = np.random.default_rng(0).random((2, 40, 40, 1)).astype("float32")
    out = run_layer_checks(SpatialTransformer, {"output_size": (32, 32)}, x, expected_output_shape=(2, 32, 32, 1))
    assert np.isfinite(out).all()


def test_identity_theta_returns_input_exactly():
    x = np.random.default_rng(1).random((3, 30, 34, 2)).astype("float32")
    layer = SpatialTransformer(output_size=None)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)


def test_sampling_matches_numpy_for_an_affine_theta():
    rng = np.random.default_rng(2)
    x = rng.random((1, 28, 28, 1)).astype("float32")
    theta = np.array([0.8, -0.3, 0.1, 0.25, 0.9, -0.2], "float32")
    layer = SpatialTransformer(output_size=(9, 11))
    layer.build(x.shape)
    layer.theta_head.set_weights([np.zeros((50, 6), "float32"), theta])
    out = ops.convert_to_numpy(layer(x))[0]
    for i in range(9):
        for j in range(11):
            xt, yt = -1 + 2 * j / 10, -1 + 2 * i / 8
            xs = theta[0] * xt + theta[1] * yt + theta[2]
            ys = theta[3] * xt + theta[4] * yt + theta[5]
            expected = numpy_bilinear(x[0], (ys + 1) / 2 * 27, (xs + 1) / 2 * 27)
            np.testing.assert_allclose(out[i, j], expected, atol=1e-5)


def test_outside_is_zero():
    x = np.ones((1, 28, 28, 1), "float32")
    layer = SpatialTransformer(output_size=(8, 8))
    layer.build(x.shape)
    layer.theta_head.set_weights([np.zeros((50, 6), "float32"), np.array([1, 0, 5, 0, 1, 0], "float32")])
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), 0.0)


def test_gradients_reach_theta_input_and_localization_weights():
    x = np.random.default_rng(3).random((2, 32, 32, 1)).astype("float32")
    layer = SpatialTransformer(output_size=(16, 16))
    layer.build(x.shape)
    names = [v.path for v in layer.trainable_variables]
    grads = layer_gradients(layer, x, lambda y: ops.sum(ops.square(y - 0.3)))
    assert len(grads) == 1 + len(names)
    for name, g in zip(["input"] + names, grads):
        assert np.isfinite(g).all(), name
    # The theta head's kernel and bias and the input always get a gradient; the layers below the
    # zero-initialised head get none at the start, exactly as in Jaderberg et al.'s identity start.
    head = {name: g for name, g in zip(names, grads[1:]) if "theta" in name}
    assert len(head) == 2 and all(np.abs(g).sum() > 0 for g in head.values())
    assert np.abs(grads[0]).sum() > 0


def test_theta_gradient_matches_finite_differences():
    rng = np.random.default_rng(6)
    x = rng.random((1, 28, 28, 1)).astype("float32")
    layer = SpatialTransformer(output_size=(7, 9))
    layer.build(x.shape)
    # Bilinear sampling is piecewise linear: pick a theta whose sample points all lie at least
    # 0.1 pixel away from the grid lines, so that the finite differences cross no kink.
    xt, yt = np.meshgrid(np.linspace(-1, 1, 9), np.linspace(-1, 1, 7))
    while True:
        bias = (np.array([1, 0, 0, 0, 1, 0]) + rng.uniform(-0.2, 0.2, 6)).astype("float32")
        cols = (bias[0] * xt + bias[1] * yt + bias[2] + 1) * 13.5
        rows = (bias[3] * xt + bias[4] * yt + bias[5] + 1) * 13.5
        if min(np.abs(cols - np.round(cols)).min(), np.abs(rows - np.round(rows)).min()) > 0.1:
            break
    layer.theta_head.set_weights([np.zeros((50, 6), "float32"), bias])
    target = rng.random((1, 7, 9, 1)).astype("float32")
    loss = lambda y: ops.sum(ops.square(ops.subtract(y, target)))  # noqa: E731
    grads = layer_gradients(layer, x, loss)
    names = [v.path for v in layer.trainable_variables]
    g_bias = grads[1 + next(i for i, n in enumerate(names) if n.endswith("theta/bias"))]
    eps = 1e-3
    for k in range(6):
        values = []
        for sign in (1, -1):
            shifted = bias.copy()
            shifted[k] += sign * eps
            layer.theta_head.set_weights([np.zeros((50, 6), "float32"), shifted])
            values.append(float(ops.convert_to_numpy(loss(layer(x)))))
        np.testing.assert_allclose(g_bias[k], (values[0] - values[1]) / (2 * eps), rtol=2e-2, atol=2e-2)


def test_return_theta_and_custom_localization_roundtrip(tmp_path):
    loc = keras.Sequential([keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(4, activation="tanh")])
    inputs = keras.Input((20, 20, 3))
    out, theta = SpatialTransformer(output_size=(10, 10), localization_network=loc, return_theta=True)(inputs)
    model = keras.Model(inputs, [out, theta])
    x = np.random.default_rng(4).random((2, 20, 20, 3)).astype("float32")
    got_out, got_theta = model.predict(x, verbose=0)
    assert got_out.shape == (2, 10, 10, 3)
    np.testing.assert_allclose(got_theta, np.tile([[1, 0, 0], [0, 1, 0]], (2, 1, 1)), atol=1e-7)
    model.save(tmp_path / "stn.keras")
    reloaded = keras.saving.load_model(tmp_path / "stn.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0)[0], got_out, atol=1e-6)


def test_time_distributed():
    x = np.random.default_rng(5).random((2, 3, 32, 32, 1)).astype("float32")
    out = keras.layers.TimeDistributed(SpatialTransformer(output_size=(16, 16)))(x)
    assert tuple(out.shape) == (2, 3, 16, 16, 1)


@pytest.mark.parametrize(
    "kwargs, shape, match",
    [
        ({"output_size": (0, 3)}, None, "output_size"),
        ({}, (2, 32, 32), "rank 4"),
        ({}, (2, 16, 16, 1), "at least 28"),
        ({"theta_scale": 0.0}, (2, 32, 32, 1), "theta_scale"),
        ({"theta_scale": "0.1"}, (2, 32, 32, 1), "theta_scale"),
    ],
)
def test_errors(kwargs, shape, match):
    with pytest.raises(ValueError, match=match):
        layer = SpatialTransformer(**kwargs)
        layer(np.zeros(shape, "float32"))


def test_theta_scale_starts_at_the_identity_and_scales_the_head():
    x = np.random.default_rng(7).random((2, 30, 30, 1)).astype("float32")
    layer = SpatialTransformer(output_size=None, theta_scale=0.1)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)  # identity start, exactly
    kernel = np.random.default_rng(8).normal(size=(50, 6)).astype("float32")
    bias = np.array([9, 1, -2, 0.5, 11, 3], "float32")
    layer.theta_head.set_weights([kernel, bias])
    features = ops.convert_to_numpy(layer.localization_network(x))
    expected = 0.1 * (features @ kernel + bias)
    np.testing.assert_allclose(ops.convert_to_numpy(layer.compute_theta(x)).reshape(2, 6), expected, rtol=1e-5,
                               atol=1e-6)
    assert SpatialTransformer.from_config(layer.get_config()).theta_scale == 0.1


def _theta_moves(theta_scale, steps=1):
    """How far the mean theta moves in ``steps`` Adadelta(1.0) steps of a small STN classifier."""
    rng = np.random.default_rng(9)
    x = rng.random((16, 32, 32, 1)).astype("float32")
    y = rng.integers(0, 3, 16)
    keras.utils.set_random_seed(0)
    inputs = keras.Input((32, 32, 1))
    stn = SpatialTransformer(output_size=(16, 16), theta_scale=theta_scale)
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(stn(inputs)))
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adadelta(1.0), "sparse_categorical_crossentropy")
    before = ops.convert_to_numpy(stn.compute_theta(x))
    for _ in range(steps):
        model.train_on_batch(x, y)
    return np.abs(ops.convert_to_numpy(stn.compute_theta(x)) - before).mean()


def test_theta_scale_is_a_learning_rate_multiplier_on_theta_under_adadelta():
    # Adadelta's steps do not depend on the gradient's scale (section IV-A trains every CNN with it at rate 1),
    # so scaling the head's output by k moves theta k times as fast: what keeps STN-LeNet's transforms from
    # spreading out of the frame (docs/faithfulness.md). One step: the layers below the head get no gradient
    # while its kernel is zero, so theta moves only through the head (0.097 on TensorFlow, 0.098 on JAX; after
    # a few steps the layers below move too and the ratio drifts).
    plain, slowed = _theta_moves(1.0), _theta_moves(0.1)
    assert plain > 1e-4
    assert 0.08 < slowed / plain < 0.12, slowed / plain
