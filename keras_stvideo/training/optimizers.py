"""Optimizers with the update rules of the papers' own frameworks."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_stvideo")
class CaffeSGD(keras.optimizers.SGD):
    """SGD whose weight decay is Caffe's: an L2 term added to the gradient, which then goes through momentum.

    Caffe (and cuda-convnet, Krizhevsky et al. 2012, section 5) update
    ``v <- momentum * v - lr * (g + weight_decay * w); w <- w + v``.
    ``keras.optimizers.SGD(weight_decay=...)`` instead decays the weights
    separately from the gradient (``w <- w - lr * weight_decay * w``, outside the
    momentum), which is a different optimiser whenever momentum is not 0. The
    decay applies to every trainable variable, biases included (Caffe's default
    ``decay_mult`` of 1).

    Args:
        learning_rate, momentum, nesterov: as ``keras.optimizers.SGD``.
        weight_decay: the L2 coefficient added to the gradient (None or 0: none).
        **kwargs: other ``keras.optimizers.Optimizer`` arguments.

    Example:
        >>> optimizer = CaffeSGD(learning_rate=0.01, momentum=0.9, weight_decay=5e-4)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, name="caffe_sgd",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, momentum=momentum, nesterov=nesterov, name=name, **kwargs)
        if weight_decay is not None and (not isinstance(weight_decay, (int, float)) or weight_decay < 0):
            raise ValueError(f"weight_decay must be None or a number >= 0, got {weight_decay!r}")
        self.l2_decay = float(weight_decay or 0.0)

    def update_step(self, gradient, variable, learning_rate):
        if self.l2_decay:
            gradient = ops.add(ops.cast(gradient, variable.dtype),
                               ops.multiply(ops.cast(self.l2_decay, variable.dtype), variable))
        super().update_step(gradient, variable, learning_rate)

    def get_config(self):
        config = super().get_config()
        config["weight_decay"] = self.l2_decay
        return config
