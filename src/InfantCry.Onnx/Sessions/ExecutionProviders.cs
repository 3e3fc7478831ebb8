using System.Globalization;
using InfantCry.Onnx.Runtime;
using Ort = Microsoft.ML.OnnxRuntime;

namespace InfantCry.Onnx.Sessions;

/// <summary>Maps <see cref="OnnxExecutionProvider"/> to ONNX Runtime's provider names and appends it to session options.</summary>
internal static class ExecutionProviders
{
    /// <summary>ONNX Runtime's name for the provider, as <c>GetAvailableProviders</c> lists it.</summary>
    public static string NativeName(OnnxExecutionProvider provider) => provider switch
    {
        OnnxExecutionProvider.Cpu => "CPUExecutionProvider",
        OnnxExecutionProvider.Cuda => "CUDAExecutionProvider",
        OnnxExecutionProvider.DirectMl => "DmlExecutionProvider",
        OnnxExecutionProvider.CoreMl => "CoreMLExecutionProvider",
        OnnxExecutionProvider.Nnapi => "NnapiExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Not a defined OnnxExecutionProvider."),
    };

    /// <summary>The NuGet package whose native library carries the provider.</summary>
    public static string PackageHint(OnnxExecutionProvider provider) => provider switch
    {
        OnnxExecutionProvider.Cuda => "Microsoft.ML.OnnxRuntime.Gpu (Linux x64, Windows x64; needs the CUDA and cuDNN libraries)",
        OnnxExecutionProvider.DirectMl => "Microsoft.ML.OnnxRuntime.DirectML (Windows)",
        OnnxExecutionProvider.CoreMl => "Microsoft.ML.OnnxRuntime on macOS or iOS",
        OnnxExecutionProvider.Nnapi => "Microsoft.ML.OnnxRuntime on Android",
        _ => "Microsoft.ML.OnnxRuntime",
    };

    /// <summary>Appends the selected provider (CPU needs nothing: ONNX Runtime always adds it last, as the fallback).</summary>
    /// <exception cref="OnnxExecutionProviderUnavailableException">The loaded runtime does not have the provider, or refused it.</exception>
    public static void Append(Ort.SessionOptions sessionOptions, OnnxSessionOptions options)
    {
        OnnxExecutionProvider provider = options.ExecutionProvider;
        if (provider == OnnxExecutionProvider.Cpu)
        {
            return;
        }

        string[] available = OnnxEnvironment.Env.GetAvailableProviders();
        if (Array.IndexOf(available, NativeName(provider)) < 0)
        {
            throw Unavailable(provider, available, null);
        }

        try
        {
            switch (provider)
            {
                case OnnxExecutionProvider.Cuda:
                    sessionOptions.AppendExecutionProvider_CUDA(options.DeviceId);
                    break;
                case OnnxExecutionProvider.DirectMl:
                    sessionOptions.AppendExecutionProvider_DML(options.DeviceId);
                    break;
                case OnnxExecutionProvider.CoreMl:
                    sessionOptions.AppendExecutionProvider_CoreML(Ort.CoreMLFlags.COREML_FLAG_USE_NONE);
                    break;
                case OnnxExecutionProvider.Nnapi:
                    sessionOptions.AppendExecutionProvider_Nnapi(Ort.NnapiFlags.NNAPI_FLAG_USE_NONE);
                    break;
            }
        }
        catch (Exception ex) when (ex is Ort.OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw Unavailable(provider, available, ex);
        }
    }

    private static OnnxExecutionProviderUnavailableException Unavailable(OnnxExecutionProvider provider, string[] available, Exception? cause)
    {
        string reason = cause is null
            ? "the loaded ONNX Runtime does not include it"
            : "ONNX Runtime refused to add it (" + cause.Message + ")";
        string message = string.Create(CultureInfo.InvariantCulture,
            $"Execution provider {provider} ({NativeName(provider)}) is not available: {reason}. Available: {string.Join(", ", available)}. ") +
            $"It comes with {PackageHint(provider)}; reference that package instead of Microsoft.ML.OnnxRuntime, or select {nameof(OnnxExecutionProvider.Cpu)}.";
        return cause is null
            ? new OnnxExecutionProviderUnavailableException(message, provider, available)
            : new OnnxExecutionProviderUnavailableException(message, provider, available, cause);
    }
}
