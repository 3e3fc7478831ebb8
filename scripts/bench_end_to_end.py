"""Driver of scripts/bench-end-to-end.sh: runs the EndToEnd BenchmarkDotNet classes REPEATS times and writes the report.

Each repeat is its own BenchmarkDotNet run (a fresh host, its own processes per case) of AudioEndToEndBenchmarks and
PainEndToEndBenchmarks; PainStageBenchmarks (where a pain frame spends its time) runs once after the repeats. Per case
the report gives the median over the repeats of BenchmarkDotNet's median, the repeats' min-max and the allocation per
operation. Around every run it records the load average (before, after, highest seen) and the CPU time the rest of
the machine used while it ran (all busy CPU time in /proc/stat minus the run's own, from getrusage of its process tree),
and warns "not a quiet machine" when foreign CPU (other processes, or the hypervisor's steal) exceeded a quarter of
them. The load average during a run also counts the benchmark's own threads (1-2 on a 2-core machine), so it is
reported but not the test; and foreign CPU can only take what the run leaves (cores minus its own), hence the lower
limit. Runs stop early when the time budget would be exceeded; the report says what was skipped.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAIN_FILTERS = ["*EndToEnd.AudioEndToEndBenchmarks*", "*EndToEnd.PainEndToEndBenchmarks*"]
STAGE_FILTERS = ["*EndToEnd.PainStageBenchmarks*"]
ALLOC_NOTE = ("Allocation: managed bytes per operation. BDN = BenchmarkDotNet's MemoryDiagnoser, which divides by the operations of one "
              "iteration and misreads (even 0 B) when an iteration holds only one or two slow operations; set-up count = the benchmark's own "
              "count with GC.GetAllocatedBytesForCurrentThread over 5 clips or 8-24 frames. ONNX Runtime's native memory is in neither.")
CLIP_SECONDS = {"DonateacryWav8kHz": 6.94, "Esc50Ogg44kHz": 7.0}


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def machine():
    lscpu = {}
    for line in sh("lscpu").splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            lscpu[k.strip()] = v.strip()
    flags = lscpu.get("Flags", "").split()
    avx = sorted(f for f in flags if f.startswith("avx") or f in ("fma", "f16c"))
    props = open(os.path.join(ROOT, "Directory.Packages.props"), encoding="utf-8").read()
    ort = re.search(r'Include="Microsoft\.ML\.OnnxRuntime"\s+Version="([^"]+)"', props)
    bdn = re.search(r'Include="BenchmarkDotNet"\s+Version="([^"]+)"', props)
    status = sh("git", "status", "--porcelain", "--untracked-files=no")
    return {
        "cpu": lscpu.get("Model name", platform.processor() or "unknown"),
        "cpus": os.cpu_count(),
        "cores_per_socket": lscpu.get("Core(s) per socket"),
        "threads_per_core": lscpu.get("Thread(s) per core"),
        "sockets": lscpu.get("Socket(s)"),
        "hypervisor": lscpu.get("Hypervisor vendor"),
        "avx_flags": avx,
        "kernel": platform.release(),
        "os": sh("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "dotnet": sh("dotnet", "--version"),
        "onnxruntime": ort.group(1) if ort else "unknown",
        "benchmarkdotnet": bdn.group(1) if bdn else "unknown",
        "commit": sh("git", "rev-parse", "--short", "HEAD") + (" (uncommitted changes)" if status else ""),
    }


def loadavg():
    with open("/proc/loadavg", encoding="utf-8") as fh:
        return float(fh.read().split()[0])


def cpu_jiffies():
    """(busy, steal) jiffies over all CPUs: busy = user + nice + system + irq + softirq."""
    with open("/proc/stat", encoding="utf-8") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6], (v[7] if len(v) > 7 else 0)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_bdn(args, filters, name, timeout):
    """One BenchmarkDotNet run; returns its record (load, foreign CPU, wall time) and its parsed results."""
    out = os.path.join(args.work, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    cmd = [args.bench, "--filter", *filters, "--warmupCount", str(args.warmup), "--iterationCount", str(args.iterations),
           "--iterationTime", str(args.iteration_time), "--launchCount", "1", "--exporters", "json", "--artifacts", out]
    hz = os.sysconf("SC_CLK_TCK")
    rec = {"name": name, "filters": filters, "load_before": loadavg(), "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    samples, stop = [rec["load_before"]], threading.Event()

    def sample():
        while not stop.wait(2.0):
            samples.append(loadavg())

    sampler = threading.Thread(target=sample, daemon=True)
    busy0, steal0, own0, t0 = *cpu_jiffies(), children_cpu(), time.monotonic()
    sampler.start()
    with open(os.path.join(out, "run.log"), "w", encoding="utf-8") as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        try:
            rec["exit"] = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)   # the host and the case processes it started (same session)
            p.wait()
            rec["exit"] = "timeout after %d s" % timeout
    wall = time.monotonic() - t0
    stop.set()
    sampler.join()
    busy1, steal1, own1 = *cpu_jiffies(), children_cpu()
    rec.update({
        "seconds": round(wall, 1),
        "load_after": loadavg(),
        "load_max": max(samples),
        "own_cpu_cores": round((own1 - own0) / wall, 2),
        "foreign_cpu_cores": round(max(0.0, (busy1 - busy0) / hz - (own1 - own0)) / wall, 2),
        "steal_cores": round((steal1 - steal0) / hz / wall, 2),
        "log": os.path.relpath(os.path.join(out, "run.log"), ROOT),
    })
    rec["quiet"] = quiet(rec)
    return rec, parse_results(out)


def quiet(rec):
    """Quiet = other processes (and the hypervisor's steal) took at most a quarter of the CPUs during the run. The load
    average before a run is recorded but not used: it is a one-minute average that still carries the previous repeat's
    own load (this script runs its repeats back to back)."""
    cores = os.cpu_count()
    return rec["foreign_cpu_cores"] <= 0.25 * cores and rec["steal_cores"] <= 0.25 * cores


def setup_lines(out, tag):
    """(type, params) -> the numbers of the benchmark set-up's `// E2E-<tag>` line in run.log (the last one per case)."""
    found, case = {}, None
    with open(os.path.join(out, "run.log"), encoding="utf-8", errors="replace") as fh:
        for line in fh:
            h = re.match(r"^// Benchmark: (\w+)\..*\[(.*)\]\s*$", line)
            if h:
                case = (h.group(1), tuple(sorted(tuple(kv.split("=", 1)) for kv in h.group(2).split(", ") if "=" in kv)))
            a = re.match(r"^// E2E-" + tag + r"((?: [0-9.]+)+)\s*$", line)
            if a and case:
                found[case] = [float(v) for v in a.group(1).split()]
    return found


def parse_results(out):
    allocs = setup_lines(out, "ALLOC")
    latencies = setup_lines(out, "LATENCY")
    rows = []
    for path in glob.glob(os.path.join(out, "results", "*.json")):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        for b in data.get("Benchmarks", []):
            stats = b.get("Statistics") or {}
            if not stats.get("N"):
                continue
            params = dict(kv.split("=", 1) for kv in (b.get("Parameters") or "").split("&") if "=" in kv)
            rows.append({
                "type": b["Type"], "method": b["Method"], "title": b.get("MethodTitle", b["Method"]).strip("'"), "params": params,
                "median_ms": stats["Median"] / 1e6, "mean_ms": stats["Mean"] / 1e6, "stddev_ms": stats["StandardDeviation"] / 1e6, "n": stats["N"],
                "allocated_bytes": (b.get("Memory") or {}).get("BytesAllocatedPerOperation"),
                "setup_allocated_bytes": (allocs.get((b["Type"], tuple(sorted(params.items())))) or [None])[0],
                "latency_ms": latencies.get((b["Type"], tuple(sorted(params.items())))),
            })
    return rows


def key(r):
    return (r["type"], r["method"], tuple(sorted(r["params"].items())))


def aggregate(results):
    cases = {}
    for rows in results:
        for r in rows:
            c = cases.setdefault(key(r), {"type": r["type"], "method": r["method"], "title": r["title"], "params": r["params"], "medians_ms": [], "allocated_bytes": [], "setup_allocated_bytes": [], "latencies_ms": []})
            c["medians_ms"].append(r["median_ms"])
            if r["allocated_bytes"] is not None:
                c["allocated_bytes"].append(r["allocated_bytes"])
            if r["setup_allocated_bytes"] is not None:
                c["setup_allocated_bytes"].append(r["setup_allocated_bytes"])
            if r.get("latency_ms"):
                c["latencies_ms"].append(r["latency_ms"])
    for c in cases.values():
        m = c["medians_ms"]
        c.update({"median_ms": statistics.median(m), "min_ms": min(m), "max_ms": max(m), "repeats": len(m)})
        c["allocated"] = statistics.median(c["allocated_bytes"]) if c["allocated_bytes"] else None
        c["setup_allocated"] = statistics.median(c["setup_allocated_bytes"]) if c["setup_allocated_bytes"] else None
    return list(cases.values())


def slowest(c):
    """The set-up's slowest frame and 95th percentile (ms), medians over the repeats."""
    lat = c.get("latencies_ms") or []
    if not lat:
        return "-"
    return f"{ms(statistics.median(v[2] for v in lat))} ({ms(statistics.median(v[1] for v in lat))})"


def ms(x):
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}" if x >= 1 else f"{x:.3f}"


def size(b):
    if b is None:
        return "n/a"
    return f"{b / 1024 / 1024:.2f} MB" if b >= 1024 * 1024 else f"{b / 1024:.1f} KB" if b >= 1024 else f"{b:.0f} B"


def spread(c):
    return f"{ms(c['min_ms'])}-{ms(c['max_ms'])}" if c["repeats"] > 1 else "(1 run)"


def report(args, m, runs, cases, skipped, started, elapsed):
    limit, foreign_limit = 0.5 * m["cpus"], 0.25 * m["cpus"]
    noisy = [r for r in runs if not r["quiet"]]
    L = [f"# End-to-end speed: the 7 s audio clip and the 1280x720 pain frame",
         "",
         f"Generated by `scripts/bench-end-to-end.sh {args.repeats}` on {started} ({elapsed / 60:.1f} min); commit {m['commit']}.",
         f"Machine: {m['cpu']}, {m['cpus']} logical CPUs ({m['sockets']} socket(s) x {m['cores_per_socket']} core(s) x {m['threads_per_core']} thread(s)"
         + (f", {m['hypervisor']} guest" if m["hypervisor"] else "") + f"); {m['os']}, kernel {m['kernel']}.",
         f"SIMD flags: {' '.join(m['avx_flags']) or 'none'}.",
         f".NET SDK {m['dotnet']}, ONNX Runtime {m['onnxruntime']} (official Microsoft.ML.OnnxRuntime package, `InfantCry.Onnx`), BenchmarkDotNet {m['benchmarkdotnet']}.",
         f"Job per run: warmup {args.warmup}, {args.iterations} iterations of ~{args.iteration_time} ms, 1 launch; "
         f"{len([r for r in runs if r['name'].startswith('repeat')])} repeat(s) as separate BenchmarkDotNet runs. "
         "Figures: median over the repeats of each run's median; min-max over the repeats.",
         ""]
    if (args.warmup, args.iterations, args.iteration_time) != (3, 15, 250):
        L += ["**Short job** (E2E_WARMUP / E2E_ITERATIONS / E2E_ITERATION_TIME_MS changed from warmup 3, 15 iterations of 250 ms): a check of the script, not figures.", ""]
    if noisy:
        L += [f"**WARNING: not a quiet machine** during {', '.join(r['name'] for r in noisy)}: other processes (or the hypervisor's steal) "
              f"used more than {foreign_limit:g} CPUs during it; see the runs table. These timings are not a claim.", ""]
    if skipped:
        L += ["**Skipped** (time budget): " + "; ".join(skipped), ""]

    audio = sorted((c for c in cases if c["type"] == "AudioEndToEndBenchmarks"), key=lambda c: (c["params"].get("Input"), int(c["params"].get("IntraOpThreads", 0))))
    if audio:
        L += ["## Audio: a 7 s recording, file bytes in memory to cry verdict and reason",
              "",
              "`CryReasonClassifier.Classify(Stream)`: format sniffing, decoding, resampling to 16 kHz, YAMNet log-mel frontend, YAMNet, cry detector, "
              "cry-reason head (both clips are heard as a cry, so the head runs). `AudioEndToEndBenchmarks`.",
              "",
              "| input | intra-op threads | ms per clip (median) | min-max over repeats | x real time | allocated per clip (BDN) | allocated per clip (set-up count) |",
              "|---|---|---|---|---|---|---|"]
        for c in audio:
            inp = c["params"]["Input"]
            rt = CLIP_SECONDS.get(inp, 7.0) * 1000 / c["median_ms"]
            label = {"DonateacryWav8kHz": "donateacry WAV, 8 kHz PCM16, 6.94 s", "Esc50Ogg44kHz": "ESC-50 Ogg Vorbis, 44.1 kHz, 7.0 s"}.get(inp, inp)
            L.append(f"| {label} | {c['params']['IntraOpThreads']} | {ms(c['median_ms'])} | {spread(c)} | {rt:.0f}x | {size(c['allocated'])} | {size(c['setup_allocated'])} |")
        L += ["", ALLOC_NOTE, ""]

    pain = sorted((c for c in cases if c["type"] == "PainEndToEndBenchmarks"), key=lambda c: (c["params"].get("Face"), c["params"].get("RotationSearch"), int(c["params"].get("IntraOpThreads", 0))))
    if pain:
        L += ["## Pain: one 1280x720 RGB frame, steady state",
              "",
              "`PainLevelEstimator.Process(frame)`: UltraFace RFB-320, dlib's 68 landmarks, quality gate, alignment, encoder, 4-frame LSTM and states, "
              "an estimate on every frame. Rotation search: `PainEstimatorOptions.RotationSearch = RotationSearchOptions.Default` (the face followed from frame to frame; a search of its 18 passes starts every 30 frames, one pass a frame). "
              "Each invocation is 30 frames of a stream (one search period), reported per frame, so a figure is the stream's average. "
              "Frames/s = 1000 / ms per frame. Issue 14's target: >= 30 frames/s on one thread. `PainEndToEndBenchmarks`.",
              "",
              "| face | rotation search | intra-op threads | ms per frame (median) | min-max over repeats | frames/s | frames/s range | >= 30 frames/s | slowest frame, ms (p95) | allocated per frame (BDN) | allocated per frame (set-up count) |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
        for c in pain:
            fps = 1000 / c["median_ms"]
            rng = f"{1000 / c['max_ms']:.1f}-{1000 / c['min_ms']:.1f}" if c["repeats"] > 1 else "(1 run)"
            face = {"Photo": "photo (adult, dlib example)", "SyntheticInfant": "synthetic infant render"}.get(c["params"]["Face"], c["params"]["Face"])
            rot = "on" if c["params"]["RotationSearch"] == "True" else "off"
            L.append(f"| {face} | {rot} | {c['params']['IntraOpThreads']} | {ms(c['median_ms'])} | {spread(c)} | {fps:.1f} | {rng} | {'yes' if fps >= 30 else 'no'} | {slowest(c)} | {size(c['allocated'])} | {size(c['setup_allocated'])} |")
        L += ["", ALLOC_NOTE, "",
              "Slowest frame: the benchmark's set-up times 120 frames of the stream one by one (Stopwatch) after its warm-up; the "
              "column gives the slowest frame's milliseconds and, in brackets, the 95th percentile, as the median over the repeats "
              "(each repeat's own values in the JSON report).", ""]

    stages = [c for c in cases if c["type"] == "PainStageBenchmarks"]
    if stages:
        L += ["## Where a pain frame's time goes (one run, one intra-op thread)",
              "",
              "Each stage of the estimator on its own on the same 1280x720 frame (`PainStageBenchmarks`); share = stage / whole upright frame. "
              "The upright stages add up to about the whole frame; with the rotation search the face is followed (one refinement a frame) and the 18 passes run one a frame over 18 of every 30 frames (all at once only when the face is lost).",
              ""]
        faces = sorted({c["params"]["Face"] for c in stages})
        L += ["| stage | " + " | ".join(f"{f}: ms | {f}: share" for f in faces) + " |", "|---|" + "---|---|" * len(faces)]
        order = ["Frame", "DetectUpright", "Letterbox1280x720", "DetectRotating", "Landmarks", "Quality", "Align", "Encoder", "Sequence"]
        by = {(c["params"]["Face"], c["method"]): c for c in stages}
        for meth in order:
            cells, title = [], meth
            for f in faces:
                c, whole = by.get((f, meth)), by.get((f, "Frame"))
                if c:
                    title = c["title"]
                    cells += [ms(c["median_ms"]), f"{100 * c['median_ms'] / whole['median_ms']:.0f}%" if whole else "n/a"]
                else:
                    cells += ["n/a", "n/a"]
            L.append(f"| {title} | " + " | ".join(cells) + " |")
        extra = []
        for f in faces:
            rot, up = by.get((f, "DetectRotating")), by.get((f, "DetectUpright"))
            d = rot["median_ms"] - 18 * up["median_ms"] if rot and up else None
            extra += [("n/a" if d is None else ms(d) if d >= 0 else "< 0 (noise)"), f"{100 * d / by[(f, 'Frame')]['median_ms']:.0f}%" if d and d > 0 and (f, "Frame") in by else "n/a"]
        L.append("| rotation search beyond 18 upright detections (turned copies, merging) | " + " | ".join(extra) + " |")
        L.append("")

    L += ["## Runs", "",
          f"Load average = 1-minute load (it includes the benchmark's own threads); foreign CPU = CPU time used by other processes during the run, in cores "
          f"(all busy time minus the run's own; it can only take what the run leaves). Quiet = load before <= {limit:g} and foreign CPU <= {foreign_limit:g}.",
          "",
          "| run | started (UTC) | wall s | load before | load after | load max | own CPU (cores) | foreign CPU (cores) | steal (cores) | quiet | exit |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        L.append(f"| {r['name']} | {r['started']} | {r['seconds']} | {r['load_before']:.2f} | {r['load_after']:.2f} | {r['load_max']:.2f} | {r['own_cpu_cores']} | "
                 f"{r['foreign_cpu_cores']} | {r['steal_cores']} | {'yes' if r['quiet'] else '**no**'} | {r['exit']} |")
    L += ["", f"BenchmarkDotNet logs and JSON: `{os.path.relpath(args.work, ROOT)}/<run>/` (not committed).", ""]

    os.makedirs(os.path.dirname(args.report), exist_ok=True)
    with open(args.report, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L))
    with open(os.path.splitext(args.report)[0] + ".json", "w", encoding="utf-8") as fh:
        json.dump({"generated": started, "seconds": round(elapsed, 1), "machine": m, "job": {"warmup": args.warmup, "iterations": args.iterations, "iteration_time_ms": args.iteration_time},
                   "quiet_limits": {"load_before": limit, "foreign_cpu_cores": foreign_limit}, "runs": runs, "skipped": skipped,
                   "cases": [{k: v for k, v in c.items()} | {"frames_per_second": 1000 / c["median_ms"] if c["type"] == "PainEndToEndBenchmarks" else None} for c in cases]},
                  fh, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", help="the built InfantCry.Benchmarks executable (Release)")
    ap.add_argument("--work", help="folder for BenchmarkDotNet's artifacts")
    ap.add_argument("--rereport", metavar="JSON", help="write the report again from an earlier run's JSON (the quiet rule applied again); runs nothing")
    ap.add_argument("--report", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--iteration-time", type=int, default=250, help="ms per BenchmarkDotNet iteration")
    ap.add_argument("--budget", type=float, default=840, help="seconds for all runs; a run that would not fit is skipped")
    ap.add_argument("--stages", choices=["yes", "no"], default="yes", help="also run PainStageBenchmarks once")
    args = ap.parse_args()
    if args.rereport:
        with open(args.rereport, encoding="utf-8") as fh:
            data = json.load(fh)
        args.warmup, args.iterations, args.iteration_time = data["job"]["warmup"], data["job"]["iterations"], data["job"]["iteration_time_ms"]
        args.repeats = len([r for r in data["runs"] if r["name"].startswith("repeat")])
        args.work = args.work or os.path.join(ROOT, "artifacts", "reports", "end-to-end-runs")
        for r in data["runs"]:
            r["quiet"] = quiet(r)
        cases = [{k: v for k, v in c.items() if k != "frames_per_second"} for c in data["cases"]]
        report(args, data["machine"], data["runs"], cases, data["skipped"], data["generated"], data["seconds"])
        print(f"bench-end-to-end: rewrote {os.path.relpath(args.report, ROOT)} and .json from {args.rereport}")
        return 0
    if not args.bench or not args.work:
        ap.error("--bench and --work are required (unless --rereport)")
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    t0 = time.monotonic()
    m = machine()
    runs, results, stage_results, skipped = [], [], [], []
    plan = [("repeat%d" % (i + 1), MAIN_FILTERS) for i in range(args.repeats)] + ([("stages", STAGE_FILTERS)] if args.stages == "yes" else [])
    estimate = None
    for name, filters in plan:
        left = args.budget - (time.monotonic() - t0)
        need = estimate * (1.4 if name == "stages" else 1.0) if estimate else 0
        if left < 60 or left < need:
            skipped.append(f"{name} (needed ~{need:.0f} s, {left:.0f} s left)")
            continue
        print(f"bench-end-to-end: {name} ({', '.join(filters)}), load {loadavg():.2f}, {left:.0f} s of budget left", flush=True)
        rec, rows = run_bdn(args, filters, name, timeout=int(left))
        runs.append(rec)
        (stage_results if name == "stages" else results).append(rows)
        if name != "stages":
            estimate = rec["seconds"]
        print(f"bench-end-to-end: {name} took {rec['seconds']} s, {len(rows)} cases, load {rec['load_before']:.2f} -> {rec['load_after']:.2f}, "
              f"foreign CPU {rec['foreign_cpu_cores']} cores{'' if rec['quiet'] else '  (not a quiet machine)'}", flush=True)
    cases = aggregate(results) + aggregate(stage_results)
    report(args, m, runs, cases, skipped, started, time.monotonic() - t0)
    print(f"bench-end-to-end: wrote {os.path.relpath(args.report, ROOT)} and .json ({(time.monotonic() - t0) / 60:.1f} min)")
    return 0 if cases else 1


if __name__ == "__main__":
    raise SystemExit(main())
