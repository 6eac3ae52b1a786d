"""Our own layer test helper, in the spirit of keras-hub's ``run_layer_test``.

``run_layer_checks`` takes a layer class, its constructor arguments and an input
array, and checks in one go:

* the config round trip (``from_config(get_config())`` gives the same config);
* a symbolic call (``keras.Input``) whose output shape equals
  ``compute_output_shape`` and the eager output shape;
* an eager call;
* one ``model.fit`` step in a functional model (weights that are trainable change);
* a ``.keras`` save and reload that gives identical outputs;
* a call under the ``mixed_bfloat16`` dtype policy, with the same weights: its
  output is in the compute dtype (bfloat16), finite, and close to the float32
  output (``mixed_precision_rtol`` of the output's largest magnitude).

It returns the eager output so that the caller can check values.

``gradients`` and ``layer_gradients`` differentiate on whichever backend Keras
runs (TensorFlow, JAX or PyTorch), so gradient tests need no backend skip.
"""

import os
import tempfile

import keras
import numpy as np
import pytest
from keras import ops


def _as_tuple(shape):
    return tuple(None if d is None else int(d) for d in shape)


def run_layer_checks(
    layer_cls,
    init_kwargs,
    input_data,
    *,
    expected_output_shape=None,
    run_training_step=True,
    check_trainable_weights_change=True,
    custom_objects=None,
    atol=1e-6,
    mixed_precision_rtol=0.05,
):
    """Run the standard battery of checks on one layer; return its eager output."""
    input_data = np.asarray(input_data)
    layer = layer_cls(**init_kwargs)

    # Config round trip.
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    assert clone.get_config() == config, "get_config/from_config round trip changed the config"

    # Eager call.
    eager_out = keras.ops.convert_to_numpy(layer(input_data))
    if expected_output_shape is not None:
        assert eager_out.shape == tuple(expected_output_shape), (
            f"eager output shape {eager_out.shape} != expected {tuple(expected_output_shape)}"
        )
    computed = _as_tuple(layer.compute_output_shape(input_data.shape))
    assert computed == eager_out.shape, (
        f"compute_output_shape {computed} != eager output shape {eager_out.shape}"
    )

    # Symbolic call in a functional model.
    inputs = keras.Input(shape=input_data.shape[1:], batch_size=None, dtype=str(input_data.dtype))
    sym_layer = layer_cls(**init_kwargs)
    outputs = sym_layer(inputs)
    sym_shape = _as_tuple(outputs.shape)
    assert sym_shape[1:] == eager_out.shape[1:], (
        f"symbolic output shape {sym_shape} disagrees with eager {eager_out.shape}"
    )
    model = keras.Model(inputs, outputs)

    if run_training_step:
        before = [
            keras.ops.convert_to_numpy(w).copy() for w in model.trainable_weights
        ]
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        target = np.random.default_rng(0).normal(size=eager_out.shape).astype("float32")
        history = model.fit(input_data, target, epochs=1, batch_size=len(input_data), verbose=0)
        loss = history.history["loss"][0]
        assert np.isfinite(loss), f"training loss is not finite: {loss}"
        if check_trainable_weights_change and before:
            after = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
            changed = [not np.allclose(a, b) for a, b in zip(before, after)]
            assert any(changed), "one fit step changed no trainable weight"

    # .keras save and reload gives identical outputs.
    reference = keras.ops.convert_to_numpy(model(input_data, training=False))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "layer.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path, custom_objects=custom_objects)
    restored = keras.ops.convert_to_numpy(reloaded(input_data, training=False))
    np.testing.assert_allclose(restored, reference, atol=atol, rtol=0)

    check_mixed_bfloat16(layer, layer_cls, init_kwargs, input_data, eager_out, mixed_precision_rtol)
    return eager_out


def check_mixed_bfloat16(layer, layer_cls, init_kwargs, input_data, expected, rtol=0.05):
    """The layer under ``mixed_bfloat16``, given ``layer``'s weights, computes ``expected`` in bfloat16."""
    mixed = layer_cls(**init_kwargs, dtype="mixed_bfloat16")
    mixed(input_data)  # builds the float32 variables
    mixed.set_weights(layer.get_weights())
    out = mixed(input_data)
    got_dtype = keras.backend.standardize_dtype(out.dtype)
    assert mixed.compute_dtype == "bfloat16" and mixed.variable_dtype == "float32"
    if np.issubdtype(np.asarray(expected).dtype, np.floating):
        assert got_dtype == "bfloat16", f"output dtype under mixed_bfloat16 is {got_dtype}, expected bfloat16"
    out = keras.ops.convert_to_numpy(keras.ops.cast(out, "float32"))
    assert np.isfinite(out).all(), "non-finite output under mixed_bfloat16"
    scale = max(float(np.abs(expected).max()), 1e-6)
    np.testing.assert_allclose(out, expected, atol=rtol * scale, rtol=0,
                               err_msg="mixed_bfloat16 output differs from the float32 output")


def gradients(loss_fn, *inputs):
    """Gradients of the scalar ``loss_fn(*inputs)`` with respect to every input, as numpy arrays."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tensors = [tf.convert_to_tensor(x) for x in inputs]
        with tf.GradientTape() as tape:
            tape.watch(tensors)
            loss = loss_fn(*tensors)
        return [np.asarray(g) for g in tape.gradient(loss, tensors)]
    if backend == "jax":
        import jax

        grads = jax.grad(loss_fn, argnums=tuple(range(len(inputs))))(*[jax.numpy.asarray(x) for x in inputs])
        return [np.asarray(g) for g in grads]
    if backend == "torch":
        import torch

        tensors = [torch.tensor(np.asarray(ops.convert_to_numpy(x)), requires_grad=True) for x in inputs]
        loss_fn(*tensors).backward()
        return [t.grad.numpy() for t in tensors]
    pytest.skip(f"no gradient helper for the {backend} backend")


def layer_gradients(layer, x, loss_fn, **call_kwargs):
    """Gradients of ``loss_fn(layer(x)) + sum(layer losses)`` with respect to ``x`` and each trainable weight.

    The layer runs statelessly from its current state, so a layer that updates
    state while training (``training=True`` in ``call_kwargs``) can be differentiated
    on every backend and is left unchanged.
    """
    non_trainable = [v.value for v in layer.non_trainable_variables]

    def loss(inputs, *trainable):
        outputs, _, losses = layer.stateless_call(
            list(trainable), non_trainable, inputs, return_losses=True, **call_kwargs
        )
        return loss_fn(outputs) + sum(losses)

    return gradients(loss, x, *[ops.convert_to_numpy(v) for v in layer.trainable_variables])
