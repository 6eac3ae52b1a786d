#!/bin/bash
# Issue 23 on one GPU (about 9 minutes; the H200 run of this script's version at commit 77401cf is the README's
# "On an NVIDIA H200" section). JAX processes sharing the GPU:
#   A. compare.py: LeNet, STN-LeNet and DCN-LeNet pre-trained on all 60,000 digits until converged
#      (at most 8 epochs), then frozen (20,000 videos) and fine-tuned (10,000 videos) at equal data, 10 epochs,
#      float32 at full precision (no TF32);
#   B. finetune_probe.py: fine-tuning LeNet step by step from one CNN with the head LSTM's plain
#      recurrence (the package's) and with Keras' cuDNN path (fine-tuning learned nothing on two GPUs, with and
#      without TF32, while it learns on the CPU), then the GPU-only test of the two LSTM paths and the
#      model's gradient on the GPU against the CPU from the same weights, for each path;
#   C. aim.py: the 95% clean Rotation+Scaling aim for LeNet, stage 1 on turned digits, new videos every
#      epoch.
# Run from a copy of the repository holding .gpu/ (the wheels of keras, namex and optree for Python 3.12: the
# device image has JAX but no Keras and no network; and mnist.npz). Writes its JSON, logs and gpu.txt to $OUT.
# SECONDS_BUDGET (default 480) is when every process stops training.
set -o pipefail
OUT=${OUT:-/tmp/shan2017_out}
BUDGET=${SECONDS_BUDGET:-480}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu/*.whl \
    || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 KERAS_BACKEND=jax XLA_PYTHON_CLIENT_MEM_FRACTION=0.3
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; lscpu | grep 'Model name'
  python3 -c "import jax, keras; print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)"; } \
    2>&1 | grep -v '^I0000\|^WARNING: All log' | tee "$OUT/gpu.txt"
quiet() { grep --line-buffered -v '^I0000\|^WARNING: All log'; }
COMPARE="experiments/shan2017/compare.py --mnist .gpu/mnist.npz --state-dir /tmp/stage1 --matmul-precision highest
    --test-per-class 10 --epochs 10 --lstm-units 128 --batch-size 50 --pretrain-digits 60000
    --pretrain-max-epochs 8 --pretrain-test-digits 10000 --min-gain 0.2 --patience 2 --workers 8"
{ python3 $COMPARE --out "$OUT/frozen" --modes frozen --train-videos 20000 --pretrain-augmentations 8 \
      --deadline "$BUDGET"
  python3 $COMPARE --out "$OUT/fine_tune" --modes fine_tune --train-videos 10000 --deadline $((BUDGET - SECONDS))
} 2>&1 | quiet > "$OUT/log_compare.txt" &
python3 experiments/shan2017/finetune_probe.py --out "$OUT" --mnist .gpu/mnist.npz --pretrain-digits 60000 \
    --pretrain-epochs 4 --pretrain-batch-size 128 --videos 20000 --steps 400 --learning-rates 1e-3 \
    --lstm-paths plain cudnn 2>&1 | quiet > "$OUT/log_probe.txt" \
    && python3 -m pytest -q -p no:cacheprovider tests/models/attention_lstm/test_frame_encoders.py -k cudnn \
    2>&1 | quiet >> "$OUT/log_probe.txt" \
    && for path in plain cudnn; do  # the GPU's gradient against the same machine's CPU, from the same weights
        python3 experiments/shan2017/gradient_check.py --out /tmp/g_gpu.npz --lstm-path $path \
        && JAX_PLATFORMS=cpu python3 experiments/shan2017/gradient_check.py --out /tmp/g_cpu_$path.npz \
            --against /tmp/g_gpu.npz --lstm-path $path; done 2>&1 | quiet >> "$OUT/log_probe.txt" &
python3 experiments/shan2017/aim.py --out "$OUT" --mnist .gpu/mnist.npz --encoder lenet --pretrain-rotation \
    --pretrain-epochs 8 --matmul-precision highest --workers 4 --seconds "$BUDGET" --deadline "$BUDGET" 2>&1 \
    | quiet > "$OUT/log_aim_lenet.txt" &
while sleep 20; do  # the last line of each log now and then, so the caller sees progress
    [ $((SECONDS % 60)) -lt 20 ] && tail -qn1 "$OUT"/log_*.txt
    jobs -r | grep -q . || break
done
wait
tail -n 60 "$OUT"/log_*.txt
