"""Vectorised canvas warps for Moving MNIST: rotation, scaling and elastic deformation.

All warps of a batch of frames are done in one bilinear resampling with numpy
fancy indexing (no Python loop over frames or pixels). Coordinates are pixel
centres, the centre of rotation and scaling is the canvas centre
``((size - 1) / 2, (size - 1) / 2)`` as in ``skimage.transform.rotate``, and
samples outside the canvas are zero.
"""

import numpy as np


def bilinear_sample(images, rows, cols):
    """Sample ``images`` (F, H, W) at float coordinates ``rows``, ``cols`` (F, H, W); zero outside.

    The images are padded with one ring of zeros and the coordinates clipped to
    that ring, so one flat gather per corner needs no masks.
    """
    num_frames, height, width = images.shape
    padded = np.pad(images.astype(np.float32, copy=False), ((0, 0), (1, 1), (1, 1)))
    flat = padded.reshape(-1)
    rows = np.clip(rows, -1.0, height, dtype=np.float32) + np.float32(1.0)
    cols = np.clip(cols, -1.0, width, dtype=np.float32) + np.float32(1.0)
    r0 = np.minimum(np.floor(rows), height)  # keeps r0 + 1 inside the padded image
    c0 = np.minimum(np.floor(cols), width)
    dr = rows - r0
    dc = cols - c0
    stride = width + 2
    index_type = np.int32 if flat.size < 2**31 else np.int64
    base = (
        np.arange(num_frames, dtype=index_type)[:, None, None] * index_type((height + 2) * stride)
        + r0.astype(index_type) * index_type(stride)
        + c0.astype(index_type)
    )
    top = flat[base] * (1 - dc) + flat[base + 1] * dc
    bottom = flat[base + stride] * (1 - dc) + flat[base + stride + 1] * dc
    return top * (1 - dr) + bottom * dr


def gaussian_kernel(size, sigma):
    """A normalised ``size`` x ``size`` Gaussian (as MATLAB's ``fspecial('gaussian')``)."""
    axis = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    kernel_1d = np.exp(-(axis**2) / (2.0 * sigma**2))
    kernel_1d /= kernel_1d.sum()
    return np.outer(kernel_1d, kernel_1d)


def elastic_displacements(rng, num_frames, size, alpha, sigma, kernel_size):
    """Simard et al. (2003) displacement fields, shape (2, F, size, size).

    Uniform random fields in [-1, 1] are convolved ('same', zero padding) with a
    normalised ``kernel_size`` Gaussian of standard deviation ``sigma`` and
    multiplied by ``alpha`` (Shan & Atanasov 2017, section IV-D: 7 x 7, sigma 10,
    alpha 300). The Gaussian is separable, so each field is smoothed along rows
    then columns.
    """
    fields = rng.uniform(-1.0, 1.0, size=(2, num_frames, size, size))
    axis = np.arange(kernel_size, dtype=np.float64) - (kernel_size - 1) / 2.0
    kernel_1d = np.exp(-(axis**2) / (2.0 * sigma**2))
    kernel_1d /= kernel_1d.sum()
    pad = kernel_size // 2
    padded = np.pad(fields, ((0, 0), (0, 0), (pad, pad), (0, 0)))
    smoothed = sum(kernel_1d[k] * padded[:, :, k : k + size, :] for k in range(kernel_size))
    padded = np.pad(smoothed, ((0, 0), (0, 0), (0, 0), (pad, pad)))
    smoothed = sum(kernel_1d[k] * padded[:, :, :, k : k + size] for k in range(kernel_size))
    return (alpha * smoothed).astype(np.float32)


def warp_canvases(frames, angles, scales, displacements=None, shifts=None):
    """Rotate by ``angles`` (radians, counter-clockwise), scale by ``scales`` about the centre, shift, then deform.

    Args:
        frames: (F, H, W) float32 canvases.
        angles: (F,) rotation angles in radians (counter-clockwise on screen).
        scales: (F,) zoom factors; 0.5 shrinks the content to half its size.
        displacements: optional (2, F, H, W) elastic fields (row, column) applied
            to the output coordinates, so the transformed canvas is deformed.
        shifts: optional (F, 2) translation (rows, columns) of the content in pixels,
            applied after rotation and scaling.

    Returns:
        (F, H, W) float32 warped canvases.
    """
    num_frames, height, width = frames.shape
    centre_r = (height - 1) / 2.0
    centre_c = (width - 1) / 2.0
    rows, cols = np.meshgrid(
        np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32), indexing="ij"
    )
    rows = np.broadcast_to(rows, (num_frames, height, width))
    cols = np.broadcast_to(cols, (num_frames, height, width))
    if displacements is not None:
        rows = rows + displacements[0]
        cols = cols + displacements[1]
    if shifts is not None:
        shifts = np.asarray(shifts, dtype=np.float32)
        rows = rows - shifts[:, 0, None, None]
        cols = cols - shifts[:, 1, None, None]
    y = rows - centre_r
    x = cols - centre_c
    cos = np.cos(angles).astype(np.float32)[:, None, None]
    sin = np.sin(angles).astype(np.float32)[:, None, None]
    inv_scale = (1.0 / np.asarray(scales, dtype=np.float32))[:, None, None]
    # Inverse map of a counter-clockwise rotation on screen (rows grow downwards).
    src_c = (cos * x - sin * y) * inv_scale + centre_c
    src_r = (sin * x + cos * y) * inv_scale + centre_r
    return bilinear_sample(frames, src_r, src_c)
