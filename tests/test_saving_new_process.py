"""Every builder's model, compiled with its paper's optimizer, reloads in a new Python process with the same outputs.

Registration happens where each class is defined (``keras_stvideo.saving`` finds the modules): a model saved here
must load in a process that has only done ``import keras_stvideo`` (with ``keras.saving.load_model``) or only
called ``keras_stvideo.load_model``. The first bug this caught: an FstCN compiled with the paper's ``CaffeSGD``
did not load in a new process (``Could not locate class 'CaffeSGD'``).
"""

import json
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from keras_stvideo.models.attention_lstm.training import rmsprop
from keras_stvideo.models.fstcn.fstcn_classifier import fstcn_optimizer
from keras_stvideo.models.siamese_c3d.training import adam
from keras_stvideo.models.tesnet.training import compile_tesnet
from tests.builder_catalogue import BUILDERS, HEAVY, NOT_PROBABILITIES

CLASSIFIER_LOSS = "sparse_categorical_crossentropy"


def _compile_as_the_paper_does(name, model):
    """Compile ``model`` with the optimizer its paper trains it with; return the optimizer's class name."""
    if name in ("lenet", "stn_lenet", "dcn_lenet"):  # Shan & Atanasov 2017, IV-A: stage 1 with Adadelta, lr 1
        model.compile(optimizer=keras.optimizers.Adadelta(1.0), loss=CLASSIFIER_LOSS)
    elif name == "cnn_lstm":  # stage 2: RMSProp 1e-3
        model.compile(optimizer=rmsprop(1e-3), loss=CLASSIFIER_LOSS)
    elif name == "fstcn":  # Sun et al. 2015, 2.5: Caffe's SGD
        model.compile(optimizer=fstcn_optimizer(), loss=CLASSIFIER_LOSS)
    elif name in ("tesnet", "tsn", "tesnet_small_backbone"):  # Huang & Bors 2020, 3.1: SGD, momentum 0.9
        compile_tesnet(model)
    elif name in ("stcsae", "siamese_c3d"):  # their own training steps (ST-CSAE's energy, Eq. 2): Adam
        model.compile(optimizer=adam(1e-3))
    else:  # the C3D tower and classifier: Adam (Paul et al. 2018, section 3)
        model.compile(optimizer=adam(1e-4), loss="mse" if name in NOT_PROBABILITIES else CLASSIFIER_LOSS)
    return type(model.optimizer).__name__


def _sample_inputs(shapes, rng):
    shapes = shapes if isinstance(shapes, list) else [shapes]
    return [rng.random((2,) + tuple(shape), dtype=np.float32) for shape in shapes]


def _reload_all(manifest_path, loader):
    """Run ``loader`` in a new process on every model of the manifest; return {name: (optimizer, outputs path)}."""
    script = textwrap.dedent(f"""
        import json
        import numpy as np
        {loader}
        manifest = json.load(open({str(manifest_path)!r}))
        found = {{}}
        for name, entry in manifest.items():
            model = load(entry["model"])
            inputs = list(np.load(entry["inputs"]).values())
            np.save(entry["inputs"] + ".out.npy", model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))
            found[name] = type(model.optimizer).__name__
        print(json.dumps(found))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("names", [
    pytest.param(sorted(set(BUILDERS) - HEAVY), id="every-builder"),
    pytest.param(sorted(HEAVY), id="inception-resnet-v2", marks=pytest.mark.slow),
])
def test_every_builder_compiled_as_its_paper_reloads_in_a_new_process(tmp_path, names):
    rng = np.random.default_rng(0)
    manifest, expected, optimizers = {}, {}, {}
    for name in names:
        build, shapes = BUILDERS[name]
        model = build()
        optimizers[name] = _compile_as_the_paper_does(name, model)
        inputs = _sample_inputs(shapes, rng)
        expected[name] = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
        manifest[name] = {"model": str(tmp_path / f"{name}.keras"), "inputs": str(tmp_path / f"{name}.npz")}
        model.save(manifest[name]["model"])
        np.savez(manifest[name]["inputs"], *inputs)
    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    for loader in ("from keras_stvideo import load_model as load",
                   "import keras_stvideo, keras\nload = keras.saving.load_model"):
        found = _reload_all(manifest_path, loader.replace("\n", "\n        "))
        assert found == optimizers, loader
        for name in names:
            outputs = np.load(manifest[name]["inputs"] + ".out.npy")
            np.testing.assert_allclose(outputs, expected[name], atol=1e-5, err_msg=f"{name} via {loader!r}")


REGISTERED = ("import keras\n"
              "names = sorted(n for n in keras.saving.get_custom_objects() if n.startswith('keras_stvideo>'))\n"
              "print(json.dumps(names))\n")


def _registered_after(first_use):
    script = "import json\n" + first_use + "\n" + REGISTERED
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("first_use", [
    # a module of the package is what imports Keras first: registration waits until it has finished importing
    "import keras_stvideo\nkeras_stvideo.build_stcsae((3, 4, 4, 1), 64)",
    "from keras_stvideo.models.stcsae import build_stcsae_lstm",
    "import keras_stvideo\nkeras_stvideo.build_fstcn",
    "import keras\nimport keras_stvideo",
    "import keras_stvideo\nimport keras",
])
def test_every_class_is_registered_whatever_imports_keras_first(first_use):
    everything = _registered_after("import keras_stvideo\nkeras_stvideo.load_model  # registers when called\n"
                                   "from keras_stvideo.saving import register_all\nregister_all()")
    assert len(everything) >= 15  # the layers, models, losses and the optimizer
    assert _registered_after(first_use) == everything
