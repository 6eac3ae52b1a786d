"""Small helpers shared across the package: atomic writes, lazy exports."""

from keras_stvideo.utils.atomic import atomic_path

__all__ = ["atomic_path"]
