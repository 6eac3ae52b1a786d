"""TV-L1 optical flow of every video of a dataset index, stored as colour-coded JPEG images (TeSNet's OF stream).

    python data_scripts/compute_flow.py --index data/ucf101/index.json --out data/ucf101/flow
    python data_scripts/compute_flow.py --index ... --out ... --backend opencv --size 256 340

Computed once per video (Huang & Bors 2020, section 2.3); the coding (red = u,
green = v, blue = magnitude, clipped at --bound pixels) is described in
keras_stvideo/data/flow.py. Resumable: every image is written atomically and a
video's folder is complete once its flow.json exists, so running the same
command again skips finished videos and finishes a half-done one. Shows a
progress bar over videos and the images per second.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", required=True, help="the dataset's index.json (from data_scripts/<dataset>.py)")
    p.add_argument("--out", required=True, help="flow root: one folder of images per video")
    p.add_argument("--backend", choices=("skimage", "opencv"), default="skimage",
                   help="TV-L1 implementation: scikit-image (default) or OpenCV contrib (faster)")
    p.add_argument("--bound", type=float, default=20.0, help="flow clipping bound in pixels (default 20, TSN's)")
    p.add_argument("--size", type=int, nargs=2, metavar=("HEIGHT", "WIDTH"), default=None,
                   help="resize the frames before computing the flow (default: native size)")
    p.add_argument("--limit", type=int, default=None, help="only the first N videos of the index")
    return p.parse_args(argv)


def main(argv=None):
    from keras_stvideo.data.flow import compute_index_flow
    from keras_stvideo.data.video_index import VideoIndex

    args = parse(argv)
    videos, images = compute_index_flow(VideoIndex.load(args.index), args.out, args.backend, args.bound, args.size,
                                        args.limit)
    print(f"computed the flow of {videos} video(s) ({images} images) under {args.out}; the others were complete")
    return 0


if __name__ == "__main__":
    _common.run(main)
