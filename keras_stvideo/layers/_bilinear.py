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
_TORCH_SAMPLER = []  # the sampler as a torch.autograd.Function, made on first use with PyTorch
_TORCH_CHUNK = 1 << 20  # values (samples x channels) per chunk of the PyTorch sampler: reused buffers, few calls


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
    backend = keras.backend.backend()
    if backend == "tensorflow":
        if not _TF_XLA_SAMPLER:
            _TF_XLA_SAMPLER.append(_tf_sampler())
        return _TF_XLA_SAMPLER[0](images, rows, cols)
    if backend == "torch":
        if not _TORCH_SAMPLER:
            _TORCH_SAMPLER.append(_torch_sampler())
        return _TORCH_SAMPLER[0](*(ops.convert_to_tensor(t) for t in (images, rows, cols)))
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


def _torch_sampler():
    """``bilinear_sample`` as a ``torch.autograd.Function``: the same values and gradients in fewer passes.

    PyTorch runs eagerly, so every elementwise op of ``_bilinear_sample`` is a
    pass over the (B, Ho, Wo, C) samples in fresh memory, and autograd keeps the
    four gathered corners for the backward pass. Here the samples are processed
    in chunks of ``_TORCH_CHUNK`` values into buffers reused from chunk to chunk
    (no fresh memory per op; chunks of about a million values keep the number of
    calls small: 65,536 samples of 20 channels timed best, against 8,192 and
    whole tensors), the corners are blended with three in-place ``lerp_``, and
    only the inputs are kept; the backward pass gathers the corners again and
    computes the image gradient only when the images need one.
    """
    import torch

    def prepare(images, rows, cols):
        batch, height, width, channels = images.shape
        flat = torch.nn.functional.pad(images, (0, 0, 1, 1, 1, 1)).reshape(-1, channels)
        r = rows.float().clamp(-1.0, float(height)) + 1.0
        c = cols.float().clamp(-1.0, float(width)) + 1.0
        r0 = torch.clamp(torch.floor(r), max=float(height))
        c0 = torch.clamp(torch.floor(c), max=float(width))
        stride = width + 2
        frame = torch.arange(batch, device=images.device).reshape(-1, 1, 1) * ((height + 2) * stride)
        top_left = (frame + r0.long() * stride + c0.long()).reshape(-1)
        dr = (r - r0).reshape(-1, 1).to(flat.dtype)
        dc = (c - c0).reshape(-1, 1).to(flat.dtype)
        return flat, top_left, dr, dc, stride

    def chunks(count, channels):
        step = max(1, _TORCH_CHUNK // channels)
        for start in range(0, count, step):
            yield start, min(start + step, count)

    def gather(flat, index, stride, buffers):
        for shift, buffer in zip((0, 1, stride, stride + 1), buffers):
            torch.index_select(flat, 0, index + shift, out=buffer[: len(index)])
        return [buffer[: len(index)] for buffer in buffers]

    class Sample(torch.autograd.Function):
        @staticmethod
        def forward(ctx, images, rows, cols):
            ctx.save_for_backward(images, rows, cols)
            flat, top_left, dr, dc, stride = prepare(images, rows, cols)
            out = torch.empty((len(top_left), flat.shape[1]), dtype=flat.dtype, device=flat.device)
            size = min(max(1, _TORCH_CHUNK // flat.shape[1]), len(top_left))
            buffers = [flat.new_empty((size, flat.shape[1])) for _ in range(4)]
            for start, stop in chunks(len(top_left), flat.shape[1]):
                tl, tr, bl, br = gather(flat, top_left[start:stop], stride, buffers)
                tl.lerp_(tr, dc[start:stop])  # top-left + dc (top-right - top-left): exact at dc = 0 and 1
                bl.lerp_(br, dc[start:stop])
                torch.lerp(tl, bl, dr[start:stop], out=out[start:stop])
            return out.reshape(tuple(rows.shape) + (images.shape[-1],))

        @staticmethod
        def backward(ctx, upstream):
            images, rows, cols = ctx.saved_tensors
            batch, height, width, channels = images.shape
            flat, top_left, dr, dc, stride = prepare(images, rows, cols)
            upstream = upstream.reshape(-1, channels).to(flat.dtype)
            g_images = g_rows = g_cols = None
            count = len(top_left)
            if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:
                g_dr = torch.empty(count, dtype=torch.float32, device=flat.device)
                g_dc = torch.empty(count, dtype=torch.float32, device=flat.device)
                size = min(max(1, _TORCH_CHUNK // channels), count)
                buffers = [flat.new_empty((size, channels)) for _ in range(4)]
                for start, stop in chunks(count, channels):
                    tl, tr, bl, br = gather(flat, top_left[start:stop], stride, buffers)
                    up, dr_k, dc_k = upstream[start:stop], dr[start:stop], dc[start:stop]
                    tr -= tl  # d out / d dc = (1 - dr)(tr - tl) + dr (br - bl)
                    br -= bl
                    tl.addcmul_(tr, dc_k)  # the top and bottom rows' blends
                    bl.addcmul_(br, dc_k)
                    tr.lerp_(br, dr_k)
                    g_dc[start:stop] = (tr.mul_(up)).sum(-1)
                    bl -= tl  # d out / d dr = (1 - dc)(bl - tl) + dc (br - tr) = bottom - top
                    g_dr[start:stop] = (bl.mul_(up)).sum(-1)
                # The clip passes the gradient only inside [-1, size] (as the clip's own gradient does).
                r, c = rows.float().reshape(-1), cols.float().reshape(-1)
                g_dr[(r < -1.0) | (r > float(height))] = 0.0
                g_dc[(c < -1.0) | (c > float(width))] = 0.0
                g_rows = g_dr.reshape(rows.shape).to(rows.dtype)
                g_cols = g_dc.reshape(cols.shape).to(cols.dtype)
            if ctx.needs_input_grad[0]:
                er, ec = 1.0 - dr, 1.0 - dc
                table = torch.zeros_like(flat)
                for shift, weight in zip((0, 1, stride, stride + 1), (er * ec, er * dc, dr * ec, dr * dc)):
                    table.index_add_(0, top_left + shift, upstream * weight)
                g_images = table.reshape(batch, height + 2, width + 2, channels)[:, 1:-1, 1:-1, :]
                g_images = g_images.to(images.dtype)
            return g_images, g_rows, g_cols

    return Sample.apply


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
