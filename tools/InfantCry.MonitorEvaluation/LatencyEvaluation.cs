using System.Text.Json.Nodes;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Monitoring;
using InfantCry.Evaluation.Monitoring;

namespace InfantCry.MonitorEvaluation;

/// <summary>
/// Onset latency: every real cry is mixed at each SNR into a real background (10 s of background, the cry, 10 s of
/// background; mixed at 16 kHz), the trials of one SNR are played back to back as one stream through the monitor, and
/// each cry is scored with <see cref="MonitorScoring.Score"/>. The true onset and end are the first and last 10 ms
/// frame within 20 dB of the cry clip's loudest frame; the SNR is the cry's power over the background's across that span.
/// </summary>
internal static class LatencyEvaluation
{
    public const int Rate = 16000;
    private const double LeadSeconds = 10;
    private const double TailSeconds = 10;
    private const double ActiveBelowPeakDb = 20;

    /// <summary>Background folders: real non-cry recordings of a home (appliances, ambience, speech).</summary>
    private static readonly string[] BackgroundFolders =
    [
        "household_ambience/household_appliances", "household_ambience/fireplace", "household_ambience/rain_storm",
        "household_ambience/household_objects", "household_ambience/speech_babble_places", "household_ambience/radio_tv_like",
        "appliances/aircon", "appliances/dishwasher", "appliances/vacuuming", "appliances/street",
        "speech_music/adult_speech_cmu_arctic", "speech_music/adult_speech_librispeech", "speech_music/household_speechcommands_bg",
    ];

    public static JsonObject Run(CryDetector detector, CryMonitorOptions options, string assets, double[] snrs, int donateacryInstalls, TextWriter log)
    {
        string realworld = Path.Combine(assets, "data/realworld");
        var cries = new List<(string Source, string File)>();
        foreach (string f in AudioFiles(Path.Combine(realworld, "esc50/crying_baby")))
        {
            cries.Add(("esc50/crying_baby", f));
        }

        // donateacry: the first clip of each app install (a family's phone), first installs in name order (as the cry detector's inventory).
        string donate = Path.Combine(assets, "data/donateacry");
        if (Directory.Exists(donate) && donateacryInstalls > 0)
        {
            IEnumerable<string> firstPerInstall = AudioFiles(donate)
                .OrderBy(f => Path.GetFileName(f).ToLowerInvariant(), StringComparer.Ordinal)
                .GroupBy(f => Path.GetFileName(f)[..Math.Min(36, Path.GetFileName(f).Length)].ToLowerInvariant())
                .Take(donateacryInstalls)
                .Select(g => g.First());
            cries.AddRange(firstPerInstall.Select(f => ("donateacry", f)));
        }

        var backgrounds = new List<(string Folder, string File, float[] Samples)>();
        foreach (string folder in BackgroundFolders)
        {
            foreach (string f in AudioFiles(Path.Combine(realworld, folder)))
            {
                backgrounds.Add((folder, f, MonitoredStream.Decode(f, Rate)));
            }
        }

        log.WriteLine($"latency: {cries.Count} cries, {backgrounds.Count} background files");
        var decodedCries = cries.Select(c => (c.Source, c.File, Samples: MonitoredStream.Decode(c.File, Rate))).ToList();
        var perSnr = new JsonArray();
        var trials = new JsonArray();
        foreach (double snr in snrs)
        {
            var started = DateTime.UtcNow;
            using var stream = new MonitoredStream(detector, Rate, options);
            var placed = new List<PlacedCry>();
            var meta = new List<(string Source, string File, string Background)>();
            for (int i = 0; i < decodedCries.Count; i++)
            {
                (string source, string file, float[] cry) = decodedCries[i];
                if (MonitorScoring.ActiveSpan(cry, Rate / 100, ActiveBelowPeakDb) is not { } span)
                {
                    continue;
                }

                (string bgFolder, string bgFile, float[] bg) = backgrounds[(i * 7) % backgrounds.Count];
                int lead = (int)(LeadSeconds * Rate);
                var trial = new float[lead + cry.Length + (int)(TailSeconds * Rate)];
                int offset = bg.Length > trial.Length ? (int)((i * 13L * Rate) % (bg.Length - trial.Length)) : 0;
                for (int k = 0; k < trial.Length; k++)
                {
                    trial[k] = bg[(offset + k) % bg.Length];
                }

                double gain = MonitorScoring.GainForSnr(cry.AsSpan(span.Start, span.End - span.Start), trial.AsSpan(lead + span.Start, span.End - span.Start), snr);
                if (!double.IsFinite(gain))
                {
                    continue;
                }

                float peak = 0f;
                for (int k = 0; k < cry.Length; k++)
                {
                    trial[lead + k] += (float)(gain * cry[k]);
                }

                foreach (float x in trial)
                {
                    peak = Math.Max(peak, Math.Abs(x));
                }

                if (peak > 0.99f)
                {
                    float scale = 0.99f / peak;   // the whole trial, so the SNR stays as set
                    for (int k = 0; k < trial.Length; k++)
                    {
                        trial[k] *= scale;
                    }
                }

                TimeSpan t0 = stream.Position;
                placed.Add(new PlacedCry(t0 + Seconds(lead + span.Start), t0 + Seconds(lead + span.End)));
                meta.Add((source, file, $"{bgFolder}/{Path.GetFileName(bgFile)}"));
                stream.Feed(trial);
            }

            stream.Finish();
            MonitorScore score = MonitorScoring.Score(placed, stream.Events, options.Hold);
            var bySource = new JsonObject();
            foreach (string src in meta.Select(m => m.Source).Distinct())
            {
                CryOutcome[] outcomes = [.. score.Cries.Where((_, k) => meta[k].Source == src)];
                bySource[src] = Summary(outcomes);
            }

            JsonObject row = Summary([.. score.Cries]);
            row["snr_db"] = snr;
            row["by_source"] = bySource;
            row["unmatched_starts"] = score.FalseAlarms;
            row["stream_hours"] = stream.Position.TotalHours;
            row["wall_seconds"] = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1);
            perSnr.Add(row);
            for (int k = 0; k < score.Cries.Count; k++)
            {
                CryOutcome o = score.Cries[k];
                trials.Add(new JsonObject
                {
                    ["snr_db"] = snr,
                    ["source"] = meta[k].Source,
                    ["cry"] = Path.GetFileName(meta[k].File),
                    ["background"] = meta[k].Background,
                    ["onset_s"] = Math.Round(o.Cry.Onset.TotalSeconds, 3),
                    ["cry_seconds"] = Math.Round((o.Cry.End - o.Cry.Onset).TotalSeconds, 3),
                    ["latency_s"] = o.Latency is { } l ? Math.Round(l.TotalSeconds, 3) : null,
                });
            }

            log.WriteLine($"latency: {snr} dB: {score.Detected}/{score.Cries.Count} detected, median {row["median_s"]} s, p95 {row["p95_s"]} s, {score.FalseAlarms} unmatched starts");
        }

        return new JsonObject
        {
            ["rate_hz"] = Rate,
            ["lead_seconds"] = LeadSeconds,
            ["tail_seconds"] = TailSeconds,
            ["onset_rule"] = $"first and last 10 ms frame within {ActiveBelowPeakDb} dB of the cry clip's loudest frame",
            ["cry_sources"] = new JsonArray(cries.Select(c => c.Source).Distinct().Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["cries"] = new JsonObject(cries.GroupBy(c => c.Source).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)JsonValue.Create(g.Count())))),
            ["background_folders"] = new JsonArray(BackgroundFolders.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["background_files"] = backgrounds.Count,
            ["per_snr"] = perSnr,
            ["trials"] = trials,
        };
    }

    private static JsonObject Summary(IReadOnlyList<CryOutcome> outcomes)
    {
        double[] latencies = [.. outcomes.Where(o => o.Detected).Select(o => o.Latency!.Value.TotalSeconds)];
        return new JsonObject
        {
            ["cries"] = outcomes.Count,
            ["detected"] = latencies.Length,
            ["detection_rate"] = outcomes.Count > 0 ? (double)latencies.Length / outcomes.Count : 0,
            ["median_s"] = latencies.Length > 0 ? Math.Round(MonitorScoring.Percentile(latencies, 50), 3) : null,
            ["p95_s"] = latencies.Length > 0 ? Math.Round(MonitorScoring.Percentile(latencies, 95), 3) : null,
            ["min_s"] = latencies.Length > 0 ? Math.Round(latencies.Min(), 3) : null,
            ["max_s"] = latencies.Length > 0 ? Math.Round(latencies.Max(), 3) : null,
        };
    }

    private static TimeSpan Seconds(long samples) => TimeSpan.FromSeconds((double)samples / Rate);

    private static IEnumerable<string> AudioFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".wav" or ".ogg" or ".mp3")
                .Order(StringComparer.Ordinal)
            : throw new DirectoryNotFoundException($"{folder} not found");
}
