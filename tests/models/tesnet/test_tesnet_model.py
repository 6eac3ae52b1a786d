"""build_tesnet / build_tsn: end points, placements, parameter counts, consensus, round trips and errors.

Inception-ResNet-V2 takes ~15 s to build on the shared 2-core machine, so the
models are built once per module; checks over all five Table 1 settings are slow.
"""

import keras
import numpy as np
import pytest

from keras_stvideo import build_tesnet, build_tsn
from keras_stvideo.layers import TemporalSqueeze
from keras_stvideo.models.tesnet.tesnet_classifier import TABLE1_PLACEMENTS, endpoint_layers, tesnet_macs
from tests.markers import needs_tensorflow

# TF-slim's documented end point shapes at 299 x 299 (inception_resnet_v2.py docstring / Szegedy et al. Fig. 9-17).
SLIM_SHAPES_299 = {
    "input": (299, 299, 3),
    "Conv2d_1a_3x3": (149, 149, 32),
    "Conv2d_4a_3x3": (71, 71, 192),
    "Block_A": (35, 35, 320),
    "Block_B": (17, 17, 1088),
}
# Each test builds Inception-ResNet-V2 (55 M weights): 15-45 CPU-s a build on JAX and PyTorch, too long to repeat
# there in CI (the builder's cross-backend checks are in tests/test_backends.py, slow).
pytestmark = pytest.mark.backend_costly

SMALL = 75  # Inception-ResNet-V2's smallest input
NUM_CLASSES = 5
_CACHE = {}


def backbone_params():
    if "backbone" not in _CACHE:
        _CACHE["backbone"] = keras.applications.InceptionResNetV2(include_top=False, weights=None,
                                                                  input_shape=(SMALL, SMALL, 3)).count_params()
    return _CACHE["backbone"]


def model_for(setting, frames=10, input_size=SMALL):
    key = (setting, frames, input_size)
    if key not in _CACHE:
        _CACHE[key] = build_tesnet(NUM_CLASSES, frames=frames, setting=setting, input_size=input_size)
    return _CACHE[key]


def ts_layers(model):
    return [layer for layer in model.get_layer("backbone").layers + model.layers if isinstance(layer, TemporalSqueeze)]


def expected_ts_params(frames, placements):
    total, k = 0, frames
    for _, d in placements:
        total += k * k + k + k * k * d + k * d  # W1, b1, W2, b2 of Eq. 2
        k = d
    return total


def check_params(setting, frames=10):
    model = model_for(setting, frames)
    head = 1536 * NUM_CLASSES + NUM_CLASSES
    assert model.count_params() == backbone_params() + expected_ts_params(frames, TABLE1_PLACEMENTS[setting]) + head


def check_placement_shapes(setting, frames=10):
    model = model_for(setting, frames, input_size=299)
    layers = ts_layers(model)
    assert len(layers) == len(TABLE1_PLACEMENTS[setting])  # M of Table 1
    k = frames
    for layer, (where, d) in zip(layers, TABLE1_PLACEMENTS[setting]):
        assert where.lower() in layer.name
        assert tuple(layer.input.shape[1:]) == (k,) + SLIM_SHAPES_299[where]
        assert tuple(layer.output.shape[1:]) == (d,) + SLIM_SHAPES_299[where]
        k = d
    assert tuple(model.get_layer("frame_logits").output.shape[1:]) == (k, NUM_CLASSES)
    assert tuple(model.output.shape) == (None, NUM_CLASSES)


def test_endpoint_map_follows_structure_not_names():
    keras.applications.InceptionResNetV2(include_top=False, weights=None, input_shape=(SMALL, SMALL, 3))
    backbone = keras.applications.InceptionResNetV2(include_top=False, weights=None, input_shape=(299, 299, 3))
    points = endpoint_layers(backbone)  # the second model's stem layers are conv2d_2xx, not conv2d
    shapes = {**SLIM_SHAPES_299, "Conv2d_2a_3x3": (147, 147, 32), "Conv2d_2b_3x3": (147, 147, 64),
              "Conv2d_3b_1x1": (73, 73, 80)}
    assert set(points) == set(shapes) - {"input"}
    for name, layer_name in points.items():
        layer = backbone.get_layer(layer_name)
        assert isinstance(layer, keras.layers.Activation)
        assert tuple(layer.output.shape[1:]) == shapes[name], name
    assert points["Block_A"] == "block35_10_ac" and points["Block_B"] == "block17_20_ac"


def test_setting5_shapes_params_and_ts_losses():
    check_placement_shapes(5)
    check_params(5)
    model = model_for(5)
    x = np.random.default_rng(0).uniform(0, 255, (2, 10, SMALL, SMALL, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(model(x))
    assert y.shape == (2, NUM_CLASSES)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-5)
    # two TS projection losses (M = 2) and the L2 term reach model.losses
    assert len([loss for loss in model.losses if float(loss) > 0]) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("setting", sorted(TABLE1_PLACEMENTS))
def test_every_setting_shapes_and_params(setting):
    check_placement_shapes(setting)
    check_params(setting)


@pytest.mark.slow
def test_table2_pyramid_64_frames():
    model = build_tesnet(NUM_CLASSES, frames=64, setting=5, squeezed_frames=(16, 4), input_size=299)
    first, second = ts_layers(model)
    assert tuple(first.input.shape[1:]) == (64, 149, 149, 32) and first.output.shape[1] == 16
    assert tuple(second.input.shape[1:]) == (16, 17, 17, 1088) and second.output.shape[1] == 4
    assert tuple(model.get_layer("frame_logits").output.shape[1:]) == (4, NUM_CLASSES)


def test_tsn_consensus_averages_frame_logits():
    """A TSN on two frames gives softmax(mean of the two frames' logits), checked against the 1-segment model."""
    tsn = build_tsn(NUM_CLASSES, segments=2, input_size=SMALL, dropout=0.0)
    single = build_tsn(NUM_CLASSES, segments=1, input_size=SMALL, dropout=0.0)
    single.set_weights(tsn.get_weights())
    rng = np.random.default_rng(1)
    frames = rng.uniform(0, 255, (2, SMALL, SMALL, 3)).astype("float32")
    logit_model = keras.Model(single.input, single.get_layer("consensus").output)
    logits = keras.ops.convert_to_numpy(logit_model(frames[:, None]))  # (2 frames, classes)
    expected = np.exp(logits.mean(0)) / np.exp(logits.mean(0)).sum()
    got = keras.ops.convert_to_numpy(tsn(frames[None]))[0]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    assert tsn.count_params() == backbone_params() + 1536 * NUM_CLASSES + NUM_CLASSES


def test_weight_decay_is_l2_over_kernels():
    model = model_for(1)
    kernels = [layer.kernel for layer in model.get_layer("backbone").layers + model.layers
               if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))]
    expected = 4e-5 / 2 * sum(float(np.sum(np.square(keras.ops.convert_to_numpy(k)))) for k in kernels)
    x = np.zeros((1, 10, SMALL, SMALL, 3), "float32")
    model(x)
    non_ts = sum(float(loss) for loss in model.losses) - sum(float(loss) for layer in ts_layers(model)
                                                              for loss in layer.losses)
    np.testing.assert_allclose(non_ts, expected, rtol=1e-4)


def test_keras_round_trip_setting5(tmp_path):
    model = model_for(5, frames=4)
    x = np.random.default_rng(3).uniform(0, 255, (2,) + tuple(model.input.shape[1:])).astype("float32")
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    from keras_stvideo import load_model

    reloaded = load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), expected, atol=1e-6)
    assert len(reloaded.losses) == len(model.losses)  # the TS losses and the weight decay survive


def _round_trip(tmp_path, model):
    x = np.random.default_rng(3).uniform(0, 255, (2,) + tuple(model.input.shape[1:])).astype("float32")
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    from keras_stvideo import load_model

    reloaded = load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), expected, atol=1e-6)
    model.export(str(tmp_path / "served"), format="tf_saved_model", verbose=False)
    served = keras.layers.TFSMLayer(str(tmp_path / "served"), call_endpoint="serve")(x)
    np.testing.assert_allclose(np.asarray(served), expected, atol=1e-5)


@needs_tensorflow("keras.layers.TFSMLayer, which reloads the SavedModel, runs on TensorFlow only")
@pytest.mark.slow  # a SavedModel export of Inception-ResNet-V2 takes minutes on the shared 2-core machine
@pytest.mark.parametrize("setting", [1, 2, 3, 4, 5])
def test_round_trips_other_settings(tmp_path, setting):
    _round_trip(tmp_path, model_for(setting, frames=4))


def test_macs_of_setting1_and_5():
    costs = tesnet_macs(frames=10, setting=1, input_size=299)
    per_image = costs["stages"][1]["macs"] / 3
    assert 12e9 < per_image < 14e9  # Inception-ResNet-V2: about 13 GMACs per 299 x 299 image
    five = tesnet_macs(frames=10, setting=5, input_size=299)
    assert five["total"] < costs["total"]  # "No. 5 ... requires less computation" (section 3.3)
    assert [s["frames"] for s in five["stages"]] == [10, 3, 1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"setting": 6}, "setting must be one of"),
        ({"setting": 1, "frames": 2}, "D must be <= 2"),
        ({"setting": 5, "squeezed_frames": (3, 4)}, "D must be <= 3"),
        ({"setting": 5, "squeezed_frames": (3,)}, "squeezed_frames must give 2"),
        ({"frames": 0}, "frames must be a positive integer"),
        ({"input_size": 64}, "input_size must be an integer >= 75"),
        ({"backbone_weights": "/nonexistent/w.h5"}, "backbone_weights"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_tesnet(NUM_CLASSES, **{"input_size": SMALL, **kwargs})


def test_bad_num_classes_and_dropout():
    with pytest.raises(ValueError, match="num_classes"):
        build_tsn(1, input_size=SMALL)
    with pytest.raises(ValueError, match="dropout"):
        build_tsn(3, input_size=SMALL, dropout=1.0)


def test_custom_backbone_with_the_input_ts_layer():
    """A small 2D backbone (stvideo compare) in place of Inception-ResNet-V2: TS layer, consensus and Eq. 6 kept."""
    import keras

    frames_in = keras.Input((16, 16, 3))
    backbone = keras.Model(frames_in, keras.layers.Conv2D(4, 3, strides=2, name="only_conv")(frames_in))
    model = build_tesnet(NUM_CLASSES, frames=6, setting=1, backbone=backbone, dropout=0.0)
    assert model.count_params() == backbone.count_params() + (4 * NUM_CLASSES + NUM_CLASSES) + expected_ts_params(
        6, (("input", 3),))
    clips = np.random.default_rng(0).uniform(0, 255, (2, 6, 16, 16, 3)).astype("float32")
    probabilities = keras.ops.convert_to_numpy(model(clips))
    assert probabilities.shape == (2, NUM_CLASSES)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, rtol=1e-5)
    assert model.get_layer("frame_logits").output.shape[1] == 3  # D = 3 squeezed frames, one logit vector each
    with pytest.raises(ValueError, match="only TS layers on the input"):
        build_tesnet(NUM_CLASSES, frames=6, setting=5, backbone=backbone)
    with pytest.raises(ValueError, match="backbone must be None or a keras.Model"):
        build_tesnet(NUM_CLASSES, frames=6, setting=1, backbone="resnet")


def test_fit_minimises_equation_6():
    """On a fixed batch fit's loss is l_classif + beta * l_proj + lambda * l_L2 (Eq. 6), each term computed here."""
    frames_in = keras.Input((16, 16, 3))
    backbone = keras.Model(frames_in, keras.layers.Conv2D(4, 3, strides=2, name="only_conv")(frames_in))
    model = build_tesnet(NUM_CLASSES, frames=6, setting=1, backbone=backbone, dropout=0.0)
    model.compile(optimizer=keras.optimizers.SGD(1e-3), loss=keras.losses.SparseCategoricalCrossentropy())
    rng = np.random.default_rng(0)
    clips = rng.uniform(0, 255, (4, 6, 16, 16, 3)).astype("float32")
    labels = np.array([0, 1, 2, 3])
    probabilities = keras.ops.convert_to_numpy(model(clips, training=True))
    cross_entropy = -np.mean(np.log(probabilities[np.arange(4), labels]))
    x = (clips / 127.5 - 1.0).reshape(4, 3, 2, -1)  # A starts at the block indicators: x - A Y = x - block means
    l_proj = np.mean(np.sqrt(np.sum(np.square(x - x.mean(axis=2, keepdims=True)), axis=(1, 2))))  # Eq. 5
    kernels = [model.get_layer("logits").kernel, backbone.get_layer("only_conv").kernel]
    l_l2 = sum(float(np.sum(np.square(keras.ops.convert_to_numpy(k)))) for k in kernels) / 2
    expected = cross_entropy + 10.0 * l_proj + 4e-5 * l_l2
    assert 10.0 * l_proj > 0.1 * expected  # the TS term is not negligible in this check
    reported = model.train_on_batch(clips, labels, return_dict=True)["loss"]  # computed before the update
    np.testing.assert_allclose(reported, expected, rtol=1e-3)
