"""Bilinear sampling in pixel coordinates with zeros outside the image (keras.ops only).

Shared by SpatialTransformer, DeformableConv2D and ConvOffset2D. At integer
coordinates it returns the pixel values exactly; outside the image it blends
towards zero, as a zero-padded image would.
"""

from keras import ops


def bilinear_sample(images, rows, cols):
    """Sample ``images`` at float pixel coordinates.

    Args:
        images: (B, H, W, C) tensor.
        rows, cols: (B, Ho, Wo) float tensors of row and column coordinates;
            row 0 is the centre of the first pixel row.

    Returns:
        (B, Ho, Wo, C) tensor. Gradients flow into ``rows`` and ``cols`` (and
        ``images``); a coordinate more than one pixel outside gets zero gradient.
    """
    shape = ops.shape(images)
    batch, height, width, channels = shape[0], shape[1], shape[2], shape[3]
    padded = ops.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)))
    flat = ops.reshape(padded, (-1, channels))
    rows = ops.clip(rows, -1.0, ops.cast(height, rows.dtype)) + 1.0
    cols = ops.clip(cols, -1.0, ops.cast(width, cols.dtype)) + 1.0
    # Clamping the base corner keeps the +1 corner inside the padded image.
    r0 = ops.stop_gradient(ops.minimum(ops.floor(rows), ops.cast(height, rows.dtype)))
    c0 = ops.stop_gradient(ops.minimum(ops.floor(cols), ops.cast(width, cols.dtype)))
    dr = ops.expand_dims(rows - r0, -1)
    dc = ops.expand_dims(cols - c0, -1)
    stride = width + 2
    frame = ops.reshape(ops.arange(batch, dtype="int32"), (-1, 1, 1)) * ((height + 2) * stride)
    base = frame + ops.cast(r0, "int32") * stride + ops.cast(c0, "int32")
    top_left = ops.take(flat, base, axis=0)
    top_right = ops.take(flat, base + 1, axis=0)
    bottom_left = ops.take(flat, base + stride, axis=0)
    bottom_right = ops.take(flat, base + stride + 1, axis=0)
    top = top_left + (top_right - top_left) * dc
    bottom = bottom_left + (bottom_right - bottom_left) * dc
    return top + (bottom - top) * dr
