"""What machine a measurement ran on: the CPU, its cores and vector units, and the load beside it.

Example:
    >>> describe_machine()  # doctest: +SKIP
    {'cpu': 'Intel(R) Xeon(R) Processor', 'cores': 2, 'avx512': True, 'load_average_1min': 0.4}
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


def describe_machine():
    """A JSON-ready description for results files: CPU model, usable cores, AVX-512 and the 1-minute load."""
    model, flags, _, cores = cpu_description()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": model, "cores": cores, "avx512": "avx512f" in flags, "load_average_1min": load}
