"""Argument checks for builders and commands: a ValueError naming the argument, what was expected and what was given."""

import numbers


def check_positive_int(value, name):
    """Return ``value`` as an int when it is a positive integer (``bool`` excluded); otherwise raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_fraction(value, name, include_one=False):
    """Return ``value`` as a float in [0, 1) (or [0, 1] with ``include_one``); otherwise raise ValueError."""
    bound = "1]" if include_one else "1)"
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
        0 <= value <= 1 if include_one else 0 <= value < 1
    ):
        raise ValueError(f"{name} must be a number in [0, {bound}, got {value!r}")
    return float(value)


def check_positive_ints(values, name, allow_empty=False):
    """Return ``values`` as a tuple of positive ints; otherwise raise ValueError."""
    try:
        values = tuple(values)
    except TypeError:
        raise ValueError(f"{name} must be a sequence of positive integers, got {values!r}") from None
    if (not values and not allow_empty) or any(
        isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1 for v in values
    ):
        raise ValueError(f"{name} must be a {'' if allow_empty else 'non-empty '}sequence of positive integers, "
                         f"got {values!r}")
    return tuple(int(v) for v in values)


def check_keras_model(value, name):
    """Return ``value`` when it is a ``keras.Model`` (or a Keras layer with a known input);
    otherwise raise ValueError.
    """
    import keras

    if not isinstance(value, keras.Model):
        raise ValueError(f"{name} must be a keras.Model, got {type(value).__name__} {value!r:.60}")
    return value
