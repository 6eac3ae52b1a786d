"""The TeSNet recipe of ``stvideo compare``: the failure it had (blind to the direction of time) stays fixed."""

import numpy as np


def _model(ts_basis, consensus):
    import keras

    from keras_stvideo.reproductions.tesnet import comparison
    from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet

    keras.utils.set_random_seed(0)
    backbone = comparison.build_small_backbone((16, 16, 3), stem_filters=(4, 8), block_filters=4, blocks=1)
    return build_tesnet(6, frames=16, setting=comparison.SETTING, backbone=backbone, ts_basis=ts_basis,
                        consensus=consensus)


def test_recipe_model_tells_a_clip_from_its_time_reversal():
    """Regression: with block means averaged over the D frames (the recipe before), a clip and its time
    reversal (left / right, zoom in / out) got exactly the same scores at the start, and A barely moved (its
    zero entries sit on the LeakyReLU's 0.01 slope): ``stvideo compare --quick`` scored 16.5% (chance)."""
    from keras_stvideo.reproductions.tesnet import comparison

    clips = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 16, 3)).astype("float32")
    reverse = clips[:, ::-1].copy()
    for basis in ("block", "bernstein"):  # averaging the frames' scores is blind to time's direction
        model = _model(basis, "average")
        np.testing.assert_allclose(model.predict_on_batch(clips), model.predict_on_batch(reverse), atol=1e-5)
    model = _model(comparison.TS_BASIS, comparison.CONSENSUS)
    assert np.abs(model.predict_on_batch(clips) - model.predict_on_batch(reverse)).max() > 1e-4


def test_concat_consensus_shapes_and_errors():
    import pytest

    from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet

    model = _model("bernstein", "concat")
    assert model.get_layer("logits").kernel.shape[0] == 3 * model.get_layer("avg_pool").output.shape[-1]
    with pytest.raises(ValueError, match="consensus"):
        build_tesnet(6, frames=16, backbone=model.get_layer("small_inception_resnet"), consensus="max")


def test_ramp_start_with_average_consensus_is_not_blind_to_time_reversal():
    """The ramp start (ramp-weighted block means) is not closed under time reversal, so even the paper-like
    average of per-frame scores gives a clip and its reversal different scores."""
    clips = np.random.default_rng(1).integers(0, 256, (2, 16, 16, 16, 3)).astype("float32")
    model = _model("ramp", "average")
    assert np.abs(model.predict_on_batch(clips) - model.predict_on_batch(clips[:, ::-1].copy())).max() > 1e-4


def test_recipe_compiles_with_its_optimiser_and_beta():
    import keras
    import pytest

    from keras_stvideo.reproductions.tesnet import comparison

    model = _model(comparison.TS_BASIS, comparison.CONSENSUS)
    comparison.compile_recipe(model, "adam")
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert np.isclose(float(model.optimizer.learning_rate), comparison.ADAM_LEARNING_RATE)
    comparison.compile_recipe(model, "sgd")
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert np.isclose(float(model.optimizer.learning_rate), comparison.LEARNING_RATE)
    assert comparison.compile_recipe(model) is model  # OPTIMIZER
    with pytest.raises(ValueError, match="optimizer"):
        comparison.compile_recipe(model, "rmsprop")


def test_recipe_model_uses_the_recipe_constants():
    from keras_stvideo.reproductions.tesnet import comparison

    model = comparison.build_recipe_model(6, (16, 16, 16, 3))
    ts = model.get_layer("ts1_input")
    assert (ts.basis, ts.beta, ts.squeezed_frames) == (comparison.TS_BASIS, comparison.BETA, 3)
    assert model.output.shape == (None, 6)


def test_frames_to_channels_matches_numpy():
    from keras_stvideo.models.tesnet.frame_layers import FramesToChannels

    x = np.random.default_rng(0).random((2, 3, 4, 5, 6)).astype("float32")
    expected = np.transpose(x, (0, 2, 3, 1, 4)).reshape(2, 4, 5, 18)  # channel d * 6 + c = frame d, channel c
    np.testing.assert_array_equal(np.asarray(FramesToChannels()(x)), expected)
    assert FramesToChannels().compute_output_shape((None, 3, 4, 5, 6)) == (None, 4, 5, 18)


def test_fuse_consensus_combines_the_frames_per_position_and_reloads(tmp_path):
    import keras

    from keras_stvideo.reproductions.tesnet.comparison import build_small_backbone
    from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet

    model = build_tesnet(6, frames=8, setting=1, backbone=build_small_backbone((16, 16, 3)), consensus="fuse")
    maps = model.get_layer("maps_on_channels").output
    assert tuple(maps.shape[1:]) == (4, 4, 3 * 64)  # D = 3 frames of the backbone's 64 channels
    assert model.get_layer("fuse_conv").kernel.shape == (3, 3, 3 * 64, 64)
    clips = np.random.default_rng(1).uniform(0, 255, (2, 8, 16, 16, 3)).astype("float32")
    model.save(tmp_path / "fuse.keras")
    reloaded = keras.saving.load_model(tmp_path / "fuse.keras")
    np.testing.assert_allclose(np.asarray(reloaded.predict(clips, verbose=0)), model.predict(clips, verbose=0),
                               atol=1e-6)
