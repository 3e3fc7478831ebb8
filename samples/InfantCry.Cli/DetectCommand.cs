using System.CommandLine;
using System.Text.Json;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Wav;

namespace InfantCry.Cli;

/// <summary><c>infantcry detect &lt;file&gt; [--json] [--models DIR] [--hop MS] [--threshold T] [--trained]</c>: a cry timeline, zero-shot by default.</summary>
public static class DetectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A recording: WAV, Ogg Vorbis or MP3 (any rate); other formats (M4A/AAC, 3GP, CAF, Opus, FLAC, ...) through ffmpeg when it is on PATH" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a timeline" };
        var models = new Option<string?>("--models") { Description = $"Models folder (default: ${ModelsFolder.Variable}, else artifacts/models above the executable, else ./models)" };
        var hop = new Option<int>("--hop") { Description = "Milliseconds between windows (multiple of 10, 10-960)", DefaultValueFactory = _ => 480 };
        var threshold = new Option<float?>("--threshold") { Description = "Cry threshold (default: 0.1 zero-shot, 0.5 trained head)" };
        var trained = new Option<bool>("--trained") { Description = "Use the trained detector head (crydetector_head.onnx) instead of the zero-shot score" };
        var command = new Command("detect", "Cry timeline of a recording (zero-shot YAMNet crying-family detector by default)") { file, json, models, hop, threshold, trained };
        command.SetAction((parse, cancellationToken) => CliOutput.RunAsync(() =>
            RunAsync(parse.GetRequiredValue(file), parse.GetValue(json), parse.GetValue(models), parse.GetValue(hop), parse.GetValue(threshold), parse.GetValue(trained), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string path, bool json, string? modelsOption, int hopMs, float? threshold, bool trained, CancellationToken cancellationToken)
    {
        ModelsFolder folder = ModelsFolder.Resolve(modelsOption);
        folder.EnsureExists();
        // The models folder's crydetector.json (the detector its evaluation chose) sets the defaults; options override.
        string settingsPath = Path.Combine(folder.Path, CryDetectorSettings.FileName);
        CryDetectorOptions shipped = File.Exists(settingsPath) ? CryDetectorSettings.Load(settingsPath).Options : CryDetectorOptions.Default;
        if (trained && shipped.Mode != CryDetectorMode.TrainedHead)
        {
            await Console.Error.WriteLineAsync("infantcry: note: the trained head lost to the zero-shot detector in the cry detector's evaluation (see the models' provenance); --trained is for comparison.").ConfigureAwait(false);
        }

        var options = new CryDetectorOptions
        {
            Hop = TimeSpan.FromMilliseconds(hopMs),
            Mode = trained ? CryDetectorMode.TrainedHead : CryDetectorMode.ZeroShot,
            ClassIndices = shipped.ClassIndices,
            Pooling = shipped.Pooling,
            Threshold = !trained && threshold is { } z ? z : shipped.Threshold,
            TrainedHeadThreshold = trained && threshold is { } t ? t : shipped.TrainedHeadThreshold,
        };
        using CryDetector detector = CryDetector.Create(folder.Path, options);
        CryDetectionResult result;
        if (AudioInput.IsReadableByTheSdk(path))
        {
            // Streamed block by block: flat memory whatever the recording's length.
            using AudioReader reader = AudioReader.Open(path);
            result = await Task.Run(() => detector.Detect(reader, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            AudioClip clip = await AudioInput.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            result = await detector.DetectAsync(clip.Samples, clip.SampleRate, cancellationToken).ConfigureAwait(false);
        }
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, CliOutput.Indented))
            {
                w.WriteStartObject();
                w.WriteString("file", path);
                w.WriteString("mode", result.Mode.ToString());
                w.WriteBoolean("isCry", result.IsCry);
                w.WriteNumber("score", result.Score);
                w.WriteNumber("threshold", result.Threshold);
                if (result.Probability is { } probability)
                {
                    w.WriteNumber("probability", probability);
                }

                if (result.Reliability is { } reliability)
                {
                    w.WriteString("reliability", reliability);
                }
                w.WriteNumber("durationSeconds", result.Duration.TotalSeconds);
                w.WriteStartArray("windows");
                foreach (CryDetection d in result.Windows)
                {
                    w.WriteStartObject();
                    w.WriteNumber("startSeconds", d.Start.TotalSeconds);
                    w.WriteNumber("durationSeconds", d.Duration.TotalSeconds);
                    w.WriteNumber("score", d.Score);
                    w.WriteBoolean("isCry", d.IsCry);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            stdout.Write("\n"u8);
            return 0;
        }

        Console.WriteLine($"{Path.GetFileName(path)}: {(result.IsCry ? "CRY" : "no cry")} (score {CliOutput.F(result.Score)}, threshold {CliOutput.F(result.Threshold)}, {CliOutput.F(result.Duration.TotalSeconds, "F2")} s, {result.Mode})");
        foreach (CryDetection d in result.Windows)
        {
            double start = d.Start.TotalSeconds;
            int bar = (int)Math.Round(Math.Clamp(d.Score, 0f, 1f) * 40);
            Console.WriteLine($"{CliOutput.F(start, "F2"),7}-{CliOutput.F(start + d.Duration.TotalSeconds, "F2"),-6} s  {CliOutput.F(d.Score)}  {(d.IsCry ? "cry" : "   ")}  {new string('#', bar)}");
        }

        if (result.Reliability is { } statement)
        {
            Console.WriteLine();
            Console.WriteLine($"Reliability: {statement}");
        }

        return 0;
    }
}
