"""ST-CSAE's training step: best-shift search, inner code optimisation, energy metrics, backends."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_stvideo.data.patches import sample_moving_patches
from keras_stvideo.models.stcsae import build_stcsae, shift_offsets, shifted_patches
from keras_stvideo.reproductions.stcsae.quick_data import grey_motion_clips
from tests.layer_checks import gradients

ROOT = pathlib.Path(__file__).resolve().parents[3]
PATCH = (3, 4, 4, 1)
SHIFTS = (1, 2, 1)


def _numpy_energy(model, patches, code=None):
    """E(X, Z) in numpy from the model's weights (the logistic's state frozen)."""
    conv = model.encoder.get_layer("encoder_conv")
    dense = model.decoder.get_layer("decoder_dense")
    wc, bc, wd, bd = (keras.ops.convert_to_numpy(w).astype("float64") for w in
                      (conv.kernel, conv.bias, dense.kernel, dense.bias))
    flat = patches.reshape(len(patches), -1).astype("float64")
    prediction = flat @ wc.reshape(-1, wc.shape[-1]) + bc
    code = prediction if code is None else code
    eta, beta = model.logistic.eta, model.logistic.beta
    zeta = np.exp(keras.ops.convert_to_numpy(model.logistic.log_zeta))
    sparse = eta * np.exp(beta * code) / (eta * np.exp(beta * code) + (1 - eta) * zeta)
    return model.prediction_weight * np.mean((code - prediction) ** 2, 1) + np.mean((flat - sparse @ wd - bd) ** 2, 1)


def _randomised(model, seed=0):
    rng = np.random.default_rng(seed)
    for weight in model.trainable_weights:
        weight.assign(rng.normal(0, 0.2, weight.shape).astype("float32"))
    return model


def test_shifted_patches_match_slicing():
    x = np.random.default_rng(0).random((2, 5, 8, 6, 1)).astype("float32")
    out = keras.ops.convert_to_numpy(shifted_patches(x, PATCH, SHIFTS))
    offsets = shift_offsets(SHIFTS)
    assert out.shape == (2, len(offsets)) + PATCH and len(offsets) == 3 * 5 * 3
    for s, (dt, dh, dw) in enumerate(offsets):
        t, h, w = 1 + dt, 2 + dh, 1 + dw
        np.testing.assert_array_equal(out[:, s], x[:, t:t + 3, h:h + 4, w:w + 4])


def test_energy_matches_numpy():
    model = _randomised(build_stcsae(PATCH, 64, shift_range=SHIFTS, beta=2.0, prediction_weight=0.7))
    patches = np.random.default_rng(1).random((6,) + PATCH).astype("float32")
    code = np.random.default_rng(2).normal(size=(6, 64)).astype("float32")
    energy, _, _ = model.energy(patches, code)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(energy), _numpy_energy(model, patches, code), rtol=1e-4)


def test_best_shift_is_the_brute_force_minimum():
    model = _randomised(build_stcsae(PATCH, 64, shift_range=SHIFTS))
    x = np.random.default_rng(3).random((7, 5, 8, 6, 1)).astype("float32")
    best, index, energy = model.best_shift(x)
    candidates = keras.ops.convert_to_numpy(shifted_patches(x, PATCH, SHIFTS))
    scores = np.stack([_numpy_energy(model, candidates[:, s]) for s in range(candidates.shape[1])], axis=1)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(index), scores.argmin(1))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(energy), scores.min(1), rtol=1e-4)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(best), candidates[np.arange(7), scores.argmin(1)])


def test_best_shift_finds_a_planted_shift():
    """A decoder that always outputs the pattern p: the energy is ||X_s - p||^2, zero only where p was planted."""
    model = build_stcsae(PATCH, 64, shift_range=SHIFTS)
    rng = np.random.default_rng(4)
    pattern = rng.random(PATCH).astype("float32")
    dense = model.decoder.get_layer("decoder_dense")
    dense.kernel.assign(np.zeros(dense.kernel.shape, "float32"))
    dense.bias.assign(pattern.reshape(-1))
    offsets = shift_offsets(SHIFTS)
    planted = rng.integers(len(offsets), size=12)
    x = rng.random((12, 5, 8, 6, 1)).astype("float32")
    for n, s in enumerate(planted):
        dt, dh, dw = offsets[s]
        x[n, 1 + dt:4 + dt, 2 + dh:6 + dh, 1 + dw:5 + dw] = pattern
    best, index, energy = model.best_shift(x)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(index), planted)
    np.testing.assert_array_equal(model.shift_vectors(index), offsets[planted])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(energy), 0.0, atol=1e-10)


def test_inner_gradient_is_the_energy_gradient_and_lowers_the_energy():
    model = _randomised(build_stcsae(PATCH, 64, shift_range=(0, 0, 0), beta=2.0, code_steps=1,
                                     code_learning_rate=0.05))
    patches = np.random.default_rng(5).random((4,) + PATCH).astype("float32")
    code0 = np.random.default_rng(6).normal(size=(4, 64)).astype("float32")

    def total(code):
        return keras.ops.sum(model.energy(patches, code)[0])

    (autodiff,) = gradients(total, code0)
    # one step from the encoder's output: Z1 = P - rate * (K / 2) * dE/dZ at Z = P
    prediction = model.encoder.predict(patches, verbose=0)
    (at_prediction,) = gradients(total, prediction)
    step = keras.ops.convert_to_numpy(model.optimal_code(patches))
    np.testing.assert_allclose(step, prediction - 0.05 * 32 * at_prediction, rtol=1e-4, atol=1e-6)
    assert np.all(np.isfinite(autodiff))
    model.code_steps = 20
    before = _numpy_energy(model, patches)
    after = _numpy_energy(model, patches, keras.ops.convert_to_numpy(model.optimal_code(patches)))
    assert np.all(after < before)


def _training_data(count=12, seed=0):
    clips, _ = grey_motion_clips(count, frames=8, size=(16, 16), seed=seed)
    x, _ = sample_moving_patches(clips, PATCH[:3], SHIFTS, patches_per_clip=32, threshold=0.02, seed=seed)
    return x


def test_fit_lowers_the_energy_and_the_codes_are_sparse():
    x = _training_data()
    model = build_stcsae(PATCH, 64, shift_range=SHIFTS)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    zeta_before = keras.ops.convert_to_numpy(model.logistic.log_zeta).copy()
    history = model.fit(x, epochs=6, batch_size=32, verbose=0).history
    assert set(history) == {"energy", "prediction_error", "reconstruction_error", "sparsity"}
    assert history["energy"][-1] < 0.6 * history["energy"][0]
    np.testing.assert_allclose(np.array(history["prediction_error"]) + history["reconstruction_error"],
                               history["energy"], rtol=1e-4)
    assert not np.allclose(keras.ops.convert_to_numpy(model.logistic.log_zeta), zeta_before)  # state updated
    # the sparse code: most units near zero, unlike the encoder's dense code
    patches = x[:, 1:4, 2:6, 1:5]
    code = model.encoder.predict(patches, verbose=0)
    sparse = keras.ops.convert_to_numpy(model._logistic_frozen(code))
    assert np.mean(sparse < model.sparsity_threshold) > 0.9
    assert np.mean(np.abs(code) < model.sparsity_threshold) < 0.5
    assert history["sparsity"][-1] > 0.9
    logs = model.evaluate(x, verbose=0, return_dict=True)
    assert logs["energy"] < history["energy"][0]


def test_zero_code_steps_and_no_shift():
    model = build_stcsae(PATCH, 64, shift_range=(0, 0, 0), code_steps=0)
    model.compile(optimizer="adam")
    x = _training_data(4)[:, 1:4, 2:6, 1:5]
    history = model.fit(x, epochs=2, batch_size=16, verbose=0).history
    assert history["prediction_error"][0] == pytest.approx(0.0, abs=1e-10)  # Z* = P(X)


BACKEND_SCRIPT = """
import numpy as np, keras
from keras_stvideo.models.stcsae import build_stcsae
model = build_stcsae((3, 4, 4, 1), 64, shift_range=(1, 1, 1))
model.compile(optimizer=keras.optimizers.Adam(3e-3))
x = np.random.default_rng(0).random((64, 5, 6, 6, 1)).astype("float32")
history = model.fit(x, epochs=4, batch_size=16, verbose=0).history
assert history["energy"][-1] < history["energy"][0], history
assert not np.allclose(keras.ops.convert_to_numpy(model.logistic.log_zeta), 0.0)
print("ok", keras.backend.backend(), history["energy"])
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend, module", [("jax", "jax"), ("torch", "torch")])
def test_training_step_on_other_backends(backend, module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {backend} backend needs the '{module}' package, which is not installed")
    env = dict(os.environ, KERAS_BACKEND=backend, CUDA_VISIBLE_DEVICES="", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", BACKEND_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"ok {backend}" in result.stdout


def test_unsupported_backend_is_named():
    pytest.importorskip("jax", reason="Keras' numpy backend, the unsupported one tried here, imports jax")
    script = ("from keras_stvideo.models.stcsae import build_stcsae\n"
              "model = build_stcsae((3, 4, 4, 1), 64)\n"
              "model.train_step(None)\n")
    env = dict(os.environ, KERAS_BACKEND="numpy", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0
    assert "the 'numpy' backend cannot run it" in result.stderr
