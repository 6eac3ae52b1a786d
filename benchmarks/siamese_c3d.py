"""Pair mining cost (Paul et al. 2018, Table 2: 1.8e-5 s per pair for index arithmetic, 8.0e-2 s with optical flow).

Measures in one run, on the same generated videos:

* ``mining``: ``PairMiner.mine_batch`` only (which video, where, which transform),
  the quantity Table 2 reports;
* ``mining+decoding``: ``PairMiningDataset.__getitem__``: the same mining, then
  reading each volume's frames from disk (decoding up to its last frame),
  resizing, cropping and applying F1/F2;
* ``decoding whole videos``: ``read_video`` of every video a batch touches, the
  cost a pipeline that decodes whole videos pays.

Prints one JSON line per case (seconds per pair) and the ratios. The machine is
shared: compare ratios, not absolute times.

    python benchmarks/siamese_c3d.py [--videos 12] [--batches 20]
"""

import argparse
import json
import pathlib
import tempfile
import time

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=int, default=12)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--size", type=int, nargs=2, default=(128, 171), help="video frame size (C3D: 128 171)")
    parser.add_argument("--batches", type=int, default=10, help="batches of 10 pairs decoded")
    parser.add_argument("--mining-batches", type=int, default=20000, help="batches of 10 pairs mined")
    args = parser.parse_args(argv)

    import imageio.v3 as iio

    from keras_stvideo.data.pair_mining import PairMiner, PairMiningDataset
    from keras_stvideo.data.video import read_video
    from keras_stvideo.data.video_index import VideoEntry, VideoIndex

    rng = np.random.default_rng(0)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="siamese_bench_"))
    entries = []
    height, width = args.size
    for i in range(args.videos):
        frames = rng.integers(0, 255, (args.frames, height, width, 3), dtype=np.uint8)
        iio.imwrite(folder / f"v{i}.avi", frames, plugin="pyav", codec="mpeg4", fps=25, out_pixel_format="yuv420p")
        entries.append(VideoEntry(f"v{i}.avi", 0, {"split1": "train"}))
    index = VideoIndex(folder, ["all"], entries)
    shapes = [(args.frames, height, width)] * args.videos
    results = []

    miner = PairMiner(shapes)  # (16, 112, 112) volumes, B = 10, p = 0.3
    mine_rng = np.random.default_rng(1)
    started = time.perf_counter()
    for _ in range(args.mining_batches):
        miner.mine_batch(mine_rng)
    mining = (time.perf_counter() - started) / (10 * args.mining_batches)
    results.append({"case": "mining", "seconds_per_pair": mining, "paper_table2": 1.8e-5})

    data = PairMiningDataset(index, frame_size=None, video_shapes=shapes, batches_per_epoch=args.batches)
    started = time.perf_counter()
    touched = []
    for i in range(args.batches):
        data[i]
        touched.append({p.first.video for p in data.batch_plans(i)} | {p.second.video for p in data.batch_plans(i)})
    decoding = (time.perf_counter() - started) / (10 * args.batches)
    results.append({"case": "mining+decoding", "seconds_per_pair": decoding})

    started = time.perf_counter()
    for videos in touched[: max(1, args.batches // 5)]:
        for v in videos:
            read_video(index.path_of(entries[v]))
    whole = (time.perf_counter() - started) / (10 * max(1, args.batches // 5))
    results.append({"case": "decoding whole videos", "seconds_per_pair": whole})

    for row in results:
        print(json.dumps(row))
    print(json.dumps({"ratio_decoding_over_mining": decoding / mining,
                      "ratio_whole_over_volume_reads": whole / decoding,
                      "machine": "shared (2 cores, ~8 sessions)", "videos": args.videos, "frames": args.frames,
                      "size": list(args.size)}))


if __name__ == "__main__":
    main()
