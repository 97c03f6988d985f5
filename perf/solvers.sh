#!/usr/bin/env bash
# The solver rows of perf/RESULTS.md: each solver on the default 3D lattice (graph and pair) and on Lennard-Jones.
# usage: perf/solvers.sh [OUT_DIR] [SOLVERS...]   (needs a Release build: dotnet build Engine.sln -c Release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d)}"; shift || true
solvers=("${@:-gelsd sketch auto}")
mkdir -p "$out"
hgn="dotnet $root/src/Engine.Cli/bin/Release/net10.0/hgn.dll"
[ -f "$out/tr.npz" ] || $hgn generate --potential harmonic --out "$out/tr.npz" --test-out "$out/te.npz" --json > /dev/null 2>&1
[ -f "$out/lj.tr.npz" ] || $hgn generate --system lj --particles 256 --trajectories 5 --snapshots 10 --test-trajectories 1 \
  --out "$out/lj.tr.npz" --test-out "$out/lj.te.npz" --json > /dev/null 2>&1

row() { # label, train data, test data, train args...
  local label=$1 tr=$2 te=$3; shift 3
  $hgn train --data "$tr" --out "$out/m.bin" --json "$@" 2> /dev/null > "$out/t.json"
  $hgn evaluate --model "$out/m.bin" --data "$te" --json 2> /dev/null > "$out/e.json"
  python3 - "$label" "$out" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
label, out, load = sys.argv[1], sys.argv[2], sys.argv[3]
t, e = (json.load(open(f"{out}/{f}.json")) for f in ("t", "e"))
it = t['solver_iterations'] or '—'
fs = f"{t['solver_factor_seconds']:.2f}" if t['solver'] == 'sketch' else '—'
print(f"| {label} | {t['rows']} × {t['cols']} | {t['solver_requested']} → {t['solver']} | {t['rank']} | {t['condition_estimate']:.1e} "
      f"| {t['relative_residual']:.3e} | {it} | {t['assembly_seconds']:.2f} | {t['solve_seconds']:.2f} ({fs}) | {t['fit_seconds']:.2f} | {e['dydt_mse']:.2e} | {load} |")
PY
}

echo "| run | rows × cols | solver (asked → used) | rank | cond. estimate | relative residual | CGLS iterations | assembly s | solve s (sketch + QR + pivoted QR s) | fit s | test MSE | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for s in ${solvers[@]}; do
  row "graph 128/128/1024" "$out/tr.npz" "$out/te.npz" --model graph --solver "$s"
  row "graph 128/256/1024" "$out/tr.npz" "$out/te.npz" --model graph --width-edge 256 --solver "$s"
  row "pair 256" "$out/tr.npz" "$out/te.npz" --model pair --solver "$s"
  row "LJ 256 particles, pair 256" "$out/lj.tr.npz" "$out/lj.te.npz" --model pair --solver "$s"
done
