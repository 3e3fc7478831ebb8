using System.Text.Json;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Reasons;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Tests.Wav;
using InfantCry.Audio.Wav;
using InfantCry.Evaluation;

namespace InfantCry.Cli.Tests;

/// <summary><c>classify</c>, <c>detect</c>, <c>evaluate</c> and <c>info</c> run as a user runs them.</summary>
[Parallelizable(ParallelScope.All)]
public class AudioCommandTests
{
    /// <summary>
    /// The program and the library run the same code on the same models, in two processes; ONNX Runtime's parallel
    /// reductions may sum in another order between runs, so allow float32 rounding noise, no more.
    /// </summary>
    private const double SameCodeOtherProcess = 1e-6;

    /// <summary>The parity bound between the C# evaluation and the Python figures.</summary>
    private const double PythonFigures = 1e-3;

    private static string Models => Path.GetDirectoryName(Artifacts.Require("cryreason_head.onnx", "50-cryreason.sh"))!;

    private static string Clip(string reason)
    {
        string dir = Path.Combine(Artifacts.DonateACry, reason);
        return Directory.GetFiles(dir, "*.wav").Order(StringComparer.Ordinal).First();
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Classify_json_gives_what_the_library_gives_for_each_file()
    {
        using CryReasonClassifier library = CryReasonClassifier.Create(Models);
        // One clip the detector hears as a cry (so the reason probabilities are compared) and one burping clip, whatever it gives.
        string cry = Directory.GetFiles(Path.Combine(Artifacts.DonateACry, "hungry"), "*.wav").Order(StringComparer.Ordinal).First(f => library.Classify(f).IsCry);
        string[] files = [cry, Clip("burping")];

        CliRun run = CliRunner.Run(["classify", .. files, "--json", "--models", Models]);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        using JsonDocument doc = JsonDocument.Parse(run.Stdout);
        JsonElement[] entries = [.. doc.RootElement.GetProperty("files").EnumerateArray()];
        Assert.That(entries.Select(e => e.GetProperty("file").GetString()), Is.EqualTo(files));
        foreach (JsonElement e in entries)
        {
            CryReasonResult expected = library.Classify(e.GetProperty("file").GetString()!);
            Assert.That(e.GetProperty("isCry").GetBoolean(), Is.EqualTo(expected.IsCry));
            Assert.That(e.GetProperty("cryScore").GetDouble(), Is.EqualTo(expected.CryScore).Within(SameCodeOtherProcess));
            Assert.That(e.GetProperty("durationSeconds").GetDouble(), Is.EqualTo(expected.Duration.TotalSeconds).Within(1e-9));
            Assert.That(e.GetProperty("timeline").GetArrayLength(), Is.EqualTo(expected.Timeline.Count));
            if (!expected.IsCry)
            {
                Assert.That(e.GetProperty("probabilities").EnumerateObject(), Is.Empty);
                Assert.That(e.GetProperty("topReason").ValueKind, Is.EqualTo(JsonValueKind.Null));
                continue;
            }

            double[] probabilities = [.. CryReasonFoldManifest.Labels.Select(l => e.GetProperty("probabilities").GetProperty(l).GetDouble())];
            Assert.That(probabilities, Is.EqualTo(expected.Probabilities.Select(p => (double)p)).Within(SameCodeOtherProcess));
            Assert.That(e.GetProperty("topReason").GetString(), Is.EqualTo(CryReasonFoldManifest.Labels[(int)expected.TopReason!.Value]));
        }

        Assert.That(entries[0].GetProperty("isCry").GetBoolean(), Is.True);

        JsonElement reliability = doc.RootElement.GetProperty("reliability");
        Assert.That(reliability.GetProperty("betterThanChance").GetBoolean(), Is.EqualTo(library.Reliability.BetterThanChance));
        Assert.That(reliability.GetProperty("summary").GetString(), Is.EqualTo(library.Reliability.Summary));
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Classify_prints_a_table_row_per_file_of_a_folder_and_the_reliability()
    {
        string dir = CliRunner.TempDir();
        File.Copy(Clip("tired"), Path.Combine(dir, "b.wav"));
        File.Copy(Clip("discomfort"), Path.Combine(dir, "sub-a.WAV"));
        string longName = "c-" + new string('x', 90) + ".wav";   // longer than any terminal column: shown whole
        File.Copy(Clip("hungry"), Path.Combine(dir, longName));

        CliRun run = CliRunner.Run("classify", dir, "--models", Models);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        string[] lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("file").And.Contains("hungry").And.Contains("burping"));
        Assert.That(lines[1], Does.StartWith("b.wav "));
        Assert.That(lines[2], Does.StartWith(longName + " "));
        Assert.That(lines[3], Does.StartWith("sub-a.WAV "));
        Assert.That(lines, Has.Length.EqualTo(5), "one line per file, none wrapped: " + run.Stdout);
        using CryReasonClassifier library = CryReasonClassifier.Create(Models);
        Assert.That(lines[^1], Is.EqualTo($"Reliability: {library.Reliability.Summary}"));
    }

    [Category("Models")]
    [Test]
    public void Classify_says_silence_is_not_a_cry_and_gives_no_reason()
    {
        string silence = Path.Combine(CliRunner.TempDir(), "silence.wav");
        File.WriteAllBytes(silence, WavBuilder.Simple(new double[16000 * 3], AudioSampleFormat.Pcm16, 1, 16000));

        CliRun run = CliRunner.Run("classify", silence, "--json", "--models", Models);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        using JsonDocument doc = JsonDocument.Parse(run.Stdout);
        JsonElement e = doc.RootElement.GetProperty("files")[0];
        Assert.That(e.GetProperty("isCry").GetBoolean(), Is.False);
        Assert.That(e.GetProperty("topReason").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(e.GetProperty("probabilities").EnumerateObject(), Is.Empty);
        Assert.That(CliRunner.Run("classify", silence, "--models", Models).Stdout, Does.Contain("(not a cry)"));
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Classify_reports_a_corrupt_file_keeps_the_others_and_exits_1()
    {
        string dir = CliRunner.TempDir();
        string broken = Path.Combine(dir, "broken.wav");
        File.WriteAllBytes(broken, "RIFF\x10\0\0\0WAVEjunk"u8.ToArray());

        CliRun run = CliRunner.Run("classify", Clip("hungry"), broken, "--json", "--models", Models);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        using JsonDocument doc = JsonDocument.Parse(run.Stdout);
        JsonElement[] entries = [.. doc.RootElement.GetProperty("files").EnumerateArray()];
        Assert.That(entries, Has.Length.EqualTo(2));
        Assert.That(entries[0].TryGetProperty("probabilities", out _), Is.True);
        Assert.That(entries[1].GetProperty("error").GetString(), Is.Not.Empty);
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [TestCase("missing", "is neither a file nor a folder")]
    [TestCase("empty", "No .wav files")]
    [TestCase("nomodels", "No models folder found. Looked at:")]
    public void Classify_explains_bad_input_on_stderr_and_exits_1(string kind, string message)
    {
        string dir = CliRunner.TempDir();
        string[] args = kind switch
        {
            "missing" => ["classify", Path.Combine(dir, "nope.wav"), "--models", Models],
            "empty" => ["classify", dir, "--models", Models],
            _ => ["classify", Clip("hungry"), "--models", Path.Combine(dir, "no-models")],
        };

        CliRun run = CliRunner.Run(args);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("infantcry: ").And.Contains(message));
        Assert.That(run.Stdout, Is.Empty);
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Detect_json_has_a_window_every_hop_and_a_verdict_that_follows_the_windows()
    {
        CliRun run = CliRunner.Run("detect", Clip("belly_pain"), "--json", "--hop", "480", "--models", Models);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        using JsonDocument doc = JsonDocument.Parse(run.Stdout);
        JsonElement root = doc.RootElement;
        JsonElement[] windows = [.. root.GetProperty("windows").EnumerateArray()];
        Assert.That(windows, Is.Not.Empty);
        Assert.That(windows.Select(w => w.GetProperty("startSeconds").GetDouble()), Is.EqualTo(windows.Select((_, i) => i * 0.48)).Within(1e-9));
        double threshold = root.GetProperty("threshold").GetDouble();
        // The default is the models folder's crydetector.json: the detector its leave-one-source-out evaluation chose.
        CryDetectorSettings shipped = CryDetectorSettings.Load(Path.Combine(Models, CryDetectorSettings.FileName));
        Assert.That(threshold, Is.EqualTo(shipped.Options.ActiveThreshold).Within(1e-7), "the shipped detector's threshold");
        Assert.That(root.GetProperty("reliability").GetString(), Is.EqualTo(shipped.Reliability));
        Assert.That(root.GetProperty("probability").GetDouble(), Is.EqualTo(shipped.Calibrate((float)root.GetProperty("score").GetDouble())!.Value).Within(1e-6));
        Assert.That(windows.All(w => w.GetProperty("isCry").GetBoolean() == (w.GetProperty("score").GetDouble() >= threshold)), Is.True);
        Assert.That(root.GetProperty("isCry").GetBoolean(), Is.EqualTo(root.GetProperty("score").GetDouble() >= threshold));
    }

    [Category("Models")]
    [Test]
    public void Info_lists_the_runtime_and_the_models_and_fails_on_a_missing_folder()
    {
        CliRun run = CliRunner.Run("info", "--models", Models);
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Stdout, Does.Contain("ONNX Runtime        1.32.0").And.Contains("yamnet.onnx").And.Contains("cryreason_head.onnx"));

        CliRun missing = CliRunner.Run("info", "--models", Path.Combine(CliRunner.TempDir(), "none"));
        Assert.That(missing.ExitCode, Is.EqualTo(1), missing.ToString());
        Assert.That(missing.Stdout, Does.Contain("MISSING"));
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [TestCase("paper")]
    [TestCase("grouped")]
    public void Evaluate_recomputes_the_python_figures_and_writes_metrics_json(string protocol)
    {
        string outDir = CliRunner.TempDir();

        CliRun run = CliRunner.Run("evaluate", "--data", Artifacts.DonateACry, "--protocol", protocol, "--out", outDir, "--models", Models);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Stdout, Does.Contain("macro-F1: ").And.Contains("macro ROC AUC: "));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        JsonElement csharp = doc.RootElement.GetProperty("csharp"), python = doc.RootElement.GetProperty("python");
        Assert.That(csharp.GetProperty("macro_f1_mean").GetDouble(), Is.EqualTo(python.GetProperty("macro_f1_mean").GetDouble()).Within(PythonFigures));
        Assert.That(csharp.GetProperty("macro_auc_mean").GetDouble(), Is.EqualTo(python.GetProperty("macro_auc_mean").GetDouble()).Within(PythonFigures));
        Assert.That(csharp.GetProperty("accuracy_mean").GetDouble(), Is.EqualTo(python.GetProperty("accuracy_mean").GetDouble()).Within(PythonFigures));
        int folds = doc.RootElement.GetProperty("folds").GetArrayLength();
        Assert.That(protocol == "paper" ? folds == 1 : folds % 5 == 0 && folds > 0, Is.True, $"{folds} folds");
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Evaluate_rejects_an_unknown_protocol_and_a_missing_data_folder()
    {
        CliRun bad = CliRunner.Run("evaluate", "--data", Artifacts.DonateACry, "--protocol", "random", "--out", CliRunner.TempDir(), "--models", Models);
        Assert.That(bad.ExitCode, Is.Not.Zero, bad.ToString());
        Assert.That(bad.Stderr, Does.Contain("paper").And.Contains("grouped"));

        string missing = Path.Combine(CliRunner.TempDir(), "no-data");
        CliRun noData = CliRunner.Run("evaluate", "--data", missing, "--protocol", "paper", "--out", CliRunner.TempDir(), "--models", Models);
        Assert.That(noData.ExitCode, Is.EqualTo(1), noData.ToString());
        Assert.That(noData.Stderr, Does.Contain(missing).And.Contains("does not exist"));
    }
}
