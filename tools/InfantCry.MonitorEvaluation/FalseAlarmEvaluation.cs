using System.Text.Json.Nodes;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Monitoring;
using InfantCry.Evaluation.Monitoring;

namespace InfantCry.MonitorEvaluation;

/// <summary>
/// False alarms per hour: every held-out source is concatenated (files in path order, back to back) into one long
/// stream at its most common sample rate and monitored at the given options; every cry event is a false alarm.
/// </summary>
internal static class FalseAlarmEvaluation
{
    private static readonly string[] AudioExtensions = [".wav", ".ogg", ".mp3"];

    private static readonly string[] AdultClasses = ["adult_laughing", "adult_screaming", "coughing", "moaning", "sighing", "sneezing", "yawning", "adult_crying"];

    /// <summary>The sources: the three Debian sound packages and the evaluation-only adult non-verbal folders.</summary>
    public static IReadOnlyList<(string Name, string Category, string Folder, string Licence)> Sources(string assets, string debianRoot)
    {
        var list = new List<(string, string, string, string)>
        {
            ("debian/asterisk-core-sounds-en-wav", "speech", Path.Combine(debianRoot, "asterisk/sounds/en_US_f_Allison"), "CC BY-SA 3.0"),
            ("debian/asterisk-moh-opsound-wav", "music", Path.Combine(debianRoot, "asterisk/moh"), "CC BY-SA 3.0"),
            ("debian/klettres-data", "speech", Path.Combine(debianRoot, "klettres"), "GPL-2+"),
        };
        foreach (string cls in AdultClasses)
        {
            list.Add(($"adult_nonverbal/{cls}", cls == "adult_crying" ? "adult_crying" : "adult_nonverbal", Path.Combine(assets, "data/realworld/adult_nonverbal", cls), "CC BY-NC-ND 4.0, evaluation only"));
        }

        return list;
    }

    public static JsonObject Run(CryDetector detector, CryMonitorOptions options, string assets, string debianRoot, ISet<string> usedFiles, double maxMinutesPerSource, TextWriter log)
    {
        var sources = new JsonArray();
        foreach ((string name, string category, string folder, string licence) in Sources(assets, debianRoot))
        {
            string[] all = Directory.Exists(folder)
                ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => AudioExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)]
                : [];
            string[] excluded = [.. all.Where(f => usedFiles.Contains(RealPath(f)))];
            string[] files = [.. all.Except(excluded)];
            var source = new JsonObject
            {
                ["name"] = name,
                ["category"] = category,
                ["folder"] = folder,
                ["licence"] = licence,
                ["files_found"] = all.Length,
                ["files_excluded_used_by_threshold_or_calibration"] = excluded.Length,
                ["files_monitored"] = files.Length,
                ["weak_spot"] = category == "adult_crying",
            };
            sources.Add(source);
            if (files.Length == 0)
            {
                log.WriteLine($"false alarms: {name}: no file left after excluding {excluded.Length} used ones");
                source["hours"] = 0.0;
                continue;
            }

            int rate = files.Select(ReadRate).GroupBy(r => r).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
            var started = DateTime.UtcNow;
            using var stream = new MonitoredStream(detector, rate, options);
            var fileStarts = new List<(TimeSpan Start, string File)>();
            int monitored = 0;
            foreach (string f in files)
            {
                if (maxMinutesPerSource > 0 && stream.Position.TotalMinutes >= maxMinutesPerSource)
                {
                    break;
                }

                fileStarts.Add((stream.Position, f));
                stream.Feed(MonitoredStream.Decode(f, rate));
                monitored++;
            }

            stream.Finish();
            double hours = stream.Position.TotalHours;
            int falseAlarms = MonitorScoring.CountStarts(stream.Events);
            var events = new JsonArray();
            foreach (CryEvent e in stream.Events.Where(e => e.Kind == CryEventKind.Started))
            {
                string file = fileStarts.LastOrDefault(s => s.Start <= e.Start).File ?? string.Empty;
                events.Add(new JsonObject
                {
                    ["start_s"] = Math.Round(e.Start.TotalSeconds, 2),
                    ["decided_s"] = Math.Round(e.DecidedAt.TotalSeconds, 2),
                    ["peak"] = Math.Round(e.PeakScore, 4),
                    ["file"] = file,
                });
            }

            source["files_monitored"] = monitored;
            source["sample_rate"] = rate;
            source["seconds"] = Math.Round(stream.Position.TotalSeconds, 1);
            source["hours"] = hours;
            source["windows"] = stream.Windows;
            source["cry_windows"] = stream.CryWindows;
            source["highest_window_score"] = Math.Round(stream.HighestScore, 4);
            source["false_alarms"] = falseAlarms;
            source["false_alarms_per_hour"] = hours > 0 ? falseAlarms / hours : 0;
            source["false_alarms_per_hour_95ci"] = Interval(falseAlarms, hours);
            source["events"] = events;
            source["wall_seconds"] = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1);
            log.WriteLine($"false alarms: {name}: {monitored} files ({excluded.Length} excluded), {stream.Position.TotalMinutes:0.0} min at {rate} Hz, {stream.CryWindows}/{stream.Windows} cry windows, {falseAlarms} false alarms");
        }

        JsonObject[] counted = [.. sources.Select(s => s!.AsObject()).Where(s => (bool)s["weak_spot"]! == false && s["hours"]!.GetValue<double>() > 0)];
        double totalHours = counted.Sum(s => s["hours"]!.GetValue<double>());
        int total = counted.Sum(s => s["false_alarms"]!.GetValue<int>());
        return new JsonObject
        {
            ["sources"] = sources,
            ["total"] = new JsonObject
            {
                ["what"] = "every source except adult_crying (reported apart: a known weak spot)",
                ["hours"] = totalHours,
                ["false_alarms"] = total,
                ["false_alarms_per_hour"] = totalHours > 0 ? total / totalHours : 0,
                ["false_alarms_per_hour_95ci"] = Interval(total, totalHours),
            },
            ["baseline_always_no_cry"] = new JsonObject { ["false_alarms"] = 0, ["false_alarms_per_hour"] = 0.0, ["cries_found"] = 0 },
        };
    }

    /// <summary>The exact Poisson 95% interval of the rate per hour.</summary>
    private static JsonArray Interval(int count, double hours)
    {
        (double lo, double hi) = MonitorScoring.PoissonInterval(count, 0.95);
        return hours > 0 ? [lo / hours, hi / hours] : [];
    }

    internal static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            FileSystemInfo? target = File.ResolveLinkTarget(full, returnFinalTarget: true);
            return target?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    private static int ReadRate(string path)
    {
        using AudioReader reader = AudioReader.Open(path);
        return reader.SampleRate;
    }
}
