"""Two-stage training of Shan & Atanasov 2017 (section IV-A), and optional end-to-end fine-tuning.

Stage 1 pre-trains the frame CNN on Scaled MNIST (Adadelta, learning rate 1,
cross-entropy). Stage 2 freezes it and trains the LSTM head on Moving MNIST
videos (RMSProp 1e-3, batch 50, 10 epochs, categorical cross-entropy). Because
the frozen CNN's features never change, stage 2 computes every frame's features
once and trains the head on them: the same head, the same loss and the same
updates as training the whole frozen model, at a fraction of the cost.
``fine_tune=True`` instead trains CNN and LSTM together (the paper's future
work, section V).

Example:
    >>> trainer = TwoStageTrainer(build_dcn_lenet(), sequence_length=5)
    >>> trainer.pretrain(scaled_mnist_dataset, epochs=1)          # stage 1
    >>> trainer.fit(x_videos, y_videos)                          # stage 2
    >>> trainer.model.predict(x_test)                            # the full CNN-LSTM
"""

import math

import numpy as np
import keras

from keras_stvideo.training.epoch_backup import initial_epoch
from keras_stvideo.training.schedules import check_lr_schedule, learning_rate_schedule
from keras_stvideo.training.two_stage import TwoStage
from keras_stvideo.models.attention_lstm.frame_encoders import build_cnn_lstm, build_lstm_head, feature_extractor


def rmsprop(learning_rate, lr_schedule="constant", steps=None):
    """Stage 2's RMSProp: at a constant ``learning_rate`` (section IV-A) or cosine-decayed to 0 over ``steps``."""
    return keras.optimizers.RMSprop(learning_rate=learning_rate_schedule(learning_rate, lr_schedule, steps))


class TwoStageTrainer(TwoStage):
    """Pre-train a frame CNN, then train the LSTM on its frozen features (Shan & Atanasov 2017, section IV-A).

    ``keras_stvideo.training.two_stage.TwoStage`` with the paper's choices: a per-frame
    feature model (the CNN up to its "features" layer), stage 1 on the CNN's digit
    classifier with Adadelta, stage 2 with RMSProp 1e-3, batch 50, 10 epochs.

    Args:
        frame_encoder: a frame CNN with "features" and "classifier" layers (``build_lenet`` etc.).
        sequence_length: frames per video (5).
        num_classes: video classes (100).
        lstm_units: LSTM output size (8, section II-B; larger as an option).

    Attributes:
        frame_encoder: the frame CNN (with its classifier).
        encoder: the frame CNN up to its "features" layer (``feature_model``).
        head: the LSTM + softmax model on (T, features) inputs.
        model: the full video model ``build_cnn_lstm(frame_encoder, ...)`` sharing those layers.
    """

    def __init__(self, frame_encoder, sequence_length=5, num_classes=100, lstm_units=8):
        encoder = feature_extractor(frame_encoder)
        head = build_lstm_head(sequence_length, encoder.output.shape[-1], num_classes, lstm_units)
        model = build_cnn_lstm(frame_encoder, sequence_length, num_classes, lstm_units, head=head,
                               name=f"{frame_encoder.name}_lstm")
        super().__init__(encoder, head, pretrain_model=frame_encoder, per_frame=True, model=model)
        self.frame_encoder = frame_encoder
        self.sequence_length = sequence_length

    @property
    def encoder(self):
        return self.feature_model

    @classmethod
    def from_video_model(cls, video_model):
        """A trainer around a trained CNN-LSTM (``trainer.model``, or one loaded from ``.keras``), to train it further.

        A video model holds the frame CNN up to its "features" layer but not its
        digit classifier, so this trainer has no stage 1 (``pretrain`` raises);
        ``fit`` continues from the model's weights.

        Example:
            >>> trainer = TwoStageTrainer.from_video_model(
            ...     keras.saving.load_model("lenet_lstm.keras"))  # doctest: +SKIP
            >>> trainer.fit(more_videos, more_labels, fine_tune=True)  # doctest: +SKIP
        """
        names = [layer.name for layer in video_model.layers]
        if "frame_encoder" not in names or "lstm_head" not in names:
            raise ValueError("video_model must be a CNN-LSTM from build_cnn_lstm or TwoStageTrainer (layers "
                             f"'frame_encoder' and 'lstm_head'), got a model with layers {names}")
        trainer = cls.__new__(cls)
        encoder = video_model.get_layer("frame_encoder").layer
        TwoStage.__init__(trainer, encoder, video_model.get_layer("lstm_head"), per_frame=True, model=video_model)
        trainer.frame_encoder = encoder
        trainer.sequence_length = int(video_model.input.shape[1])
        return trainer

    def freeze(self):
        super().freeze()
        self.frame_encoder.trainable = False

    # ------------------------------------------------------------------ stage 1
    def pretrain(self, x, y=None, epochs=1, batch_size=128, learning_rate=1.0, validation_data=None, verbose="auto",
                 callbacks=None, shuffle=True):
        """Stage 1: train the frame CNN's digit classifier (Adadelta, lr 1, cross-entropy; section IV-A).

        ``x`` is an array of frames (with integer labels ``y``) or a ``keras.utils.PyDataset``
        such as ``ScaledMNIST``. ``callbacks`` and ``shuffle`` go to ``fit`` (``EpochBackup`` resumes an
        interrupted stage 1; a PyDataset that shuffles itself, like ``ScaledMNIST``, needs ``shuffle=False``
        for the resumed run to repeat the interrupted one).
        """
        if self.frame_encoder is self.encoder:
            raise ValueError("this trainer wraps a video model (from_video_model), which has no digit classifier: "
                             "stage 1 needs a frame CNN from build_lenet, build_stn_lenet or build_dcn_lenet")
        self.frame_encoder.compile(
            optimizer=keras.optimizers.Adadelta(learning_rate=learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        kwargs = {} if y is None else {"batch_size": batch_size}
        return super().pretrain(x, y, epochs=epochs, validation_data=validation_data, verbose=verbose,
                                callbacks=callbacks, shuffle=shuffle, initial_epoch=initial_epoch(callbacks),
                                **kwargs)

    # ------------------------------------------------------------------ stage 2
    def frame_features(self, videos, batch_size=250, verbose=0):
        """Features of every frame: (N, T, F) from videos (N, T, H, W, C)."""
        return self.features(self._check_videos(videos), batch_size=batch_size, verbose=verbose)

    def fit(self, videos, labels=None, epochs=10, batch_size=50, learning_rate=1e-3, fine_tune=False,
            validation_data=None, shuffle=True, verbose="auto", lr_schedule="constant", callbacks=None):
        """Stage 2 (or end-to-end fine-tuning): RMSProp 1e-3, batch 50, 10 epochs (section IV-A).

        Args:
            videos, labels: (N, T, H, W, C) float32 videos and (N,) integer labels; with
                ``fine_tune=True``, ``videos`` may instead be a ``keras.utils.PyDataset`` of
                ``(videos, labels)`` batches (e.g. ``MovingMNISTSequence``) and ``labels`` None.
            fine_tune: False freezes the CNN (the paper); True trains CNN and LSTM together.
            shuffle: reshuffle the training videos every epoch (for a PyDataset: the order of its batches).
            validation_data: optional ``(videos, labels)``.
            lr_schedule: "constant" (the paper) or "cosine": the learning rate decays from
                ``learning_rate`` to 0 over all ``epochs`` (``keras.optimizers.schedules.CosineDecay``).
            callbacks: Keras callbacks for the ``fit`` that trains (``EpochBackup`` resumes an interrupted one).

        Returns:
            The Keras ``History``.
        """
        check_lr_schedule(lr_schedule)
        if isinstance(videos, keras.utils.PyDataset):
            if not fine_tune or labels is not None:
                raise ValueError(
                    "a PyDataset of (videos, labels) batches needs fine_tune=True and labels=None: the frozen "
                    f"CNN's features are computed once from arrays; got fine_tune={fine_tune!r}, "
                    f"labels={'None' if labels is None else 'an array'}"
                )
        else:
            videos = self._check_videos(videos)
        if fine_tune:
            self.frame_encoder.trainable = True
            steps = epochs * (len(videos) if labels is None else math.ceil(len(videos) / batch_size))
            # For a PyDataset, keras' shuffle reorders its batches with Python's global random state; a
            # resumed fit (EpochBackup) only repeats the interrupted one when shuffle=False.
            return super().fit(videos, labels, epochs=epochs, batch_size=batch_size,
                               optimizer=rmsprop(learning_rate, lr_schedule, steps), fine_tune=True,
                               validation_data=validation_data, shuffle=shuffle, verbose=verbose, callbacks=callbacks)
        if validation_data is not None:
            validation_data = (self.frame_features(validation_data[0]), validation_data[1])
        return self.fit_features(self.frame_features(videos), labels, epochs=epochs, batch_size=batch_size,
                                 learning_rate=learning_rate, validation_data=validation_data, shuffle=shuffle,
                                 verbose=verbose, lr_schedule=lr_schedule, callbacks=callbacks)

    def fit_features(self, features, labels, epochs=10, batch_size=50, learning_rate=1e-3, validation_data=None,
                     shuffle=True, verbose="auto", lr_schedule="constant", callbacks=None):
        """Stage 2 on precomputed ``frame_features`` (N, T, F): the frozen CNN's features computed once.

        ``validation_data`` is ``(features, labels)``. Same optimizer, loss, ``lr_schedule`` and ``callbacks``
        as ``fit``.
        """
        features = self._check_features(features)
        steps = epochs * math.ceil(len(features) / batch_size)
        return super().fit_features(features, labels, epochs=epochs, batch_size=batch_size,
                                    optimizer=rmsprop(learning_rate, lr_schedule, steps),
                                    validation_data=validation_data, shuffle=shuffle, verbose=verbose,
                                    callbacks=callbacks)

    def evaluate(self, videos, labels, batch_size=50):
        """Cross-entropy and accuracy of the full model on videos: ``{"loss": ..., "accuracy": ...}``."""
        return self.evaluate_features(self.frame_features(videos), labels, batch_size=batch_size)

    def evaluate_features(self, features, labels, batch_size=50):
        """``evaluate`` from precomputed ``frame_features``: Keras' ``evaluate`` of the head."""
        # The paper's loss and metric, keeping the head's optimizer (and its state) when it has one.
        self.head.compile(optimizer=getattr(self.head, "optimizer", None) or "rmsprop",
                          loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
        scores = self.head.evaluate(self._check_features(features), np.asarray(labels), batch_size=batch_size,
                                    verbose=0, return_dict=True)
        return {"loss": float(scores["loss"]), "accuracy": float(scores["accuracy"])}

    def predict(self, videos, batch_size=50):
        """Class probabilities (N, num_classes), through the frame features and the head."""
        return self.predict_features(self.frame_features(videos), batch_size=batch_size)

    def _check_features(self, features):
        features = np.asarray(features, dtype="float32")
        expected = tuple(self.head.input.shape[1:])
        if features.ndim != 3 or features.shape[1:] != expected:
            raise ValueError(f"features must have shape (N,) + {expected} (frame_features of N videos), "
                             f"got {features.shape}")
        return features

    def _check_videos(self, videos):
        videos = np.asarray(videos, dtype="float32")
        expected = (self.sequence_length,) + tuple(self.encoder.input.shape[1:])
        if videos.ndim != 5 or videos.shape[1:] != expected:
            raise ValueError(
                f"videos must have shape (N,) + {expected} (N sequences of {self.sequence_length} frames), "
                f"got {videos.shape}"
            )
        return videos
