"""The machine's arithmetic limit, for the benchmarks' "fraction of the arithmetic limit" figures.

Peak float32 FLOP/s = cores x clock x FLOPs per cycle per core, read from
/proc/cpuinfo: 32 FLOPs per cycle with AVX2 + FMA or AMD's AVX-512 (two 256-bit
FMA pipes: 2 x 8 lanes x 2 FLOPs), 64 with Intel's AVX-512, 8 otherwise. A
benchmark that times CPU seconds compares its FLOPs with CPU seconds x the
per-core peak (``peak / cores``).
"""

import os
import platform


def cpu_description():
    """(model name, flags, MHz, cores) from /proc/cpuinfo, or what platform knows."""
    model, flags, mhz = platform.processor() or platform.machine(), set(), None
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "model name":
                    model = value
                elif key == "flags":
                    flags = set(value.split())
                elif key == "cpu MHz" and mhz is None:
                    mhz = float(value)
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return model, flags, mhz, cores


def peak_flops(model, flags, mhz, cores):
    """Peak float32 FLOP/s estimate and FLOPs per cycle per core."""
    if "avx512f" in flags and "AMD" not in model:
        per_cycle = 64
    elif "avx2" in flags and "fma" in flags:
        per_cycle = 32
    else:
        per_cycle = 8
    return (cores * (mhz or 2000.0) * 1e6 * per_cycle), per_cycle
