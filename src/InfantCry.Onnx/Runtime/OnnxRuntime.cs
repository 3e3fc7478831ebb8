using InfantCry.Onnx.Native;

namespace InfantCry.Onnx.Runtime;

/// <summary>Diagnostics about the ONNX Runtime native library InfantCry uses.</summary>
/// <remarks>
/// Reading any member loads the library if needed (see <see cref="NativeLibraryPath"/> for the resolution order).
/// Thread-safe.
/// </remarks>
public static class OnnxRuntime
{
    /// <summary>The <c>ORT_API_VERSION</c> InfantCry requests: 30, ONNX Runtime 1.30's. Older runtimes are rejected.</summary>
    public const int ApiVersion = (int)OrtApi.ApiVersion;

    /// <summary>Name of the environment variable that points at the native library by full path (checked first).</summary>
    public const string LibraryPathVariable = OrtLibrary.PathVariable;

    /// <summary>The loaded runtime's version (<c>OrtApiBase::GetVersionString</c>), for example <c>"1.30.0"</c>.</summary>
    /// <exception cref="OnnxRuntimeNotFoundException">No usable native library was found.</exception>
    public static string Version => OrtLibrary.Version;

    /// <summary>
    /// The full path the native library was loaded from. Resolution order: the <c>INFANTCRY_ONNXRUNTIME</c>
    /// environment variable (a full path); app-local <c>runtimes/&lt;rid&gt;/native/</c> next to the InfantCry.Onnx
    /// assembly or under <see cref="AppContext.BaseDirectory"/>; then the set-up's cache,
    /// <c>$INFANTCRY_CACHE</c> or <c>${XDG_CACHE_HOME:-~/.cache}/infantcry</c> + <c>/onnxruntime/1.30.0/linux-x64/libonnxruntime.so.1</c>.
    /// </summary>
    /// <exception cref="OnnxRuntimeNotFoundException">No usable native library was found.</exception>
    public static string NativeLibraryPath => OrtLibrary.LoadedPath;
}
