#!/usr/bin/env bash
# The live monitor's figures (issue 15), in one run; writes artifacts/reports/monitor/report.md and report.json:
#   1. false alarms per hour at CryMonitorOptions.Default over real non-cry audio that the shipped detector's threshold
#      and calibration never saw: the Debian packages asterisk-core-sounds-en-wav, asterisk-moh-opsound-wav and
#      klettres-data minus the files the shipped configuration's inventory used (training/crydetector/used_files.py),
#      and the evaluation-only adult non-verbal folders (adult crying apart); one long stream per source;
#   2. onset latency (median, 95th percentile) and detection rate of real cries (ESC-50 crying_baby, donateacry) mixed
#      into real backgrounds (realworld household ambience, appliances, speech) at 20, 10 and 5 dB SNR;
#   3. the CPU share of one core of `infantcry monitor` on raw PCM paced in real time by ffmpeg (-re), 48 kHz stereo;
#   4. max RSS and throughput of `infantcry monitor` over a 10-hour file (an RF64 WAV of silence, sparse on disk).
# 1 and 2 run in tools/InfantCry.MonitorEvaluation through the SDK's streaming path (StreamingCryDetector -> CryMonitor).
# Not part of the tests. Measured: 16 min on the shared 2-core development machine at load 8-16 (the 10-hour file: 8 min).
#   scripts/eval-monitor.sh [--assets DIR] [--live-seconds 180] [--rss-hours 10 (0 skips)] [--donateacry-installs 60]
#                           [--snr 20,10,5] [--max-minutes-per-source M (a quick check; 0 = all, the figures)]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
LIVE_SECONDS=180
RSS_HOURS=10
INSTALLS=60
SNRS=20,10,5
MAX_MINUTES=0
while [ $# -gt 0 ]; do
  case "$1" in
    --assets) ASSETS=$2; shift 2 ;;
    --live-seconds) LIVE_SECONDS=$2; shift 2 ;;
    --rss-hours) RSS_HOURS=$2; shift 2 ;;
    --donateacry-installs) INSTALLS=$2; shift 2 ;;
    --snr) SNRS=$2; shift 2 ;;
    --max-minutes-per-source) MAX_MINUTES=$2; shift 2 ;;
    *) echo "eval-monitor: unknown option $1" >&2; exit 2 ;;
  esac
done
ASSETS=$(cd "$ASSETS" && pwd -P) || { echo "eval-monitor: asset folder not found" >&2; exit 2; }
ARTIFACTS=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
MODELS=$ARTIFACTS/models
OUT=$ARTIFACTS/reports/monitor
WORK=$OUT/work   # FIFO, event logs and the temporary long file
[ -f "$MODELS/yamnet.onnx" ] && [ -f "$MODELS/crydetector.json" ] || { echo "eval-monitor: $MODELS lacks yamnet.onnx or crydetector.json (run scripts/setup.sh)" >&2; exit 2; }
for tool in ffmpeg /usr/bin/time lscpu; do command -v "$tool" >/dev/null || { echo "eval-monitor: $tool not found (scripts/setup.sh installs it)" >&2; exit 2; }; done
mkdir -p "$OUT" "$WORK"
rm -f "$OUT/live.json" "$OUT/rss.json"
start=$(date +%s)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "eval-monitor: building (Release)"
dotnet build "$ROOT/tools/InfantCry.MonitorEvaluation/InfantCry.MonitorEvaluation.csproj" -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
dotnet build "$ROOT/samples/InfantCry.Cli/InfantCry.Cli.csproj" -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
EVAL="$ROOT/tools/InfantCry.MonitorEvaluation/bin/Release/net10.0/InfantCry.MonitorEvaluation"
CLI="$ROOT/samples/InfantCry.Cli/bin/Release/net10.0/infantcry"

load() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | tr -d '"')
kernel=$(uname -sr)
load_before=$(load)

echo "eval-monitor: files the shipped threshold and calibration used"
(cd "$ROOT/training" && /usr/bin/python3 -W ignore -m crydetector.used_files --assets "$ASSETS" --artifacts "$ARTIFACTS" --out "$OUT/used-files.json")

echo "eval-monitor: false alarms and onset latency (SDK streaming path)"
"$EVAL" run --models "$MODELS" --assets "$ASSETS" --used "$OUT/used-files.json" --out "$OUT/evaluation.json" \
  --snr "$SNRS" --donateacry-installs "$INSTALLS" --max-minutes-per-source "$MAX_MINUTES"

# CPU share while live: ffmpeg plays a real household recording in real time (-re) as 48 kHz stereo s16le into a FIFO;
# the monitor reads it as raw PCM. CPU time from /proc/PID/stat (utime + stime), sampled every second.
if [ "$LIVE_SECONDS" -gt 0 ]; then
  echo "eval-monitor: live CPU share over $LIVE_SECONDS s"
  LIVE_INPUT="$ASSETS/data/realworld/household_ambience/household_appliances/washing-machine.mp3"
  fifo="$WORK/live.pcm"
  rm -f "$fifo"; mkfifo "$fifo"
  tick=$(getconf CLK_TCK)
  cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '$1 != "Z" {print $12 + $13}'; }   # none once exited
  running() { [ -n "$(cpu_ticks "$1" || true)" ]; }
  ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$LIVE_INPUT" -t "$LIVE_SECONDS" -ac 2 -ar 48000 -f s16le -y "$fifo" &
  ff=$!
  t0=$(date +%s.%N)
  "$CLI" monitor - --pcm s16le --rate 48000 --channels 2 --models "$MODELS" <"$fifo" >"$WORK/live-events.jsonl" &
  mon=$!
  warm=15; steady_t=""; steady_c=""; last_t=""; last_c=""; ff_c=0; hwm=0
  while running "$mon"; do
    c=$(cpu_ticks "$mon" || true); now=$(date +%s.%N)
    if [ -n "$c" ]; then
      last_c=$c; last_t=$now
      h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$mon/status" 2>/dev/null || true)
      if [ -n "$h" ]; then hwm=$h; fi
      if [ -z "$steady_t" ] && awk -v a="$now" -v b="$t0" -v w="$warm" 'BEGIN { exit !(a - b >= w) }'; then steady_t=$now; steady_c=$c; fi
    fi
    f=$(cpu_ticks "$ff" || true); if [ -n "$f" ]; then ff_c=$f; fi
    sleep 1
  done
  wait "$mon"; wait "$ff" || true
  rm -f "$fifo"
  events=$(grep -c '"cry_started"' "$WORK/live-events.jsonl" || true)
  awk -v t0="$t0" -v st="$steady_t" -v sc="$steady_c" -v lt="$last_t" -v lc="$last_c" -v tick="$tick" -v ff="$ff_c" \
      -v hwm="$hwm" -v secs="$LIVE_SECONDS" -v warm="$warm" -v ev="${events:-0}" -v inp="realworld/household_ambience/household_appliances/washing-machine.mp3 (looped), 48 kHz stereo s16le" \
      -v cmd="ffmpeg -re -stream_loop -1 -i washing-machine.mp3 -t $LIVE_SECONDS -ac 2 -ar 48000 -f s16le FIFO; infantcry monitor - --pcm s16le --rate 48000 --channels 2 < FIFO" 'BEGIN {
    sw = lt - st; scpu = (lc - sc) / tick; tw = lt - t0; tcpu = lc / tick;
    printf "{\"command\": \"%s\", \"input\": \"%s\", \"seconds\": %d, \"warmup_s\": %d, \"steady_wall_s\": %.1f, \"steady_cpu_s\": %.2f, \"steady_share_percent\": %.2f, \"total_wall_s\": %.1f, \"total_cpu_s\": %.2f, \"total_share_percent\": %.2f, \"ffmpeg_cpu_s\": %.2f, \"ffmpeg_share_percent\": %.2f, \"max_rss_mb\": %.0f, \"events\": %d}\n",
      cmd, inp, secs, warm, sw, scpu, 100 * scpu / sw, tw, tcpu, 100 * tcpu / tw, ff / tick, 100 * (ff / tick) / tw, hwm / 1024, ev }' >"$OUT/live.json"
  cat "$OUT/live.json"
fi

# Memory and throughput over a long file: a sparse RF64 WAV of silence, read by the SDK's AudioReader, not paced.
if [ "$RSS_HOURS" != 0 ]; then
  echo "eval-monitor: $RSS_HOURS-hour file through infantcry monitor"
  long="$WORK/silence-${RSS_HOURS}h.wav"
  "$EVAL" silence --hours "$RSS_HOURS" --out "$long"
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/rss.time" "$CLI" monitor "$long" --models "$MODELS" >"$WORK/rss-events.jsonl"
  rm -f "$long"
  read -r wall user sys maxkb <"$WORK/rss.time"
  awk -v w="$wall" -v u="$user" -v s="$sys" -v m="$maxkb" -v h="$RSS_HOURS" 'BEGIN {
    printf "{\"command\": \"infantcry monitor silence-%sh.wav\", \"input\": \"48 kHz stereo 16-bit RF64 WAV of digital silence (sparse on disk)\", \"hours\": %s, \"wall_s\": %.1f, \"cpu_s\": %.1f, \"max_rss_mb\": %.0f, \"times_real_time\": %.1f}\n",
      h, h, w, u + s, m / 1024, h * 3600 / w }' >"$OUT/rss.json"
  cat "$OUT/rss.json"
fi

printf '{"cpu_model": "%s", "cores": %s, "kernel": "%s", "load_before": "%s", "load_after": "%s", "dotnet": "%s"}\n' \
  "$cpu_model" "$(nproc)" "$kernel" "$load_before" "$(load)" "$(dotnet --version)" >"$OUT/machine.json"
"$EVAL" report --dir "$OUT"
echo "eval-monitor: done in $(( $(date +%s) - start )) s; report in ${OUT#"$ROOT"/}/report.md"
