#!/usr/bin/env bash
# InfantCry set-up for a fresh Debian machine. Idempotent: every step checks before it works.
#   scripts/setup.sh [--assets DIR] [--no-build]
# Installs the Debian packages in scripts/apt-packages.txt, restores and builds the solution (ONNX Runtime, managed
# and native, comes from NuGet's Microsoft.ML.OnnxRuntime package like every other dependency), then runs the
# derived-asset steps in scripts/setup.d (model conversion, oracles, small trainings) into the ignored artifacts/ folder.
# It downloads nothing else.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --assets) ASSETS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "setup: unknown argument '$1' (use --assets DIR, --no-build)" >&2; exit 2 ;;
  esac
done
ASSETS=$(cd "$ASSETS" 2>/dev/null && pwd) || { echo "setup: asset folder '$ASSETS' not found; pass --assets DIR (see README, Assets)" >&2; exit 2; }
export INFANTCRY_ROOT=$ROOT INFANTCRY_ASSETS=$ASSETS
export INFANTCRY_ARTIFACTS=$ROOT/artifacts
export PYTHON=/usr/bin/python3   # Debian's python, where python3-torch lives (not a pyenv shim)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log() { echo "[setup] $*"; }

# 1. Debian packages
mapfile -t pkgs < <(grep -v -E '^\s*(#|$)' "$ROOT/scripts/apt-packages.txt")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

# 2. Restore and build (Release: tests, benchmarks and samples all run optimised code)
if [ $BUILD -eq 1 ]; then
  log "dotnet restore + build"
  dotnet build "$ROOT/InfantCry.sln" -c Release -nologo -clp:ErrorsOnly -v:q
  # The CLI as a command: artifacts/bin/infantcry (put artifacts/bin on PATH). It is also a .NET tool package
  # (dotnet pack samples/InfantCry.Cli; dotnet tool install --global --add-source <folder> infantcry).
  mkdir -p "$INFANTCRY_ARTIFACTS/bin"
  printf '#!/usr/bin/env bash\nexec dotnet "%s" "$@"\n' "$ROOT/samples/InfantCry.Cli/bin/Release/net10.0/infantcry.dll" > "$INFANTCRY_ARTIFACTS/bin/infantcry"
  chmod +x "$INFANTCRY_ARTIFACTS/bin/infantcry"
fi

# 3. Derived assets (each step is idempotent and writes only under artifacts/)
mkdir -p "$INFANTCRY_ARTIFACTS"
for step in "$ROOT"/scripts/setup.d/[0-9]*.sh; do
  [ -e "$step" ] || continue
  log "step $(basename "$step")"
  bash "$step"
done
log "done"
