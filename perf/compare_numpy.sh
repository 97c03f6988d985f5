#!/usr/bin/env bash
# The engine and perf/numpy_rfhgn.py (the same method in NumPy) on the same .npz files, one table.
# usage: perf/compare_numpy.sh [OUT_DIR]   (needs a Release build: dotnet build Engine.sln -c Release, and the
#        NativeAOT hgn: dotnet cake --target=Native; NumPy from Debian: apt-get install -y python3-numpy; /usr/bin/python3)
# The engine runs twice per row: the NativeAOT executable build/native/bin/hgn (no JIT) and hgn.dll under the JIT.
# The speed-up is the NativeAOT one; the JIT column shows what the JIT's compilation adds to a one-off fit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
hgn="$root/build/native/bin/hgn"
jit="dotnet $root/src/Engine.Cli/bin/Release/net10.0/hgn.dll"
[ -x "$hgn" ] || { echo "no $hgn: build it with dotnet cake --target=Native" >&2; exit 1; }
py=/usr/bin/python3
$hgn generate --potential harmonic --out "$out/tr.npz" --test-out "$out/te.npz" --json > /dev/null 2>&1

row() { # label, engine train args..., --, numpy args...
  local label=$1; shift
  local eng=() np=()
  while [ "$1" != "--" ]; do eng+=("$1"); shift; done; shift
  np=("$@")
  $hgn train --data "$out/tr.npz" --out "$out/m.bin" --json "${eng[@]}" 2> /dev/null > "$out/t.json"
  $hgn evaluate --model "$out/m.bin" --data "$out/te.npz" --json 2> /dev/null > "$out/e.json"
  $jit train --data "$out/tr.npz" --out "$out/mj.bin" --json "${eng[@]}" 2> /dev/null > "$out/j.json"
  $py "$root/perf/numpy_rfhgn.py" --train "$out/tr.npz" --test "$out/te.npz" --json "${np[@]}" > "$out/n.json"
  $py - "$label" "$out" <<'PY'
import json, sys
label, out = sys.argv[1], sys.argv[2]
t, e, n, j = (json.load(open(f"{out}/{f}.json")) for f in ("t", "e", "n", "j"))
print(f"| {label} | {t['rows']} × {t['cols']} | {t['fit_seconds']:.2f} ({t['assembly_seconds']:.2f} / {t['solve_seconds']:.2f}) | {j['fit_seconds']:.2f} | {e['dydt_mse']:.2e} "
      f"| {n['fit_seconds']:.2f} ({n['assembly_seconds']:.2f} / {n['solve_seconds']:.2f}) | {n['test_dydt_mse']:.2e} | {n['fit_seconds'] / t['fit_seconds']:.1f}× |")
PY
}

echo "| model (3×3×3 harmonic lattice, method.md §4 data) | rows × cols | engine fit s (assembly / solve) | JIT hgn.dll fit s | engine test MSE | NumPy fit s (assembly / solve) | NumPy test MSE | speed-up |"
echo "|---|---|---|---|---|---|---|---|"
row "pair, 256 radial" --model pair -- --model pair --width 256
row "graph 128/128/1024" --model graph -- --model graph --width-node 128 --width-edge 128 --width-msg 1024
row "graph 128/256/1024 (issue-4 widths)" --model graph --width-edge 256 -- --model graph --width-node 128 --width-edge 256 --width-msg 1024
