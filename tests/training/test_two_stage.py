"""The generic two-stage helper: features computed once (and cached), head trained on them, fine-tuning."""

import keras
import numpy as np
import pytest

from keras_stvideo.training.two_stage import TwoStage


def _models(seed=0):
    keras.utils.set_random_seed(seed)
    return _functional((6,), keras.layers.Dense(4, activation="tanh"), name="encoder"), _functional(
        (4,), keras.layers.Dense(2, activation="softmax"), name="head")


def _functional(shape, *layers, name=None):
    inputs = x = keras.Input(shape)
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x, name=name)


def _data(n=64, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("int64")


def test_features_once_and_cached(tmp_path):
    encoder, head = _models()
    stages = TwoStage(encoder, head)
    x, _ = _data()
    cache = tmp_path / "f" / "train.npy"
    first = stages.features(x, batch_size=16, cache=cache)
    np.testing.assert_allclose(first, encoder.predict(x, verbose=0), atol=1e-6)
    assert cache.is_file()
    again = stages.features(np.zeros_like(x), cache=cache)  # read back, not recomputed
    np.testing.assert_array_equal(again, first)
    with pytest.raises(ValueError, match="holds features of 64 samples, expected 3"):
        stages.features(x[:3], cache=cache)
    with pytest.raises(ValueError, match=r"\.npy"):
        stages.features(x, cache=tmp_path / "f.npz")
    with pytest.raises(ValueError, match=r"samples must have shape \(N,\) \+ \(6,\), got \(64, 5\)"):
        stages.features(x[:, :5])


def test_head_on_features_equals_training_the_frozen_whole():
    x, y = _data()
    encoder, head = _models()
    stages = TwoStage(encoder, head)
    encoder_before = [w.copy() for w in encoder.get_weights()]
    stages.fit(x, y, epochs=3, batch_size=16, optimizer=keras.optimizers.SGD(0.5), shuffle=False, verbose=0)
    np.testing.assert_array_equal(encoder.get_weights()[0], encoder_before[0])  # frozen
    encoder2, head2 = _models()
    encoder2.trainable = False
    whole = _functional((6,), encoder2, head2)
    whole.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    whole.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(head.get_weights(), head2.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    features = stages.features(x)
    y = (features[:, 0] > np.median(features[:, 0])).astype("int64")  # separable in the frozen features
    stages.fit_features(features, y, epochs=40, batch_size=16, optimizer=keras.optimizers.SGD(0.5),
                        verbose=0)
    result = stages.evaluate(x, y)
    assert set(result) == {"loss", "accuracy"} and result["accuracy"] > 0.8


def test_per_frame_features_and_fine_tuning():
    encoder = _functional((6,), keras.layers.Dense(4))
    head = _functional((3, 4), keras.layers.LSTM(3), keras.layers.Dense(2, activation="softmax"))
    stages = TwoStage(encoder, head, per_frame=True)
    videos = np.random.default_rng(2).normal(size=(5, 3, 6)).astype("float32")
    features = stages.features(videos)
    assert features.shape == (5, 3, 4)
    np.testing.assert_allclose(features[2, 1], encoder.predict(videos[2, 1:2], verbose=0)[0], atol=1e-6)
    before = encoder.get_weights()[0].copy()
    stages.fit(videos, np.array([0, 1, 0, 1, 1]), epochs=1, batch_size=5, fine_tune=True, verbose=0,
               optimizer=keras.optimizers.SGD(0.5))
    assert not np.allclose(encoder.get_weights()[0], before)
    assert stages.model.predict(videos, verbose=0).shape == (5, 2)


def test_pretrain_with_fit_or_a_callable():
    encoder, head = _models()
    autoencoder = _functional((6,), encoder, keras.layers.Dense(6))
    stages = TwoStage(encoder, head, pretrain_model=autoencoder)
    x, _ = _data()
    with pytest.raises(ValueError, match="not compiled"):
        stages.pretrain(x, x)
    autoencoder.compile(optimizer="sgd", loss="mse")
    before = encoder.get_weights()[0].copy()
    stages.pretrain(x, x, epochs=1, verbose=0)
    assert not np.allclose(encoder.get_weights()[0], before)
    calls = []
    assert stages.pretrain(lambda a, b=0: calls.append((a, b)) or "done", 1, b=2) == "done"
    assert calls == [(1, 2)]
