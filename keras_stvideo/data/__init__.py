"""Data: MNIST, Moving MNIST, video reading, dataset indexes, clip and volume samplers."""

import importlib

_DATA_MODULES = {
    # MNIST and Moving MNIST (Shan & Atanasov 2017, section III)
    "load_mnist": "mnist",
    "MovingMNIST": "moving_mnist",
    "MovingMNISTSequence": "moving_mnist",
    # real video (KTH, UCF101, HMDB51)
    "read_video": "video",
    "VideoIndex": "video_index",
    "VideoClipDataset": "video_dataset",
    "sample_fstcn_clip_pair": "samplers",
    "sample_consecutive_clip": "samplers",
    "uniform_test_clips": "samplers",
    "sample_volume_pairs": "samplers",
    "fstcn_test_starts": "samplers",
    "VideoDecodeError": "video",
}

__all__ = sorted(_DATA_MODULES)


def __getattr__(name):
    if name in _DATA_MODULES:
        module = importlib.import_module(f".{_DATA_MODULES[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'keras_stvideo.data' has no attribute {name!r}")
