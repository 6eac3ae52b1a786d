"""Data: MNIST, Moving MNIST, video reading, dataset indexes, clip and volume samplers."""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    # MNIST and Moving MNIST (Shan & Atanasov 2017, section III)
    "load_mnist": ".mnist",
    "MovingMNIST": ".moving_mnist",
    "MovingMNISTSequence": ".moving_mnist",
    "MotionClips": ".motion_clips",
    "MotionClipsSequence": ".motion_clips_sequence",
    # real video (KTH, UCF101, HMDB51)
    "read_video": ".video",
    "read_frames": ".video",
    "count_frames": ".video",
    "read_fstcn_clip_pair": ".samplers",
    "read_consecutive_clip": ".samplers",
    "read_test_clips": ".samplers",
    "VideoIndex": ".video_index",
    "VideoClipDataset": ".video_dataset",
    "as_tf_dataset": ".video_dataset",
    "sample_fstcn_clip_pair": ".samplers",
    "sample_consecutive_clip": ".samplers",
    "uniform_test_clips": ".samplers",
    "sample_volume_pairs": ".samplers",
    "fstcn_test_starts": ".samplers",
    "VideoDecodeError": ".video",
    "TruncatedVideoError": ".video",
    "TruncatedVideoWarning": ".video",
    "verify_video": ".video",
    # pair mining for the Siamese C3D (Paul et al. 2018, Algorithm 1)
    "PairMiner": ".pair_mining",
    "PairMiningDataset": ".pair_mining",
    "colour_transform": ".pair_mining",
    "flip_transform": ".pair_mining",
})
