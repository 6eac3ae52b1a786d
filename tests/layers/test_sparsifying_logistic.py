import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import SparsifyingLogistic
from tests.layer_checks import layer_gradients, run_layer_checks


def numpy_sparsifying_logistic(z, eta, beta, zeta):
    out = []
    for sample in z:
        zeta = eta * np.exp(beta * sample) + (1 - eta) * zeta
        out.append(eta * np.exp(beta * sample) / zeta)
    return np.array(out), zeta


def test_training_matches_ranzato_recursion_and_updates_state():
    z = np.random.default_rng(0).normal(size=(7, 3, 2)).astype("float32")
    layer = SparsifyingLogistic(eta=0.1, beta=2.0)
    out = ops.convert_to_numpy(layer(z, training=True))
    expected, zeta = numpy_sparsifying_logistic(z.astype(np.float64), 0.1, 2.0, np.ones((3, 2)))
    np.testing.assert_allclose(out, expected, rtol=1e-4)
    np.testing.assert_allclose(layer.zeta, zeta, rtol=1e-4)
    # A second batch continues from the stored zeta.
    z2 = np.random.default_rng(1).normal(size=(4, 3, 2)).astype("float32")
    out2 = ops.convert_to_numpy(layer(z2, training=True))
    expected2, _ = numpy_sparsifying_logistic(z2.astype(np.float64), 0.1, 2.0, zeta)
    np.testing.assert_allclose(out2, expected2, rtol=1e-4)


def test_inference_is_frozen():
    layer = SparsifyingLogistic(eta=0.05, beta=1.0)
    layer(np.random.default_rng(2).normal(size=(5, 4)).astype("float32"), training=True)
    before = layer.zeta.copy()
    z = np.random.default_rng(3).normal(size=(6, 4)).astype("float32")
    out = ops.convert_to_numpy(layer(z, training=False))
    np.testing.assert_array_equal(layer.zeta, before)
    expected = 0.05 * np.exp(z) / (0.05 * np.exp(z) + 0.95 * before)
    np.testing.assert_allclose(out, expected, rtol=1e-4)


def test_state_changes_under_fit_and_survives_reload(tmp_path):
    z = np.random.default_rng(4).normal(size=(8, 5)).astype("float32")
    inputs = keras.Input((5,))
    layer = SparsifyingLogistic()
    model = keras.Model(inputs, layer(keras.layers.Dense(5)(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(z, np.zeros_like(z), epochs=1, batch_size=4, verbose=0)
    trained_zeta = layer.zeta.copy()
    assert not np.allclose(trained_zeta, 1.0)
    model.save(tmp_path / "sl.keras")
    reloaded = keras.saving.load_model(tmp_path / "sl.keras")
    np.testing.assert_allclose(reloaded.layers[-1].zeta, trained_zeta, rtol=1e-6)
    np.testing.assert_allclose(reloaded.predict(z, verbose=0), model.predict(z, verbose=0), rtol=1e-6)


def test_standard_checks():
    z = np.random.default_rng(5).normal(size=(4, 6)).astype("float32")
    run_layer_checks(SparsifyingLogistic, {"eta": 0.2, "beta": 0.5}, z, expected_output_shape=z.shape,
                     check_trainable_weights_change=False)


def test_large_beta_z_does_not_overflow():
    z = np.array([[1000.0, -1000.0, 0.0]] * 3, "float32")
    layer = SparsifyingLogistic(eta=0.02, beta=50.0)
    for training in (True, False):
        out = ops.convert_to_numpy(layer(z, training=training))
        assert np.isfinite(out).all()
        assert np.isfinite(ops.convert_to_numpy(layer.log_zeta)).all()  # the state is kept in log space
        if training:
            # The first sample's huge term dominates zeta: exp(beta z) / (exp(beta z) + tiny) = 1.
            np.testing.assert_allclose(out[0, 0], 1.0, rtol=1e-5)
            np.testing.assert_allclose(out[:, 1], 0.0, atol=1e-30)


def test_gradient_treats_previous_zeta_as_constant():
    z = np.random.default_rng(6).normal(size=(3, 2)).astype("float32")
    layer = SparsifyingLogistic(eta=0.3, beta=1.5)
    layer.build(z.shape)
    grad, = layer_gradients(layer, z, lambda out: ops.sum(out[2]), training=True)
    np.testing.assert_array_equal(grad[:2], 0.0)  # earlier samples enter zeta(k-1) only
    s = ops.convert_to_numpy(layer(z, training=True))[2]
    np.testing.assert_allclose(grad[2], 1.5 * s * (1 - s), rtol=1e-4)  # d/dz of e/(e + c)


def test_errors():
    for kwargs, match in [({"eta": 0.0}, "eta"), ({"eta": 1.5}, "eta"), ({"beta": 0}, "beta")]:
        with pytest.raises(ValueError, match=match):
            SparsifyingLogistic(**kwargs)
    with pytest.raises(ValueError, match="known unit"):
        SparsifyingLogistic()(keras.Input((None,)))
