using InfantCry.Abstractions.Errors;

namespace InfantCry.Abstractions.Models;

/// <summary>
/// Finds the models that InfantCry's model packages (<c>InfantCry.Models.*</c> on NuGet) copy beside the app: every
/// such package puts its files into the folder <see cref="FolderName"/> of the app's output and publish folders, so
/// the default factories (<c>CryReasonClassifier.CreateDefault()</c>, <c>PainLevelEstimator.CreateDefault()</c>, ...)
/// need no path and no environment variable.
/// </summary>
/// <remarks>Thread-safe: the class holds no state beyond the folder it resolved once.</remarks>
public static class PackagedModels
{
    /// <summary>The folder name under the app's base directory: <c>infantcry-models</c>.</summary>
    public const string FolderName = "infantcry-models";

    /// <summary>YAMNet (ONNX) and its class map.</summary>
    public const string YamnetPackage = "InfantCry.Models.Yamnet";

    /// <summary>The cry detector's settings and trained head.</summary>
    public const string CryDetectorPackage = "InfantCry.Models.CryDetector";

    /// <summary>The cry-reason head and its reliability statement.</summary>
    public const string CryReasonPackage = "InfantCry.Models.CryReason";

    /// <summary>The face detectors (UltraFace, YuNet).</summary>
    public const string FaceDetectionPackage = "InfantCry.Models.FaceDetection";

    /// <summary>The pain models (convolutional autoencoder and LSTM).</summary>
    public const string PainPackage = "InfantCry.Models.Pain";

    /// <summary>dlib's 68-point landmark model: opt-in, research use only (trained on iBUG 300-W).</summary>
    public const string Dlib68Package = "InfantCry.Models.Dlib68";

    /// <summary>The folder the packaged models are copied to: <see cref="AppContext.BaseDirectory"/> + <see cref="FolderName"/>.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, FolderName);

    /// <summary>The full path of a packaged model file, after checking that it is there.</summary>
    /// <param name="fileName">The file's name, for example <c>yamnet.onnx</c>.</param>
    /// <param name="packageId">The NuGet package that carries it (one of the constants of this class), named in the error.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="ArgumentException">An argument is empty.</exception>
    /// <exception cref="InvalidModelException">The file is not in <see cref="Folder"/>: the message names the package to add.</exception>
    public static string GetPath(string fileName, string packageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(packageId);
        string path = Path.Combine(Folder, fileName);
        if (!File.Exists(path))
        {
            throw new InvalidModelException(
                $"Model file '{fileName}' was not found in '{Folder}'. It comes with the NuGet package {packageId}: add it to the app " +
                $"(dotnet add package {packageId}) and build again, which copies its models into the app's {FolderName} folder; " +
                "or use the factory that takes a models folder or file path.");
        }

        return path;
    }

    /// <summary>The provenance manifests of every packaged model present beside the app.</summary>
    /// <returns>One manifest per model package found, sorted by name; empty when none is installed.</returns>
    /// <exception cref="InvalidModelException">A manifest is present but unreadable.</exception>
    public static IReadOnlyList<ModelProvenance> ListInstalled()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(Folder, "*" + ModelProvenance.FileSuffix)
            .Select(ModelProvenance.Load)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();
    }
}
