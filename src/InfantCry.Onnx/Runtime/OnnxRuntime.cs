using InfantCry.Onnx.Sessions;

namespace InfantCry.Onnx.Runtime;

/// <summary>Diagnostics about the ONNX Runtime InfantCry uses: version, native library and execution providers.</summary>
/// <remarks>
/// ONNX Runtime comes from the official <c>Microsoft.ML.OnnxRuntime</c> NuGet package: its managed API and, under
/// <c>runtimes/&lt;rid&gt;/native/</c>, the native library, which .NET's loader finds through the app's dependency
/// manifest. Reading any member loads the library if needed. Thread-safe.
/// </remarks>
public static class OnnxRuntime
{
    /// <summary>The loaded runtime's version, for example <c>"1.32.0"</c>.</summary>
    /// <exception cref="OnnxRuntimeNotFoundException">The native library could not be loaded.</exception>
    public static string Version => OnnxEnvironment.Env.GetVersionString();

    /// <summary>
    /// The full path the native library was loaded from, as the operating system reports it (the process's module
    /// list), or the bare file name when the OS does not report paths.
    /// </summary>
    /// <exception cref="OnnxRuntimeNotFoundException">The native library could not be loaded.</exception>
    public static string NativeLibraryPath =>
        OnnxEnvironment.LoadedLibraryPath()
        ?? (OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() ? "libonnxruntime.dylib" : "libonnxruntime.so");

    /// <summary>
    /// The execution providers this build of the native library offers, by ONNX Runtime's names (for example
    /// <c>"CPUExecutionProvider"</c>, <c>"CUDAExecutionProvider"</c>), in ONNX Runtime's order of preference.
    /// </summary>
    /// <exception cref="OnnxRuntimeNotFoundException">The native library could not be loaded.</exception>
    public static IReadOnlyList<string> AvailableExecutionProviders => OnnxEnvironment.Env.GetAvailableProviders();

    /// <summary>Whether <paramref name="provider"/> can be selected in <see cref="OnnxSessionOptions.ExecutionProvider"/> with the loaded native library.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns><see langword="true"/> when ONNX Runtime lists the provider as available.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="provider"/> is not a defined value.</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">The native library could not be loaded.</exception>
    public static bool IsAvailable(OnnxExecutionProvider provider) =>
        AvailableExecutionProviders.Contains(ExecutionProviders.NativeName(provider), StringComparer.Ordinal);
}
