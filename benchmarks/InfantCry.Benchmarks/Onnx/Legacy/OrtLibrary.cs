using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

using InfantCry.Onnx.Runtime;

namespace InfantCry.Benchmarks.Onnx.Legacy;

/// <summary>
/// Finds, loads and binds ONNX Runtime's native library once per process, and exposes the <c>OrtApi</c> function
/// table and the version string.
/// </summary>
/// <remarks>
/// <para>Resolution order (the first hit wins):</para>
/// <list type="number">
/// <item><description>The environment variable <c>INFANTCRY_ONNXRUNTIME</c>: a full path to the library. When it is
/// set but the file is missing or unusable, loading fails instead of silently using another copy.</description></item>
/// <item><description>App-local <c>runtimes/&lt;rid&gt;/native/</c> next to this assembly and under
/// <see cref="AppContext.BaseDirectory"/> (the layout of the official <c>Microsoft.ML.OnnxRuntime</c> package and of
/// InfantCry's own test and sample outputs).</description></item>
/// <item><description>The set-up's cache: <c>$INFANTCRY_CACHE</c> or <c>${XDG_CACHE_HOME:-~/.cache}/infantcry</c>,
/// then <c>onnxruntime/1.30.0/&lt;rid&gt;/libonnxruntime.so.1</c> (what <c>scripts/setup.sh</c> extracts).</description></item>
/// </list>
/// <para>The library is loaded with <see cref="NativeLibrary.Load(string)"/> and bound through its single export
/// <c>OrtGetApiBase</c>; nothing else is resolved by name, so the binding is AOT- and trim-safe.</para>
/// <para>Thread-safety: loading is serialized by a lock; once loaded, every member is safe from any thread.</para>
/// </remarks>
internal static unsafe class OrtLibrary
{
    /// <summary>Name of the environment variable holding a full path to the native library.</summary>
    public const string PathVariable = "INFANTCRY_ONNXRUNTIME";

    /// <summary>The ONNX Runtime release the set-up installs into the cache.</summary>
    public const string CachedVersion = "1.30.0";

    private static readonly Lock s_gate = new();
    private static nint s_table;
    private static string? s_version;
    private static string? s_path;

    /// <summary>The <c>OrtApi</c> function table; loads the library on first use.</summary>
    /// <exception cref="OnnxRuntimeNotFoundException">No usable library was found.</exception>
    public static nint* ApiTable
    {
        get
        {
            nint table = Volatile.Read(ref s_table);
            return table != 0 ? (nint*)table : (nint*)Load();
        }
    }

    /// <summary>The runtime's version string, for example <c>"1.30.0"</c>.</summary>
    public static string Version
    {
        get
        {
            _ = ApiTable;
            return s_version!;
        }
    }

    /// <summary>The full path the library was loaded from.</summary>
    public static string LoadedPath
    {
        get
        {
            _ = ApiTable;
            return s_path!;
        }
    }

    /// <summary>The runtime identifier used in <c>runtimes/&lt;rid&gt;/native</c>, for example <c>linux-x64</c>.</summary>
    public static string RuntimeIdentifier
    {
        get
        {
            string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.X86 => "x86",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                var other => other.ToString().ToLowerInvariant(),
            };
            return os + "-" + arch;
        }
    }

    /// <summary>File names the library has in a <c>runtimes/&lt;rid&gt;/native</c> folder on this OS.</summary>
    private static string[] LibraryFileNames =>
        OperatingSystem.IsWindows() ? ["onnxruntime.dll"]
        : OperatingSystem.IsMacOS() ? ["libonnxruntime.dylib"]
        : ["libonnxruntime.so", "libonnxruntime.so.1"];

    /// <summary>The set-up's cache folder for the pinned ONNX Runtime release on this platform.</summary>
    public static string CacheDirectory
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable("INFANTCRY_CACHE");
            if (string.IsNullOrEmpty(root))
            {
                string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                string baseDir = !string.IsNullOrEmpty(xdg)
                    ? xdg
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
                root = Path.Combine(baseDir, "infantcry");
            }

            return Path.Combine(root, "onnxruntime", CachedVersion, RuntimeIdentifier);
        }
    }

    /// <summary>Every path that resolution considers, in order, except the environment variable.</summary>
    public static IReadOnlyList<string> CandidatePaths()
    {
        var paths = new List<string>();
        string rid = RuntimeIdentifier;
        foreach (string dir in AppLocalDirectories())
        {
            foreach (string file in LibraryFileNames)
            {
                paths.Add(Path.Combine(dir, "runtimes", rid, "native", file));
            }
        }

        string cacheFile = OperatingSystem.IsWindows() ? "onnxruntime.dll"
            : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so.1";
        paths.Add(Path.Combine(CacheDirectory, cacheFile));
        return paths.Distinct(StringComparer.Ordinal).ToArray();
    }

    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty Assembly.Location (single-file or AOT) is skipped; AppContext.BaseDirectory covers that case.")]
    private static IEnumerable<string> AppLocalDirectories()
    {
        string location = typeof(OrtLibrary).Assembly.Location;
        if (!string.IsNullOrEmpty(location))
        {
            string? dir = Path.GetDirectoryName(location);
            if (!string.IsNullOrEmpty(dir))
            {
                yield return Path.GetFullPath(dir);
            }
        }

        if (!string.IsNullOrEmpty(AppContext.BaseDirectory))
        {
            yield return Path.GetFullPath(AppContext.BaseDirectory);
        }
    }

    private static nint Load()
    {
        lock (s_gate)
        {
            if (s_table != 0)
            {
                return s_table;
            }

            string? explicitPath = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrEmpty(explicitPath))
            {
                explicitPath = Path.GetFullPath(explicitPath);
            }

            var binding = Bind(explicitPath, CandidatePaths());
            s_version = binding.Version;
            s_path = binding.Path;
            Volatile.Write(ref s_table, binding.Table);
            return binding.Table;
        }
    }

    /// <summary>
    /// Resolves and binds the library: <paramref name="explicitPath"/> alone when it is set, otherwise the first
    /// of <paramref name="candidates"/> that exists and binds. Touches no process-wide state (testable).
    /// </summary>
    /// <exception cref="OnnxRuntimeNotFoundException">Nothing usable was found; the message lists every path and problem.</exception>
    internal static (nint Table, string Version, string Path) Bind(string? explicitPath, IReadOnlyList<string> candidates)
    {
        var tried = new List<string>();
        var problems = new StringBuilder();
        if (!string.IsNullOrEmpty(explicitPath))
        {
            tried.Add($"{explicitPath} (from {PathVariable})");
            if (!File.Exists(explicitPath))
            {
                problems.Append(CultureInvariant($"  {PathVariable}={explicitPath}: no such file.\n"));
            }
            else if (TryBind(explicitPath, problems) is { } bound)
            {
                return bound;
            }

            throw NotFound(tried, problems.ToString());
        }

        foreach (string candidate in candidates)
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && TryBind(candidate, problems) is { } bound)
            {
                return bound;
            }
        }

        throw NotFound(tried, problems.ToString());
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static (nint Table, string Version, string Path)? TryBind(string path, StringBuilder problems)
    {
        nint library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            problems.Append(CultureInvariant($"  {path}: cannot be loaded ({ex.Message}).\n"));
            return null;
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out nint getApiBase))
        {
            problems.Append(CultureInvariant($"  {path}: loads but has no OrtGetApiBase export; not an ONNX Runtime library.\n"));
            NativeLibrary.Free(library);
            return null;
        }

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        nint* apiBase = ((delegate* unmanaged<nint*>)getApiBase)();
        if (apiBase == null)
        {
            problems.Append(CultureInvariant($"  {path}: OrtGetApiBase returned null.\n"));
            return null;
        }

        string version = Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)apiBase[1])()) ?? "unknown";
        nint table = (nint)((delegate* unmanaged<uint, nint*>)apiBase[0])(OrtApi.ApiVersion);
        if (table == 0)
        {
            problems.Append(CultureInvariant($"  {path}: ONNX Runtime {version} does not support API version {OrtApi.ApiVersion}; InfantCry needs ONNX Runtime 1.30 or later.\n"));
            return null;
        }

        // The library stays loaded for the life of the process: the table points into it.
        return (table, version, path);
    }

    private static OnnxRuntimeNotFoundException NotFound(List<string> tried, string problems)
    {
        var message = new StringBuilder();
        message.Append("ONNX Runtime's native library was not found or could not be used. Looked in, in order:\n");
        foreach (string path in tried)
        {
            message.Append("  ").Append(path).Append('\n');
        }

        if (problems.Length > 0)
        {
            message.Append("Problems:\n").Append(problems);
        }

        message.Append("To install it: run scripts/setup.sh (extracts ONNX Runtime ")
            .Append(CachedVersion)
            .Append(" from npm's onnxruntime-node into ")
            .Append(CacheDirectory)
            .Append("), or set ")
            .Append(PathVariable)
            .Append(" to the full path of libonnxruntime, or ship it app-local in runtimes/")
            .Append(RuntimeIdentifier)
            .Append("/native/ (the layout of the Microsoft.ML.OnnxRuntime package).");
        return new OnnxRuntimeNotFoundException(message.ToString());
    }
}
