#!/usr/bin/env bash
# Trains nodule-ct's graphs on a GPU machine from the packed tensors (README.md, "On a GPU"):
#   gpu_train.sh STAGE OUT RUN...     RUN: SEED or SEED:LR or SEED:LR:ENCODER (filters, cnn or maps)        [TRAIN_DEVICE=cpu to try it without a GPU; PYTHON=/usr/bin/python3; more train.py options in TRAIN_ARGS]
# STAGE holds nodule.tar.xz.part-* (t-train/ and t-val/ with volume.u8.npy), unpacked once into
# STAGE/data; each RUN trains in its own process on the one GPU, writing OUT/w-RUN.npz (weights,
# Platt, late weight) and OUT/train-RUN.log (':' written '_'). Needs python3 with PyTorch (CUDA) and numpy; nothing is downloaded.
set -euo pipefail
stage="$1"; out="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out" "$stage/data"
[ -d "$stage/data/t-val" ] || cat "$stage"/nodule.tar.xz.part-* \
  | python3 -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer)" \
  | tar -x -C "$stage/data"
ls -la "$stage/data/t-train" "$stage/data/t-val" | tee "$out/data.txt"
"${PYTHON:-python3}" -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no cuda')" | tee -a "$out/data.txt"
export CUBLAS_WORKSPACE_CONFIG=:4096:8 PYTHONUNBUFFERED=1
pids=()
for run in "$@"; do
  IFS=: read -r seed lr encoder <<<"$run"
  tag="${run//:/_}"
  NODULE_ENCODER="${encoder:-filters}" "${PYTHON:-python3}" "$here/train.py" --train "$stage/data/t-train" \
    --val "$stage/data/t-val" --out "$out" --seed "$seed" ${lr:+--lr "$lr"} ${TRAIN_ARGS:-} \
    --device "${TRAIN_DEVICE:-cuda}" --save-weights "$out/w-$tag.npz" >"$out/train-$tag.log" 2>&1 &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=$?; done
grep -h -E '"val_auroc"|"train_seconds"|Error' "$out"/train-*.log || true
exit $rc
