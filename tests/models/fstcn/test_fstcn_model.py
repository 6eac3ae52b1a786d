import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo import build_fstcn
from keras_stvideo.models.fstcn.fstcn_classifier import build_fstcn_auxiliary, build_lower_scls, fstcn_optimizer
from keras_stvideo.training.optimizers import CaffeSGD
from tests.markers import needs_tensorflow

SMALL = dict(input_size=112, fc_units=(32, 16), fusion_units=16)


def conv(k, c_in, c_out):
    return k * k * c_in * c_out + c_out


def dense(n_in, n_out):
    return n_in * n_out + n_out


def test_paper_size_layout_and_parameter_count():
    model = build_fstcn(101)
    lower = model.get_layer("lower_scls_per_frame").layer
    kinds = [(type(layer).__name__, getattr(layer, "filters", None), getattr(layer, "kernel_size", None),
              getattr(layer, "strides", None))
             for layer in lower.layers[1:]]
    assert kinds == [
        ("Conv2D", 96, (7, 7), (2, 2)), ("LocalResponseNormalization", None, None, None),
        ("MaxPooling2D", None, None, (2, 2)),
        ("Conv2D", 256, (5, 5), (2, 2)), ("LocalResponseNormalization", None, None, None),
        ("MaxPooling2D", None, None, (2, 2)),
        ("Conv2D", 512, (3, 3), (1, 1)), ("Conv2D", 512, (3, 3), (1, 1)),
    ]
    assert tuple(lower.output.shape) == (None, 11, 11, 512)
    assert tuple(model.get_layer("t_p_operator").output.shape) == (None, 5, 128, 9)
    assert tuple(model.get_layer("tcl_concat").output.shape) == (None, 5, 128, 64)
    assert model.get_layer("t_p_operator").count_params() == 128 * 128
    lower_count = conv(7, 3, 96) + conv(5, 96, 256) + conv(3, 256, 512) + conv(3, 512, 512)
    scl = conv(3, 512, 128) + dense(3 * 3 * 128, 4096) + dense(4096, 2048)
    tcl = (conv(3, 512, 128) + 128 * 128 + conv(3, 9, 32) + conv(5, 9, 32)
           + dense(5 * 128 * 64, 4096) + dense(4096, 2048))
    assert model.count_params() == lower_count + scl + tcl + dense(4096, 2048) + dense(2048, 101)
    assert [tuple(i.shape) for i in model.inputs] == [(None, 5, 204, 204, 3)] * 2


@pytest.mark.parametrize("paths, kernels, inputs", [("scl", (3, 5), 1), ("tcl", (5,), 1), ("both", (3,), 2)])
def test_variants(paths, kernels, inputs):
    model = build_fstcn(10, paths=paths, temporal_kernels=kernels, **SMALL)
    assert len(model.inputs) == inputs
    names = [layer.name for layer in model.layers]
    assert ("tcl_conv3x3" in names) == (paths != "scl" and 3 in kernels)
    assert ("tcl_conv5x5" in names) == (paths != "scl" and 5 in kernels)


def small_pair(batch=2, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.random((batch, 5, 112, 112, 3)).astype("float32") for _ in range(2)]


def test_lower_scls_shared_by_frames_and_clips():
    model = build_fstcn(4, **SMALL)
    lower = model.get_layer("lower_scls_per_frame").layer  # one wrapper for every frame of both clips
    conv1_kernels = [w for w in model.weights if w.path.endswith("conv1/kernel")]
    assert len(conv1_kernels) == 1
    x = small_pair()
    before = model.predict(x, verbose=0)
    kernel = lower.get_layer("conv1").kernel
    kernel.assign(kernel * 0.5)
    scl_only = keras.Model(model.inputs, model.get_layer("scl_fc2").output)
    tcl_only = keras.Model(model.inputs, model.get_layer("tcl_fc2").output)
    assert not np.allclose(before, model.predict(x, verbose=0))
    # Both paths see the change through the one shared layer.
    kernel.assign(kernel * 2.0)
    s0, t0 = scl_only.predict(x, verbose=0), tcl_only.predict(x, verbose=0)
    kernel.assign(kernel * 0.5)
    assert not np.allclose(s0, scl_only.predict(x, verbose=0)) and not np.allclose(t0, tcl_only.predict(x, verbose=0))


def test_t_p_output_feeds_temporal_convs_with_section_2_1_layout():
    model = build_fstcn(4, **SMALL)
    x = small_pair()
    probe = keras.Model(model.inputs, [model.get_layer("tcl_scl_pool_per_frame").output,
                                       model.get_layer("t_p_operator").output])
    pooled, permuted = probe.predict(x, verbose=0)
    p = ops.convert_to_numpy(model.get_layer("t_p_operator").permutation)
    b, t, h, w, f = pooled.shape
    expected = np.einsum("btyxf,fg->btgyx", pooled, p).reshape(b, t, p.shape[1], h * w)
    np.testing.assert_allclose(permuted, expected, rtol=1e-4, atol=1e-5)
    assert model.get_layer("tcl_conv3x3").input.shape[1:] == (5, 128, h * w)  # rows time, columns channels


def test_dropout_and_frame_choice_only_in_training():
    model = build_fstcn(4, **SMALL)
    x = small_pair()
    a = ops.convert_to_numpy(model(x, training=False))
    b = ops.convert_to_numpy(model(x, training=False))
    np.testing.assert_array_equal(a, b)
    c = ops.convert_to_numpy(model(x, training=True))
    assert not np.allclose(a, c)
    # At test the SCL path reads the middle frame of V_clip.
    selector = model.get_layer("pick_frame")
    np.testing.assert_array_equal(ops.convert_to_numpy(selector(x[0])), x[0][:, 2])
    picked = ops.convert_to_numpy(selector(x[0], training=True))
    for sample, frames in zip(picked, x[0]):
        assert any(np.array_equal(sample, frame) for frame in frames)


def moving_bars(count, rng):
    """Class 0: a bright bar moving right; class 1: moving left (V_diff tells them apart)."""
    v_clip = np.zeros((count, 5, 112, 112, 3), "float32")
    labels = rng.integers(0, 2, count)
    for i, label in enumerate(labels):
        start = int(rng.integers(10, 40))
        for t in range(5):
            col = start + 10 * t if label == 0 else 100 - start - 10 * t
            v_clip[i, t, :, max(col, 0) : col + 8] = 1.0
    v_diff = np.abs(np.diff(np.concatenate([v_clip, v_clip[:, -1:]], axis=1), axis=1))
    return [v_clip, v_diff], labels


@pytest.mark.slow  # trains a reduced FstCN
def test_short_training_beats_chance():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = moving_bars(24, rng)
    x_test, y_test = moving_bars(16, rng)
    model = build_fstcn(2, paths="tcl", **SMALL)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[1], y, epochs=4, batch_size=8, verbose=0)
    _, accuracy = model.evaluate(x_test[1], y_test, verbose=0)
    assert accuracy >= 0.75  # chance is 0.5


def test_keras_round_trip(tmp_path):
    model = build_fstcn(3, **SMALL)
    x = small_pair(seed=3)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "fstcn.keras")
    reloaded = keras.saving.load_model(tmp_path / "fstcn.keras")
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), expected)


@needs_tensorflow("keras.layers.TFSMLayer, which reloads the SavedModel, runs on TensorFlow only")
def test_savedmodel_serves_the_same_predictions(tmp_path):
    model = build_fstcn(3, **SMALL)
    x = small_pair(seed=3)
    expected = model.predict(x, verbose=0)
    model.export(str(tmp_path / "served"), format="tf_saved_model", verbose=False)
    served = keras.layers.TFSMLayer(str(tmp_path / "served"), call_endpoint="serve")
    np.testing.assert_allclose(np.asarray(served(x)), expected, atol=1e-5)


def test_auxiliary_classifier_shares_lower_scls_and_fine_tunes_last_three():
    lower = build_lower_scls((112, 112, 3))
    aux = build_fstcn_auxiliary(10, lower_scls=lower, fine_tune_last_three=True)
    assert sorted(layer.name for layer in aux.layers if layer.trainable and layer.weights) == [
        "aux_classifier", "aux_fc2048", "aux_fc4096",
    ]
    model = build_fstcn(4, lower_scls=lower, **SMALL)
    assert model.get_layer("lower_scls_per_frame").layer is lower
    opt = fstcn_optimizer()
    assert isinstance(opt, CaffeSGD) and opt.momentum == 0.9 and opt.l2_decay == 5e-4
    assert opt.weight_decay is None  # no decoupled decay on top of the L2 term


def test_dropout_after_the_scl_path_fcs_only_by_default():
    model = build_fstcn(4, **SMALL)
    rates = {layer.name: layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)}
    assert rates == {"scl_fc1_dropout": 0.5, "scl_fc2_dropout": 0.5, "tcl_dropout3x3": 0.5, "tcl_dropout5x5": 0.5}
    no_fc = build_fstcn(4, scl_fc_dropout=0.0, tcl_fc_dropout=0.25, **SMALL)
    rates = {layer.name: layer.rate for layer in no_fc.layers if isinstance(layer, keras.layers.Dropout)}
    assert rates == {"tcl_fc1_dropout": 0.25, "tcl_fc2_dropout": 0.25, "tcl_dropout3x3": 0.5, "tcl_dropout5x5": 0.5}


def test_errors():
    with pytest.raises(ValueError, match="paths.*'rgb'"):
        build_fstcn(4, paths="rgb")
    with pytest.raises(ValueError, match="temporal_kernels"):
        build_fstcn(4, temporal_kernels=())
    model = build_fstcn(4, **SMALL)
    v_clip, v_diff = small_pair()
    with pytest.raises(ValueError, match=r"expected shape=\(None, 5, 112, 112, 3\)"):
        model([v_clip, v_diff[:, :4]])


@pytest.mark.parametrize("kwargs, message", [
    (dict(num_classes=0), "num_classes must be a positive integer, got 0"),
    (dict(num_classes=2.5), "num_classes must be a positive integer, got 2.5"),
    (dict(num_classes=None), "num_classes must be a positive integer, got None"),
    (dict(num_classes=True), "num_classes must be a positive integer, got True"),
    (dict(num_classes=4, input_size=64), "input_size must be at least 75"),
    (dict(num_classes=4, clip_length=0), "clip_length must be a positive integer, got 0"),
    (dict(num_classes=4, permuted_channels=-1), "permuted_channels must be a positive integer"),
    (dict(num_classes=4, temporal_dropout=1.0), r"temporal_dropout must be a number in \[0, 1\), got 1.0"),
    (dict(num_classes=4, fc_units=(32, 0)), "fc_units must be a sequence of positive integers"),
    (dict(num_classes=4, fusion_units=0), "fusion_units must be a positive integer"),
    (dict(num_classes=4, lower_scls="vgg"), "lower_scls must be a keras.Model, got str"),
])
def test_builder_names_a_bad_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_fstcn(**kwargs)


def test_auxiliary_builder_names_a_bad_argument():
    with pytest.raises(ValueError, match="num_classes must be a positive integer, got 0"):
        build_fstcn_auxiliary(0)
    with pytest.raises(ValueError, match=r"input_size must be at least 75 \(.*\), got 74"):
        build_fstcn_auxiliary(3, input_size=74)


def test_smallest_input_size_builds():
    from keras_stvideo.models.fstcn.fstcn_classifier import MIN_INPUT_SIZE

    model = build_fstcn(2, input_size=MIN_INPUT_SIZE, clip_length=2, fc_units=(4,), fusion_units=4)
    assert model.output.shape == (None, 2)


def test_lower_scls_widths_are_an_argument():
    narrow = build_lower_scls((80, 80, 3), filters=(24, 64, 128, 128))
    # conv1 7x7x3x24, conv2 5x5x24x64, conv3 3x3x64x128, conv4 3x3x128x128, each with its biases
    assert narrow.count_params() == (7 * 7 * 3 * 24 + 24) + (5 * 5 * 24 * 64 + 64) + (9 * 64 * 128 + 128) + (
        9 * 128 * 128 + 128)
    assert tuple(narrow.output.shape[1:]) == (3, 3, 128)
    assert build_lower_scls((80, 80, 3)).output.shape[-1] == 512  # the paper's widths by default
    with pytest.raises(ValueError, match="4 lower SCLs"):
        build_lower_scls((80, 80, 3), filters=(24, 64, 128))
