#!/bin/sh
# The NativeAOT hgn (build/native/bin/hgn) against the JIT-compiled hgn.dll: on the same small lattice both must
# train bit-identical graph and pair models, and the AOT binary's JSON outputs and error exits must work (no
# reflection that NativeAOT trimmed away).  usage: test_cli_aot.sh AOT_HGN JIT_HGN_DLL
set -eu
aot=$1
jit=$2
if [ ! -f "$jit" ]; then echo "SKIP: $jit not built (run dotnet build Engine.sln -c Release)"; exit 77; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$aot" generate --trajectories 3 --snapshots 5 --out "$work/d.npz" --json > "$work/g.json"
grep -q '"ok":true' "$work/g.json" || fail "generate --json: $(cat "$work/g.json")"
for model in graph pair; do
  "$aot" train --model "$model" --data "$work/d.npz" --out "$work/aot.bin" --json > "$work/t.json"
  grep -q '"ok":true' "$work/t.json" || fail "train --model $model --json: $(cat "$work/t.json")"
  dotnet "$jit" train --model "$model" --data "$work/d.npz" --out "$work/jit.bin" > /dev/null 2>&1
  cmp "$work/aot.bin" "$work/jit.bin" || fail "$model: the NativeAOT and JIT builds wrote different models"
  "$aot" evaluate --model "$work/aot.bin" --data "$work/d.npz" --json > "$work/e.json"
  grep -q '"dydt_mse"' "$work/e.json" || fail "evaluate --json: $(cat "$work/e.json")"
done
# A bad input is a clear error with exit code 1 and ok:false, not a crash.
if "$aot" train --data "$work/missing.npz" --out "$work/x.bin" --json > "$work/bad.json" 2> /dev/null; then
  fail "train on a missing file exited 0"
fi
grep -q '"ok":false' "$work/bad.json" || fail "missing file: $(cat "$work/bad.json")"
"$aot" --help | grep -q "export-kim" || fail "--help does not list the commands"
echo "PASS: NativeAOT hgn writes the JIT build's models bit for bit (graph, pair)"
