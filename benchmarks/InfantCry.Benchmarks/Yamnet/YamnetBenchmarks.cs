using BenchmarkDotNet.Attributes;
using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;
using InfantCry.Audio.Wav;
using InfantCry.Audio.Yamnet;
using InfantCry.Onnx.Sessions;

namespace InfantCry.Benchmarks.Yamnet;

/// <summary>
/// YAMNet on ONNX Runtime: a batch of log-mel patches (the 14 of a 7 s clip) → embeddings and scores, with 1 and 2
/// intra-op threads. Embeddings per second = Patches / mean time; real-time factor = compute time / audio time
/// (14 patches cover 0.975 + 13 · 0.48 = 7.215 s).
/// </summary>
[MemoryDiagnoser]
public class YamnetThroughputBenchmarks
{
    private YamnetEmbedder _embedder = null!;
    private float[] _patches = null!;
    private float[] _embeddings = null!;
    private float[] _scores = null!;

    /// <summary>ONNX Runtime intra-op threads.</summary>
    [Params(1, 2)]
    public int IntraOpThreads { get; set; }

    /// <summary>Patches per call (14 = one 7 s clip; 1 = one 0.96 s window of a live stream).</summary>
    [Params(1, 14)]
    public int Patches { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _embedder = YamnetEmbedder.Create(Path.Combine(BenchmarkModels.Folder, YamnetEmbedder.ModelFileName), null, new OnnxSessionOptions { IntraOpThreads = IntraOpThreads });
        AudioClip clip = WavReader.Read(new MemoryStream(BenchmarkModels.ClipWav(16000, 7)));
        float[] all = YamnetFrontend.ComputePatches(clip.Samples, out int count);
        _patches = all.AsSpan(0, Math.Min(count, Patches) * YamnetFrontend.PatchLength).ToArray();
        _embeddings = new float[Patches * YamnetEmbedder.EmbeddingSize];
        _scores = new float[Patches * YamnetEmbedder.ClassCount];
    }

    [GlobalCleanup]
    public void Cleanup() => _embedder.Dispose();

    [Benchmark(Baseline = true)]
    public void EmbedPatches() => _embedder.EmbedPatches(_patches, Patches, _embeddings, _scores);
}

/// <summary>
/// End to end for a 7 s, 8 kHz PCM16 WAV held in memory (the donateacry format): decode, resample to 16 kHz,
/// log-mel patches, YAMNet (target ≤ 30 ms on the project's 2-core machine), beside each stage on its own.
/// </summary>
[MemoryDiagnoser]
public class YamnetEndToEndBenchmarks
{
    private YamnetEmbedder _embedder = null!;
    private byte[] _wav = null!;
    private float[] _samples = null!;
    private float[] _samples16k = null!;
    private float[] _patches = null!;
    private float[] _embeddings = null!;
    private float[] _scores = null!;
    private int _patchCount;

    /// <summary>Clip length in seconds.</summary>
    [Params(7)]
    public int ClipSeconds { get; set; }

    /// <summary>The WAV's sample rate in Hz.</summary>
    [Params(8000)]
    public int SampleRate { get; set; }

    /// <summary>ONNX Runtime intra-op threads.</summary>
    [Params(1, 2)]
    public int IntraOpThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _embedder = YamnetEmbedder.Create(Path.Combine(BenchmarkModels.Folder, YamnetEmbedder.ModelFileName), null, new OnnxSessionOptions { IntraOpThreads = IntraOpThreads });
        _wav = BenchmarkModels.ClipWav(SampleRate, ClipSeconds);
        _samples = WavReader.Read(new MemoryStream(_wav)).Samples;
        _samples16k = Resampler.Resample(_samples, SampleRate, YamnetFrontend.SampleRate);
        _patches = YamnetFrontend.ComputePatches(_samples16k, out _patchCount);
        _embeddings = new float[_patchCount * YamnetEmbedder.EmbeddingSize];
        _scores = new float[_patchCount * YamnetEmbedder.ClassCount];
    }

    [GlobalCleanup]
    public void Cleanup() => _embedder.Dispose();

    [Benchmark(Baseline = true, Description = "decode+resample+frontend+YAMNet")]
    public int EndToEnd()
    {
        AudioClip clip = WavReader.Read(new MemoryStream(_wav));
        return _embedder.Embed(clip.Samples, clip.SampleRate, _embeddings, _scores);
    }

    [Benchmark(Description = "decode")]
    public AudioClip Decode() => WavReader.Read(new MemoryStream(_wav));

    [Benchmark(Description = "resample 8->16 kHz")]
    public int Resample() => Resampler.Resample(_samples, SampleRate, YamnetFrontend.SampleRate, _samples16k);

    [Benchmark(Description = "frontend (log-mel patches)")]
    public int Frontend() => YamnetFrontend.Shared.ComputePatches(_samples16k, _patches);

    [Benchmark(Description = "YAMNet (ONNX Runtime)")]
    public void Model() => _embedder.EmbedPatches(_patches, _patchCount, _embeddings, _scores);
}
