"""Issue 23: the LeNet-LSTM's fine-tuning gradient on one device against another, from the same weights.

Run it twice, first where the gradient is in question, then where it is trusted, with the first run's file;
the second run loads the first's weights (so both start from the same model) and prints, per variable, the
cosine and relative error between the two gradients:

    KERAS_BACKEND=jax python experiments/shan2017/gradient_check.py --out /tmp/g_gpu.npz
    KERAS_BACKEND=jax JAX_PLATFORMS=cpu python experiments/shan2017/gradient_check.py --out /tmp/g_cpu.npz \\
        --against /tmp/g_gpu.npz

``--lstm-path cudnn`` gives the head's LSTM Keras' ``use_cudnn="auto"`` (cuDNN on a GPU) instead of the
package's plain recurrence. On an H100 (JAX, cuDNN LSTM) an earlier version of this check, which did not
share the weights, found cosines of 0.42 (conv1) to 0.97 (softmax kernel); see the README, issue 23.
"""

import argparse
import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="an .npz for this run's weights and gradient")
    parser.add_argument("--against", default=None, help="a first run's .npz: use its weights, compare gradients")
    parser.add_argument("--lstm-path", choices=["plain", "cudnn"], default="plain")
    args = parser.parse_args(argv)
    quiet_tensorflow()
    import keras

    from keras_stvideo.models.attention_lstm.frame_encoders import build_lenet
    from keras_stvideo.models.attention_lstm.training import TwoStageTrainer

    keras.utils.set_random_seed(0)
    trainer = TwoStageTrainer(build_lenet(), 5, num_classes=100, lstm_units=128)
    trainer.head.get_layer("lstm").use_cudnn = "auto" if args.lstm_path == "cudnn" else False
    trainer.frame_encoder.trainable = True
    model = trainer.model
    other = np.load(args.against) if args.against else None
    if other is not None:
        model.set_weights([other[f"weight_{i}"] for i in range(len(model.weights))])
    rng = np.random.default_rng(0)
    x = ((rng.random((50, 5, 64, 64, 1)) > 0.85) * rng.random((50, 5, 64, 64, 1))).astype("float32")
    y = rng.integers(0, 55, 50).astype("int32")
    loss, gradients = _loss_and_gradients(model, x, y)
    np.savez(args.out, loss=loss, **{f"weight_{i}": w for i, w in enumerate(model.get_weights())},
             **{f"grad_{i}": g for i, g in enumerate(gradients)})
    print(f"{keras.backend.backend()} loss {loss:.6f}", flush=True)
    if other is None:
        return
    report = {"loss": [float(other["loss"]), loss], "variables": {}}
    for i, variable in enumerate(model.trainable_variables):
        mine, theirs = gradients[i], other[f"grad_{i}"]
        cosine = float(np.sum(mine * theirs) / (np.linalg.norm(mine) * np.linalg.norm(theirs) + 1e-30))
        relative = float(np.linalg.norm(mine - theirs) / (np.linalg.norm(mine) + 1e-30))
        report["variables"][variable.path] = {"cosine": cosine, "relative_error": relative}
        print(f"{variable.path:45s} cosine {cosine:.6f}  relative error {relative:.2e}")
    pathlib.Path(args.out).with_suffix(".json").write_text(json.dumps(report, indent=1))


def _loss_and_gradients(model, x, y):
    """The mean cross-entropy and its gradient for every trainable variable (numpy), on this backend."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        def loss_fn(trainable, non_trainable):
            out, _ = model.stateless_call(trainable, non_trainable, x, training=True)
            return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, out))

        value, grads = jax.jit(jax.value_and_grad(loss_fn))([v.value for v in model.trainable_variables],
                                                             [v.value for v in model.non_trainable_variables])
    elif backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(x, training=True)))
        grads = tape.gradient(value, model.trainable_variables)
    else:
        raise SystemExit(f"this check runs on JAX or TensorFlow, not {backend}")
    return float(keras.ops.convert_to_numpy(value)), [keras.ops.convert_to_numpy(g) for g in grads]


if __name__ == "__main__":
    main()
