using System.Globalization;
using System.Text.Json;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Reasons;
using InfantCry.Evaluation;

namespace InfantCry.Cli;

/// <summary>Shared option definitions and output helpers of the commands.</summary>
internal static class CliOutput
{
    public static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One compact JSON text (a line of JSON lines, an MQTT payload) written by <paramref name="write"/>.</summary>
    public static string JsonText(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Indented.Encoder }))
        {
            write(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string F(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Label(CryReason reason) => CryReasonFoldManifest.Labels[(int)reason];

    public static void WriteReliability(Utf8JsonWriter w, ModelReliability r)
    {
        w.WriteStartObject("reliability");
        w.WriteString("protocol", r.Protocol);
        w.WriteNumber("macroF1", r.MacroF1);
        w.WriteNumber("macroRocAuc", r.MacroRocAuc);
        w.WriteNumber("baselineMacroF1", r.BaselineMacroF1);
        if (r.PermutationPValue is double p)
        {
            w.WriteNumber("permutationPValue", p);
        }
        else
        {
            w.WriteNull("permutationPValue");
        }

        w.WriteBoolean("betterThanChance", r.BetterThanChance);
        w.WriteString("summary", r.Summary);
        w.WriteEndObject();
    }

    /// <summary>Reports bad input the way every command does: <c>infantcry: message</c> on stderr and exit code 1.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"infantcry: {message}");
        return 1;
    }

    /// <summary>Runs a command body, turning InfantCry's errors into a message on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InfantCryException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"infantcry: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("infantcry: cancelled").ConfigureAwait(false);
            return 130;
        }
    }
}
