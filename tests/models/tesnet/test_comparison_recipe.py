"""The TeSNet recipe of ``stvideo compare``: the failure it had (blind to the direction of time) stays fixed."""

import numpy as np


def _model(ts_basis, consensus):
    import keras

    from keras_stvideo.models.tesnet import comparison
    from keras_stvideo.models.tesnet.tesnet_model import build_tesnet

    keras.utils.set_random_seed(0)
    backbone = comparison.build_small_backbone((16, 16, 3), stem_filters=(4, 8), block_filters=4, blocks=1)
    return build_tesnet(6, frames=16, setting=comparison.SETTING, backbone=backbone, ts_basis=ts_basis,
                        consensus=consensus)


def test_recipe_model_tells_a_clip_from_its_time_reversal():
    """Regression: with block means averaged over the D frames (the recipe before), a clip and its time
    reversal (left / right, zoom in / out) got exactly the same scores at the start, and A barely moved (its
    zero entries sit on the LeakyReLU's 0.01 slope): ``stvideo compare --quick`` scored 16.5% (chance)."""
    from keras_stvideo.models.tesnet import comparison

    clips = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 16, 3)).astype("float32")
    reverse = clips[:, ::-1].copy()
    for basis in ("block", "bernstein"):  # averaging the frames' scores is blind to time's direction
        model = _model(basis, "average")
        np.testing.assert_allclose(model.predict_on_batch(clips), model.predict_on_batch(reverse), atol=1e-5)
    model = _model(comparison.TS_BASIS, comparison.CONSENSUS)
    assert np.abs(model.predict_on_batch(clips) - model.predict_on_batch(reverse)).max() > 1e-4


def test_concat_consensus_shapes_and_errors():
    import pytest

    from keras_stvideo.models.tesnet.tesnet_model import build_tesnet

    model = _model("bernstein", "concat")
    assert model.get_layer("logits").kernel.shape[0] == 3 * model.get_layer("avg_pool").output.shape[-1]
    with pytest.raises(ValueError, match="consensus"):
        build_tesnet(6, frames=16, backbone=model.get_layer("small_inception_resnet"), consensus="max")
