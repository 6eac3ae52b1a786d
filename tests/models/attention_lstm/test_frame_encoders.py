import math

import keras
import numpy as np
import pytest

from keras_stvideo import build_cnn_lstm, build_dcn_lenet, build_lenet, build_stn_lenet
from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.moving_mnist import MovingMNIST, MovingMNISTSequence
from keras_stvideo.data.scaled_mnist import ScaledMNIST, make_scaled_mnist
from keras_stvideo.models.attention_lstm.training import TwoStageTrainer, rmsprop


def conv_params(k, c_in, c_out, bias=True):
    return k * k * c_in * c_out + (c_out if bias else 0)


def dense_params(n_in, n_out):
    return n_in * n_out + n_out


def test_lenet_parameter_count_is_the_papers():
    model = build_lenet()
    expected = conv_params(5, 1, 20) + conv_params(5, 20, 50) + dense_params(16 * 16 * 50, 500) + dense_params(500, 10)
    assert expected == 6_431_080  # section IV-A
    assert model.count_params() == 6_431_080


def test_dcn_lenet_parameter_count_is_the_papers():
    model = build_dcn_lenet()
    assert model.count_params() == 102_483_280  # section IV-A
    offsets = conv_params(3, 20, 40, bias=False) + conv_params(3, 50, 100, bias=False)
    assert model.count_params() == (
        6_431_080 - dense_params(16 * 16 * 50, 500) + dense_params(64 * 64 * 50, 500) + offsets
    )


def test_stn_lenet_layout_and_count():
    model = build_stn_lenet()
    localisation = conv_params(5, 1, 20) + conv_params(5, 20, 20) + dense_params(10 * 10 * 20, 50) + dense_params(50, 6)
    cnn = conv_params(5, 1, 20) + conv_params(5, 20, 50) + dense_params(32 * 32 * 50, 500) + dense_params(500, 10)
    assert model.count_params() == localisation + cnn
    assert tuple(model.get_layer("stn").output.shape) == (None, 32, 32, 1)
    assert not any(isinstance(layer, keras.layers.MaxPooling2D) for layer in model.layers)


@pytest.mark.parametrize("builder", [build_lenet, build_stn_lenet, build_dcn_lenet])
def test_frame_cnn_shapes_and_initialisation(builder):
    model = builder(input_shape=(32, 32, 1))
    x = np.random.default_rng(0).random((3, 32, 32, 1)).astype("float32")
    probabilities = model.predict(x, verbose=0)
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    for name in ("conv1", "conv2", "features", "classifier"):
        layer = model.get_layer(name)
        assert isinstance(layer.kernel_initializer, keras.initializers.GlorotUniform)
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.bias), 0.0)


def test_cnn_lstm_follows_section_ii_b():
    model = build_cnn_lstm(build_lenet(input_shape=(32, 32, 1)), sequence_length=5)
    x = np.random.default_rng(1).random((2, 5, 32, 32, 1)).astype("float32")
    assert model.predict(x, verbose=0).shape == (2, 100)
    lstm = model.get_layer("lstm_head").get_layer("lstm")
    assert lstm.units == 8 and lstm.dropout == 0 and lstm.recurrent_dropout == 0
    assert isinstance(lstm.cell.recurrent_initializer, keras.initializers.Orthogonal)
    assert isinstance(lstm.cell.kernel_initializer, keras.initializers.GlorotUniform)
    assert not lstm.cell.unit_forget_bias
    assert lstm.use_cudnn is False  # the plain recurrence on every device (build_lstm_head)
    encoder_output = model.get_layer("frame_encoder").output
    assert tuple(encoder_output.shape) == (None, 5, 500)  # features, not the digit classifier


def _has_gpu():
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.default_backend() == "gpu"
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if backend == "torch":
        import torch

        return torch.cuda.is_available()
    return False


@pytest.mark.skipif(not _has_gpu(), reason="the cuDNN LSTM path exists on a GPU only")
def test_a_cudnn_lstm_head_computes_what_the_plain_one_does_inside_the_compiled_video_model():
    # The check issue 23 left for a GPU: on JAX, fine-tuning with the cuDNN LSTM never learned there.
    plain = build_cnn_lstm(build_lenet(), sequence_length=5, lstm_units=128)
    cudnn = build_cnn_lstm(build_lenet(), sequence_length=5, lstm_units=128)
    cudnn.get_layer("lstm_head").get_layer("lstm").use_cudnn = "auto"
    cudnn.set_weights(plain.get_weights())
    rng = np.random.default_rng(0)
    x = ((rng.random((50, 5, 64, 64, 1)) > 0.85) * rng.random((50, 5, 64, 64, 1))).astype("float32")
    np.testing.assert_allclose(cudnn.predict(x, verbose=0), plain.predict(x, verbose=0), atol=1e-4)


def test_wrong_shapes_are_named():
    with pytest.raises(ValueError, match="frame shape.*build_cnn_lstm"):
        build_lenet(input_shape=(5, 64, 64, 1))
    model = build_lenet(input_shape=(32, 32, 1))
    with pytest.raises(ValueError, match=r"expected shape=\(None, 32, 32, 1\)"):
        model(np.zeros((2, 5, 32, 32, 1), "float32"))
    trainer = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=5)
    with pytest.raises(ValueError, match=r"videos must have shape.*got \(4, 32, 32, 1\)"):
        trainer.fit(np.zeros((4, 32, 32, 1)), np.zeros(4))


def small_moving_mnist(count, split, seed):
    generator = MovingMNIST(num_digits=1, canvas_size=32, speed_range=(1, 2), sequence_length=3,
                            split=split, mnist=load_embedded_digits(), seed=seed)
    return generator.generate(count)


def pretrained_small_trainer(lstm_units, digits, batch_size, epochs):
    """A seeded two-stage trainer of a 32 x 32 LeNet (3 frames, 10 classes), pre-trained on the embedded digits."""
    keras.utils.set_random_seed(0)
    (x_digits, y_digits), _ = load_embedded_digits()
    trainer = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=3, num_classes=10,
                              lstm_units=lstm_units)
    trainer.pretrain(ScaledMNIST(x_digits[:digits], y_digits[:digits], batch_size=batch_size, canvas_size=32,
                                 zoom_range=(1.0, 1.2)), epochs=epochs, verbose=0)
    return trainer


def test_stage_two_freezes_cnn_and_precomputed_features_equal_frozen_training():
    keras.utils.set_random_seed(0)
    x, y = small_moving_mnist(40, "train", 0)
    a = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=3, num_classes=10)
    b = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=3, num_classes=10)
    b.model.set_weights(a.model.get_weights())
    cnn_before = [w.copy() for w in a.frame_encoder.get_weights()]
    a.fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0)  # precomputed features
    for before, after in zip(cnn_before, a.frame_encoder.get_weights()):
        np.testing.assert_array_equal(before, after)
    # The same stage 2 through the whole frozen video model gives the same head.
    b.frame_encoder.trainable = False
    b.model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss="sparse_categorical_crossentropy")
    b.model.fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0)
    for wa, wb in zip(a.head.get_weights(), b.head.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-3, atol=1e-5)
    features = a.frame_features(x)
    assert features.shape == (40, 3, 500)
    scores = a.evaluate_features(features, y)
    assert scores == pytest.approx(a.evaluate(x, y))
    probabilities = b.model.predict(x, verbose=0)
    assert scores["accuracy"] == pytest.approx(np.mean(probabilities.argmax(axis=1) == y))
    assert scores["loss"] == pytest.approx(-np.mean(np.log(probabilities[np.arange(40), y])), rel=1e-4)
    with pytest.raises(ValueError, match=r"features must have shape \(N,\) \+ \(3, 500\).*got \(40, 500\)"):
        a.fit_features(features[:, 0], y)


def test_fine_tuning_from_a_pydataset_trains_cnn_and_lstm_together():
    keras.utils.set_random_seed(0)
    generator = MovingMNIST(num_digits=1, canvas_size=32, speed_range=(1, 2), sequence_length=3,
                            mnist=load_embedded_digits(), seed=0)
    data = MovingMNISTSequence(generator, num_sequences=200, batch_size=20, seed=3, fresh_each_epoch=True)
    trainer = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=3, num_classes=10, lstm_units=16)
    cnn_before = [w.copy() for w in trainer.encoder.get_weights()]  # the digit classifier is not in the video model
    x_check, y_check = data[0]
    loss_before = trainer.evaluate(x_check, y_check)["loss"]
    history = trainer.fit(data, epochs=3, learning_rate=1e-3, fine_tune=True, verbose=0)
    assert len(history.history["loss"]) == 3
    assert data.epoch == 2  # model.fit advanced it: epochs 0, 1, 2 trained on new videos each
    assert all(np.abs(a - b).max() > 0 for a, b in zip(cnn_before, trainer.encoder.get_weights()))
    assert trainer.evaluate(x_check, y_check)["loss"] < loss_before
    with pytest.raises(ValueError, match="PyDataset.*fine_tune=True"):
        trainer.fit(data)


@pytest.mark.slow  # 115 s on the shared 2 cores (load 15)
def test_fine_tuning_after_a_frozen_stage_two_on_the_same_trainer_learns():
    # The order of benchmarks/shan2017_compare.py: stage 1, a frozen stage 2 (which freezes the CNN and compiles
    # the head alone), then the CNN and the head reset to their starting weights and trained end to end. The
    # H200 run (JAX) collapsed every such row to the label prior; this guards that, on each backend, the second
    # fit trains every CNN weight, lowers the loss and does not answer one class for every video.
    trainer = pretrained_small_trainer(lstm_units=16, digits=640, batch_size=32, epochs=1)
    pretrained, initial_head = trainer.frame_encoder.get_weights(), trainer.head.get_weights()
    x, y = small_moving_mnist(100, "train", 4)
    trainer.fit(x, y, epochs=1, batch_size=50, verbose=0)  # frozen
    assert not trainer.frame_encoder.trainable
    trainer.frame_encoder.set_weights(pretrained)
    trainer.head.set_weights(initial_head)
    loss_before = trainer.evaluate(x, y)["loss"]
    history = trainer.fit(x, y, epochs=3, batch_size=25, fine_tune=True, verbose=0)
    assert len(trainer.model.trainable_variables) == 6 + 5  # conv1, conv2, fc 500 (+ biases); LSTM and softmax
    assert all(np.abs(a - b).max() > 0 for a, b in zip(pretrained[:6], trainer.frame_encoder.get_weights()[:6]))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert trainer.evaluate(x, y)["loss"] < loss_before - 0.1
    assert len(np.unique(trainer.predict(x).argmax(axis=1))) > 3


def test_cosine_schedule_follows_its_formula():
    optimizer = rmsprop(1e-3, "cosine", steps=8)
    for step in (0, 2, 4, 6, 8, 9):
        optimizer.iterations.assign(step)
        expected = 1e-3 * 0.5 * (1 + math.cos(math.pi * min(step, 8) / 8))
        assert float(optimizer.learning_rate) == pytest.approx(expected, abs=1e-9)
    assert float(rmsprop(1e-3).learning_rate) == pytest.approx(1e-3)
    with pytest.raises(ValueError, match=r"lr_schedule must be one of \('constant', 'cosine'\), got 'linear'"):
        rmsprop(1e-3, "linear")


@pytest.mark.parametrize("fine_tune", [False, True])
def test_cosine_schedule_spans_all_epochs_of_stage_two(fine_tune):
    x, y = small_moving_mnist(40, "train", 0)
    trainer = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=3, num_classes=10)
    trainer.fit(x, y, epochs=2, batch_size=15, fine_tune=fine_tune, lr_schedule="cosine", verbose=0)
    optimizer = (trainer.model if fine_tune else trainer.head).optimizer
    assert int(optimizer.iterations) == 2 * 3  # ceil(40 / 15) batches an epoch
    assert float(optimizer.learning_rate) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="lr_schedule must be one of"):
        trainer.fit(x, y, fine_tune=fine_tune, lr_schedule="step")


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_short_two_stage_training_beats_chance():
    trainer = pretrained_small_trainer(lstm_units=32, digits=3000, batch_size=64, epochs=2)
    x, y = small_moving_mnist(400, "train", 1)
    x_test, y_test = small_moving_mnist(200, "test", 2)
    trainer.fit(x, y, epochs=30, batch_size=50, learning_rate=1e-2, verbose=0)
    assert trainer.evaluate(x_test, y_test)["accuracy"] > 0.5  # chance is 0.1


def test_scaled_mnist_shifts_and_zooms_within_range():
    rng = np.random.default_rng(0)
    digits = np.zeros((200, 28, 28), np.uint8)
    digits[:, 4:24, 4:24] = 255  # a 20 x 20 square
    images = make_scaled_mnist(digits, rng)[..., 0]
    assert images.shape == (200, 64, 64)
    sides = np.sqrt((images > 0.5).sum(axis=(1, 2)))
    assert sides.min() >= 20 / 2.5 - 1.5 and sides.max() <= 20 + 1.5  # zoom 1 to 2.5 shrinks to [0.4, 1]
    centres = np.array([np.average(np.arange(64), weights=im.sum(1)) for im in images])
    assert np.abs(centres - 31.5).max() <= 0.2 * 64 + 1


def test_a_saved_video_model_trains_on_through_from_video_model(tmp_path):
    keras.utils.set_random_seed(0)
    first = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=3, num_classes=10, lstm_units=16)
    x, y = small_moving_mnist(40, "train", 1)
    first.fit(x, y, epochs=1, batch_size=20, fine_tune=True, verbose=0)
    first.model.save(tmp_path / "video.keras")

    trainer = TwoStageTrainer.from_video_model(keras.saving.load_model(tmp_path / "video.keras"))
    assert trainer.sequence_length == 3 and trainer.head.get_layer("lstm").units == 16
    np.testing.assert_allclose(trainer.predict(x), first.predict(x), rtol=1e-5, atol=1e-6)
    assert trainer.evaluate(x, y) == pytest.approx(first.evaluate(x, y))
    before = [w.copy() for w in trainer.encoder.get_weights()]
    trainer.fit(x, y, epochs=1, batch_size=20, fine_tune=True, verbose=0)
    assert all(np.abs(a - b).max() > 0 for a, b in zip(before, trainer.encoder.get_weights()))
    frozen = [w.copy() for w in trainer.encoder.get_weights()]
    trainer.fit(x, y, epochs=1, batch_size=20, verbose=0)  # stage 2 proper: the CNN stays as it is
    for a, b in zip(frozen, trainer.encoder.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="no digit classifier: stage 1 needs a frame CNN"):
        trainer.pretrain(x[:, 0], y)
    with pytest.raises(ValueError, match=r"must be a CNN-LSTM .*got a model with layers \['frame', 'conv1'"):
        TwoStageTrainer.from_video_model(build_lenet())


@pytest.mark.parametrize("call, message", [
    (lambda: build_cnn_lstm(None, 5), "frame_encoder must be a keras.Model, got NoneType"),
    (lambda: build_cnn_lstm("lenet", 5), "frame_encoder must be a keras.Model, got str"),
    (lambda: build_lenet(num_classes=0), "num_classes must be a positive integer, got 0"),
    (lambda: build_lenet(feature_units=-5), "feature_units must be a positive integer, got -5"),
    (lambda: build_dcn_lenet(num_classes=None), "num_classes must be a positive integer, got None"),
    (lambda: build_stn_lenet(stn_output_size=(0, 32)), "stn_output_size must be a non-empty sequence of positive"),
    (lambda: build_lenet(input_shape=64), "input_shape must be a frame shape"),
])
def test_builders_name_a_bad_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_cnn_lstm_names_a_bad_size():
    cnn = build_lenet(input_shape=(16, 16, 1), feature_units=8)
    for kwargs, message in [(dict(sequence_length=0), "sequence_length must be a positive integer, got 0"),
                            (dict(sequence_length=3, num_classes=0), "num_classes must be a positive integer, got 0"),
                            (dict(sequence_length=3, lstm_units=0), "lstm_units must be a positive integer, got 0"),
                            (dict(sequence_length=3, head="lstm"), "head must be a keras.Model, got str")]:
        with pytest.raises(ValueError, match=message):
            build_cnn_lstm(cnn, **kwargs)
    model = build_cnn_lstm(cnn, np.int64(3), num_classes=4)  # numpy integers are integers
    assert model.input.shape == (None, 3, 16, 16, 1) and model.output.shape == (None, 4)


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="theta_scale=0.1 is not a reliable fix: of three such runs on the CPU two "
                   "learned (55.8%, 62.0% with seed 1) and this one (seed 0, the layer as committed) "
                   "collapsed to 12.6%")
def test_stn_lenet_learns_its_digits_under_the_papers_adadelta(shared_mnist_path):
    # Stage 1 as section IV-A (Adadelta 1.0) on 6,000 Scaled MNIST digits, 2 epochs of batch 32. With the plain
    # theta head (theta_scale=1) the same run drove the per-digit transforms out of the frame near the end of
    # epoch 1 and stayed at the commonest digit (12.6% on these held-out digits; LeNet: 74.9%); on all
    # 60,000 digits the GPU run ended at 11.4%.
    from keras_stvideo.data.mnist import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist(shared_mnist_path)
    x = make_scaled_mnist(x_train[:6000], np.random.default_rng(0))
    held_out = make_scaled_mnist(x_test[:1000], np.random.default_rng(1))
    keras.utils.set_random_seed(0)
    model = build_stn_lenet()
    model.compile(keras.optimizers.Adadelta(1.0), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y_train[:6000].astype("int64"), batch_size=32, epochs=2, verbose=0)
    accuracy = np.mean(np.argmax(model.predict(held_out, verbose=0), axis=1) == y_test[:1000])
    assert accuracy > 0.4, accuracy
    theta = keras.ops.convert_to_numpy(model.get_layer("stn").compute_theta(held_out[:256]))
    assert np.abs(theta[:, :, 2]).max() < 0.5  # every digit's view stays inside the frame
