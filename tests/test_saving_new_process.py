"""A model compiled with a package optimizer reloads in a new Python process (issue: CaffeSGD not found)."""

import subprocess
import sys
import textwrap

import numpy as np

from keras_stvideo.models.fstcn.fstcn_classifier import build_fstcn, build_lower_scls, fstcn_optimizer


def _reload_in_new_process(path, inputs_path, loader):
    script = textwrap.dedent(f"""
        import numpy as np
        {loader}
        model = load({str(path)!r})
        inputs = list(np.load({str(inputs_path)!r}).values())
        np.save({str(inputs_path)!r} + ".out.npy", model.predict(inputs, verbose=0))
        print(type(model.optimizer).__name__)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1], np.load(f"{inputs_path}.out.npy")


def test_fstcn_with_caffe_sgd_reloads_in_a_new_process(tmp_path):
    lower = build_lower_scls((75, 75, 3), filters=(4, 4, 4, 4))
    model = build_fstcn(3, input_size=75, clip_length=2, fc_units=(8, 8), fusion_units=8, permuted_channels=4,
                        lower_scls=lower)
    model.compile(optimizer=fstcn_optimizer(), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    inputs = [rng.random((2, 2, 75, 75, 3), dtype=np.float32) for _ in model.inputs]
    path, inputs_path = tmp_path / "fstcn.keras", tmp_path / "inputs.npz"
    model.save(path)
    np.savez(inputs_path, *inputs)
    expected = model.predict(inputs, verbose=0)
    for loader in ("from keras_stvideo import load_model as load",
                   "import keras_stvideo, keras\nload = keras.saving.load_model"):
        optimizer, outputs = _reload_in_new_process(path, inputs_path, loader.replace("\n", "\n        "))
        assert optimizer == "CaffeSGD"
        np.testing.assert_allclose(outputs, expected, atol=1e-6)
