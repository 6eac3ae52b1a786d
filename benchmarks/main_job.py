"""Benchmark of the main job, ``stvideo reproduce shan2017 --quick``: wall time, CPU time and peak memory.

Runs the command in a subprocess (the way a user runs it) and prints one JSON
line: wall seconds, user and system CPU seconds of the child, its peak resident
memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, the largest child's
peak), the CPU model and core count, the machine's load average before and
after (a shared machine inflates the wall time; the CPU time much less), the
exit status and the run's best test accuracy. The budget is 5 minutes and
2 GB on an idle 2-core machine.

Usage:
    python benchmarks/main_job.py [--mnist PATH] [--out DIR] [-- extra options for the command]
"""

import argparse
import json
import os
import pathlib
import platform
import resource
import subprocess
import sys
import tempfile
import time

BUDGET_SECONDS = 300
BUDGET_BYTES = 2 * 1024**3


def cpu_model():
    """The CPU's model name (Linux /proc/cpuinfo; elsewhere platform.processor())."""
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return sorted(flags & {"avx2", "avx512f", "avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", default=None, help="MNIST .npz passed to the command (default: the package's)")
    parser.add_argument("--out", default=None, help="the command's output folder (default: a temporary one)")
    parser.add_argument("extra", nargs="*", help="more options for the command (after --)")
    args = parser.parse_args(argv)
    root = pathlib.Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(args.out or tmp)
        command = [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "shan2017", "--quick", "--out", str(out)]
        if args.mnist:
            command += ["--mnist", args.mnist]
        command += args.extra
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
        load_before = os.getloadavg()
        start = time.perf_counter()
        completed = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        load_after = os.getloadavg()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, kB on Linux
        results = {}
        if completed.returncode == 0:
            results = json.loads((out / "results.json").read_text())
        else:
            sys.stderr.write(completed.stdout[-3000:] + completed.stderr[-3000:])
    rows = results.get("results", [])
    best = max((r for r in rows if r.get("configuration", "run") == "run"), key=lambda r: r["test_accuracy"],
               default=None)
    literal = [r for r in rows if r.get("configuration") == "paper_literal"]
    record = {
        "benchmark": "main_job", "command": " ".join(command[1:]), "returncode": completed.returncode,
        "wall_seconds": round(wall, 1), "user_cpu_seconds": round(usage.ru_utime, 1),
        "system_cpu_seconds": round(usage.ru_stime, 1), "peak_rss_mb": round(peak / 1024**2),
        "within_budget": completed.returncode == 0 and wall <= BUDGET_SECONDS and peak <= BUDGET_BYTES,
        "cpu": cpu_model(), "cpu_flags": cpu_flags(), "cores": os.cpu_count(),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after],
        "mixed_precision": results.get("settings", {}).get("mixed_precision"),
        "pretrain_test_accuracy": best and best.get("pretrain_test_accuracy"),
        "best_test_accuracy": best and round(best["test_accuracy"], 2),
        "best_test_loss": best and round(best["test_loss"], 3),
        "paper_literal_test_accuracy": literal[0]["test_accuracy"] if literal else None,
    }
    print(json.dumps(record))
    return 0 if completed.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
