#!/usr/bin/env bash
# Sets up (idempotent) and runs every test: the .NET test projects, the Python tests under training/tests and the
# packaged-SDK check (scripts/check-consumer.sh: a new console app against the packed packages).
# Ends with one line "N passed, N failed[, N skipped]".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/setup.sh" "$@" || { echo "0 passed, 1 failed"; exit 1; }
export INFANTCRY_ROOT=$ROOT INFANTCRY_ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
RESULTS=$ROOT/artifacts/test-results
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
status=0
dotnet test "$ROOT/InfantCry.sln" -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$RESULTS/dotnet" || status=1
if [ -d "$ROOT/training/tests" ]; then
  /usr/bin/python3 "$ROOT/scripts/run_python_tests.py" "$ROOT/training/tests" "$RESULTS/python.json" || status=1
fi
# The packages as a user meets them: packed, added to a new console app outside the repository, run with an empty HOME.
bash "$ROOT/scripts/check-consumer.sh" "$RESULTS/consumer.json" || status=1
/usr/bin/python3 "$ROOT/scripts/summarize_tests.py" "$RESULTS" || status=1
exit $status
