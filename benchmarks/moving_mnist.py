"""Moving MNIST generation speed: the vectorised generator vs a per-frame scikit-image reference.

Prints one JSON line per case: sequences per second of both and their ratio,
measured in the same run on the same parameters.

    python benchmarks/moving_mnist.py [--sequences 200]
"""

import argparse
import json
import time

import numpy as np
from scipy.ndimage import correlate
from skimage.transform import AffineTransform, warp

from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.moving_mnist import VARIANTS, MovingMNIST
from keras_stvideo.data.warp import gaussian_kernel


def reference_render(gen, params, rng):
    """Straightforward per-frame rendering: paste digits, skimage warp, per-frame elastic field."""
    n, t, d, _ = params.positions.shape
    size = gen.canvas_size
    centre = (size - 1) / 2
    kernel = gaussian_kernel(gen.elastic_kernel_size, gen.elastic_sigma)
    out = np.zeros((n, t, size, size, 1), np.float32)
    rows, cols = np.mgrid[:size, :size].astype(np.float64)
    for i in range(n):
        shift = AffineTransform(translation=(-centre, -centre))
        rotate_scale = AffineTransform(scale=params.scales[i], rotation=params.angles[i])
        back = AffineTransform(translation=(centre, centre))
        forward = AffineTransform(matrix=back.params @ rotate_scale.params @ shift.params)
        for j in range(t):
            canvas = np.zeros((size, size), np.float32)
            for k in range(d):
                r, c = np.rint(params.positions[i, j, k]).astype(int)
                digit = gen.digits[params.digit_indices[i, k]] / 255.0
                canvas[r : r + 28, c : c + 28] = np.maximum(canvas[r : r + 28, c : c + 28], digit)
            if "rotation" in gen.augmentations or "scaling" in gen.augmentations:
                canvas = warp(canvas, forward.inverse, order=1, mode="constant")
            if "elastic" in gen.augmentations:
                dy = correlate(rng.uniform(-1, 1, (size, size)), kernel, mode="constant") * gen.elastic_alpha
                dx = correlate(rng.uniform(-1, 1, (size, size)), kernel, mode="constant") * gen.elastic_alpha
                canvas = warp(canvas, np.stack([rows + dy, cols + dx]), order=1, mode="constant")
            out[i, j, ..., 0] = canvas
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sequences", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    mnist = load_embedded_digits()
    for variant in ("rotation_scaling", "elastic"):
        gen = MovingMNIST(augmentations=VARIANTS[variant], mnist=mnist, seed=0)
        vectorised, reference = [], []
        for repeat in range(args.repeats):
            start = time.perf_counter()
            gen.generate(args.sequences, seed=repeat)
            vectorised.append(time.perf_counter() - start)
            start = time.perf_counter()
            params = gen.sample_parameters(args.sequences, rng=np.random.default_rng(repeat))
            reference_render(gen, params, np.random.default_rng(repeat))
            reference.append(time.perf_counter() - start)
        fast, slow = min(vectorised), min(reference)
        print(json.dumps({
            "case": f"moving_mnist_{variant}",
            "sequences": args.sequences,
            "frames_per_sequence": gen.sequence_length,
            "vectorised_sequences_per_s": round(args.sequences / fast, 1),
            "per_frame_skimage_sequences_per_s": round(args.sequences / slow, 1),
            "speedup": round(slow / fast, 2),
        }))


if __name__ == "__main__":
    main()
