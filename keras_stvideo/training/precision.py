"""Mixed precision: does this machine gain from bfloat16?

Keras' ``mixed_bfloat16`` policy computes in bfloat16. GPUs and CPUs with
bfloat16 instructions (x86 AVX512-BF16 or AMX-BF16, Arm BF16) run it faster than
float32; on other CPUs every bfloat16 operation is emulated through float32
conversions, and a training step gets slower instead: one DCN-LSTM fine-tuning
step took 5.7x longer in bfloat16 on an AVX2-only machine. ``--mixed-precision``
therefore checks the hardware first (``check_mixed_precision_hardware``).
"""

import warnings

BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16", "bf16")  # x86 AVX512-BF16, x86 AMX-BF16, Arm (aarch64) BF16


def cpu_has_bfloat16(cpuinfo_path="/proc/cpuinfo"):
    """True if the CPU has bfloat16 instructions, False if not, None if it cannot tell.

    Reads the ``flags`` (x86) or ``Features`` (Arm) lines of ``cpuinfo_path``
    (Linux); elsewhere, or if the file is missing, returns None.
    """
    try:
        with open(cpuinfo_path) as handle:
            text = handle.read()
    except OSError:
        return None
    flags = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("flags", "features"):
            flags.update(value.split())
    if not flags:
        return None
    return any(flag in flags for flag in BFLOAT16_CPU_FLAGS)


def has_accelerator():
    """True if the Keras backend sees a GPU or TPU (bfloat16 is then the accelerator's business)."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return any(d.device_type in ("GPU", "TPU") for d in tf.config.list_physical_devices())
        if backend == "jax":
            import jax

            return any(d.platform != "cpu" for d in jax.devices())
        if backend == "torch":
            import torch

            return bool(torch.cuda.is_available())
    except Exception:  # a broken device runtime is "no accelerator" here
        return False
    return False


def check_mixed_precision_hardware(cpuinfo_path="/proc/cpuinfo", accelerator=None, log=None):
    """Warn before a bfloat16 run on a CPU that would make it slower; returns the warning text or None.

    Args:
        cpuinfo_path: where to read the CPU flags (``cpu_has_bfloat16``).
        accelerator: whether a GPU/TPU will run the model; default ``has_accelerator()``.
        log: optional callable that also receives the message (e.g. ``print``),
            besides ``warnings.warn``.

    The run is not changed: the caller asked for bfloat16 and gets it, with the
    warning before training starts.
    """
    if accelerator is None:
        accelerator = has_accelerator()
    if accelerator:
        return None
    has_bf16 = cpu_has_bfloat16(cpuinfo_path)
    if has_bf16 is not False:
        return None
    message = (
        "--mixed-precision (bfloat16) on a CPU without bfloat16 instructions (no avx512_bf16 or amx_bf16 in "
        f"{cpuinfo_path}): bfloat16 is emulated and training is slower, not faster (5.7x slower per step measured "
        "on an AVX2-only CPU). Drop --mixed-precision to train in float32."
    )
    warnings.warn(message, RuntimeWarning, stacklevel=2)
    if log is not None:
        log(f"warning: {message}")
    return message
