using System.CommandLine;
using System.Reflection;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Reasons;
using InfantCry.Audio.Yamnet;
using InfantCry.Evaluation;
using InfantCry.Onnx.Runtime;

namespace InfantCry.Cli;

/// <summary><c>infantcry info [--models DIR]</c>: versions, where ONNX Runtime was loaded from, which models are present.</summary>
public static class InfoCommand
{
    private static readonly (string File, string MadeBy)[] s_models =
    [
        (YamnetEmbedder.ModelFileName, "scripts/setup.d/20-yamnet.sh"),
        (YamnetClassMap.FileName, "scripts/setup.d/20-yamnet.sh"),
        (CryReasonHead.FileName, "scripts/setup.d/50-cryreason.sh"),
        (ModelReliabilityFile.FileName, "scripts/setup.d/50-cryreason.sh"),
        (CryReasonFoldManifest.RelativePath, "scripts/setup.d/50-cryreason.sh"),
        (CryDetector.TrainedHeadFileName, "optional trained cry detector"),
    ];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var models = new Option<string?>("--models") { Description = $"Models folder (default: ${ModelsFolder.Variable}, else artifacts/models above the executable, else ./models)" };
        var command = new Command("info", "InfantCry and ONNX Runtime versions, the native library's location and the models present") { models };
        command.SetAction(parse => Run(parse.GetValue(models)));
        return command;
    }

    private static int Run(string? modelsOption)
    {
        string version = typeof(YamnetEmbedder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        Console.WriteLine($"InfantCry           {version}");
        int status = 0;
        try
        {
            Console.WriteLine($"ONNX Runtime        {OnnxRuntime.Version} (Microsoft.ML.OnnxRuntime)");
            Console.WriteLine($"native library      {OnnxRuntime.NativeLibraryPath}");
            Console.WriteLine($"execution providers {string.Join(", ", OnnxRuntime.AvailableExecutionProviders)}");
        }
        catch (OnnxRuntimeNotFoundException ex)
        {
            Console.WriteLine($"ONNX Runtime        not loaded: {ex.Message}");
            status = 1;
        }

        ModelsFolder folder = ModelsFolder.Resolve(modelsOption);
        Console.WriteLine($"models folder       {folder.Path} ({folder.Source}{(folder.Exists ? string.Empty : ", MISSING")})");
        if (!folder.Exists)
        {
            foreach (string p in folder.Searched)
            {
                Console.WriteLine($"  looked at         {p}");
            }

            Console.WriteLine($"  run scripts/setup.sh, set ${ModelsFolder.Variable} or pass --models DIR");
            return 1;
        }

        foreach ((string file, string madeBy) in s_models)
        {
            string path = Path.Combine(folder.Path, file);
            bool present = File.Exists(path);
            string size = present ? $"{new FileInfo(path).Length / 1024.0:F0} KB" : $"missing ({madeBy})";
            Console.WriteLine($"  {file,-34} {size}");
        }

        return status;
    }
}
