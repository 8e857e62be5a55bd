#!/usr/bin/env bash
# Every speed workload, side by side on this machine: StaticNet on each vector path beside ONNX Runtime, the hand-tuned
# floor (../shared/tools/floor) per path, and PyTorch 1.13 + OpenBLAS with 1 and 2 threads when Debian's python3-torch is
# installed (see ../shared/bench/README.md). Leaves JSON files in a folder and draws docs/performance.png from them.
#   bash tests/StaticNet.Benchmarks/compare.sh [results-folder]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/artifacts/performance}
mkdir -p "$out"
out=$(cd "$out" && pwd) # absolute: the PyTorch runs change directory
bench() { dotnet run -c Release --no-build --project "$root/tests/StaticNet.Benchmarks" -- "$@"; }
dotnet build -c Release "$root/tests/StaticNet.Benchmarks" --nologo -v quiet > /dev/null
lscpu | grep -E "Model name|^CPU\(s\)|Flags" | sed 's/Flags:.*\(avx512f\).*/AVX-512: yes/; s/Flags:.*/(flags)/' > "$out/cpu.txt"
bench --quick "$out/quick-default.json"
DOTNET_EnableAVX512=0 bench --quick "$out/quick-avx2.json"
DOTNET_EnableAVX2=0 bench --quick "$out/quick-128.json"
floor=$root/../shared/tools/floor
if [ -d "$floor" ]; then
  dotnet run -c Release --project "$floor" | tail -n 1 > "$out/floor-default.json"
  DOTNET_EnableAVX512=0 dotnet run -c Release --project "$floor" | tail -n 1 > "$out/floor-avx2.json"
  DOTNET_EnableAVX2=0 dotnet run -c Release --project "$floor" | tail -n 1 > "$out/floor-128.json"
fi
bench=$root/../shared/bench
ob=/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import torch" 2> /dev/null && [ -d "$bench" ]; then
  (cd "$bench" && OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=$ob /usr/bin/python3 torch_digits.py ../data/digits.csv.gz) > "$out/torch-digits.json"
  (cd "$bench" && OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=$ob /usr/bin/python3 torch_scale.py) > "$out/torch-scale.json"
  two=$(mktemp --suffix=.py)
  sed 's/set_num_threads(1)/set_num_threads(2)/' "$bench/torch_scale.py" > "$two"
  (cd "$bench" && OPENBLAS_NUM_THREADS=2 LD_LIBRARY_PATH=$ob /usr/bin/python3 "$two") > "$out/torch-scale-2threads.json"
  rm -f "$two"
fi
bench --plot "$out" "$root/docs/performance.png"
tail -n +1 "$out"/*.json
