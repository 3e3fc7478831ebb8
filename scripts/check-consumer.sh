#!/usr/bin/env bash
# Proof as a user: packs every package into a local folder, creates a console app OUTSIDE the repository with
# `dotnet new console`, adds the packages with `dotnet add package`, uses the README's first C# block as its
# Program.cs, and runs it with HOME pointing at an empty folder and no InfantCry environment variable, on a WAV and
# an Ogg recording (audio) and on one photo (faces). Each check is one test in the summary:
#   scripts/check-consumer.sh RESULT_JSON
# Needs the set-up's artifacts (models) and the asset folder (../shared or $INFANTCRY_ASSETS) for the inputs.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT_JSON=${1:-$ROOT/artifacts/test-results/consumer.json}
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
PKGS=$ROOT/artifacts/packages
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$ROOT/Directory.Build.props")-$(sed -n 's:.*<VersionSuffix>\(.*\)</VersionSuffix>.*:\1:p' "$ROOT/Directory.Build.props")
# A version of its own per run: a rebuilt package can never be mistaken for an older one of the same version in a
# NuGet cache (the app restores InfantCry's packages from the local folder only).
version=$version.check.$(date +%s)
skia=$(sed -n 's:.*Include="SkiaSharp" Version="\([^"]*\)".*:\1:p' "$ROOT/Directory.Packages.props")
passed=0; failed=0; checks=()
check() {  # check NAME CONDITION-EXIT-CODE DETAIL
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "[consumer] pass: $1"; checks+=("{\"name\": \"$1\", \"passed\": true}")
  else failed=$((failed + 1)); echo "[consumer] FAIL: $1: $3" >&2; checks+=("{\"name\": \"$1\", \"passed\": false}"); fi
}
finish() {
  mkdir -p "$(dirname "$OUT_JSON")"
  local IFS=,
  printf '{"passed": %d, "failed": %d, "skipped": 0, "checks": [%s]}\n' "$passed" "$failed" "${checks[*]}" > "$OUT_JSON"
  echo "[consumer] $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
trap 'rm -rf "${WORK:-}"' EXIT

# 1. Pack every runtime and model package (from the set-up's build and artifacts/models) into a local folder.
rm -rf "$PKGS"; mkdir -p "$PKGS"
if dotnet pack "$ROOT/InfantCry.sln" -c Release --no-build -o "$PKGS" -p:PackageVersion="$version" -nologo -v:q -clp:ErrorsOnly > "$ROOT/artifacts/pack.log" 2>&1; then rc=0; else rc=1; fi
check "dotnet pack makes every package" $rc "see artifacts/pack.log"
for p in InfantCry.Abstractions InfantCry.Onnx InfantCry.Audio InfantCry.Vision InfantCry.Models.Yamnet InfantCry.Models.CryDetector \
         InfantCry.Models.CryReason InfantCry.Models.FaceDetection InfantCry.Models.Pain InfantCry.Models.Dlib68; do
  [ -s "$PKGS/$p.$version.nupkg" ] || { check "package $p.$version.nupkg exists" 1 "not in $PKGS"; finish; exit 1; }
done
# The runtime packages hold code only; the models come in their own packages, each with its provenance manifest.
rc=0
listing() { unzip -l "$PKGS/$1.$version.nupkg" 2>/dev/null; }   # whole listings: grep -q on a pipe trips pipefail
for p in InfantCry.Audio InfantCry.Vision; do listing "$p" | awk '{print $NF}' | grep -E '\.(onnx|dat)$' > /dev/null && rc=1; done
for m in Yamnet:yamnet CryDetector:crydetector CryReason:cryreason FaceDetection:facedetection Pain:pain Dlib68:dlib68; do
  [ "$(listing "InfantCry.Models.${m%%:*}" | grep -c "models/${m#*:}.provenance.json")" -eq 1 ] || rc=1
done
[ "$(unzip -p "$PKGS/InfantCry.Models.Dlib68.$version.nupkg" InfantCry.Models.Dlib68.nuspec | grep -c '<requireLicenseAcceptance>true')" -eq 1 ] || rc=1
check "runtime packages carry no model; every model package carries its provenance manifest" $rc "see unzip -l"

# 2. A new console app outside the repository, packages added as a user adds them.
WORK=$(mktemp -d /tmp/infantcry-consumer.XXXXXX)
APP=$WORK/app
cat > "$WORK/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$PKGS" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <!-- Packages are restored into the app's own folder; third-party packages already in the user's cache are taken
       from there (InfantCry's, with this run's version, cannot be). -->
  <config><add key="globalPackagesFolder" value="$WORK/packages" /></config>
  <fallbackPackageFolders><add key="user" value="${NUGET_PACKAGES:-$HOME/.nuget/packages}" /></fallbackPackageFolders>
</configuration>
EOF
rc=0
(cd "$WORK" && dotnet new console -n ConsumerApp -o "$APP" --framework net10.0 > "$WORK/new.log" 2>&1) || rc=1
if [ $rc -eq 0 ]; then
  for p in InfantCry.Audio InfantCry.Models.CryReason InfantCry.Vision InfantCry.Models.FaceDetection; do
    (cd "$APP" && dotnet add package "$p" --version "$version" >> "$WORK/add.log" 2>&1) || rc=1
  done
  for p in SkiaSharp SkiaSharp.NativeAssets.Linux.NoDependencies; do
    (cd "$APP" && dotnet add package "$p" --version "$skia" >> "$WORK/add.log" 2>&1) || rc=1
  done
fi
check "dotnet new console + dotnet add package from the local folder" $rc "$(tail -5 "$WORK/add.log" "$WORK/new.log" 2>/dev/null)"

# 3. Program.cs is exactly the README's first C# block.
awk '/^```csharp/{inblock=1; next} inblock && /^```/{exit} inblock{print}' "$ROOT/README.md" > "$APP/Program.cs"
[ -s "$APP/Program.cs" ] && grep -q "CreateDefault" "$APP/Program.cs"; rc=$?
check "the README's first C# block is the app's Program.cs" $rc "README.md has no csharp block with CreateDefault"
(cd "$APP" && dotnet build -c Release -nologo -v:q -clp:ErrorsOnly > "$WORK/build.log" 2>&1); rc=$?
check "the app builds against the packed packages" $rc "$(tail -20 "$WORK/build.log")"
[ $rc -eq 0 ] || { finish; exit 1; }
BIN=$APP/bin/Release/net10.0
# YuNet too: the pain estimator's default front end (the rotation search) refines faces with it.
[ -s "$BIN/infantcry-models/yamnet.onnx" ] && [ -s "$BIN/infantcry-models/version-RFB-320.onnx" ] && [ -s "$BIN/infantcry-models/yunet_s_dynamic.onnx" ] \
  && [ -s "$BIN/infantcry-models/cryreason.provenance.json" ]; rc=$?
check "the model packages copy their files into the app's infantcry-models folder" $rc "$(ls "$BIN/infantcry-models" 2>&1)"

# 4. Run it as a user on a machine with only dotnet and the packages: empty HOME, no InfantCry variable.
# The WAV: the first of a dozen donateacry clips that the CLI hears as a cry, so the app's reason path is exercised too.
mapfile -t candidates < <(find "$ASSETS/data/donateacry/hungry" -name '*.wav' | sort | head -n 12)
wav=$(dotnet "$ROOT/samples/InfantCry.Cli/bin/Release/net10.0/infantcry.dll" classify --models "$ROOT/artifacts/models" --json "${candidates[@]}" 2>/dev/null \
  | python3 -c 'import json,sys; f=[x["file"] for x in json.load(sys.stdin)["files"] if x.get("isCry")]; print(f[0] if f else "")' 2>/dev/null)
[ -n "$wav" ] || wav=${candidates[0]}
ogg=$(find "$ASSETS/data/realworld/esc50/crying_baby" -name '*.ogg' | sort | head -n 1)
photo=$ASSETS/data/faces/bald_guys.jpg
cp "$wav" "$BIN/recording.wav"; cp "$ogg" "$BIN/clip.ogg"; cp "$photo" "$BIN/photo.jpg"
EMPTY=$WORK/home; mkdir -p "$EMPTY"
run() { (cd "$BIN" && env -i PATH="$PATH" HOME="$EMPTY" DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet ConsumerApp.dll "$@"); }
cli() { dotnet "$ROOT/samples/InfantCry.Cli/bin/Release/net10.0/infantcry.dll" classify --models "$ROOT/artifacts/models" --json "$1"; }
verdict() { python3 -c 'import json,sys; f=json.load(sys.stdin)["files"][0]; print("cry" if f["isCry"] else "no-cry")'; }
for input in recording.wav clip.ogg; do
  out=$(run "$input" 2>&1); rc=$?
  echo "[consumer] app on $input: $out"
  expected=$(cli "$BIN/$input" 2>/dev/null | verdict 2>/dev/null)
  case "$expected" in
    cry) grep -qE "^$input: crying; reason (Hungry|Discomfort|Tired|BellyPain|Burping) \([0-9]+ ?%\)\. .+" <<< "$out" || rc=1 ;;
    no-cry) grep -qE "^$input: no infant crying heard\.$" <<< "$out" || rc=1 ;;
    *) rc=1; out="$out (the CLI gave no verdict to compare with)" ;;
  esac
  check "the app classifies $input as the CLI does ($expected)" $rc "$out"
done
out=$(run photo.jpg 2>&1); rc=$?
echo "[consumer] app on photo.jpg: $out"
grep -qE "^photo\.jpg: [1-9][0-9]* face\(s\)$" <<< "$(head -n 1 <<< "$out")" || rc=1
check "the app finds the faces in a photo" $rc "$out"
out=$(cd "$BIN" && rm -rf infantcry-models.bak && mv infantcry-models infantcry-models.bak && run recording.wav 2>&1); rc=$?
(cd "$BIN" && mv infantcry-models.bak infantcry-models)
[ $rc -ne 0 ] && grep -q "dotnet add package InfantCry.Models" <<< "$out"; rc=$?
check "without the model files the error names the package to add" $rc "$out"
finish
