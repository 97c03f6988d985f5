#!/usr/bin/env bash
# Training-time and peak-memory scaling of the pair model on Lennard-Jones data: particles 10^3..10^6, snapshots 2..128.
# Usage: perf/scaling/run.sh [WORKDIR]   (from the repository root; WORKDIR holds the generated .npz, default /tmp/hgn-scaling)
# Writes perf/scaling/points.csv, points.json and scaling.svg. Needs /usr/bin/time (Debian package `time`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-/tmp/hgn-scaling}
OUT="$ROOT/perf/scaling"
WIDTH=${WIDTH:-32}                       # radial features: cols = width + 2 (kinetic + θ₀)
PARTICLES=${PARTICLES:-"1000 10000 100000 1000000"}
SNAPSHOT_SERIES=${SNAPSHOT_SERIES:-"2 8 32 128"}
SERIES_N=${SERIES_N:-10000}
mkdir -p "$WORK"
dotnet build "$ROOT/src/Engine.Cli" -c Release -v quiet -nologo >/dev/null
HGN="$ROOT/src/Engine.Cli/bin/Release/net10.0/hgn"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

CSV="$OUT/points.csv"
echo "series,particles,snapshots,rows,cols,fit_seconds,sampling_seconds,assembly_seconds,solve_seconds,peak_rss_mb,data_mb,simulate_seconds,loadavg" > "$CSV"

# One point: generate N particles × S snapshots (one trajectory, 10 thermostatted equilibration steps from the
# jittered FCC start, snapshots 5 MD steps of 5e-3 apart), then train the pair model with the streamed Cholesky
# solver under /usr/bin/time; peak RSS is the maximum resident set of the training process.
point() {
  local series=$1 n=$2 s=$3
  local data="$WORK/lj_${n}_${s}.npz"
  local gen
  gen=$("$HGN" generate --system lj --particles "$n" --trajectories 1 --snapshots "$s" --equilibration 10 \
        --dt 0.025 --substeps 5 --seed 1 --out "$data" --json 2>/dev/null)
  local sim; sim=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["simulate_seconds"])' "$gen")
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local json
  json=$(/usr/bin/time -f "%M" -o "$WORK/rss.txt" "$HGN" train --data "$data" --model pair --solver cholesky \
         --width "$WIDTH" --out "$WORK/model.bin" --json 2>/dev/null)
  local rss_kb; rss_kb=$(tail -n1 "$WORK/rss.txt")
  python3 - "$json" "$series" "$n" "$s" "$rss_kb" "$sim" "$load" >> "$CSV" <<'PY'
import json, sys
j = json.loads(sys.argv[1]); series, n, s, rss_kb, sim, load = sys.argv[2:]
data_mb = 4 * int(s) * int(n) * 3 * 8 / 2**20          # Q, P, dq, dp as float64
print(f"{series},{n},{s},{j['rows']},{j['cols']},{j['fit_seconds']:.4f},{j['sampling_seconds']:.4f},"
      f"{j['assembly_seconds']:.4f},{j['solve_seconds']:.4f},{int(rss_kb)/1024:.1f},{data_mb:.1f},{float(sim):.2f},{load}")
PY
  tail -n1 "$CSV" >&2
  rm -f "$data"
}

for n in $PARTICLES; do point particles "$n" 2; done
for s in $SNAPSHOT_SERIES; do point snapshots "$SERIES_N" "$s"; done
python3 "$OUT/plot.py" "$CSV" "$OUT/points.json" "$OUT/scaling.svg"
