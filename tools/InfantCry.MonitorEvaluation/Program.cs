using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Monitoring;
using InfantCry.MonitorEvaluation;

// The live monitor's evaluation (issue 15), run by scripts/eval-monitor.sh:
//   run    --models DIR --assets DIR --used used.json --out evaluation.json [--debian-root /usr/share] [--snr 20,10,5]
//          [--donateacry-installs 60] [--max-minutes-per-source 0]
//   report --dir artifacts/reports/monitor   (evaluation.json + live.json, rss.json, machine.json -> report.json, report.md)
//   silence --hours 10 --out FILE.wav         (a 48 kHz stereo 16-bit RF64 WAV of digital silence, sparse on disk)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is not ("run" or "report" or "silence"))
{
    Console.Error.WriteLine("usage: InfantCry.MonitorEvaluation run|report|silence [options] (see scripts/eval-monitor.sh)");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Get(string name, string? fallback = null) =>
    options.TryGetValue(name, out string? v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");

if (args[0] == "report")
{
    MonitorReport.Write(Get("dir"));
    return 0;
}

if (args[0] == "silence")
{
    SilentWav.Write(Get("out"), double.Parse(Get("hours"), CultureInfo.InvariantCulture));
    return 0;
}

var wall = Stopwatch.StartNew();
TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
string models = Path.GetFullPath(Get("models"));
string assets = Path.GetFullPath(Get("assets"));
using var usedJson = JsonDocument.Parse(File.ReadAllBytes(Get("used")));
var used = new HashSet<string>(usedJson.RootElement.GetProperty("files").EnumerateArray().Select(e => e.GetString()!), StringComparer.Ordinal);
double[] snrs = [.. Get("snr", "20,10,5").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
int installs = int.Parse(Get("donateacry-installs", "60"), CultureInfo.InvariantCulture);
double maxMinutes = double.Parse(Get("max-minutes-per-source", "0"), CultureInfo.InvariantCulture);
var monitorOptions = CryMonitorOptions.Default;
using CryDetector detector = CryDetector.Create(models);
Console.Error.WriteLine($"detector: {detector.Options.Mode}, threshold {detector.Options.ActiveThreshold}; monitor: {monitorOptions.StartWindows} of {monitorOptions.StartWindowSpan}, minimum {monitorOptions.MinimumDuration.TotalSeconds} s, hold {monitorOptions.Hold.TotalSeconds} s");

JsonObject falseAlarms = FalseAlarmEvaluation.Run(detector, monitorOptions, assets, Get("debian-root", "/usr/share"), used, maxMinutes, Console.Error);
TimeSpan faWall = wall.Elapsed;
JsonObject latency = LatencyEvaluation.Run(detector, monitorOptions, assets, snrs, installs, Console.Error);
double audioHours = falseAlarms["sources"]!.AsArray().Sum(s => s!["hours"]!.GetValue<double>())
    + latency["per_snr"]!.AsArray().Sum(s => s!["stream_hours"]!.GetValue<double>());
double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
var result = new JsonObject
{
    ["detector"] = new JsonObject
    {
        ["settings"] = Path.Combine(models, CryDetectorSettings.FileName),
        ["mode"] = detector.Options.Mode.ToString(),
        ["threshold"] = detector.Options.ActiveThreshold,
        ["classes"] = string.Join(",", detector.Options.ClassIndices),
    },
    ["monitor_options"] = new JsonObject
    {
        ["start_windows"] = monitorOptions.StartWindows,
        ["start_window_span"] = monitorOptions.StartWindowSpan,
        ["minimum_duration_s"] = monitorOptions.MinimumDuration.TotalSeconds,
        ["hold_s"] = monitorOptions.Hold.TotalSeconds,
        ["threshold"] = "the detector's (CryMonitorOptions.Threshold null)",
    },
    ["excluded_files"] = new JsonObject
    {
        ["rule"] = "every file of a trainable source in the shipped configuration's inventory (training/crydetector/used_files.py), i.e. every file the threshold and Platt calibration saw",
        ["config"] = usedJson.RootElement.GetProperty("config").GetString(),
        ["count"] = used.Count,
    },
    ["false_alarms"] = falseAlarms,
    ["latency"] = latency,
    ["offline_throughput"] = new JsonObject
    {
        ["audio_hours"] = audioHours,
        ["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 1),
        ["cpu_seconds"] = Math.Round(cpuSeconds, 1),
        ["false_alarm_part_wall_seconds"] = Math.Round(faWall.TotalSeconds, 1),
        ["times_real_time_wall"] = audioHours * 3600 / wall.Elapsed.TotalSeconds,
        ["note"] = "includes decoding, resampling and mixing in this process",
    },
    ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
};
string output = Get("out");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.Error.WriteLine($"evaluation: {audioHours:0.00} h of audio in {wall.Elapsed.TotalSeconds:0} s wall, {cpuSeconds:0} s CPU; written to {output}");
return 0;
