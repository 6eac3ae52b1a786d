"""Bilinear sampling in pixel coordinates with zeros outside the image (keras.ops only).

Shared by SpatialTransformer, DeformableConv2D and ConvOffset2D. At integer
coordinates it returns the pixel values exactly; outside the image it blends
towards zero, as a zero-padded image would. Coordinates and weights are
computed in float32 whatever the images' dtype (bfloat16 holds only 8
significant bits: at column 64 its spacing is 0.5 pixel), and the weights are
cast to the images' dtype, so the layers that sample run under ``mixed_bfloat16``.
"""

import keras
from keras import ops


@ops.custom_gradient
def _take_rows_dense_gradient(table, indices):
    """``ops.take(table, indices, axis=0)`` whose gradient is one dense segment sum.

    TensorFlow's own gradient of a gather is an IndexedSlices that is
    concatenated with its siblings before it is densified, which dominates a
    DeformableConv2D training step on CPU (14.8x a Conv2D step, benchmarks/layers.py).
    An unsorted segment sum per gather is faster than both that and a scatter-add:
    for ConvOffset2D's one-channel rows it took a third of ``ops.scatter``'s time.
    JAX and PyTorch already scatter-add, so this is used on TensorFlow only.
    """

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        channels = ops.shape(table)[-1]
        dense = ops.segment_sum(
            ops.reshape(upstream, (-1, channels)), ops.reshape(indices, (-1,)), num_segments=ops.shape(table)[0]
        )
        return dense, None

    return ops.take(table, indices, axis=0), grad


def _take_rows(table, indices):
    if keras.backend.backend() == "tensorflow":
        return _take_rows_dense_gradient(table, indices)
    return ops.take(table, indices, axis=0)


_TF_XLA_SAMPLER = []  # the XLA-compiled sampler, made on first use with TensorFlow


def bilinear_sample(images, rows, cols):
    """Sample ``images`` at float pixel coordinates.

    On TensorFlow the sampling, with its gradient, runs as one XLA-compiled
    function (``tf.function(jit_compile=True)``) even inside a step that is not
    compiled (Keras does not compile steps with XLA on CPU-only machines): XLA
    fuses the four gathers with their weights, and the backward pass's
    segment sums with theirs, instead of materialising each (B, Ho, Wo, C)
    intermediate; that made a DeformableConv2D training step about 3x faster on
    CPU (benchmarks/layers.py). Other backends run ``keras.ops`` directly (JAX
    compiles the whole step anyway).

    Args:
        images: (B, H, W, C) tensor.
        rows, cols: (B, Ho, Wo) float tensors of row and column coordinates;
            row 0 is the centre of the first pixel row. Used in float32.

    Returns:
        (B, Ho, Wo, C) tensor: the four neighbouring pixels weighted by
        (1 - dr)(1 - dc), (1 - dr) dc, dr (1 - dc) and dr dc, with pixels outside
        the image read as zero. Gradients flow into ``images``, ``rows`` and
        ``cols``; a coordinate more than one pixel outside gets zero gradient.
    """
    if keras.backend.backend() == "tensorflow":
        if not _TF_XLA_SAMPLER:
            import tensorflow as tf

            _TF_XLA_SAMPLER.append(tf.function(_bilinear_sample, jit_compile=True, autograph=False))
        return _TF_XLA_SAMPLER[0](images, rows, cols)
    return _bilinear_sample(images, rows, cols)


def _bilinear_sample(images, rows, cols):
    shape = ops.shape(images)
    batch, height, width, channels = shape[0], shape[1], shape[2], shape[3]
    # One pixel of zeros around the image makes every corner of a clipped coordinate readable.
    flat = ops.reshape(ops.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0))), (-1, channels))
    rows = ops.clip(ops.cast(rows, "float32"), -1.0, ops.cast(height, "float32")) + 1.0
    cols = ops.clip(ops.cast(cols, "float32"), -1.0, ops.cast(width, "float32")) + 1.0
    # Clamping the base corner keeps the +1 corner inside the padded image.
    r0 = ops.stop_gradient(ops.minimum(ops.floor(rows), ops.cast(height, rows.dtype)))
    c0 = ops.stop_gradient(ops.minimum(ops.floor(cols), ops.cast(width, cols.dtype)))
    dr = ops.expand_dims(rows - r0, -1)
    dc = ops.expand_dims(cols - c0, -1)
    er, ec = 1.0 - dr, 1.0 - dc
    weights = [ops.cast(w, flat.dtype) for w in (er * ec, er * dc, dr * ec, dr * dc)]
    stride = width + 2
    frame = ops.reshape(ops.arange(batch, dtype="int32"), (-1, 1, 1)) * ((height + 2) * stride)
    top_left = frame + ops.cast(r0, "int32") * stride + ops.cast(c0, "int32")
    # Weights are formed on the small (B, Ho, Wo, 1) tensors, so the C-wide work is 4 products and 3 sums.
    return (
        _take_rows(flat, top_left) * weights[0]
        + _take_rows(flat, top_left + 1) * weights[1]
        + _take_rows(flat, top_left + stride) * weights[2]
        + _take_rows(flat, top_left + stride + 1) * weights[3]
    )
