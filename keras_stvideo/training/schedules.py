"""Learning-rate schedules by name, shared by the papers' trainers and reproductions.

Example:
    >>> rate = learning_rate_schedule(1e-3, "cosine", steps=2000)  # doctest: +SKIP
"""

LR_SCHEDULES = ("constant", "cosine")


def check_lr_schedule(lr_schedule):
    """Raise a ValueError naming the choices unless ``lr_schedule`` is one of ``LR_SCHEDULES``."""
    if lr_schedule not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {lr_schedule!r}")


def learning_rate_schedule(learning_rate, lr_schedule="constant", steps=None):
    """``learning_rate`` itself ("constant") or a cosine decay from it to 0 over ``steps`` updates ("cosine")."""
    check_lr_schedule(lr_schedule)
    if lr_schedule == "constant":
        return learning_rate
    if not steps or steps < 1:
        raise ValueError(f"a cosine schedule needs the number of steps (a positive integer), got {steps!r}")
    import keras

    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
