"""The machine's arithmetic limit, for the benchmarks' "fraction of the arithmetic limit" figures.

Peak float32 FLOP/s = cores x clock x FLOPs per cycle per core, read from
/proc/cpuinfo: 32 FLOPs per cycle with AVX2 + FMA or AMD's AVX-512 (two 256-bit
FMA pipes: 2 x 8 lanes x 2 FLOPs), 64 with Intel's AVX-512, 8 otherwise. A
benchmark that times CPU seconds compares its FLOPs with CPU seconds x the
per-core peak (``peak / cores``).
"""

from keras_stvideo.utils.machine import cpu_description  # noqa: F401 (re-exported for the benchmarks)


def peak_flops(model, flags, mhz, cores):
    """Peak float32 FLOP/s estimate and FLOPs per cycle per core."""
    if "avx512f" in flags and "AMD" not in model:
        per_cycle = 64
    elif "avx2" in flags and "fma" in flags:
        per_cycle = 32
    else:
        per_cycle = 8
    return (cores * (mhz or 2000.0) * 1e6 * per_cycle), per_cycle
