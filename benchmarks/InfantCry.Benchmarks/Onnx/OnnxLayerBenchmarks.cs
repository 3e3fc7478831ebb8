using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using InfantCry.Abstractions.Inference;
using InfantCry.Audio.Wav;
using InfantCry.Audio.Yamnet;
using InfantCry.Benchmarks.Onnx.Legacy;
using InfantCry.Benchmarks.Yamnet;
using InfantCry.Onnx.Sessions;

namespace InfantCry.Benchmarks.Onnx;

/// <summary>Which ONNX Runtime layer a benchmark runs, and where its native library comes from.</summary>
internal static class OnnxLayers
{
    /// <summary>The npm onnxruntime-node 1.30.0 library the old set-up fetched (outside the repository).</summary>
    public static string NpmLibrary130 =>
        Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cache", "infantcry", "onnxruntime", "1.30.0", "linux-x64", "libonnxruntime.so.1");

    /// <summary>The Microsoft.ML.OnnxRuntime 1.32.0 package's library, as copied next to the benchmark.</summary>
    public static string PackageLibrary132 =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime.so");

    /// <summary>Points the hand-written binding at a library; must run before its first use in the process.</summary>
    public static void UseLegacyLibrary(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Native library for the legacy binding not found: {path}", path);
        }

        Environment.SetEnvironmentVariable(OrtLibrary.PathVariable, path);
    }

    public static IInferenceSession CreateLegacy(string modelPath, string library, OnnxSessionOptions options)
    {
        UseLegacyLibrary(library);
        var session = LegacyOnnxSession.Create(modelPath, options);
        Console.WriteLine($"// legacy C-API binding over ONNX Runtime {OrtLibrary.Version} from {OrtLibrary.LoadedPath}");
        return session;
    }

    public static IInferenceSession CreateOfficial(string modelPath, OnnxSessionOptions options)
    {
        var session = OnnxInferenceSession.Create(modelPath, options);
        Console.WriteLine($"// official managed API over ONNX Runtime {InfantCry.Onnx.Runtime.OnnxRuntime.Version} from {InfantCry.Onnx.Runtime.OnnxRuntime.NativeLibraryPath}");
        return session;
    }
}

/// <summary>
/// The old hand-written C-API binding against the official managed API (<c>Microsoft.ML.OnnxRuntime</c>), one
/// <c>Run</c> of a tiny model, one intra-op thread. The hand-written binding runs twice: over the npm 1.30.0 library it
/// shipped with, and over the package's 1.32.0 library, so binding overhead and native version can be told apart.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/InfantCry.Benchmarks -- --filter '*OnnxLayer*'</c>. Every benchmark
/// runs in its own process (BenchmarkDotNet's default), so each process loads exactly one native library.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OnnxLayerBenchmarks
{
    private IInferenceSession _session = null!;
    private TensorInput[] _inputs = null!;
    private TensorOutput[] _outputs = null!;

    /// <summary>The model: a Gemm on [1, 8]; an LSTM over 7 steps of 5 features (tests/InfantCry.Onnx.Tests/Golden).</summary>
    [Params("gemm 1x8", "lstm 7x1x5")]
    public string Model { get; set; } = "gemm 1x8";

    private string ModelPath => Path.Combine(RepositoryPaths.Root, "tests", "InfantCry.Onnx.Tests", "Golden", Model.Split(' ')[0] + ".onnx");

    private static OnnxSessionOptions Options => new() { IntraOpThreads = 1 };

    [GlobalSetup(Targets = [nameof(CApi130_Preallocated), nameof(CApi130_Owned)])]
    public void SetupLegacy130() => Prepare(OnnxLayers.CreateLegacy(ModelPath, OnnxLayers.NpmLibrary130, Options));

    [GlobalSetup(Targets = [nameof(CApi132_Preallocated), nameof(CApi132_Owned)])]
    public void SetupLegacy132() => Prepare(OnnxLayers.CreateLegacy(ModelPath, OnnxLayers.PackageLibrary132, Options));

    [GlobalSetup(Targets = [nameof(Official132_Preallocated), nameof(Official132_Owned)])]
    public void SetupOfficial() => Prepare(OnnxLayers.CreateOfficial(ModelPath, Options));

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark(Baseline = true, Description = "C API (hand-written) @1.30 npm")]
    [BenchmarkCategory("outputs into caller buffers")]
    public void CApi130_Preallocated() => _session.Run(_inputs, _outputs);

    [Benchmark(Description = "C API (hand-written) @1.32 package")]
    [BenchmarkCategory("outputs into caller buffers")]
    public void CApi132_Preallocated() => _session.Run(_inputs, _outputs);

    [Benchmark(Description = "official managed API @1.32 package")]
    [BenchmarkCategory("outputs into caller buffers")]
    public void Official132_Preallocated() => _session.Run(_inputs, _outputs);

    [Benchmark(Baseline = true, Description = "C API (hand-written) @1.30 npm")]
    [BenchmarkCategory("owned outputs")]
    public IReadOnlyList<NamedTensor> CApi130_Owned() => _session.Run(_inputs);

    [Benchmark(Description = "C API (hand-written) @1.32 package")]
    [BenchmarkCategory("owned outputs")]
    public IReadOnlyList<NamedTensor> CApi132_Owned() => _session.Run(_inputs);

    [Benchmark(Description = "official managed API @1.32 package")]
    [BenchmarkCategory("owned outputs")]
    public IReadOnlyList<NamedTensor> Official132_Owned() => _session.Run(_inputs);

    private void Prepare(IInferenceSession session)
    {
        _session = session;
        var random = new Random(1);
        _inputs = session.Inputs.Select(info =>
        {
            long[] shape = info.Shape.ToArray();
            int count = (int)TensorShape.ElementCount(shape);
            return info.ElementType == TensorElementType.Int64
                ? TensorInput.Int64(info.Name, Enumerable.Range(0, count).Select(i => (long)(i % 10)).ToArray(), shape)
                : TensorInput.Float32(info.Name, Enumerable.Range(0, count).Select(_ => random.NextSingle() - 0.5f).ToArray(), shape);
        }).ToArray();
        IReadOnlyList<NamedTensor> shapes = session.Run(_inputs);
        _outputs = shapes.Select(t => t.ElementType == TensorElementType.Int64
            ? TensorOutput.Int64(t.Name, new long[t.Int64Data!.Length], t.Shape.ToArray())
            : TensorOutput.Float32(t.Name, new float[t.Float32Data!.Length], t.Shape.ToArray())).ToArray();
    }
}

/// <summary>
/// A 7 s, 8 kHz PCM16 WAV in memory end to end (decode, resample to 16 kHz, log-mel patches, YAMNet on 14 patches)
/// with YAMNet on each ONNX Runtime layer, one intra-op thread.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class OnnxLayerYamnetBenchmarks
{
    private YamnetEmbedder _embedder = null!;
    private byte[] _wav = null!;
    private float[] _embeddings = null!;
    private float[] _scores = null!;

    private static string ModelPath => Path.Combine(BenchmarkModels.Folder, YamnetEmbedder.ModelFileName);

    private static OnnxSessionOptions Options => new() { IntraOpThreads = 1 };

    [GlobalSetup(Target = nameof(CApi130))]
    public void SetupLegacy130() => Prepare(OnnxLayers.CreateLegacy(ModelPath, OnnxLayers.NpmLibrary130, Options));

    [GlobalSetup(Target = nameof(CApi132))]
    public void SetupLegacy132() => Prepare(OnnxLayers.CreateLegacy(ModelPath, OnnxLayers.PackageLibrary132, Options));

    [GlobalSetup(Target = nameof(Official132))]
    public void SetupOfficial() => Prepare(OnnxLayers.CreateOfficial(ModelPath, Options));

    [GlobalCleanup]
    public void Cleanup() => _embedder.Dispose();

    [Benchmark(Baseline = true, Description = "7 s clip end to end, C API (hand-written) @1.30 npm")]
    public int CApi130() => EndToEnd();

    [Benchmark(Description = "7 s clip end to end, C API (hand-written) @1.32 package")]
    public int CApi132() => EndToEnd();

    [Benchmark(Description = "7 s clip end to end, official managed API @1.32 package")]
    public int Official132() => EndToEnd();

    private int EndToEnd()
    {
        AudioClip clip = WavReader.Read(new MemoryStream(_wav));
        return _embedder.Embed(clip.Samples, clip.SampleRate, _embeddings, _scores);
    }

    private void Prepare(IInferenceSession session)
    {
        _embedder = new YamnetEmbedder(session, null, ownsSession: true);
        _wav = BenchmarkModels.ClipWav(8000, 7);
        int patches = YamnetEmbedder.GetPatchCount(8000 * 7, 8000);
        _embeddings = new float[patches * YamnetEmbedder.EmbeddingSize];
        _scores = new float[patches * YamnetEmbedder.ClassCount];
    }
}
