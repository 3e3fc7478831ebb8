using System.CommandLine;
using System.Text.Json;
using InfantCry.Audio.Yamnet;
using InfantCry.Evaluation;

namespace InfantCry.Cli;

/// <summary>
/// <c>infantcry evaluate --data &lt;folder&gt; --protocol paper|grouped --out &lt;folder&gt; [--models DIR]</c>:
/// recomputes the cry-reason figures in C# from the per-fold ONNX heads and the fold manifest, beside Python's.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The donateacry corpus root (<label>/<file>.wav)", Required = true };
        var protocol = new Option<string>("--protocol") { Description = "paper (the study's random 80:20 split) or grouped (stratified group 5-fold by app install)", Required = true };
        protocol.AcceptOnlyFromAmong("paper", "grouped");
        var output = new Option<string>("--out") { Description = "Folder for metrics.json", Required = true };
        var models = new Option<string?>("--models") { Description = $"Models folder (default: ${ModelsFolder.Variable}, else artifacts/models above the executable, else ./models)" };
        var command = new Command("evaluate", "Recompute the cry-reason evaluation in C# from the per-fold heads") { data, protocol, output, models };
        command.SetAction((parse, cancellationToken) => CliOutput.RunAsync(() => Task.Run(() =>
            Run(parse.GetRequiredValue(data), parse.GetRequiredValue(protocol), parse.GetRequiredValue(output), parse.GetValue(models), cancellationToken), cancellationToken)));
        return command;
    }

    private static int Run(string data, string protocol, string outFolder, string? modelsOption, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(data))
        {
            throw new DirectoryNotFoundException($"Data folder '{data}' does not exist.");
        }

        ModelsFolder folder = ModelsFolder.Resolve(modelsOption);
        folder.EnsureExists();
        CryReasonFoldManifest manifest = CryReasonFoldManifest.Load(Path.Combine(folder.Path, CryReasonFoldManifest.RelativePath));
        using YamnetEmbedder embedder = YamnetEmbedder.Create(Path.Combine(folder.Path, YamnetEmbedder.ModelFileName));
        var progress = new Progress(Console.Error);
        CryReasonProtocolEvaluation e = new CryReasonEvaluator(embedder).Evaluate(manifest, protocol, data, progress: progress, cancellationToken: cancellationToken);

        Console.WriteLine($"protocol: {e.Protocol.Name} ({e.Protocol.Description}); {e.Folds.Count} folds; head variant {manifest.Variant}");
        Console.WriteLine($"macro-F1: {CliOutput.F(e.MeanMacroF1, "F4")} ± {CliOutput.F(e.StdMacroF1, "F4")} (Python {CliOutput.F(e.Protocol.PythonMeanMacroF1, "F4")}, |diff| {CliOutput.F(Math.Abs(e.MeanMacroF1 - e.Protocol.PythonMeanMacroF1), "E1")})");
        Console.WriteLine($"macro ROC AUC: {CliOutput.F(e.MeanMacroRocAuc, "F4")} ± {CliOutput.F(e.StdMacroRocAuc, "F4")} (Python {CliOutput.F(e.Protocol.PythonMeanMacroRocAuc, "F4")}, |diff| {CliOutput.F(Math.Abs(e.MeanMacroRocAuc - e.Protocol.PythonMeanMacroRocAuc), "E1")})");
        Console.WriteLine($"accuracy: {CliOutput.F(e.MeanAccuracy, "F4")} (Python {CliOutput.F(e.Protocol.PythonMeanAccuracy, "F4")})");

        Directory.CreateDirectory(outFolder);
        string path = Path.Combine(outFolder, "metrics.json");
        using (FileStream stream = File.Create(path))
        using (var w = new Utf8JsonWriter(stream, CliOutput.Indented))
        {
            w.WriteStartObject();
            w.WriteString("protocol", e.Protocol.Name);
            w.WriteString("description", e.Protocol.Description);
            w.WriteString("variant", manifest.Variant);
            w.WriteString("data", Path.GetFullPath(data));
            w.WriteString("manifest", manifest.ManifestPath);
            WriteSummary(w, "csharp", e.MeanMacroF1, e.StdMacroF1, e.MeanMacroRocAuc, e.StdMacroRocAuc, e.MeanAccuracy);
            w.WriteStartObject("python");
            w.WriteNumber("macro_f1_mean", e.Protocol.PythonMeanMacroF1);
            WriteNumberOrNull(w, "macro_auc_mean", e.Protocol.PythonMeanMacroRocAuc);
            w.WriteNumber("accuracy_mean", e.Protocol.PythonMeanAccuracy);
            w.WriteEndObject();
            w.WriteStartArray("folds");
            foreach (CryReasonFoldEvaluation f in e.Folds)
            {
                w.WriteStartObject();
                w.WriteNumber("seed_index", f.Fold.SeedIndex);
                w.WriteNumber("fold", f.Fold.Fold);
                w.WriteString("onnx", f.Fold.ModelPath);
                w.WriteNumber("n", f.Metrics.Count);
                w.WriteNumber("accuracy", f.Metrics.Accuracy);
                w.WriteNumber("macro_precision", f.Metrics.MacroPrecision);
                w.WriteNumber("macro_recall", f.Metrics.MacroRecall);
                w.WriteNumber("macro_f1", f.Metrics.MacroF1);
                WriteNumberOrNull(w, "macro_auc", f.Metrics.MacroRocAuc);
                w.WriteStartArray("per_class_recall");
                foreach (double r in f.Metrics.PerClassRecall)
                {
                    w.WriteNumberValue(r);
                }

                w.WriteEndArray();
                w.WriteStartArray("confusion_matrix");
                foreach (IReadOnlyList<int> row in f.Metrics.ConfusionMatrix)
                {
                    w.WriteStartArray();
                    foreach (int c in row)
                    {
                        w.WriteNumberValue(c);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteNumber("python_macro_f1", f.Fold.PythonMacroF1);
                WriteNumberOrNull(w, "python_macro_auc", f.Fold.PythonMacroRocAuc);
                w.WriteNumber("python_accuracy", f.Fold.PythonAccuracy);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static void WriteSummary(Utf8JsonWriter w, string name, double f1, double f1Std, double auc, double aucStd, double accuracy)
    {
        w.WriteStartObject(name);
        w.WriteNumber("macro_f1_mean", f1);
        w.WriteNumber("macro_f1_std", f1Std);
        WriteNumberOrNull(w, "macro_auc_mean", auc);
        WriteNumberOrNull(w, "macro_auc_std", aucStd);
        w.WriteNumber("accuracy_mean", accuracy);
        w.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsNaN(value))
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteNumber(name, value);
        }
    }

    private sealed class Progress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value) => writer.WriteLine(value);
    }
}
