#!/bin/bash
# Issue 23 on a GPU machine: LeNet, STN-LeNet and DCN-LeNet compared at equal data, then the 95% aim.
# Run from a copy of the repository holding wheels/ (keras, namex, optree for Python 3.12: the device image has
# JAX and PyTorch but no Keras and no network) and mnist.npz; writes shan2017_compare.json, log.txt and gpu.txt
# to $OUT. DEADLINE (seconds, default 470) bounds the training; the JSON holds whatever finished by then.
set -o pipefail
OUT=${OUT:-/tmp/shan2017_out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site wheels/*.whl \
    || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
lscpu | grep 'Model name' | tee -a "$OUT/gpu.txt"
BACKEND=jax
KERAS_BACKEND=jax timeout 120 python3 -c "
import jax, keras, numpy as np
print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)
m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); m.compile('sgd', 'mse')
m.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0); print('keras on jax: ok')" 2>&1 | tail -3 | tee -a "$OUT/gpu.txt" \
    || BACKEND=torch
grep -q 'keras on jax: ok' "$OUT/gpu.txt" || BACKEND=torch
echo "backend: $BACKEND" | tee -a "$OUT/gpu.txt"
export KERAS_BACKEND=$BACKEND
python3 benchmarks/shan2017_compare.py --out "$OUT" --mnist "${MNIST:-mnist.npz}" --deadline "${DEADLINE:-470}" \
    --train-videos 20000 --test-per-class 10 --epochs 8 --lstm-units 128 --batch-size 50 \
    --pretrain-digits 60000 --pretrain-augmentations 6 --pretrain-max-epochs 12 --pretrain-seconds 70 \
    --pretrain-test-digits 10000 --min-gain 0.2 --aim-seconds 150 --aim-videos 40000 --workers 15 "$@" \
    2>&1 | grep -v '^I0000\|^WARNING: All log' | tee "$OUT/log.txt"
