"""TeSNet (Huang & Bors 2020): Temporal Squeeze layers inside Inception-ResNet-V2, and the TSN baseline.

The paper names its TS placements by TF-slim end points of Inception-ResNet-V2
(Table 1); ``endpoint_layers`` finds each in ``keras.applications.InceptionResNetV2``
by structure (docs/faithfulness.md, "Huang & Bors 2020", has the map):

====================  ==========================================================
slim end point        Keras layer whose output it is
====================  ==========================================================
input                 the model input (after scaling pixels to [-1, 1])
Conv2d_1a_3x3         ReLU after the stem's 1st conv (32 filters, 3x3, stride 2, valid)
Conv2d_4a_3x3         ReLU after the stem's 5th conv (192 filters, 3x3, stride 1, valid)
Block A               ``block35_10_ac``: output of the 10th (last) Inception-ResNet-A block
Block B               ``block17_20_ac``: output of the 20th (last) Inception-ResNet-B block
====================  ==========================================================
"""

import re

import keras

from keras_stvideo.layers.temporal_squeeze import TemporalSqueeze
from keras_stvideo.models.tesnet.frame_layers import BatchToFrames, FrameConsensus, FramesToBatch, FramesToChannels
from keras_stvideo.models.tesnet.tesnet_presets import TESNET_PAPER, TESNET_PYRAMID_PAPER

ENDPOINTS = ("input", "Conv2d_1a_3x3", "Conv2d_4a_3x3", "Block_A", "Block_B")

# Table 1: setting -> ((end point, D_i), ...); M = 1 for settings 1 and 2, M = 2 for 3, 4 and 5.
CONSENSUSES = ("average", "concat", "fuse")  # how the top D frames meet (build_tesnet's consensus)
TABLE1_PLACEMENTS = {
    1: (("input", 3),),
    2: (("input", 1),),
    3: (("Conv2d_1a_3x3", 3), ("Conv2d_4a_3x3", 1)),
    4: (("Conv2d_1a_3x3", 3), ("Block_A", 1)),
    5: (("Conv2d_1a_3x3", 3), ("Block_B", 1)),
}
# Table 2's 64-frame pyramid: setting No. 5 with D1 = 16, D2 = 4 (section 3.3).
TABLE2_PYRAMID = {key: TESNET_PYRAMID_PAPER.config[key] for key in ("frames", "setting", "squeezed_frames")}
# The paper's numbers, written once in the "tesnet_paper" preset (tesnet_presets.py): the defaults below read them.
_PAPER = TESNET_PAPER.config

# TF-slim's stem (inception_resnet_v2_base): name, filters, kernel, strides, padding of each conv, in order.
_STEM = (
    ("Conv2d_1a_3x3", 32, 3, 2, "valid"),
    ("Conv2d_2a_3x3", 32, 3, 1, "valid"),
    ("Conv2d_2b_3x3", 64, 3, 1, "same"),
    ("Conv2d_3b_1x1", 80, 1, 1, "valid"),
    ("Conv2d_4a_3x3", 192, 3, 1, "valid"),
)
_BLOCKS = {"Block_A": r"block35_(\d+)_ac", "Block_B": r"block17_(\d+)_ac"}
MIN_INPUT_SIZE = 75  # the smallest input keras.applications.InceptionResNetV2 accepts


def _consumers(model):
    """id(tensor) -> layers that take it as input."""
    consumers = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        for tensor in keras.tree.flatten(layer.input):
            consumers.setdefault(id(tensor), []).append(layer)
    return consumers


def _only_consumer(consumers, layer, kind):
    found = consumers.get(id(layer.output), [])
    if len(found) != 1 or not isinstance(found[0], kind):
        raise ValueError(f"unexpected Inception-ResNet-V2 structure after layer {layer.name!r}: expected one "
                         f"{kind.__name__}, got {[type(f).__name__ for f in found]}")
    return found[0]


def endpoint_layers(backbone):
    """{slim end point: name of the Keras layer whose output it is} for an Inception-ResNet-V2.

    The stem's layers are unnamed in Keras (``conv2d``, ``conv2d_4``, ... depend on
    how many models were built before), so they are found by structure: the
    first five ``Conv2D`` layers must match TF-slim's stem (filters, kernel,
    stride, padding), and each end point is the ReLU that follows the conv's
    batch normalisation, as slim's ``conv2d`` (conv, batch norm, ReLU) returns it.
    Blocks A and B end with the explicitly named ``block35_10_ac`` and ``block17_20_ac``.
    """
    consumers = _consumers(backbone)
    convs = [layer for layer in backbone.layers if isinstance(layer, keras.layers.Conv2D)][: len(_STEM)]
    points = {}
    for conv, (name, filters, kernel, strides, padding) in zip(convs, _STEM):
        if (conv.filters, tuple(conv.kernel_size), tuple(conv.strides), conv.padding) != (
            filters, (kernel, kernel), (strides, strides), padding
        ):
            raise ValueError(f"{conv.name!r} does not match slim's {name} ({filters} filters, {kernel}x{kernel}, "
                             f"stride {strides}, {padding})")
        norm = _only_consumer(consumers, conv, keras.layers.BatchNormalization)
        relu = _only_consumer(consumers, norm, keras.layers.Activation)
        points[name] = relu.name
    for name, pattern in _BLOCKS.items():
        blocks = [(int(m.group(1)), layer.name) for layer in backbone.layers
                  if (m := re.fullmatch(pattern, layer.name))]
        if not blocks:
            raise ValueError(f"no layer matching {pattern!r} (the end of {name}) in the backbone")
        points[name] = max(blocks)[1]
    return points


def resolve_placements(setting=1, squeezed_frames=None):
    """((end point, D_i), ...) of a Table 1 setting, with the D values optionally replaced."""
    if setting not in TABLE1_PLACEMENTS:
        raise ValueError(f"setting must be one of {sorted(TABLE1_PLACEMENTS)} (Table 1), got {setting!r}")
    placements = TABLE1_PLACEMENTS[setting]
    if squeezed_frames is None:
        return placements
    squeezed_frames = tuple(squeezed_frames)
    if len(squeezed_frames) != len(placements):
        raise ValueError(f"squeezed_frames must give {len(placements)} value(s) for setting {setting}, "
                         f"got {squeezed_frames!r}")
    return tuple((where, d) for (where, _), d in zip(placements, squeezed_frames))


def _check_frames(frames, placements):
    if not isinstance(frames, int) or isinstance(frames, bool) or frames < 1:
        raise ValueError(f"frames must be a positive integer, got {frames!r}")
    current = frames
    for where, d in placements:
        if not isinstance(d, int) or isinstance(d, bool) or d < 1:
            raise ValueError(f"squeezed frames D at {where} must be a positive integer, got {d!r}")
        if d > current:
            raise ValueError(f"the TS layer at {where} squeezes {current} frames into D = {d}; D must be <= "
                             f"{current} (its K)")
        current = d
    return current


def _check_input_size(input_size):
    if input_size is None:
        return (None, None, 3)
    if not isinstance(input_size, int) or isinstance(input_size, bool) or input_size < MIN_INPUT_SIZE:
        raise ValueError(f"input_size must be an integer >= {MIN_INPUT_SIZE} (Inception-ResNet-V2's minimum) or None "
                         f"(any size), got {input_size!r}")
    return (input_size, input_size, 3)


def _backbone(shape, backbone_weights):
    if backbone_weights is None or backbone_weights == "imagenet":
        try:
            return keras.applications.InceptionResNetV2(include_top=False, weights=backbone_weights,
                                                        input_shape=shape)
        except Exception as error:  # no cached file and no network
            if backbone_weights is None:
                raise
            raise ValueError(
                "backbone_weights='imagenet' needs Keras' ImageNet weights "
                "(inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5 in ~/.keras/models, downloaded "
                f"on first use); they could not be loaded: {error}"
            ) from error
    backbone = keras.applications.InceptionResNetV2(include_top=False, weights=None, input_shape=shape)
    try:
        backbone.load_weights(backbone_weights)
    except Exception as error:
        raise ValueError(f"backbone_weights: cannot load Inception-ResNet-V2 (include_top=False) weights from "
                         f"{backbone_weights!r}: {error}") from error
    return backbone


def all_layers(model):
    """The layers of ``model`` and of the models nested in it (the backbone), depth first."""
    layers = []
    for layer in model.layers:
        layers.extend(all_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return layers


def _add_weight_decay(model, weight_decay):
    """L2 on every conv and dense kernel: ``weight_decay * sum(w**2) / 2`` (TF-slim's l2_regularizer, Eq. 6)."""
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")
    if weight_decay == 0:
        return
    regularizer = keras.regularizers.L2(weight_decay / 2.0)
    for layer in all_layers(model):
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            layer.kernel_regularizer = regularizer
            layer.kernel.regularizer = regularizer


def _custom_backbone(backbone, placements):
    """Check a user's 2D backbone: a Keras model from (H, W, 3) frames to feature maps; TS layers on the input only."""
    if not isinstance(backbone, keras.Model):
        raise ValueError(f"backbone must be None or a keras.Model, got {type(backbone).__name__}")
    inside = [where for where, _ in placements if where != "input"]
    if inside:
        raise ValueError(f"backbone: a custom backbone takes only TS layers on the input (settings 1 and 2); this "
                         f"setting places them at Inception-ResNet-V2's end points {inside}")
    shape = tuple(backbone.input.shape[1:])
    if len(shape) != 3 or shape[-1] != 3 or len(backbone.output.shape) != 4:
        raise ValueError(f"backbone must map (H, W, 3) frames to (h, w, c) feature maps, got input {shape} and "
                         f"output {tuple(backbone.output.shape[1:])}")
    return shape


def _build(num_classes, frames, placements, input_size, backbone_weights, dropout, weight_decay, beta, name,
           batchnorm_momentum=None, backbone=None, ts_basis="block", consensus="average"):
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout!r}")
    if consensus not in CONSENSUSES:
        raise ValueError(f"consensus must be 'average', 'concat' or 'fuse', got {consensus!r}")
    top_frames = _check_frames(frames, placements)
    custom = backbone is not None
    if custom:
        shape, points = _custom_backbone(backbone, placements), {}
    else:
        shape = _check_input_size(input_size)
        backbone = _backbone(shape, backbone_weights)
        points = endpoint_layers(backbone)

    inputs = keras.Input((frames,) + shape, name="clip")
    # Pixels in [0, 255] -> [-1, 1], Inception-ResNet-V2's (and slim's) input range.
    x = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale_pixels")(inputs)
    inserts = {}  # Keras layer name -> (TS number, end point, K, D)
    current = frames
    for number, (where, d) in enumerate(placements, 1):
        if where == "input":
            x = TemporalSqueeze(d, beta=beta, basis=ts_basis, name=f"ts{number}_input")(x)
        else:
            inserts[points[where]] = (number, where, current, d)
        current = d
    x = FramesToBatch(name="frames_to_batch")(x)

    def call_with_squeeze(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        if layer.name in inserts:
            number, where, k, d = inserts[layer.name]
            out = BatchToFrames(k, name=f"ts{number}_unfold")(out)
            out = TemporalSqueeze(d, beta=beta, basis=ts_basis, name=f"ts{number}_{where.lower()}")(out)
            out = FramesToBatch(name=f"ts{number}_fold")(out)
        return out

    if not custom:
        # The backbone's own layers (and weights), re-run on folded frames with the TS layers spliced in.
        trunk = keras.models.clone_model(
            backbone, input_tensors=keras.Input(shape, name="frames"), clone_function=lambda layer: layer,
            call_function=call_with_squeeze,
        )
        trunk.name = "backbone"
    else:
        trunk = backbone
    x = trunk(x)
    if consensus == "fuse":
        # the D frames' feature maps side by side on the channels, combined position by position by one conv
        channels = x.shape[-1]
        x = FramesToChannels(name="maps_on_channels")(BatchToFrames(top_frames, name="frame_maps")(x))
        x = keras.layers.Conv2D(channels, 3, padding="same", use_bias=False, name="fuse_conv")(x)
        x = keras.layers.BatchNormalization(name="fuse_bn")(x)
        x = keras.layers.Activation("relu", name="fuse_ac")(x)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if consensus == "concat":
        # the D frames' pooled features side by side, in time order, into one classifier
        x = keras.layers.Flatten(name="concat_frames")(BatchToFrames(top_frames, name="frame_features")(x))
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    x = keras.layers.Dense(num_classes, name="logits")(x)
    if consensus == "average":
        x = FrameConsensus(name="consensus")(BatchToFrames(top_frames, name="frame_logits")(x))
    outputs = keras.layers.Activation("softmax", dtype="float32", name="predictions")(x)
    model = keras.Model(inputs, outputs, name=name)
    _add_weight_decay(model, weight_decay)
    if batchnorm_momentum is not None:
        if not 0.0 <= batchnorm_momentum < 1.0:
            raise ValueError(f"batchnorm_momentum must lie in [0, 1), got {batchnorm_momentum!r}")
        for layer in all_layers(model):
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.momentum = float(batchnorm_momentum)
    return model


def build_tesnet(num_classes, frames=_PAPER["frames"], setting=_PAPER["setting"], input_size=_PAPER["input_size"],
                 backbone_weights=None, squeezed_frames=None, dropout=_PAPER["dropout"],
                 weight_decay=_PAPER["weight_decay"], beta=_PAPER["beta"], batchnorm_momentum=None,
                 backbone=None, ts_basis="block",
                 consensus="average", name="tesnet"):
    """The Temporal Squeeze Network: TS layers inside Inception-ResNet-V2 (Huang & Bors 2020, section 2.3).

    A clip of K frames enters as ``(batch, K, H, W, 3)`` with pixels in [0, 255].
    Frames before the first TS layer are folded into the batch (every frame
    runs through the same 2D layers); each TS layer unfolds its K input frames,
    squeezes them into D frames, and its D outputs are the frames of the next
    stage. At the top each of the D_M frames gets class logits; they are
    averaged before the softmax, as TSN's average consensus does for its
    segments (the paper does not say how; docs/faithfulness.md).

    Args:
        num_classes: 101 for UCF101, 51 for HMDB51 (section 3.1).
        frames: K, consecutive frames per clip (10, section 3.2 and Table 2).
        setting: Table 1's No.: 1 (input, D = 3; the best), 2 (input, D = 1),
            3 (Conv2d_1a_3x3 D = 3 + Conv2d_4a_3x3 D = 1), 4 (Conv2d_1a_3x3 D = 3
            + Block A D = 1), 5 (Conv2d_1a_3x3 D = 3 + Block B D = 1).
        input_size: side of the square input (299, section 3.1); None accepts any
            size >= 75 (spatially fully convolutional testing, section 3.1).
        backbone_weights: None (random), "imagenet" (Keras' ImageNet weights, as
            the paper pre-trains on ImageNet, section 3.1; needs them cached or a
            network) or the path of an ``InceptionResNetV2(include_top=False)`` weights file.
        squeezed_frames: replaces the setting's D values, e.g. ``(16, 4)`` with
            setting 5 and 64 frames for Table 2's pyramid (``TABLE2_PYRAMID``).
        dropout: before the classifier (0.5, section 3.1).
        weight_decay: lambda of Eq. 6 (4e-5, section 3.1), L2 on conv and dense kernels.
        beta: weight of each TS layer's projection loss in Eq. 6 (10, section 3.1);
            the losses reach ``model.losses``, so ``fit`` minimises Eq. 6.
        batchnorm_momentum: None keeps Keras's 0.99; a short run from scratch
            (a few dozen steps) needs less (0.9) for its moving statistics to
            reach the data's before inference-mode testing.
        backbone: None (Inception-ResNet-V2, the paper's) or another 2D ``keras.Model``
            from ``(H, W, 3)`` frames in [-1, 1] to feature maps ``(h, w, c)``, for
            runs that cannot afford Inception-ResNet-V2 (e.g. ``stvideo compare``);
            only with settings whose TS layers all sit on the input (1 and 2), since
            the other settings name Inception-ResNet-V2's end points. ``input_size``
            and ``backbone_weights`` are then unused (the backbone's input fixes the size).
        ts_basis: the start of every TS layer's A ("block": block means; "bernstein":
            overlapping columns whose squeezed frames are signed mixes of the K frames;
            ``TemporalSqueeze``). The paper says only "properly initialized".
        consensus: how the last TS layer's D_M frames meet at the top (the paper does not say):
            "average" (per-frame logits averaged, TSN's consensus), "concat" (their pooled
            features concatenated in time order into one classifier) or "fuse" (their last
            feature maps stacked on the channels in time order and combined position by position
            by a 3x3 conv, batch norm and ReLU before the pooling: a squeezed frame's motion and
            another's appearance then meet at each position).

    Example:
        >>> model = build_tesnet(101, frames=10, setting=1, input_size=299)  # doctest: +SKIP
        >>> model.predict(clips)  # clips (N, 10, 299, 299, 3) in [0, 255] -> (N, 101)  # doctest: +SKIP

    Reference:
        Huang & Bors, "Learning Spatio-Temporal Representations with Temporal
        Squeeze Pooling", ICASSP 2020, section 2.3, section 3.1, Tables 1 and 2.
    """
    placements = resolve_placements(setting, squeezed_frames)
    return _build(num_classes, frames, placements, input_size, backbone_weights, dropout, weight_decay, beta, name,
                  batchnorm_momentum, backbone, ts_basis, consensus)


def build_tsn(num_classes, segments=3, input_size=_PAPER["input_size"], backbone_weights=None,
              dropout=_PAPER["dropout"], weight_decay=_PAPER["weight_decay"], batchnorm_momentum=None, name="tsn"):
    """TSN with an Inception-ResNet-V2 backbone, the paper's comparison (Table 3).

    One frame from each of ``segments`` segments, ``(batch, segments, H, W, 3)``,
    runs through the shared backbone; the class logits are averaged over the
    segments (average consensus, Wang et al. 2016) before the softmax. With
    ``segments=1`` it is Table 3's single-frame "Baseline".

    Args:
        num_classes: number of classes.
        segments: 3 (TSN's default, Table 3 "length 3"); 1 gives the baseline.
        input_size, backbone_weights, dropout, weight_decay, batchnorm_momentum: as in ``build_tesnet``.
    """
    return _build(num_classes, segments, (), input_size, backbone_weights, dropout, weight_decay, 0.0, name,
                  batchnorm_momentum)


def placement_frames(frames=10, setting=1, squeezed_frames=None):
    """Frames each stage of the backbone sees: ``[(end point or 'top', frames from there on), ...]``."""
    placements = resolve_placements(setting, squeezed_frames)
    _check_frames(frames, placements)
    return [("input", frames)] + [(where, d) for where, d in placements]


def backbone_macs(input_size=299):
    """Multiply-accumulates of every conv and dense layer of Inception-ResNet-V2 for one image, in layer order.

    Returns ``(names, macs)`` and the end point layer names; used to cost each placement.
    """
    shape = _check_input_size(input_size)
    backbone = keras.applications.InceptionResNetV2(include_top=False, weights=None, input_shape=shape)
    names, macs = [], []
    for layer in backbone.layers:
        cost = 0
        if isinstance(layer, keras.layers.Conv2D):
            _, h, w, c_out = layer.output.shape
            kh, kw = layer.kernel_size
            cost = h * w * kh * kw * layer.input.shape[-1] * c_out
        names.append(layer.name)
        macs.append(cost)
    return names, macs, endpoint_layers(backbone), backbone


def tesnet_macs(frames=10, setting=1, input_size=299, squeezed_frames=None, backbone_costs=None):
    """Multiply-accumulates of one clip through a TeSNet setting (convs and TS layers), by stage.

    A TS layer squeezing K frames of H x W x C into D costs about
    ``(2 K D + D^2 + K) H W C`` (A^T X, the D x D solve applied to every pixel,
    the residual A Y and the squeeze). Returns a dict with ``"stages"`` (one row
    per stage: from, to, frames, MACs) and ``"total"``.
    """
    placements = resolve_placements(setting, squeezed_frames)
    _check_frames(frames, placements)
    names, macs, points, backbone = backbone_costs or backbone_macs(input_size)
    index = {name: i for i, name in enumerate(names)}
    cuts = [(0, "input", frames)]
    ts_cost = 0
    current = frames
    for where, d in placements:
        if where == "input":
            h = w = input_size
            c = 3
            cut = 0
        else:
            layer = backbone.get_layer(points[where])
            _, h, w, c = layer.output.shape
            cut = index[points[where]] + 1
        ts_cost += (2 * current * d + d * d + current) * h * w * c
        cuts.append((cut, where, d))
        current = d
    stages = []
    for (start, where, k), nxt in zip(cuts, cuts[1:] + [(len(names), "top", None)]):
        stage_macs = k * sum(macs[start : nxt[0]])
        stages.append({"from": where, "to": nxt[1], "frames": k, "macs": stage_macs})
    total = sum(s["macs"] for s in stages) + ts_cost
    return {"stages": stages, "ts_macs": ts_cost, "total": total}
