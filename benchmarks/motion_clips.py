"""Motion-clip generation speed: the vectorised generator vs a per-frame scikit-image reference.

Both render the same drawn parameters. The reference is the straightforward
per-frame program: for every clip, paint the clutter on the world with
``skimage.transform.warp``; for every frame, warp the world by its offset
(bilinear, wrapping around), quantise, and warp each actor's sprite into a
window around it and blend it in. The vectorised generator renders all frames
of a chunk at once with numpy (see ``keras_stvideo.data.motion_clips``).

Prints one JSON line per case: clips per second of both, their ratio, and how
far the two renderings differ (they should agree up to rounding), measured in
the same run on the same parameters. Drawing the parameters (textures, shapes,
paths) is timed once and counted in both end-to-end figures.

    python benchmarks/motion_clips.py [--clips 32] [--repeats 3] [--cases motion_clips_64px_16f ...]
"""

import argparse
import json
import math
import time

import numpy as np
from skimage.transform import AffineTransform, warp

from keras_stvideo.data.motion_clips import MotionClips
from keras_stvideo.data.sprites import SPRITE_SIZE, upsample_twice


def _paint_reference(canvas, sprite, color, center, angle, extent, value_scale):
    """Blend one actor into ``canvas`` (H, W, 3) float: skimage warp of its upsampled sprite into a window."""
    height, width = canvas.shape[:2]
    reach = extent * (abs(math.cos(angle)) + abs(math.sin(angle)))
    side = int(min(math.ceil(reach) + 4, height, width))
    origin = np.floor(center).astype(int) - side // 2
    # Window pixel (x = column, y = row) -> upsampled sprite pixel (x, y): rotate back, scale, centre.
    k = 2 * SPRITE_SIZE / extent
    to_relative = AffineTransform(translation=(origin[1] - center[1], origin[0] - center[0]))
    # Undoing a counter-clockwise turn on screen (rows grow downwards) is [[cos, -sin], [sin, cos]] on (x, y).
    rotate_back = AffineTransform(rotation=angle)
    scale = AffineTransform(scale=k)
    to_sprite = AffineTransform(translation=(SPRITE_SIZE - 0.5, SPRITE_SIZE - 0.5))
    inverse = AffineTransform(matrix=to_sprite.params @ scale.params @ rotate_back.params @ to_relative.params)
    layer = warp(sprite, inverse, output_shape=(side, side), order=0, mode="constant", cval=0.0)
    rows = (origin[0] + np.arange(side)) % height
    cols = (origin[1] + np.arange(side)) % width
    window = np.ix_(rows, cols)
    under = canvas[window]
    canvas[window] = under * (1.0 - layer[..., :1]) + layer[..., 1:2] * color * value_scale
    return canvas


def reference_render(generator, params):
    """Per-frame rendering with skimage: (N, T, H, W, 3) uint8."""
    n, t = len(params.labels), generator.num_frames
    height, width = generator.frame_size
    actors = generator.num_actors
    out = np.empty((n, t, height, width, 3), np.uint8)
    for i in range(n):
        sprites = upsample_twice(params.sprites[i]).transpose(0, 2, 3, 1)  # (objects, 2S, 2S, 2), once per clip
        colors = params.background_colors[i]
        world = colors[0] + params.background[i][..., None] * (colors[1] - colors[0])
        for k in range(generator.num_clutter):
            _paint_reference(world, sprites[actors + k], params.sprite_colors[i, actors + k],
                             params.clutter_centers[i, k], params.clutter_angles[i, k],
                             params.clutter_extents[i, k], 1.0)
        for j in range(t):
            row, col = params.world_offsets[i, j]
            shift = AffineTransform(translation=(col, row))
            frame = warp(world, shift.inverse, order=1, mode="wrap")
            frame = np.rint(np.clip(frame, 0.0, 1.0) * 255.0)
            for k in range(actors):
                _paint_reference(frame, sprites[k], params.sprite_colors[i, k], params.actor_centers[i, j, k],
                                 params.actor_angles[i, j, k], params.actor_extents[i, j, k], 255.0)
            out[i, j] = np.rint(frame)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", nargs="+", default=None, help="run only these cases")
    args = parser.parse_args()
    cases = {
        "motion_clips_64px_16f": dict(frame_size=64, num_frames=16),
        "motion_clips_112px_16f": dict(frame_size=112, num_frames=16),
        "motion_clips_64px_16f_8classes": dict(frame_size=64, num_frames=16,
                                               motions=("left", "right", "up", "down", "zoom_in", "zoom_out",
                                                        "rotate_ccw", "rotate_cw")),
    }
    for case, settings in cases.items():
        if args.cases and case not in args.cases:
            continue
        generator = MotionClips(seed=0, **settings)
        generator.generate(4)  # warm-up
        draw, fast, slow = [], [], []
        for repeat in range(args.repeats):
            start = time.perf_counter()
            params = generator.sample_parameters(args.clips, rng=np.random.default_rng(repeat))
            draw.append(time.perf_counter() - start)
            start = time.perf_counter()
            vectorised = generator.render(params)
            fast.append(time.perf_counter() - start)
            start = time.perf_counter()
            reference = reference_render(generator, params)
            slow.append(time.perf_counter() - start)
        difference = np.abs(vectorised.astype(np.int16) - reference)
        d, f, s = min(draw), min(fast), min(slow)
        print(json.dumps({
            "case": case,
            "clips": args.clips,
            "frames_per_clip": generator.num_frames,
            "frame_size": list(generator.frame_size),
            "vectorised_clips_per_s": round(args.clips / (d + f), 1),
            "per_frame_skimage_clips_per_s": round(args.clips / (d + s), 1),
            "speedup": round((d + s) / (d + f), 2),
            # Each repeat's own ratio (its fast and slow runs back to back): steadier on a shared machine.
            "speedup_median_of_repeats": round(float(np.median(
                [(a + c) / (a + b) for a, b, c in zip(draw, fast, slow)])), 2),
            "render_only_speedup": round(s / f, 2),
            "draw_ms_per_clip": round(1000 * d / args.clips, 3),
            "max_abs_difference": int(difference.max()),
            "fraction_differing": float(np.mean(difference > 0)),
        }), flush=True)


if __name__ == "__main__":
    main()
