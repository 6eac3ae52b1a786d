"""Helpers several commands share: loading a model file with a one-line error."""


def load_model_file(path, option="model"):
    """Load the ``.keras`` file at ``path``; any failure becomes a ValueError naming the option and the file."""
    from keras_stvideo.saving import load_model
    from keras_stvideo.utils.paths import check_keras_archive

    check_keras_archive(path, option)
    try:
        return load_model(path)
    except Exception as error:  # Keras raises ValueError, TypeError, KeyError, OSError... for a bad archive
        message = " ".join(str(error).split())[:300]
        raise ValueError(
            f"{option} {path}: cannot load this .keras file ({type(error).__name__}: {message})"
        ) from error
