"""Video loading against the decoder's own speed, on generated UCF101-like files.

    python benchmarks/video_loading.py [--videos 4] [--frames 175] [--repeats 3] [--cases read_112 ...]

Writes 320 x 240 MPEG-4 AVIs at 25 fps (7 seconds, a keyframe every 12 frames, like
UCF101's XviD files) in a temporary folder and prints one JSON line per case:

* ``frames_per_s``: frames the case returns per second (best of ``--repeats``);
* ``decode_limit_frames_per_s``: a plain PyAV loop decoding the same files to RGB at
  full size, every frame from the first (what ``read_video`` did before), measured in the
  same run right before the case;
* ``fraction_of_decode_limit`` = frames_per_s / decode_limit_frames_per_s (target >= 0.5);
* ``same_frames_limit_frames_per_s`` and ``fraction_of_same_frames_limit`` (the cases that read
  given frames of each file): plain PyAV reading just those frames (``same_frames_decode``: seek to
  the keyframe before each run, decode on to its last frame, convert the frames asked for to RGB at
  full size). A seeking read must decode every frame from the keyframe on, so FstCN's pair, which
  returns 10 frames of a 30-frame span, cannot reach half of the full decode's rate on two cores;
  this limit is what the same frames cost at the least;
* ``peak_memory_mb``: the peak of Python and numpy allocations during one call (tracemalloc;
  FFmpeg's own buffers are not counted);
* ``cpu``: model name, cores and whether AVX-512 is present.

Cases: ``read_112``, ``read_299`` (whole videos, ``read_video(size=...)``); ``clip_16_at_150``
(``read_video(frame_range=(150, 166), size=(112, 112))``); ``fstcn_pair`` (FstCN's 2 l_t = 10
frames of a random span); ``consecutive_16`` (TeSNet/C3D 16 consecutive frames at 112);
``test_clips_20x10`` (TeSNet's 20 uniformly spaced 10-frame test clips); ``siamese_volume``
(``pair_mining.read_frames``: 16 frames at 128 x 171); ``dataset_workers_1`` and
``dataset_workers_2`` (``VideoClipDataset`` with ``read_consecutive_clip``, 16 frames at
112 x 112, batches of 2, through Keras' PyDataset adapter with 1 and 2 worker threads, one
epoch of ``--dataset-batches`` batches, the index naming each file several times);
``tf_data_2`` (the same batches through ``as_tf_dataset(..., num_parallel_calls=2)``).
The two-worker cases also print ``speedup_vs_1_worker`` (their frames/s over
``dataset_workers_1``'s in the same run, when that case ran). Keras' worker pool costs about
0.1 s per epoch however short (its ``stop()`` polls its queue with a 0.1 s timeout), so the
epochs are 256 batches by default, like a real epoch (UCF101's split 1 has 9,537 training videos:
4,769 batches of 2); ``--dataset-batches 16`` shows the fixed cost outweighing the second worker.
The machine may be shared: compare fractions and speedups, which are measured side by side,
more than absolute rates.
"""

import argparse
import functools
import json
import os
import pathlib
import sys
import tempfile
import time
import tracemalloc

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)

quiet_tensorflow()  # no TensorFlow C++ log lines between the JSON lines

import numpy as np  # noqa: E402

from benchmarks.machine import cpu_description  # noqa: E402

CASES = ("read_112", "read_299", "clip_16_at_150", "fstcn_pair", "consecutive_16", "test_clips_20x10",
         "siamese_volume", "dataset_workers_1", "dataset_workers_2", "tf_data_2")


GOP = 12  # frames from one keyframe to the next in the generated files (UCF101's XviD files: 12)


def write_ucf_like(path, frames=175, seed=0):
    """A 320 x 240 MPEG-4 AVI at 25 fps: moving gradients, texture and a bright square, keyframe every 12 frames."""
    import av

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:240, 0:320]
    texture = rng.integers(0, 24, (240, 320, 3))
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt, stream.bit_rate = 320, 240, "yuv420p", 1_000_000
        stream.codec_context.gop_size = GOP
        for t in range(frames):
            frame = np.stack([(x + 3 * t) % 256, (y + 2 * t) % 256, ((x + y) // 2 + t) % 256], -1) + texture
            frame[100:140, (4 * t) % 280 : (4 * t) % 280 + 40] = 255
            image = av.VideoFrame.from_ndarray(np.clip(frame, 0, 255).astype(np.uint8), format="rgb24")
            for packet in stream.encode(image):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def raw_decode(paths):
    """Frames per second of a plain PyAV loop decoding every frame of ``paths`` to RGB at full size."""
    import av

    count, start = 0, time.perf_counter()
    for path in paths:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                frame.to_ndarray(format="rgb24")
                count += 1
    return count / (time.perf_counter() - start)


def make_dataset(paths, root, batches, **kwargs):
    """A ``VideoClipDataset`` of ``batches`` batches of 2 clips (16 frames at 112 x 112) of ``paths``, in turn."""
    from keras_stvideo.data.samplers import read_consecutive_clip
    from keras_stvideo.data.video_dataset import VideoClipDataset
    from keras_stvideo.data.video_index import VideoEntry, VideoIndex

    entries = [VideoEntry(paths[i % len(paths)].name, i % 2, {"s": "train"}) for i in range(2 * batches)]
    index = VideoIndex(root, ["a", "b"], entries)
    return VideoClipDataset(index, "s", "train", functools.partial(read_consecutive_clip, num_frames=16),
                            batch_size=2, frame_size=(112, 112), reads_files=True, **kwargs)


def keras_epoch(data):
    """One epoch through Keras' PyDataset adapter (the worker pool starts and stops as in ``fit``)."""
    from keras.src.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter

    def run():
        adapter = PyDatasetAdapter(data, shuffle=False)
        adapter.on_epoch_begin()
        count = sum(x.shape[0] * x.shape[1] for x, _ in adapter.get_numpy_iterator())
        adapter.on_epoch_end()
        return count
    return run


def tf_data_epoch(data, calls):
    """One epoch of ``as_tf_dataset``'s pipeline (built once, iterated per call)."""
    from keras_stvideo.data.video_dataset import as_tf_dataset

    pipeline = as_tf_dataset(data, num_parallel_calls=calls)
    return lambda: sum(x.shape[0] * x.shape[1] for x, _ in pipeline.as_numpy_iterator())


def same_frames_decode(plans):
    """Frames per second of plain PyAV reading just the frames of ``plans`` ({path: sorted frame numbers}).

    For each run of frames (a new run where the next frame lies more than a keyframe interval on): seek to
    the keyframe before it, decode on to its last frame with FFmpeg's frame threads, and convert the frames
    asked for to RGB at full size. Every frame between a keyframe and the last one needed must be decoded,
    so this is what a seeking read costs at the least, with no resizing, cropping or checks.
    """
    import av

    count, start = 0, time.perf_counter()
    for path, numbers in plans.items():
        runs = np.split(np.asarray(numbers), np.flatnonzero(np.diff(numbers) > GOP) + 1)
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            pts_per_frame = 1 / (stream.average_rate * stream.time_base)
            for run in runs:
                wanted = set(run.tolist())
                container.seek(int(run[0] * pts_per_frame), stream=stream, backward=True)
                for frame in container.decode(stream):
                    number = round(frame.pts / pts_per_frame)
                    if number in wanted:
                        frame.to_ndarray(format="rgb24")
                        count += 1
                    if number >= run[-1]:
                        break
    return count / (time.perf_counter() - start)


def make_cases(paths, root, batches=256):
    """case -> (function returning the number of frames it produced, {path: frame numbers it reads} or None).

    The seeking cases read the same frames on every call (a span drawn once per video), so that their
    frame numbers give ``same_frames_decode`` its work; the dataset cases draw theirs per batch.
    """
    from keras_stvideo.data import samplers
    from keras_stvideo.data.pair_mining import read_frames as read_volume
    from keras_stvideo.data.video import count_frames, read_video

    rng = np.random.default_rng(0)
    lengths = {path: count_frames(path) for path in paths}
    starts = {path: int(rng.integers(0, lengths[path] - 30 + 1)) for path in paths}  # 30: FstCN's span
    fstcn_local = samplers.fstcn_clip_indices(0, 5, 5)
    fstcn_frames = np.concatenate([fstcn_local, fstcn_local + 9])  # l_t frames and their partners d_t = 9 on
    test_starts = {path: samplers.uniform_test_clips(lengths[path], 10, 20) for path in paths}

    def plan(numbers):
        return {path: np.unique(numbers(path)) for path in paths}

    def each(function, numbers=None):
        return (lambda: sum(function(path) for path in paths)), (plan(numbers) if numbers else None)

    def dataset(workers):
        return (lambda: keras_epoch(make_dataset(paths, root, batches, workers=workers, use_multiprocessing=False,
                                                 max_queue_size=4))), None

    def span(path, length=16):
        return starts[path], starts[path] + length

    return {
        "read_112": each(lambda p: len(read_video(p, size=(112, 112))), lambda p: np.arange(lengths[p])),
        "read_299": each(lambda p: len(read_video(p, size=(299, 299))), lambda p: np.arange(lengths[p])),
        "clip_16_at_150": each(lambda p: len(read_video(p, size=(112, 112), frame_range=(150, 166))),
                               lambda p: np.arange(150, 166)),
        "fstcn_pair": each(lambda p: 2 * len(samplers.read_fstcn_clip_pair(p, rng, crop_size=204,
                                                                           start=starts[p]).indices),
                           lambda p: starts[p] + fstcn_frames),
        "consecutive_16": each(lambda p: len(samplers.read_consecutive_clip(p, rng, 16, size=(112, 112),
                                                                            frame_range=span(p))),
                               lambda p: np.arange(*span(p))),
        "test_clips_20x10": each(lambda p: samplers.read_test_clips(p, test_starts[p], range(10),
                                                                    size=(112, 112)).shape[0] * 10,
                                 lambda p: test_starts[p][:, None] + np.arange(10)),
        "siamese_volume": each(lambda p: len(read_volume(p, *span(p), size=(128, 171))),
                               lambda p: np.arange(*span(p))),
        "dataset_workers_1": dataset(1),
        "dataset_workers_2": dataset(2),
        "tf_data_2": (lambda: tf_data_epoch(make_dataset(paths, root, batches), 2), None),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--videos", type=int, default=4)
    parser.add_argument("--frames", type=int, default=175)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dataset-batches", type=int, default=256, help="batches of 2 clips per dataset epoch")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    args = parser.parse_args()
    model, flags, _, cores = cpu_description()
    cpu = {"model": model, "cores": cores, "avx512": "avx512f" in flags}
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        paths = [write_ucf_like(root / f"v_{i:02d}.avi", args.frames, seed=i) for i in range(args.videos)]
        cases = make_cases(paths, root, args.dataset_batches)
        one_worker = None  # dataset_workers_1's frames/s, for the two-worker cases' speedup
        for name in args.cases:
            function, plans = cases[name]
            if name.startswith(("dataset_", "tf_data")):
                function = function()  # built once, outside the timing (a tf.data pipeline traces its map)
            limit = max(raw_decode(paths) for _ in range(args.repeats))
            same_limit = max(same_frames_decode(plans) for _ in range(args.repeats)) if plans else None
            tracemalloc.start()
            frames = function()  # warm up; counts the frames and the memory
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            best = float("inf")
            for _ in range(args.repeats):
                start = time.perf_counter()
                function()
                best = min(best, time.perf_counter() - start)
            rate = frames / best
            record = {"case": name, "frames_per_s": round(rate, 1), "decode_limit_frames_per_s": round(limit, 1),
                      "fraction_of_decode_limit": round(rate / limit, 3)}
            if same_limit:
                record.update(same_frames_limit_frames_per_s=round(same_limit, 1),
                              fraction_of_same_frames_limit=round(rate / same_limit, 3))
            if name == "dataset_workers_1":
                one_worker = rate
            elif name in ("dataset_workers_2", "tf_data_2") and one_worker:
                record["speedup_vs_1_worker"] = round(rate / one_worker, 2)
            record.update(peak_memory_mb=round(peak / 2**20, 2), frames=frames, cpu=cpu,
                          load_average=round(os.getloadavg()[0], 2))
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
