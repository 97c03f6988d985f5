#!/usr/bin/env bash
# Cost per atom-step inside LAMMPS of a pair model learned by the engine, served through KIM (hgn export-kim), against
# LAMMPS's native lj/cut on the same argon system and a KIM SNAP model (openkim-models) on bcc Mo of similar size.
# Cost = LAMMPS "Loop time" / (atoms x steps), one MPI rank, one thread. Not a test: prints a table (and the raw logs'
# directory with --keep).
#
#   perf/kim_lammps_bench.sh [--keep]       # from the repository root, after `dotnet build -c Release` and
#                                           # `cmake -S . -B build/native && cmake --build build/native`
# Environment: HGN (the hgn executable; default the Release build), HGN_LIBRARY (default build/native/lib/libhgn.so.1),
# STEPS_LJ / STEPS_KIM / STEPS_SNAP (timed steps), WIDTH (radial features of the learned model, default 128).
set -euo pipefail

root=$(pwd)
HGN=${HGN:-$root/src/Engine.Cli/bin/Release/net10.0/hgn}
LIB=$(realpath "${HGN_LIBRARY:-$root/build/native/lib/libhgn.so.1}")
STEPS_LJ=${STEPS_LJ:-5000}
STEPS_KIM=${STEPS_KIM:-200}
STEPS_SNAP=${STEPS_SNAP:-100}
WIDTH=${WIDTH:-128}
NAME=RFHGN_BenchArgon__MO_000000000002_000
SNAP=SNAP_ChenDengTran_2017_Mo__MO_698578166685_000
for tool in lmp kim-api-collections-management /usr/bin/python3; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[ -x "$HGN" ] || { echo "no hgn at $HGN: dotnet build -c Release" >&2; exit 1; }
[ -f "$LIB" ] || { echo "no $LIB: cmake -S . -B build/native && cmake --build build/native" >&2; exit 1; }

work=$(mktemp -d /tmp/kim-bench-XXXXXX)
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$work"' EXIT
cd "$work"
export KIM_API_MODEL_DRIVERS_DIR=$work/collection/md KIM_API_PORTABLE_MODELS_DIR=$work/collection/pm KIM_API_SIMULATOR_MODELS_DIR=$work/collection/sm
mkdir -p "$KIM_API_MODEL_DRIVERS_DIR" "$KIM_API_PORTABLE_MODELS_DIR" "$KIM_API_SIMULATOR_MODELS_DIR"

# 1. Training data: LAMMPS lj/cut argon (the end-to-end test's system), 256 atoms, 41 snapshots.
cp "$root/native/examples/lammps/in.argon_data" in.data
lmp -in in.data -log log.data -screen none

# 2. Learn, export, install.
"$HGN" train --data md.lammpstrj --units metal --masses 1:39.948 --cutoff 8.5 --model pair --width "$WIDTH" \
  --seed 0 --out argon.model --json 2>/dev/null > train.json
# The species is renamed to Ar at export: its name in the model is the dump's label of LAMMPS type 1.
"$HGN" export-kim --model argon.model --name $NAME --out items --library "$LIB" --species-names 1:Ar --json 2>/dev/null > export.json
json() { /usr/bin/python3 -c "import json, sys; $1" "$2"; }   # JSON field access without jq (not installed by the build)
json 'print("\n".join(json.load(open(sys.argv[1]))["install_commands"]))' export.json | while read -r c; do sh -c "$c" > install.log 2>&1 || { cat install.log; exit 1; }; done

# 3. The timed runs: 500 argon atoms (fcc 5x5x5) with lj/cut and with the learned model; 432 Mo atoms (bcc 6x6x6)
# with SNAP through KIM. A short run first so neighbour-list setup and first-touch costs are outside the timed loop.
argon() { # $1 = pair lines file, $2 = steps, $3 = kim init line or ""
  cat <<IN
$3
$( [ -z "$3" ] && echo "units metal" )
atom_style atomic
boundary p p p
lattice fcc 5.26
region box block 0 5 0 5 0 5
create_box 1 box
create_atoms 1 box
mass 1 39.948
$(cat "$1")
velocity all create 90.0 4928459 loop geom
timestep 0.002
thermo 1000
fix 1 all nve
run 20
run $2
IN
}
printf 'pair_style lj/cut 8.5\npair_coeff 1 1 0.0104 3.40\npair_modify shift yes\n' > lj.pair
printf 'kim interactions Ar\n' > kim.pair
argon lj.pair "$STEPS_LJ" "" | sed 's/^atom_style/atom_style/' > in.lj
argon kim.pair "$STEPS_KIM" "kim init $NAME metal" | grep -v '^atom_style' > in.kim
cat > in.snap <<IN
kim init $SNAP metal
boundary p p p
lattice bcc 3.16
region box block 0 6 0 6 0 6
create_box 1 box
create_atoms 1 box
mass 1 95.95
kim interactions Mo
velocity all create 300.0 4928459 loop geom
timestep 0.001
thermo 1000
fix 1 all nve
run 5
run $STEPS_SNAP
IN

cost() { # $1 = input, $2 = label
  lmp -in "$1" -log "log.$1" -screen none
  local line; line=$(grep "^Loop time" "log.$1" | tail -1)
  echo "$line" | awk -v label="$2" '{ t = $4; steps = $9; atoms = $12;
    printf "%-44s %6d atoms %6d steps  loop %8.3f s  %9.3f us/atom-step\n", label, atoms, steps, t, 1e6 * t / (atoms * steps) }'
}
echo "# $(date -u +%Y-%m-%dT%H:%MZ)  $(lmp -h | sed -n 's/^Large-scale.*- //p' | head -1)  $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
cost in.lj   "argon, native lj/cut 8.5 A"
cost in.kim  "argon, learned pair model via KIM (width $WIDTH)"
cost in.snap "Mo, $SNAP via KIM"
echo "# model: $(json 'd = json.load(open(sys.argv[1])); print({k: d[k] for k in ("rank", "rows", "cols", "fit_seconds")})' train.json); logs in $work"
