"""ST-CSAE's parts against numpy, its wiring of the sparsifying logistic, bad arguments, and exports."""

import math

import keras
import numpy as np
import pytest

import keras_stvideo
from keras_stvideo.data.patches import extract_patches
from keras_stvideo.models.stcsae import build_stcsae, build_stcsae_features, build_stcsae_lstm
from keras_stvideo.models.stcsae.stcsae_autoencoder import STCSAE

PATCH = (3, 4, 4, 1)


def _model(**kwargs):
    kwargs.setdefault("shift_range", (1, 1, 1))
    return build_stcsae(PATCH, code_units=64, **kwargs)


def test_public_builders_and_parameter_counts():
    model = keras_stvideo.build_stcsae(PATCH, code_units=64)
    assert isinstance(model, STCSAE)
    size = int(np.prod(PATCH))
    assert model.encoder.count_params() == 64 * (size + 1)  # one 2D+t kernel the size of the patch per unit
    assert model.decoder.count_params() == (64 + 1) * size  # fully connected code -> patch
    assert model.logistic.log_zeta.shape == (64,)
    assert model.encoder.get_layer("encoder_conv").kernel.shape == (3, 4, 4, 1, 64)
    assert keras_stvideo.build_stcsae_lstm is build_stcsae_lstm


def test_encoder_is_one_dot_product_per_kernel():
    model = _model()
    patches = np.random.default_rng(0).random((5,) + PATCH).astype("float32")
    conv = model.encoder.get_layer("encoder_conv")
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in (conv.kernel, conv.bias))
    expected = patches.reshape(5, -1) @ kernel.reshape(-1, 64) + bias
    np.testing.assert_allclose(model.encoder.predict(patches, verbose=0), expected, atol=1e-5)


def test_reconstruction_goes_through_the_sparsifying_logistic():
    model = _model(eta=0.1, beta=2.0)
    model.logistic.log_zeta.assign(np.log(np.linspace(0.5, 3.0, 64)).astype("float32"))
    patches = np.random.default_rng(1).random((4,) + PATCH).astype("float32")
    z = model.encoder.predict(patches, verbose=0)
    zeta = np.linspace(0.5, 3.0, 64)
    sparse = 0.1 * np.exp(2 * z) / (0.1 * np.exp(2 * z) + 0.9 * zeta)  # Ranzato et al. 2007, eq. (1)
    dense = model.decoder.get_layer("decoder_dense")
    expected = sparse @ keras.ops.convert_to_numpy(dense.kernel) + keras.ops.convert_to_numpy(dense.bias)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(patches)).reshape(4, -1), expected, atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model._logistic_frozen(z)), sparse, atol=1e-6)


def test_features_are_the_encoder_at_every_grid_location():
    model = build_stcsae(PATCH, code_units=64, grid_stride=(2, 3))
    clip = np.random.default_rng(2).random((6, 8, 10, 1)).astype("float32")
    features = build_stcsae_features(model.encoder, clip.shape)
    out = features.predict(clip[None], verbose=0)[0]
    steps, gh, gw = 4, 3, 3  # (8 - 4) // 2 + 1, (10 - 4) // 3 + 1
    assert out.shape == (steps, gh * gw * 64)
    positions = np.array([(t, 2 * i, 3 * j) for t in range(steps) for i in range(gh) for j in range(gw)])
    codes = model.encoder.predict(extract_patches(clip, PATCH[:3], positions), verbose=0)
    np.testing.assert_allclose(out, codes.reshape(steps, gh * gw * 64), atol=1e-5)


def test_features_of_the_autoencoder_are_its_sparse_codes():
    model = _model(eta=0.1)
    model.logistic.log_zeta.assign(np.log(np.linspace(0.5, 3.0, 64)).astype("float32"))
    clip = np.random.default_rng(9).random((4, 8, 8, 1)).astype("float32")
    sparse = build_stcsae_features(model, clip.shape).predict(clip[None], verbose=0)[0]
    raw = build_stcsae_features(model.encoder, clip.shape).predict(clip[None], verbose=0)[0]
    expected = keras.ops.convert_to_numpy(model._logistic_frozen(raw.reshape(-1, 64))).reshape(raw.shape)
    np.testing.assert_allclose(sparse, expected, atol=1e-6)
    zeta = keras.ops.convert_to_numpy(model.logistic.log_zeta).copy()
    classifier = build_stcsae_lstm(model, clip.shape, num_classes=2, lstm_units=3)
    classifier.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    classifier.fit(np.stack([clip, clip]), np.array([0, 1]), epochs=1, verbose=0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.logistic.log_zeta), zeta)  # frozen


def test_sequence_classifier_shares_the_encoder():
    model = _model()
    classifier = build_stcsae_lstm(model.encoder, (6, 8, 8, 1), num_classes=3, lstm_units=5)
    probabilities = classifier.predict(np.random.default_rng(3).random((2, 6, 8, 8, 1)).astype("float32"), verbose=0)
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    conv = model.encoder.get_layer("encoder_conv")
    assert classifier.get_layer("features").get_layer("encoder_conv") is conv


@pytest.mark.parametrize("kwargs, words", [
    ({"code_units": 40}, ["code_units > 48", "40"]),
    ({"code_units": 64, "shift_range": (4, 1, 1)}, ["shift_range", "at most 3", "got 4"]),
    ({"code_units": 64, "shift_range": (1, 1)}, ["shift_range", "3 entries"]),
    ({"code_units": 64, "patch_shape": (3, 4, 4)}, ["patch_shape", "4 entries"]),
    ({"code_units": 64, "code_steps": -1}, ["code_steps"]),
])
def test_bad_arguments(kwargs, words):
    kwargs.setdefault("patch_shape", PATCH)
    with pytest.raises(ValueError) as error:
        build_stcsae(**kwargs)
    for word in words:
        assert word in str(error.value)


def test_undercomplete_code_when_asked_for():
    model = build_stcsae(PATCH, code_units=16, overcomplete=False)
    assert model.encoder.output.shape == (None, 16)


def test_patch_larger_than_clip():
    model = _model()
    with pytest.raises(ValueError, match=r"larger than the clip .* along H: expected a clip of at least 4, got 3"):
        build_stcsae_features(model.encoder, (6, 3, 8, 1))
    with pytest.raises(ValueError, match="channels"):
        build_stcsae_lstm(model.encoder, (6, 8, 8, 3))


def _trained(model):
    rng = np.random.default_rng(4)
    for weight in model.trainable_weights:
        weight.assign(rng.normal(0, 0.1, weight.shape).astype("float32"))
    model.logistic.log_zeta.assign(rng.normal(0, 1, (64,)).astype("float32"))
    return model


def test_keras_round_trips(tmp_path):
    model = _trained(_model(eta=0.05, beta=3.0, code_steps=2))
    classifier = build_stcsae_lstm(model, (5, 8, 8, 1), num_classes=3, lstm_units=4)
    patches = np.random.default_rng(5).random((3,) + PATCH).astype("float32")
    clips = np.random.default_rng(6).random((2, 5, 8, 8, 1)).astype("float32")
    for name, net, x in (("ae", model, patches), ("encoder", model.encoder, patches), ("lstm", classifier, clips)):
        net.save(tmp_path / f"{name}.keras")
        loaded = keras_stvideo.load_model(tmp_path / f"{name}.keras")
        np.testing.assert_allclose(loaded.predict(x, verbose=0), net.predict(x, verbose=0), atol=1e-6)
    loaded = keras_stvideo.load_model(tmp_path / "ae.keras")
    assert loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded.logistic.log_zeta),
                                  keras.ops.convert_to_numpy(model.logistic.log_zeta))


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="SavedModel export needs TensorFlow")
def test_savedmodel_exports(tmp_path):
    model = _trained(_model())
    classifier = build_stcsae_lstm(model, (5, 8, 8, 1), num_classes=3, lstm_units=4)
    patches = np.random.default_rng(7).random((3,) + PATCH).astype("float32")
    clips = np.random.default_rng(8).random((2, 5, 8, 8, 1)).astype("float32")
    for name, net, x in (("ae", model, patches), ("encoder", model.encoder, patches), ("lstm", classifier, clips)):
        if name == "ae":
            net.export(str(tmp_path / name), input_signature=[keras.InputSpec(shape=(None,) + PATCH, dtype="float32")])
        else:
            net.export(str(tmp_path / name))
        served = keras.layers.TFSMLayer(str(tmp_path / name), call_endpoint="serve")
        np.testing.assert_allclose(np.asarray(served(x)), net.predict(x, verbose=0), atol=1e-5)


def test_load_model_registers_stcsae():
    from keras_stvideo.saving import registering_modules

    modules = {"keras_stvideo.models.stcsae.stcsae_classifier", "keras_stvideo.models.stcsae.stcsae_autoencoder"}
    assert modules <= set(registering_modules())
    assert keras.saving.get_registered_object("keras_stvideo>STCSAE") is STCSAE
    assert math.isclose(_model(eta=0.3).logistic.eta, 0.3)
