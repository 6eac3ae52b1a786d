"""Generic two-stage training: pre-train an encoder, freeze it, compute its features once, fit a head on them.

Several papers train a feature extractor first and a sequence model on its
frozen output second (ST-CSAE, Baccouche et al. 2012: an unsupervised
auto-encoder, then an LSTM; Shan & Atanasov 2017: a frame CNN, then an LSTM).
With the encoder frozen its features never change, so computing them once
(batched ``predict``, optionally cached on disk) and training the head on
those arrays gives the same head, loss and updates as training the frozen
whole, at a fraction of the cost. ``fit(..., fine_tune=True)`` trains encoder
and head together instead.

The one two-stage trainer of the package: ST-CSAE's reproduction uses it as it is,
and Shan & Atanasov 2017's ``attention_lstm.TwoStageTrainer`` is a subclass with the
paper's optimizers and batch sizes (``per_frame=True``).

Example:
    >>> stages = TwoStage(features_model, head, pretrain_model=autoencoder)
    >>> stages.pretrain(patches, epochs=10)                      # stage 1: autoencoder.fit(...)
    >>> train = stages.features(clips, cache="out/train_features.npy")
    >>> stages.fit_features(train, labels, epochs=20)            # stage 2 on the frozen features
    >>> stages.evaluate_features(stages.features(test_clips), test_labels)
"""

import pathlib

import keras
import numpy as np

from keras_stvideo.training.epoch_backup import initial_epoch
from keras_stvideo.utils.atomic import atomic_path


class TwoStage:
    """Two models that share layers: a feature model (stage 1, then frozen) and a head (stage 2).

    Args:
        feature_model: a ``keras.Model`` from a sample to its features.
        head: a ``keras.Model`` from those features to the outputs (e.g. class probabilities).
        pretrain_model: what stage 1 fits (default: ``feature_model``), e.g. an auto-encoder
            whose encoder the feature model shares.
        per_frame: the feature model reads one frame; samples are (N, T, ...) sequences whose
            frames are encoded one by one into (N, T, F) (Shan 2017's frame CNN).
        model: the end-to-end model (default: ``feature_model`` then ``head``, the feature model
            applied to every frame when ``per_frame``).
    """

    def __init__(self, feature_model, head, pretrain_model=None, per_frame=False, model=None):
        self.feature_model = feature_model
        self.head = head
        self.pretrain_model = feature_model if pretrain_model is None else pretrain_model
        self.per_frame = bool(per_frame)
        self._model = model

    @property
    def model(self):
        """The end-to-end model: feature model then head, sharing their layers."""
        if self._model is None:
            shape = tuple(self.feature_model.input.shape[1:])
            if self.per_frame:
                inputs = keras.Input((None,) + shape, name="frames")
                features = keras.layers.TimeDistributed(self.feature_model, name="frame_features")(inputs)
            else:
                inputs = keras.Input(shape, name="samples")
                features = self.feature_model(inputs)
            self._model = keras.Model(inputs, self.head(features), name=f"{self.head.name}_end_to_end")
        return self._model

    # ------------------------------------------------------------------ stage 1
    def pretrain(self, *args, **kwargs):
        """Stage 1. ``pretrain(callable, ...)`` calls it with the remaining arguments;
        otherwise ``pretrain_model.fit(*args, **kwargs)`` (compile ``pretrain_model`` first).
        """
        self.pretrain_model.trainable = True
        self.feature_model.trainable = True
        if args and callable(args[0]) and not isinstance(args[0], (np.ndarray, keras.utils.PyDataset)):
            return args[0](*args[1:], **kwargs)
        if getattr(self.pretrain_model, "optimizer", None) is None:
            raise ValueError(f"pretrain_model {self.pretrain_model.name!r} is not compiled: call its compile() "
                             "before pretrain, or pass pretrain a callable that trains it")
        return self.pretrain_model.fit(*args, **kwargs)

    def freeze(self):
        """Freeze the feature model (stage 2 trains the head only)."""
        self.feature_model.trainable = False

    # ------------------------------------------------------------------ stage 2
    def features(self, samples, batch_size=64, cache=None, verbose=0):
        """The frozen feature model's outputs for ``samples``, computed once in batches.

        With ``per_frame``, ``samples`` are (N, T, ...) and the result is (N, T, F).
        ``cache``: a ``.npy`` path; when it exists its array is returned (no computation),
        else the features are computed and written there atomically.
        """
        if cache is not None:
            cache = pathlib.Path(cache)
            if cache.suffix != ".npy":
                raise ValueError(f"cache must be a .npy path, got {str(cache)!r}")
            if cache.is_file():
                cached = np.load(cache)
                if len(cached) != len(samples):
                    raise ValueError(f"cache {cache} holds features of {len(cached)} samples, expected "
                                     f"{len(samples)}: remove it to recompute")
                return cached
        samples = np.asarray(samples)
        expected = tuple(self.feature_model.input.shape[1:])
        got = samples.shape[2:] if self.per_frame else samples.shape[1:]
        if got != expected:
            what = "(N, T) + " if self.per_frame else "(N,) + "
            raise ValueError(f"samples must have shape {what}{expected}, got {samples.shape}")
        if self.per_frame:
            n, t = samples.shape[:2]
            flat = samples.reshape((n * t,) + expected)
            result = self.feature_model.predict(flat, batch_size=batch_size, verbose=verbose).reshape(n, t, -1)
        else:
            result = self.feature_model.predict(samples, batch_size=batch_size, verbose=verbose)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(cache) as temporary:
                with open(temporary, "wb") as handle:
                    np.save(handle, result)
        return result

    def fit_features(self, features, labels, epochs=10, batch_size=32, optimizer="adam",
                     loss="sparse_categorical_crossentropy", metrics=("accuracy",), validation_data=None,
                     shuffle=True, verbose="auto", callbacks=None):
        """Stage 2: freeze the feature model and fit the head on precomputed ``features``."""
        self.freeze()
        features = self._check_features(features)
        self.head.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
        return self.head.fit(features, labels, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                             validation_data=validation_data, verbose=verbose, callbacks=callbacks,
                             initial_epoch=initial_epoch(callbacks))

    def fit(self, samples, labels, epochs=10, batch_size=32, optimizer="adam", loss="sparse_categorical_crossentropy",
            metrics=("accuracy",), fine_tune=False, validation_data=None, shuffle=True, verbose="auto",
            callbacks=None, feature_batch_size=64):
        """Stage 2 from samples (their features computed once), or, with ``fine_tune``, end to end."""
        if fine_tune:
            self.feature_model.trainable = True
            self.model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
            batching = {} if labels is None else {"batch_size": batch_size}  # a PyDataset makes its own batches
            return self.model.fit(samples, labels, epochs=epochs, shuffle=shuffle, validation_data=validation_data,
                                  verbose=verbose, callbacks=callbacks, initial_epoch=initial_epoch(callbacks),
                                  **batching)
        if validation_data is not None:
            validation_data = (self.features(validation_data[0], feature_batch_size), validation_data[1])
        return self.fit_features(self.features(samples, feature_batch_size), labels, epochs=epochs,
                                 batch_size=batch_size, optimizer=optimizer, loss=loss, metrics=metrics,
                                 validation_data=validation_data, shuffle=shuffle, verbose=verbose,
                                 callbacks=callbacks)

    def predict_features(self, features, batch_size=64):
        return self.head.predict(self._check_features(features), batch_size=batch_size, verbose=0)

    def evaluate_features(self, features, labels, batch_size=64):
        """Cross-entropy and accuracy of the head's class probabilities: ``{"loss": ..., "accuracy": ...}``."""
        probabilities = self.predict_features(features, batch_size)
        labels = np.asarray(labels)
        picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
        return {"loss": float(-np.mean(np.log(picked))),
                "accuracy": float(np.mean(np.argmax(probabilities, axis=1) == labels))}

    def evaluate(self, samples, labels, batch_size=64):
        return self.evaluate_features(self.features(samples, batch_size), labels, batch_size)

    def predict(self, samples, batch_size=64):
        return self.predict_features(self.features(samples, batch_size), batch_size)

    def _check_features(self, features):
        features = np.asarray(features, dtype="float32")
        expected = tuple(self.head.input.shape[1:])
        if features.shape[1:] != expected and not (
                len(expected) == features.ndim - 1
                and all(e is None or e == g for e, g in zip(expected, features.shape[1:]))):
            raise ValueError(f"features must have shape (N,) + {expected}, got {features.shape}")
        return features
