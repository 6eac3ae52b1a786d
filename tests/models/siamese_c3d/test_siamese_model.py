"""The small C3D tower, the Siamese C3D and its Eq. 2 training step on the TensorFlow backend."""

import keras
import numpy as np
import pytest

from keras_stvideo.models.siamese_c3d import build_c3d_classifier, build_c3d_small, build_siamese_c3d
from tests.models.siamese_c3d.test_losses import numpy_eq2

SMALL = (4, 16, 16, 3)


def test_c3d_small_layout_and_parameter_count():
    tower = build_c3d_small()  # Tran et al. 2015 section 3.1, at 16 x 112 x 112 x 3
    convs = [layer for layer in tower.layers if isinstance(layer, keras.layers.Conv3D)]
    assert [c.filters for c in convs] == [64, 128, 256, 256, 256]
    assert all(c.kernel_size == (3, 3, 3) for c in convs)
    pools = [layer.pool_size for layer in tower.layers if isinstance(layer, keras.layers.MaxPooling3D)]
    assert pools == [(1, 2, 2)] + [(2, 2, 2)] * 4
    assert tower.get_layer("pool5").output.shape[1:] == (1, 4, 4, 256)
    assert tower.output.shape[1:] == (2048,)
    conv_params = sum((c_in * 27 + 1) * c_out for c_in, c_out in
                      [(3, 64), (64, 128), (128, 256), (256, 256), (256, 256)])
    fc_params = (4 * 4 * 256 + 1) * 2048 + (2048 + 1) * 2048
    assert tower.count_params() == conv_params + fc_params == 17_238_016


def test_siamese_shares_the_tower_and_has_the_paper_head():
    model = build_siamese_c3d(input_shape=SMALL)
    tower_params = model.tower.count_params()
    assert model.count_params() == tower_params + (2 * 2048 + 1) * 64 + 65
    x = np.random.default_rng(0).random((3,) + SMALL).astype("float32")
    out = model((x, x), training=False)
    assert out.shape == (3, 1)
    # the shared tower: swapping the two inputs feeds the same features, swapped, to the head
    f = model.tower(x, training=False)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model.tower(x[::-1], training=False))[::-1],
                               keras.ops.convert_to_numpy(f), atol=1e-5)
    with pytest.raises(ValueError, match="pair"):
        model(x)


def test_compute_loss_is_eq2_with_the_frobenius_norm_of_the_kernels():
    model = build_siamese_c3d(input_shape=SMALL)
    rng = np.random.default_rng(3)
    x = (rng.random((10,) + SMALL).astype("float32"), rng.random((10,) + SMALL).astype("float32"))
    y = np.array([1] * 3 + [-1] * 7, "float32")
    t = model(x, training=False)
    kernels = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights if len(w.shape) >= 2]
    assert len(kernels) == 5 + 2 + 2  # conv1..5, fc6, fc7, fc_head, score
    expected = numpy_eq2(y, keras.ops.convert_to_numpy(t), kernels, lam=0.0005)
    np.testing.assert_allclose(float(model.compute_loss(x, y, t)), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="N_n=0"):
        model.compute_loss(x, np.ones(10, "float32"), t)


def test_fit_reports_the_hinge_terms_and_accuracy_and_the_loss_falls():
    keras.utils.set_random_seed(0)
    # a narrow tower and no dropout: a fast, deterministic fit
    tower = build_c3d_small(SMALL, filters=(8,) * 5, fc_units=64, dropout=0.0)
    model = build_siamese_c3d(tower=tower, head_units=16, dropout=0.0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    rng = np.random.default_rng(0)
    a = rng.random((10,) + SMALL).astype("float32")
    b = np.concatenate([a[:3, :, :, ::-1], rng.random((7,) + SMALL).astype("float32")])  # 3 positives (flipped)
    y = np.array([1] * 3 + [-1] * 7, "float32")
    history = model.fit((a, b), y, batch_size=10, epochs=20, verbose=0, shuffle=False).history
    assert set(history) == {"loss", "positive_hinge", "negative_hinge", "regularization", "pair_accuracy"}
    assert history["loss"][-1] < 0.8 * history["loss"][0]
    # the logged loss is the sum of the logged terms (one batch per epoch)
    np.testing.assert_allclose(history["loss"][0], history["positive_hinge"][0] + history["negative_hinge"][0]
                               + history["regularization"][0], rtol=1e-4)
    assert 0.0 <= history["pair_accuracy"][-1] <= 1.0


def test_classifier_starts_from_a_copy_of_the_tower():
    tower = build_c3d_small(SMALL)
    for w in tower.weights:
        w.assign(np.random.default_rng(1).normal(0, 0.05, w.shape).astype("float32"))
    pretrained = build_c3d_classifier(5, tower=tower)
    random = build_c3d_classifier(5, input_shape=SMALL)
    copy = pretrained.get_layer("c3d_small")
    for w_copy, w_tower in zip(copy.weights, tower.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(w_copy), keras.ops.convert_to_numpy(w_tower))
    assert copy is not tower  # a copy: fine-tuning leaves the Siamese tower as it was
    assert pretrained.output.shape[1:] == random.output.shape[1:] == (5,)
    assert pretrained.count_params() == random.count_params()
    with pytest.raises(ValueError, match="num_classes"):
        build_c3d_classifier(1, input_shape=SMALL)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="input_shape"):
        build_c3d_small((16, 112, 112))
    with pytest.raises(ValueError, match="regularize"):
        build_siamese_c3d(input_shape=SMALL, regularize="weights")
    with pytest.raises(ValueError, match="dropout"):
        build_siamese_c3d(input_shape=SMALL, dropout=1.0)


def test_c3d_tower_keeps_the_activation_scale_through_its_relu_stack():
    # Regression: with Keras' default Glorot kernels the normalisation-free C3D halved the ReLU activations'
    # variance at every layer (the std fell from 0.51 at the input to 0.003 at fc7 on 8 x 16 x 16 volumes, a
    # third of fc7 silent) and the compare recipe stayed at chance. He normal keeps the scale.
    keras.utils.set_random_seed(0)
    tower = build_c3d_small((8, 16, 16, 3), filters=(16, 32, 64, 64, 64), fc_units=256, dropout=0.0)
    assert all(layer.kernel_initializer.__class__.__name__ == "HeNormal" for layer in tower.layers
               if isinstance(layer, (keras.layers.Conv3D, keras.layers.Dense)))
    x = np.random.default_rng(0).random((16, 8, 16, 16, 3)).astype("float32")
    probe = keras.Model(tower.input, [tower.get_layer("centre").output, tower.output])
    centre, fc7 = (keras.ops.convert_to_numpy(a) for a in probe(x, training=False))
    assert fc7.std() > 0.1 * centre.std()


def test_zero_initialised_head_starts_fine_tuning_at_the_uniform_prediction():
    # Regression: a Siamese-trained tower's fc7 features were large enough that a Glorot fc8 started fine-tuning
    # at a loss of 14.9 on 6 classes (ln 6 = 1.79); head_initializer="zeros" starts at ln num_classes.
    tower = build_c3d_small(SMALL, filters=(4, 4, 4, 4, 4), fc_units=8, dropout=0.0)
    for w in tower.weights:
        w.assign(np.abs(np.random.default_rng(2).normal(0, 3.0, w.shape)).astype("float32"))
    x = np.random.default_rng(0).random((4,) + SMALL).astype("float32")
    glorot = build_c3d_classifier(6, tower=tower)
    assert keras.ops.convert_to_numpy(glorot(x)).max() > 0.9  # saturated: the tower's scale reaches the softmax
    zeros = build_c3d_classifier(6, tower=tower, head_initializer="zeros")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(zeros(x)), np.full((4, 6), 1 / 6), rtol=1e-5)


def test_batch_norm_is_an_option_and_off_by_default():
    plain = build_c3d_small(SMALL, filters=(4, 4, 4, 4, 4), fc_units=8)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in plain.layers)
    normed = build_c3d_small(SMALL, filters=(4, 4, 4, 4, 4), fc_units=8, batch_norm=True)
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in normed.layers) == 7  # conv1-5, fc6-7
    assert normed.output.shape[1:] == plain.output.shape[1:] == (8,)


def test_frame_differences_give_conv1_each_frame_and_its_difference():
    import keras

    from keras_stvideo.models.siamese_c3d.c3d_backbone import build_c3d_small

    tower = build_c3d_small((4, 8, 8, 3), filters=(2, 2, 2, 2, 2), fc_units=4, frame_differences=True)
    volumes = np.random.default_rng(0).random((2, 4, 8, 8, 3)).astype("float32")
    inputs = np.asarray(keras.Model(tower.input, tower.get_layer("frames_and_differences").output)(volumes))
    centred = 2.0 * volumes - 1.0
    np.testing.assert_allclose(inputs[..., :3], centred, atol=1e-6)
    np.testing.assert_allclose(inputs[:, 0, ..., 3:], 0.0)  # no difference before the first frame
    np.testing.assert_allclose(inputs[:, 1:, ..., 3:], np.diff(centred, axis=1), atol=1e-6)
    assert tower.get_layer("conv1").kernel.shape == (3, 3, 3, 6, 2)
