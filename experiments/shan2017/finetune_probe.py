"""Issue 23: why do fine-tuned LeNet-LSTMs learn nothing on a GPU (JAX) when they learn on the CPU?

Pre-trains LeNet on Scaled MNIST (Adadelta 1.0), or loads one, then fine-tunes the whole LeNet-LSTM (RMSProp,
clean protocol, sorted labels) step by step from that same CNN for each setting, recording the training
loss, the share of dead fc-500 units (zero on every frame of a fixed probe batch) and the largest feature
after chosen steps. Seen so far (20,000 Normal videos, lr 1e-3, a LeNet at about 95%): on the CPU (JAX)
the loss falls from 4.61 to 2.39 in 100 steps and 1.02 in 400; on an H100 (JAX) it stays at 3.90-4.16 from
step 20 to step 400, with and without TF32 (``--precisions default highest``), with no dead unit. The next GPU
check is the head LSTM's path (``--lstm-paths plain cudnn``: Keras' plain recurrence, now the package's, against
its cuDNN one):

    KERAS_BACKEND=jax python experiments/shan2017/finetune_probe.py --out /tmp/ft --pretrain-digits 60000 \\
        --pretrain-epochs 4 --pretrain-batch-size 128 --videos 20000 --steps 400 --lstm-paths plain cudnn

(``--pretrained-weights PATH`` loads a stage-1 LeNet instead of pre-training.)

It writes ``finetune_probe.json`` into ``--out``.
"""

import argparse
import json
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "experiments" / "shan2017")]

from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--mnist", default=None)
    parser.add_argument("--pretrain-digits", type=int, default=4000)
    parser.add_argument("--pretrain-epochs", type=int, default=2)
    parser.add_argument("--pretrain-batch-size", type=int, default=32)
    parser.add_argument("--videos", type=int, default=1000)
    parser.add_argument("--variant", default="normal")
    parser.add_argument("--learning-rates", type=float, nargs="+", default=[1e-3, 1e-4])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--precisions", nargs="+", default=["default"], choices=["default", "highest"],
                        help="JAX: jax_default_matmul_precision for the fine-tuning runs ('highest': no TF32)")
    parser.add_argument("--lstm-paths", nargs="+", default=["plain"], choices=["plain", "cudnn"],
                        help="the head LSTM's use_cudnn: plain (False, the package's) or cudnn ('auto')")
    parser.add_argument("--pretrained-weights", default=None, help="a LeNet .weights.h5 to start from (no stage 1)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    quiet_tensorflow()  # no TensorFlow C++ log lines, as in `stvideo`
    import keras

    from keras_stvideo.data.mnist import load_mnist
    from keras_stvideo.data.moving_mnist import MovingMNIST
    from keras_stvideo.data.scaled_mnist import make_scaled_mnist
    from keras_stvideo.models.attention_lstm.frame_encoders import build_lenet
    from keras_stvideo.models.attention_lstm.training import TwoStageTrainer, rmsprop
    from compare import set_matmul_precision

    mnist = load_mnist(args.mnist)
    (x_train, y_train), (x_test, y_test) = mnist
    keras.utils.set_random_seed(args.seed)
    trainer = TwoStageTrainer(build_lenet(), 5, lstm_units=128)
    t0 = time.perf_counter()
    if args.pretrained_weights:
        trainer.frame_encoder.load_weights(args.pretrained_weights)
    else:
        digits = make_scaled_mnist(x_train[:args.pretrain_digits], np.random.default_rng(args.seed))
        trainer.pretrain(digits, y_train[:args.pretrain_digits].astype("int64"), epochs=args.pretrain_epochs,
                         batch_size=args.pretrain_batch_size, verbose=0)
    held_out = make_scaled_mnist(x_test[:1000], np.random.default_rng([args.seed, 1]))
    digit_accuracy = float(np.mean(np.argmax(trainer.frame_encoder.predict(held_out, verbose=0), 1) == y_test[:1000]))
    print(f"stage 1: {100 * digit_accuracy:.1f}% held-out digit accuracy ({time.perf_counter() - t0:.0f} s)",
          flush=True)
    generator = MovingMNIST.from_variant(args.variant, split="train", digit_source="disjoint", label_order="sorted",
                                         mnist=mnist)
    videos, labels = generator.generate(args.videos, seed=[args.seed, 0])
    probe = videos[:40].reshape(-1, 64, 64, 1)
    pretrained, initial_head = trainer.frame_encoder.get_weights(), trainer.head.get_weights()
    record = {"backend": keras.backend.backend(), "settings": vars(args), "digit_accuracy": 100 * digit_accuracy,
              "runs": []}
    checkpoints = {1, 2, 3, 5, 10, 20, 40, 100, 200, 400, args.steps}
    runs = [(path, p, lr) for path in args.lstm_paths for p in args.precisions for lr in args.learning_rates]
    for lstm_path, precision, learning_rate in runs:
        set_matmul_precision(precision)
        trainer.head.get_layer("lstm").use_cudnn = "auto" if lstm_path == "cudnn" else False
        trainer.frame_encoder.set_weights(pretrained)
        trainer.head.set_weights(initial_head)
        trainer.frame_encoder.trainable = True
        trainer.model.compile(optimizer=rmsprop(learning_rate), loss="sparse_categorical_crossentropy")
        order = np.random.default_rng(args.seed).permutation(args.videos)
        run = {"learning_rate": learning_rate, "matmul_precision": precision, "lstm_path": lstm_path, "steps": []}
        for step in range(1, args.steps + 1):
            start = ((step - 1) * args.batch_size) % args.videos
            rows = np.sort(order[start:start + args.batch_size])
            loss = float(trainer.model.train_on_batch(videos[rows], labels[rows], return_dict=True)["loss"])
            if step in checkpoints:
                features = trainer.encoder.predict(probe, verbose=0)
                run["steps"].append({"step": step, "loss": loss, "dead_units": float(np.mean(features.max(0) == 0)),
                                     "feature_max": float(features.max()), "finite": bool(np.isfinite(loss))})
                print(f"{lstm_path} LSTM, {precision} precision, lr {learning_rate:g} step {step}: loss {loss:.3f}, "
                      f"dead fc units {100 * run['steps'][-1]['dead_units']:.0f}%, "
                      f"largest feature {features.max():.1f}",
                      flush=True)
        record["runs"].append(run)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "finetune_probe.json").write_text(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
