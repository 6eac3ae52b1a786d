"""The TeSNet recipe of ``stvideo compare``: the failure it had (blind to the direction of time) stays fixed."""

import numpy as np


def _model(ts_basis):
    import keras

    from keras_stvideo.models.tesnet import comparison
    from keras_stvideo.models.tesnet.tesnet_model import build_tesnet

    keras.utils.set_random_seed(0)
    backbone = comparison.build_small_backbone((16, 16, 3), stem_filters=(4, 8), block_filters=4, blocks=1)
    return build_tesnet(6, frames=16, setting=comparison.SETTING, backbone=backbone, ts_basis=ts_basis)


def test_recipe_model_tells_a_clip_from_its_time_reversal():
    """Regression: with the block-mean start of A, left and right (zoom in and out) are each other's time
    reversal and got exactly the same scores at the start (``stvideo compare --quick``: 16.5%, chance)."""
    from keras_stvideo.models.tesnet import comparison

    clips = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 16, 3)).astype("float32")
    reverse = clips[:, ::-1].copy()
    block = _model("block")
    np.testing.assert_allclose(block.predict_on_batch(clips), block.predict_on_batch(reverse), atol=1e-5)
    assert comparison.TS_BASIS != "block"
    model = _model(comparison.TS_BASIS)
    assert np.abs(model.predict_on_batch(clips) - model.predict_on_batch(reverse)).max() > 1e-4
