#!/usr/bin/env bash
# The GPU check of issue #10, one script: builds the CUDA jar, then on cuda:0
#   1. raw ONNX Runtime CUDA at batch 1…256 beside the micro-batcher with 32 and 256 callers
#      (`fusion-cds bench --parts inference`),
#   2. the same on cpu with the same jar (the CPU fallback: identical answers, its own figures),
#   3. the hook benchmark with the service on cuda:0 (`--parts hook`),
#   4. the cuda:0 service's answers against the cpu service's for the demo patients
#      (`demo`, whose result keys do not depend on the device).
# Needs: an NVIDIA driver, CUDA 12 and cuDNN 9 libraries on the loader path (what ONNX Runtime
# 1.29's onnxruntime_gpu was built against), Java 17, Maven with access to Maven Central (or a
# local repository that already holds onnxruntime_gpu 1.29.0), the repository's models/.
# Usage, from the repository root:  deploy/gpu/cuda-check.sh [OUT_DIR]   (default target/gpu-check)
# Every command's output goes to OUT_DIR/*.txt; the summary lines go to stdout too.
#        deploy/gpu/cuda-check.sh --preflight [OUT_DIR]   only checks the machine (no build, no run):
#        the driver, Java, Maven, and the CUDA 12 / cuDNN 9 libraries the CUDA provider loads.
set -euo pipefail
preflight=false
if [ "${1:-}" = "--preflight" ]; then preflight=true; shift; fi
out="${1:-target/gpu-check}"
mkdir -p "$out"
log() { echo "== $*" | tee -a "$out/summary.txt"; }

# What ONNX Runtime's CUDA provider (onnxruntime_gpu 1.29.0) needs at load time, by soname.
needed_libs="libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcurand.so.10 libcudnn.so.9"
check_machine() {
  local missing=0 lib where
  if command -v java >/dev/null; then
    log "java: $(java -version 2>&1 | head -1)"
  else
    log "MISSING java (17 or newer)"; missing=1
  fi
  if command -v mvn >/dev/null; then log "maven: $(mvn -v -B 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"; else log "MISSING mvn (or build the jar elsewhere)"; missing=1; fi
  for lib in $needed_libs; do
    where=$( (ldconfig -p 2>/dev/null | awk -v l="$lib" '$1==l {print $NF; exit}') || true)
    [ -z "$where" ] && for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }}; do [ -e "$d/$lib" ] && where="$d/$lib" && break; done
    if [ -n "$where" ]; then log "found $lib: $where"; else log "MISSING $lib"; missing=1; fi
  done
  # Other CUDA majors present, to say why a 12 is missing (a CUDA 13 image, say).
  ldconfig -p 2>/dev/null | grep -oE 'lib(cudart|cublasLt|cudnn)\.so\.[0-9]+' | sort -u | sed 's/^/present: /' | tee -a "$out/summary.txt" || true
  return $missing
}

log "$(date -u +%FT%TZ) $(uname -srm), $(nproc) cores"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$out/summary.txt"
else
  log "nvidia-smi not found: the runs below will fall back to cpu and say so"
fi

if ! check_machine; then
  log "this machine lacks what the CUDA provider needs (MISSING above); the runs below would fall back to cpu"
  $preflight && exit 2
fi
$preflight && { log "preflight passed"; exit 0; }

log "build: mvn -B -Pcuda -DskipTests package"
mvn -B -q -Pcuda -DskipTests package >"$out/build.txt" 2>&1
jar=target/fusion-cds.jar
unzip -l "$jar" | grep -c 'libonnxruntime_providers_cuda' | sed 's/^/CUDA provider libraries in the jar: /' | tee -a "$out/summary.txt"

bench() { # name, then bench arguments
  local name="$1"; shift
  log "bench $*"
  java -jar "$jar" bench "$@" >"$out/$name.txt" 2>"$out/$name.log"
  grep -E 'inference, |batch|callers |median\(a\)|^ +[0-9]+ +[0-9]' "$out/$name.txt" | tee -a "$out/summary.txt" || true
  grep -m1 -i 'falling back to cpu' "$out/$name.log" | tee -a "$out/summary.txt" || true
}

batches=1,2,4,8,16,32,64,128,256
bench inference-cuda --device cuda:0 --parts inference --raw-batches "$batches" --callers 32 --batch-max-size 256 --seconds 5
bench inference-cuda-256 --device cuda:0 --parts inference --raw-batches 256 --callers 256 --batch-max-size 256 --seconds 5
bench inference-cpu --device cpu --parts inference --callers 32 --seconds 5
bench hook-cuda --device cuda:0 --parts hook

log "demo on cuda:0 and on cpu: same answers"
FCDS_INFERENCE_DEVICE=cuda:0 java -jar "$jar" demo >"$out/demo-cuda.txt" 2>"$out/demo-cuda.log"
FCDS_INFERENCE_DEVICE=cpu java -jar "$jar" demo >"$out/demo-cpu.txt" 2>"$out/demo-cpu.log"
grep -iE 'cuda|probability' "$out/demo-cuda.txt" | head -5 | tee -a "$out/summary.txt" || true
log "done: $out"
