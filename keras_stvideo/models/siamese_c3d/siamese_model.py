"""The Siamese C3D of Paul et al. 2018 (section 2) and its training step.

``SiameseC3D`` is a ``keras.Model`` subclass: the shared tower T on both volumes,
concatenation (2 x 2048 = 4096), fc 64 with dropout 0.5, fc 1 (the score t).
Its training step minimises Eq. 2,

    L = sum_i C_i max(0, 1 - t_i y_i) + lambda ||W||_F,  C_i = 1/N_p or 1/N_n,

with N_p and N_n counted in each batch, and reports the positive and negative
hinge terms and the pair accuracy (sign(t) == y) as metrics.

How the step is customised: it overrides ``compute_loss`` (Eq. 2 from ``y``, so
from the batch's composition, plus the Frobenius term from the live weights,
whose value it also logs) and ``compute_metrics`` (the two hinge terms and the
accuracy, from ``y`` and ``y_pred`` only). Keras' own ``train_step`` on each
backend calls both: on TensorFlow inside a ``GradientTape``, on JAX inside
``stateless_compute_loss`` (which maps the traced weights and collects metric
updates) and then a stateless metric update (which maps only the metric
variables: hence the regulariser is logged from ``compute_loss``), on PyTorch
eagerly before ``backward()``. That is all this algorithm needs, so no
per-backend ``train_step`` is written: one code path, tested on every installed
backend (tests/models/siamese_c3d/test_backends.py).
"""

import keras
from keras import layers, ops

from keras_stvideo.models.siamese_c3d.c3d_backbone import build_c3d_small
from keras_stvideo.models.siamese_c3d.siamese_c3d_presets import SIAMESE_C3D_PAPER
from keras_stvideo.training.distribution import replica_sum, replicas_in_sync
from keras_stvideo.training.losses import check_pair_labels, class_balanced_hinge_sums, frobenius_norm

# The paper's numbers, written once in the "siamese_c3d_paper" preset (siamese_c3d_presets.py).
REGULARIZATION = SIAMESE_C3D_PAPER.config["regularization"]  # lambda in Eq. 2 (Paul et al. 2018, section 2)
HEAD_UNITS = SIAMESE_C3D_PAPER.config["head_units"]  # "output of first fc layer in R^64" (section 2)
DROPOUT = SIAMESE_C3D_PAPER.config["dropout"]  # "dropout of 0.5 in the fc layers, except the final output layer"


@keras.saving.register_keras_serializable(package="keras_stvideo")
class SiameseC3D(keras.Model):
    """Siamese network on two volumes with Eq. 2's class-balanced hinge training step (Paul et al. 2018, section 2).

    Args:
        tower: the shared feature model T (``build_c3d_small``): volumes -> (B, 2048).
        head_units: units of the first fc layer of G (64, section 2).
        dropout: dropout after that layer (0.5, section 2; none on the output).
        regularization: lambda of Eq. 2 (0.0005), multiplying ||W||_F.
        regularize: which weights W holds: "kernels" (every convolution and dense
            kernel, the default) or "all" (biases too); see docs/faithfulness.md.

    Inputs: a tuple ``(first, second)`` of (B, T, H, W, C) volumes.
    Output: (B, 1) scores t; t > 0 means "same video" (a positive pair).

    Training: ``model.compile(optimizer=keras.optimizers.Adam())`` (no loss
    argument: Eq. 2 is the model's own), then ``model.fit(pair_dataset)`` with
    batches ``((first, second), y)``, y in {+1, -1}. Logged metrics: ``loss``
    (Eq. 2 in full), ``positive_hinge``, ``negative_hinge``, ``regularization``
    (lambda ||W||_F) and ``pair_accuracy``.

    Example:
        >>> model = build_siamese_c3d(input_shape=(16, 112, 112, 3))  # doctest: +SKIP
        >>> model.compile(optimizer=keras.optimizers.Adam())  # doctest: +SKIP
        >>> model.fit(PairMiningDataset(index, "split1", "train"), epochs=1)  # doctest: +SKIP

    Reference: S. Paul, S. Roy, A. K. Roy-Chowdhury, "Incorporating scalability in
    unsupervised spatio-temporal feature learning", ICASSP 2018.
    """

    def __init__(self, tower, head_units=HEAD_UNITS, dropout=DROPOUT, regularization=REGULARIZATION,
                 regularize="kernels", **kwargs):
        super().__init__(**kwargs)
        if not isinstance(head_units, int) or head_units < 1:
            raise ValueError(f"head_units must be a positive integer, got {head_units!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {dropout!r}")
        if not regularization >= 0.0:
            raise ValueError(f"regularization must be >= 0, got {regularization!r}")
        if regularize not in ("kernels", "all"):
            raise ValueError(f"regularize must be 'kernels' or 'all', got {regularize!r}")
        self.tower = tower
        self.head_units = head_units
        self.dropout_rate = float(dropout)
        self.regularization = float(regularization)
        self.regularize = regularize
        self.concat = layers.Concatenate(name="concat")
        self.fc_head = layers.Dense(head_units, activation="relu", name="fc_head")
        self.head_dropout = layers.Dropout(dropout, name="head_dropout")
        self.score = layers.Dense(1, name="score", dtype="float32")  # the hinge in float32 under mixed precision
        self.positive_hinge_tracker = keras.metrics.Mean(name="positive_hinge")
        self.negative_hinge_tracker = keras.metrics.Mean(name="negative_hinge")
        self.regularization_tracker = keras.metrics.Mean(name="regularization")
        self.accuracy_tracker = keras.metrics.Mean(name="pair_accuracy")

    def build(self, input_shape):
        first_shape = tuple(input_shape[0])
        if not self.tower.built:
            self.tower.build(first_shape)
        feature = int(self.tower.compute_output_shape(first_shape)[-1])
        self.fc_head.build((None, 2 * feature))
        self.score.build((None, self.head_units))
        self.built = True

    def call(self, inputs, training=None):
        if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
            raise ValueError(f"SiameseC3D takes a pair (first, second) of volume batches, got {type(inputs).__name__}")
        first, second = inputs
        f1 = self.tower(first, training=training)
        f2 = self.tower(second, training=training)
        x = self.concat([f1, f2])
        x = self.head_dropout(self.fc_head(x), training=training)
        return self.score(x)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    # ----------------------------------------------------------------- training
    def regularized_weights(self):
        """W of Eq. 2: every kernel (``regularize="kernels"``) or every trainable weight ("all")."""
        if self.regularize == "all":
            return list(self.trainable_weights)
        return [w for w in self.trainable_weights if len(w.shape) >= 2]

    def regularization_term(self):
        """lambda ||W||_F (Eq. 2), computed from the current weights."""
        return self.regularization * frobenius_norm([w.value for w in self.regularized_weights()])

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Eq. 2: the class-balanced hinge over the batch (C_i from its N_p and N_n) + lambda ||W||_F."""
        if y is None:
            raise ValueError("SiameseC3D needs pair labels y (+1 positive, -1 negative) to compute Eq. 2's loss")
        positive, negative = self._hinge_shares(y, y_pred)
        penalty = ops.cast(self.regularization_term(), positive.dtype)
        # Tracked here, where the weights are live on every backend (JAX's stateless metric update runs
        # without them); Keras collects metric updates made in compute_loss on all three backends.
        self.regularization_tracker.update_state(penalty)
        extra = penalty
        if self.losses:
            extra = extra + ops.sum(ops.stack([ops.cast(loss, penalty.dtype) for loss in self.losses]))
        # Under a TensorFlow strategy the replicas' losses are summed: each adds its share of the hinge terms
        # and 1/replicas of the batch-independent terms (1 replica, and always on JAX and PyTorch: the whole loss).
        return positive + negative + extra / replicas_in_sync()

    def _hinge_shares(self, y, y_pred):
        """This replica's share of Eq. 2's two hinge terms, with C_i from the whole batch's N_p and N_n.

        On one device (and on JAX, whose step sees the whole sharded batch) these are the terms themselves.
        """
        check_pair_labels(y)
        positive_sum, positives, negative_sum, negatives = class_balanced_hinge_sums(y, y_pred)
        counts = replica_sum(ops.stack([positives, negatives]))
        return positive_sum / counts[0], negative_sum / counts[1]

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        positive, negative = (replica_sum(share) for share in self._hinge_shares(y, y_pred))
        y_flat = ops.reshape(ops.cast(y, y_pred.dtype), (-1,))
        t_flat = ops.reshape(y_pred, (-1,))
        correct = ops.cast(ops.equal(t_flat > 0, y_flat > 0), "float32")
        self.positive_hinge_tracker.update_state(positive)
        self.negative_hinge_tracker.update_state(negative)
        self.accuracy_tracker.update_state(correct)
        return {metric.name: metric.result() for metric in self.metrics}

    @property
    def metrics(self):
        own = [self.positive_hinge_tracker, self.negative_hinge_tracker, self.regularization_tracker,
               self.accuracy_tracker]
        loss_tracker = [self._loss_tracker] if self.compiled and self._loss_tracker is not None else []
        return loss_tracker + own

    # ---------------------------------------------------------------- saving
    def get_config(self):
        config = super().get_config()
        config.update({
            "tower": keras.saving.serialize_keras_object(self.tower),
            "head_units": self.head_units,
            "dropout": self.dropout_rate,
            "regularization": self.regularization,
            "regularize": self.regularize,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["tower"] = keras.saving.deserialize_keras_object(config["tower"])
        return cls(**config)


def build_siamese_c3d(input_shape=SIAMESE_C3D_PAPER.config["input_shape"], tower=None, head_units=HEAD_UNITS,
                      dropout=DROPOUT,
                      regularization=REGULARIZATION, regularize="kernels", name="siamese_c3d"):
    """The Siamese C3D of Paul et al. 2018, section 2, built and ready to compile.

    Args:
        input_shape: shape of one volume (16, 112, 112, 3); ignored when ``tower`` is given.
        tower: the shared tower; a fresh ``build_c3d_small(input_shape)`` when None.
        head_units: fc size of G (64), dropout: 0.5 on it, regularization: lambda (0.0005).
        regularize: "kernels" (default) or "all" weights in ||W||_F.

    Returns:
        A built ``SiameseC3D``: ``model((first, second))`` -> (B, 1) scores.
    """
    if tower is None:
        tower = build_c3d_small(input_shape, dropout=dropout)
    shape = (None,) + tuple(tower.input.shape[1:])
    model = SiameseC3D(tower, head_units=head_units, dropout=dropout, regularization=regularization,
                       regularize=regularize, name=name)
    model.build((shape, shape))
    return model
