"""ST-CSAE's centred patches (zero-sum encoder kernels) and its codes pooled over a dense grid per time step."""

import keras
import numpy as np
import pytest

import keras_stvideo
from keras_stvideo.data.patches import extract_patches
from keras_stvideo.models.stcsae import build_stcsae, build_stcsae_features, build_stcsae_lstm
from keras_stvideo.models.stcsae.stcsae_autoencoder import ZeroSumKernel

PATCH = (3, 4, 4, 1)


def _kernel(model):
    return keras.ops.convert_to_numpy(model.encoder.get_layer("encoder_conv").kernel)


def _randomised(model, seed=0):
    rng = np.random.default_rng(seed)
    for weight in model.trainable_weights:
        weight.assign(rng.normal(0, 0.1, weight.shape).astype("float32"))
    model.logistic.log_zeta.assign(rng.normal(0, 1, (model.code_units,)).astype("float32"))
    return model


def test_zero_sum_kernel_constraint_removes_each_kernels_mean():
    kernel = np.random.default_rng(0).normal(size=(3, 4, 4, 1, 5)).astype("float32")
    out = keras.ops.convert_to_numpy(ZeroSumKernel()(kernel))
    np.testing.assert_allclose(out.reshape(-1, 5).sum(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out, kernel - kernel.reshape(-1, 5).mean(0), atol=1e-6)


def test_centred_autoencoder_starts_and_stays_zero_sum_and_ignores_a_patchs_dc():
    model = build_stcsae(PATCH, code_units=64, shift_range=(1, 1, 1), centre_patches=True)
    np.testing.assert_allclose(_kernel(model).reshape(-1, 64).sum(0), 0.0, atol=1e-5)
    rng = np.random.default_rng(1)
    neighbourhoods = rng.random((32,) + model.neighbourhood_shape).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    model.fit(neighbourhoods, epochs=2, batch_size=16, verbose=0)
    np.testing.assert_allclose(_kernel(model).reshape(-1, 64).sum(0), 0.0, atol=1e-4)
    patches = rng.random((4,) + PATCH).astype("float32")
    brighter = patches + 0.3
    np.testing.assert_allclose(model.encoder.predict(brighter, verbose=0), model.encoder.predict(patches, verbose=0),
                               atol=1e-4)
    energy, _, rebuild = (keras.ops.convert_to_numpy(v) for v in model.energy(patches))
    energy_bright, _, _ = (keras.ops.convert_to_numpy(v) for v in model.energy(brighter))
    np.testing.assert_allclose(energy_bright, energy, rtol=1e-4, atol=1e-6)  # the target is the centred patch
    centred = patches - patches.mean(axis=(1, 2, 3, 4), keepdims=True)
    reconstruction = keras.ops.convert_to_numpy(model(patches))
    expected = np.mean(np.square(centred - reconstruction).reshape(4, -1), axis=1)
    np.testing.assert_allclose(rebuild, expected, rtol=1e-4, atol=1e-7)


def test_uncentred_autoencoder_is_unchanged_by_default():
    model = build_stcsae(PATCH, code_units=64)
    assert not model.centre_patches and model.encoder.get_layer("encoder_conv").kernel_constraint is None
    patches = np.random.default_rng(2).random((3,) + PATCH).astype("float32")
    assert not np.allclose(model.encoder.predict(patches + 0.3, verbose=0), model.encoder.predict(patches, verbose=0))


@pytest.mark.parametrize("pooling", ["mean", "max", "mean_max"])
def test_pooled_features_pool_each_code_unit_over_the_grid_per_step(pooling):
    model = _randomised(build_stcsae(PATCH, code_units=64, grid_stride=(2, 2), centre_patches=True, eta=0.1))
    clip = np.random.default_rng(3).random((6, 10, 8, 1)).astype("float32")
    out = build_stcsae_features(model, clip.shape, pooling=pooling).predict(clip[None], verbose=0)[0]
    steps, gh, gw = 4, 4, 3  # 6 - 3 + 1, (10 - 4) // 2 + 1, (8 - 4) // 2 + 1
    positions = np.array([(t, 2 * i, 2 * j) for t in range(steps) for i in range(gh) for j in range(gw)])
    patches = extract_patches(clip, PATCH[:3], positions)
    codes = keras.ops.convert_to_numpy(model._logistic_frozen(model.encoder.predict(patches, verbose=0)))
    codes = codes.reshape(steps, gh * gw, 64)
    expected = {"mean": codes.mean(1), "max": codes.max(1),
                "mean_max": np.concatenate([codes.mean(1), codes.max(1)], axis=-1)}[pooling]
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_pooling_is_checked():
    model = build_stcsae(PATCH, code_units=64)
    with pytest.raises(ValueError, match="pooling"):
        build_stcsae_features(model, (6, 8, 8, 1), pooling="sum")


def test_centred_pooled_classifier_round_trips(tmp_path):
    model = _randomised(build_stcsae(PATCH, code_units=64, grid_stride=(2, 2), centre_patches=True, beta=3.0))
    classifier = build_stcsae_lstm(model, (6, 8, 8, 1), num_classes=3, lstm_units=4, pooling="mean_max")
    patches = np.random.default_rng(5).random((3,) + PATCH).astype("float32")
    clips = np.random.default_rng(6).random((2, 6, 8, 8, 1)).astype("float32")
    for name, net, x in (("ae", model, patches), ("lstm", classifier, clips)):
        net.save(tmp_path / f"{name}.keras")
        loaded = keras_stvideo.load_model(tmp_path / f"{name}.keras")
        np.testing.assert_allclose(loaded.predict(x, verbose=0), net.predict(x, verbose=0), atol=1e-6)
    loaded = keras_stvideo.load_model(tmp_path / "ae.keras")
    assert loaded.get_config() == model.get_config() and loaded.centre_patches
    assert isinstance(loaded.encoder.get_layer("encoder_conv").kernel_constraint, ZeroSumKernel)


def test_compare_recipe_is_the_module_constants():
    from keras_stvideo.reproductions.stcsae import comparison as recipe

    settings = recipe.recipe_settings(16)
    assert settings.frame_size == (recipe.FRAME_SIZE,) * 2 and settings.patch_shape == recipe.PATCH_SHAPE
    assert settings.code_units == recipe.CODE_UNITS > np.prod(recipe.PATCH_SHAPE)  # overcomplete
    assert settings.centre_patches is recipe.CENTRE_PATCHES and settings.grid_stride == recipe.GRID_STRIDE
    assert settings.pooling == recipe.POOLING and settings.beta == recipe.BETA
    assert settings.lstm_units == recipe.LSTM_UNITS and settings.lstm_learning_rate == recipe.LSTM_LEARNING_RATE
    for number in (recipe.FRAME_SIZE, recipe.CODE_UNITS, recipe.LSTM_UNITS, recipe.PATCHES_PER_CLIP):
        assert str(number) in recipe.REDUCED
    assert recipe.POOLING in recipe.REDUCED and "centred" in recipe.REDUCED
    first, second = recipe.stage_epochs(10)
    assert first + second == 10 and first == max(1, int(10 * recipe.AE_EPOCH_SHARE))
    assert recipe.stage_epochs(1) == (1, 1)
