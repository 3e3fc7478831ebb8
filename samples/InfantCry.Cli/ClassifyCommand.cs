using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Reasons;
using InfantCry.Audio.Wav;
using InfantCry.Evaluation;

namespace InfantCry.Cli;

/// <summary><c>infantcry classify &lt;files or folders&gt; [--json] [--models DIR]</c>: why a baby cries, per WAV file.</summary>
public static class ClassifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Recordings (WAV, Ogg Vorbis, MP3; other formats through ffmpeg when it is on PATH), or folders searched recursively for them", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var models = new Option<string?>("--models") { Description = $"Models folder (default: ${ModelsFolder.Variable}, else artifacts/models above the executable, else ./models)" };
        var command = new Command("classify", "Tell whether each recording is a cry and, if so, how probable each reason is") { paths, json, models };
        command.SetAction((parse, cancellationToken) => CliOutput.RunAsync(() =>
            RunAsync(parse.GetRequiredValue(paths), parse.GetValue(json), parse.GetValue(models), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string[] inputs, bool json, string? modelsOption, CancellationToken cancellationToken)
    {
        List<string> files = ExpandInputs(inputs);
        ModelsFolder folder = ModelsFolder.Resolve(modelsOption);
        folder.EnsureExists();
        using CryReasonClassifier classifier = CryReasonClassifier.Create(folder.Path);
        List<(string File, CryReasonResult? Result, string? Error)> results = await Ui.WithProgressAsync($"classifying {files.Count} files", files.Count, async step =>
        {
            var done = new List<(string File, CryReasonResult? Result, string? Error)>(files.Count);
            foreach (string file in files)
            {
                try
                {
                    AudioClip clip = await AudioInput.ReadAsync(file, cancellationToken).ConfigureAwait(false);
                    done.Add((file, await classifier.ClassifyAsync(clip.Samples, clip.SampleRate, cancellationToken).ConfigureAwait(false), null));
                }
                catch (Exception ex) when (ex is InvalidAudioException or IOException)
                {
                    done.Add((file, null, ex.Message));
                }

                step();
            }

            return done;
        }).ConfigureAwait(false);

        if (json)
        {
            WriteJson(results, classifier.Reliability);
        }
        else
        {
            WriteTable(results, classifier.Reliability);
        }

        return results.Any(r => r.Error is not null) ? 1 : 0;
    }

    internal static List<string> ExpandInputs(string[] inputs)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.GetFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true })
                    .Where(f => AudioInput.Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new FileNotFoundException($"'{input}' is neither a file nor a folder.", input);
            }
        }

        if (files.Count == 0)
        {
            throw new ArgumentException($"No .wav files (nor {string.Join(", ", AudioInput.Extensions.Skip(1))}) in {string.Join(", ", inputs)}.");
        }

        return files;
    }

    private static void WriteTable(List<(string File, CryReasonResult? Result, string? Error)> results, ModelReliability reliability)
    {
        string[] labels = [.. CryReasonFoldManifest.Labels];
        Table table = Ui.Table(["file", "cry", "score", "reason", .. labels]);
        foreach (int c in Enumerable.Range(4, labels.Length).Prepend(2))   // the score and the probabilities
        {
            table.Columns[c].RightAligned();
        }

        foreach ((string file, CryReasonResult? r, string? error) in results)
        {
            string name = Markup.Escape(Path.GetFileName(file));
            if (r is null)
            {
                table.AddRow([name, "error", Markup.Escape(error ?? string.Empty), .. labels.Select(_ => string.Empty), string.Empty]);
                continue;
            }

            string reason = r.TopReason is { } t ? CliOutput.Label(t) : "(not a cry)";
            IEnumerable<string> probabilities = r.IsCry ? r.Probabilities.Select(p => CliOutput.F(p)) : labels.Select(_ => "-");
            table.AddRow([name, r.IsCry ? "yes" : "no", CliOutput.F(r.CryScore), Markup.Escape(reason), .. probabilities]);
        }

        Ui.Out.Write(table);
        Ui.Out.WriteLine();
        Ui.Out.WriteLine($"Reliability: {reliability.Summary}");
    }

    private static void WriteJson(List<(string File, CryReasonResult? Result, string? Error)> results, ModelReliability reliability)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, CliOutput.Indented))
        {
            w.WriteStartObject();
            CliOutput.WriteReliability(w, reliability);
            w.WriteStartArray("files");
            foreach ((string file, CryReasonResult? r, string? error) in results)
            {
                w.WriteStartObject();
                w.WriteString("file", file);
                if (r is null)
                {
                    w.WriteString("error", error);
                    w.WriteEndObject();
                    continue;
                }

                w.WriteBoolean("isCry", r.IsCry);
                w.WriteNumber("cryScore", r.CryScore);
                w.WriteNumber("durationSeconds", r.Duration.TotalSeconds);
                if (r.TopReason is { } top)
                {
                    w.WriteString("topReason", CliOutput.Label(top));
                }
                else
                {
                    w.WriteNull("topReason");
                }

                WriteProbabilities(w, "probabilities", r.Probabilities);
                w.WriteStartArray("timeline");
                foreach (CryReasonSegment s in r.Timeline)
                {
                    w.WriteStartObject();
                    w.WriteNumber("startSeconds", s.Start.TotalSeconds);
                    w.WriteNumber("durationSeconds", s.Duration.TotalSeconds);
                    w.WriteNumber("cryScore", s.CryScore);
                    WriteProbabilities(w, "probabilities", s.Probabilities);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        stdout.Write("\n"u8);
    }

    private static void WriteProbabilities(Utf8JsonWriter w, string name, IReadOnlyList<float> probabilities)
    {
        w.WriteStartObject(name);
        for (int i = 0; i < probabilities.Count; i++)
        {
            w.WriteNumber(CryReasonFoldManifest.Labels[i], probabilities[i]);
        }

        w.WriteEndObject();
    }
}
