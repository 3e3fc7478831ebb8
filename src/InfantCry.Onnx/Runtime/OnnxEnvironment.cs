using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using Ort = Microsoft.ML.OnnxRuntime;

namespace InfantCry.Onnx.Runtime;

/// <summary>
/// The process-wide ONNX Runtime environment (<see cref="Ort.OrtEnv"/>), created on first use with error-level logging,
/// and the translation of the official API's failures into InfantCry's exceptions.
/// </summary>
/// <remarks>
/// Thread-safety: creation is serialized by a lock; afterwards every member is safe from any thread. An app that created
/// the environment itself (for example with its own logging) keeps it: InfantCry then uses that instance unchanged.
/// </remarks>
internal static class OnnxEnvironment
{
    private static readonly Lock s_gate = new();
    private static Ort.OrtEnv? s_env;

    /// <summary>The environment; loads the native library on first use.</summary>
    /// <exception cref="OnnxRuntimeNotFoundException">The native library could not be loaded.</exception>
    public static Ort.OrtEnv Env => Volatile.Read(ref s_env) ?? Create();

    /// <summary>CPU memory description for tensors over caller memory.</summary>
    public static Ort.OrtMemoryInfo CpuMemory
    {
        get
        {
            _ = Env;
            return Ort.OrtMemoryInfo.DefaultInstance;
        }
    }

    private static Ort.OrtEnv Create()
    {
        lock (s_gate)
        {
            if (s_env is not null)
            {
                return s_env;
            }

            try
            {
                Ort.OrtEnv env;
                if (Ort.OrtEnv.IsCreated)
                {
                    env = Ort.OrtEnv.Instance();
                }
                else
                {
                    // Errors reach the caller as exceptions, so only ONNX Runtime's errors are logged (to stderr),
                    // keeping exporter warnings out of app output.
                    var options = new Ort.EnvironmentCreationOptions
                    {
                        logId = "InfantCry",
                        logLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                    };
                    env = Ort.OrtEnv.CreateInstanceWithOptions(ref options);
                }

                Volatile.Write(ref s_env, env);
                return env;
            }
            catch (Exception ex) when (IsLoadFailure(ex))
            {
                throw NotFound(ex);
            }
        }
    }

    /// <summary>Whether an exception from the official API's first call means the native library did not load.</summary>
    internal static bool IsLoadFailure(Exception ex) =>
        ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
        || (ex is TypeInitializationException { InnerException: { } inner } && IsLoadFailure(inner));

    internal static OnnxRuntimeNotFoundException NotFound(Exception cause)
    {
        string rid = RuntimeInformation.RuntimeIdentifier;
        return new OnnxRuntimeNotFoundException(
            string.Create(CultureInfo.InvariantCulture,
                $"ONNX Runtime's native library could not be loaded for {rid} ({cause.GetBaseException().Message}). ") +
            "It ships in the Microsoft.ML.OnnxRuntime NuGet package, which InfantCry.Onnx depends on, under runtimes/<rid>/native/; " +
            "make sure the app restores that package and runs on (or is published for) a runtime identifier the package supports " +
            "(win-x64, win-arm64, linux-x64, linux-arm64, osx-arm64, android, ios).",
            cause);
    }

    /// <summary>
    /// Turns the official API's exception (message <c>"[ErrorCode:Name] text"</c>) into <see cref="OnnxRuntimeException"/>
    /// with the native code, the runtime's text and what InfantCry was doing.
    /// </summary>
    public static OnnxRuntimeException Translate(Ort.OnnxRuntimeException exception, string context)
    {
        var (code, message) = ParseMessage(exception.Message);
        return new OnnxRuntimeException(code, message, context, exception);
    }

    /// <summary>Splits <c>"[ErrorCode:Name] text"</c> into the code and the text; other messages are <see cref="OnnxErrorCode.Fail"/>.</summary>
    internal static (OnnxErrorCode Code, string Message) ParseMessage(string text)
    {
        const string Prefix = "[ErrorCode:";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (OnnxErrorCode.Fail, text);
        }

        int end = text.IndexOf(']', Prefix.Length);
        if (end < 0)
        {
            return (OnnxErrorCode.Fail, text);
        }

        string name = text[Prefix.Length..end];
        string message = text[(end + 1)..].TrimStart();
        return (ParseCode(name), message);
    }

    private static OnnxErrorCode ParseCode(string name) => name switch
    {
        // The managed API names native codes 11 and 12 after retired ones; the native values are EP_FAIL and MODEL_LOAD_CANCELED.
        "ShapeInferenceNotRegistered" => OnnxErrorCode.EpFail,
        "RequirementNotRegistered" => OnnxErrorCode.ModelLoadCanceled,
        _ when int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && Enum.IsDefined((OnnxErrorCode)value) => (OnnxErrorCode)value,
        _ when Enum.TryParse(name, ignoreCase: false, out OnnxErrorCode parsed) && Enum.IsDefined(parsed) => parsed,
        _ => OnnxErrorCode.Fail,
    };

    /// <summary>The full path of the loaded native library, from the process's module list; <see langword="null"/> when the OS does not report it.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Diagnostics only: a module list the OS cannot give is reported as unknown.")]
    public static string? LoadedLibraryPath()
    {
        _ = Env;
        try
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            foreach (System.Diagnostics.ProcessModule module in process.Modules)
            {
                string name = module.ModuleName;
                if (IsRuntimeLibraryName(name) && !string.IsNullOrEmpty(module.FileName))
                {
                    return module.FileName;
                }
            }
        }
        catch (Exception)
        {
            return null;
        }

        return null;
    }

    /// <summary>True for <c>onnxruntime.dll</c>, <c>libonnxruntime.so</c>, <c>libonnxruntime.so.1</c>, <c>libonnxruntime.dylib</c>, <c>libonnxruntime.1.32.0.dylib</c>.</summary>
    internal static bool IsRuntimeLibraryName(string fileName) =>
        fileName.Equals("onnxruntime.dll", StringComparison.OrdinalIgnoreCase)
        || fileName.StartsWith("libonnxruntime.so", StringComparison.Ordinal)
        || (fileName.StartsWith("libonnxruntime.", StringComparison.Ordinal) && fileName.EndsWith(".dylib", StringComparison.Ordinal));
}
