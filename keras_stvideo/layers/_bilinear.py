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


_TF_XLA_SAMPLER = []  # the sampler with its XLA-compiled forward and backward, made on first use with TensorFlow


def bilinear_sample(images, rows, cols):
    """Sample ``images`` at float pixel coordinates.

    On TensorFlow the forward and the backward pass each run as one
    XLA-compiled function (``tf.function(jit_compile=True)``) even inside a step
    that is not compiled (Keras does not compile steps with XLA on CPU-only
    machines), joined by a custom gradient (``_tf_sampler``): the forward pass
    keeps only its inputs, and the backward pass gathers the four corners again
    instead of reading four saved (B, Ho, Wo, C) corner tensors, and sums the
    four corners' image gradients with one segment sum. Other backends run
    ``keras.ops`` directly (JAX compiles the whole step anyway).

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
            _TF_XLA_SAMPLER.append(_tf_sampler())
        return _TF_XLA_SAMPLER[0](images, rows, cols)
    return _bilinear_sample(images, rows, cols)


def _tf_sampler():
    import tensorflow as tf

    forward = tf.function(_bilinear_sample, jit_compile=True, autograph=False)
    # Two backward functions, so that a graph which does not need the image gradient (the sampled images
    # are the model's input, as in a first layer) prunes its scatter, as it would a built-in op's.
    coordinates_backward = tf.function(_coordinate_grads, jit_compile=True, autograph=False)
    images_backward = tf.function(_image_grad, jit_compile=True, autograph=False)

    @tf.custom_gradient
    def sample(images, rows, cols):
        def grad(upstream):
            g_rows, g_cols = coordinates_backward(images, rows, cols, upstream)
            return images_backward(images, rows, cols, upstream), g_rows, g_cols

        return forward(images, rows, cols), grad

    return sample


def _corners(images, rows, cols):
    """The zero-padded flat pixel table, the flat index of each top-left corner, dr, dc and the row stride."""
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
    stride = width + 2
    frame = ops.reshape(ops.arange(batch, dtype="int32"), (-1, 1, 1)) * ((height + 2) * stride)
    top_left = frame + ops.cast(r0, "int32") * stride + ops.cast(c0, "int32")
    return flat, top_left, dr, dc, stride


def _coordinate_grads(images, rows, cols, upstream):
    """Gradients of ``_bilinear_sample`` with respect to rows and cols, given the output's gradient."""
    shape = ops.shape(images)
    height, width = shape[1], shape[2]
    flat, top_left, dr, dc, stride = _corners(images, rows, cols)
    er, ec = 1.0 - dr, 1.0 - dc
    corners = ops.stack([top_left, top_left + 1, top_left + stride, top_left + stride + 1])  # (4, B, Ho, Wo)
    # Each corner's pixels dotted with the upstream gradient: one gather, product and sum over C per corner
    # (XLA fuses them), instead of gathering each corner again for each of the two coordinate gradients.
    dots = ops.cast(ops.sum(ops.take(flat, corners, axis=0) * upstream, axis=-1), "float32")  # (4, B, Ho, Wo)
    tl, tr, bl, br = dots[0], dots[1], dots[2], dots[3]
    er, ec, dr, dc = er[..., 0], ec[..., 0], dr[..., 0], dc[..., 0]
    # d out / d dr = (1 - dc)(bl - tl) + dc (br - tr); d out / d dc = (1 - dr)(tr - tl) + dr (br - bl).
    g_dr = ec * (bl - tl) + dc * (br - tr)
    g_dc = er * (tr - tl) + dr * (br - bl)
    # The clip passes the gradient only inside [-1, size] (as ops.clip's own gradient does).
    zero = ops.zeros_like(g_dr)
    r, c = ops.cast(rows, "float32"), ops.cast(cols, "float32")
    g_rows = ops.cast(ops.where((r >= -1.0) & (r <= ops.cast(height, "float32")), g_dr, zero), rows.dtype)
    g_cols = ops.cast(ops.where((c >= -1.0) & (c <= ops.cast(width, "float32")), g_dc, zero), cols.dtype)
    return g_rows, g_cols


def _image_grad(images, rows, cols, upstream):
    """Gradient of ``_bilinear_sample`` with respect to images, given the output's gradient."""
    shape = ops.shape(images)
    height, width, channels = shape[1], shape[2], shape[3]
    flat, top_left, dr, dc, stride = _corners(images, rows, cols)
    er, ec = 1.0 - dr, 1.0 - dc
    # Each sample scatters its four corners' shares as one row of 4 C values at its
    # top-left corner (one segment sum of N rows instead of 4 N), and the four C-wide column blocks are
    # then added at their corners' offsets (0, 1, stride, stride + 1) from the top-left.
    er, ec, dr, dc = er[..., 0], ec[..., 0], dr[..., 0], dc[..., 0]
    weights = [ops.cast(w, flat.dtype)[..., None] for w in (er * ec, er * dc, dr * ec, dr * dc)]
    shares = ops.concatenate([upstream * w for w in weights], axis=-1)  # (B, Ho, Wo, 4 C)
    num_pixels = ops.shape(flat)[0]
    table = ops.segment_sum(
        ops.reshape(shares, (-1, 4 * channels)), ops.reshape(top_left, (-1,)), num_segments=num_pixels
    )

    def block(index):
        return table[:, index * channels : (index + 1) * channels]

    def later(part, offset):  # part moved ``offset`` rows later: the share of pixel p sits at row p - offset
        return ops.pad(part, ((offset, 0), (0, 0)))[:num_pixels]

    dense = block(0) + later(block(1), 1) + later(block(2), stride) + later(block(3), stride + 1)
    return ops.reshape(dense, (-1, height + 2, width + 2, channels))[:, 1:-1, 1:-1, :]


def _bilinear_sample(images, rows, cols):
    flat, top_left, dr, dc, stride = _corners(images, rows, cols)
    er, ec = 1.0 - dr, 1.0 - dc
    weights = [ops.cast(w, flat.dtype) for w in (er * ec, er * dc, dr * ec, dr * dc)]
    # Weights are formed on the small (B, Ho, Wo, 1) tensors, so the C-wide work is 4 products and 3 sums.
    return (
        ops.take(flat, top_left, axis=0) * weights[0]
        + ops.take(flat, top_left + 1, axis=0) * weights[1]
        + ops.take(flat, top_left + stride, axis=0) * weights[2]
        + ops.take(flat, top_left + stride + 1, axis=0) * weights[3]
    )
