#!/usr/bin/env bash
# NativeAOT build of the CLI: publishes samples/InfantCry.Cli with PublishAot=true for this machine's RID, then
# classifies one clip with the native binary and reports its size and start-up time (`infantcry info`, 10 runs,
# /usr/bin/time) into artifacts/reports/aot.md. Not part of the tests (a few minutes of compiling).
#   scripts/publish-aot.sh [--assets DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
[ "${1:-}" = "--assets" ] && ASSETS=$2
OUT=$ROOT/artifacts/aot
REPORT=$ROOT/artifacts/reports/aot.md
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v clang >/dev/null || { echo "publish-aot: NativeAOT links with clang (Debian 'clang', installed by scripts/setup.sh)" >&2; exit 2; }
rid=$(dotnet --info | awk '/^ *RID:/ && !r { r = $2 } END { print r }')   # reads all: no SIGPIPE under pipefail
start=$(date +%s)
rm -rf "$OUT"
dotnet publish "$ROOT/samples/InfantCry.Cli/InfantCry.Cli.csproj" -c Release -r "$rid" -p:PublishAot=true -o "$OUT" -nologo -v:q \
  > "$ROOT/artifacts/aot-publish.log" 2>&1 || { tail -30 "$ROOT/artifacts/aot-publish.log" >&2; exit 1; }
publish_s=$(( $(date +%s) - start ))
warnings=$(grep -cE "warning (IL|AOT)" "$ROOT/artifacts/aot-publish.log" || true)
bin=$OUT/infantcry
size=$(stat -c %s "$bin")
clip=$(find "$ASSETS/data/donateacry/hungry" -name '*.wav' | sort | sed -n 1p)
"$bin" classify --models "$ROOT/artifacts/models" --json "$clip" > "$OUT/classify.json"
python3 - "$OUT/classify.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["files"][0]
assert "isCry" in f and "error" not in f, f
print(f"[aot] classify: isCry={f['isCry']} cryScore={f['cryScore']:.4f}")
PY
times=()
for i in $(seq 10); do
  t=$( { /usr/bin/time -f "%e %M" "$bin" info --models "$ROOT/artifacts/models" > /dev/null; } 2>&1 | tail -n 1)
  times+=("$t")
done
mkdir -p "$(dirname "$REPORT")"
python3 - "$REPORT" "$size" "$publish_s" "$warnings" "$rid" "${times[@]}" <<'PY'
import statistics, sys, datetime, platform, subprocess
report, size, publish_s, warnings, rid, *times = sys.argv[1:]
wall = sorted(float(t.split()[0]) for t in times)
rss = sorted(int(t.split()[1]) for t in times)
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
text = f"""# NativeAOT CLI ({datetime.date.today()}, {cpu}, {rid})

| | value |
|---|---|
| binary size (`infantcry`, without the ONNX Runtime library beside it) | {int(size)/1e6:.1f} MB |
| publish time | {publish_s} s |
| IL/AOT warnings in the publish | {warnings} |
| `infantcry info` wall time, 10 runs: median (min-max) | {statistics.median(wall)*1000:.0f} ms ({wall[0]*1000:.0f}-{wall[-1]*1000:.0f}) |
| its peak RSS, median | {statistics.median(rss)/1024:.0f} MB |

The binary classified a donateacry clip (see `artifacts/aot/classify.json`).
"""
open(report, "w").write(text)
print(text)
PY
