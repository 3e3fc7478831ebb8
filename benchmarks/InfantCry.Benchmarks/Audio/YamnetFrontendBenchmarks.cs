using BenchmarkDotNet.Attributes;
using InfantCry.Audio.Features;

namespace InfantCry.Benchmarks.Audio;

/// <summary>YAMNet log-mel and patches of 16 kHz audio, single-threaded.</summary>
[MemoryDiagnoser]
public class YamnetFrontendBenchmarks
{
    private float[] _samples = [];
    private float[] _logMel = [];
    private float[] _patches = [];
    private float[] _streamOut = new float[2 * YamnetFrontend.PatchLength];
    private YamnetStreamingFrontend _streaming = null!;

    /// <summary>Clip length in milliseconds: 10 ms (one streaming hop block), 1 s, a 7 s clip.</summary>
    [Params(10, 1000, 7000)]
    public int DurationMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = 16 * DurationMs;
        var rng = new Random(1);
        _samples = new float[n];
        for (int i = 0; i < n; i++)
        {
            _samples[i] = (float)((rng.NextDouble() * 2) - 1) * 0.25f;
        }

        _logMel = new float[Math.Max(1, YamnetFrontend.GetFrameCount(n)) * YamnetFrontend.MelBands];
        _patches = new float[YamnetFrontend.GetPatchCount(n) * YamnetFrontend.PatchLength];
        _streaming = new YamnetStreamingFrontend();
        _streamOut = new float[(_streaming.GetPatchCountForProcess(n) + 2) * YamnetFrontend.PatchLength];
    }

    /// <summary>Log-mel frames of the unpadded clip (for 10 ms: no complete frame, the cost of the call itself).</summary>
    [Benchmark(Baseline = true)]
    public int LogMel() => YamnetFrontend.Shared.ComputeLogMel(_samples, _logMel);

    /// <summary>pad_waveform + log-mel + 96x64 patches into a reused buffer (10 ms is padded to one whole patch).</summary>
    [Benchmark]
    public int Patches() => YamnetFrontend.Shared.ComputePatches(_samples, _patches);

    /// <summary>Streaming: the clip is written as one chunk into a live stream (frames and patches as they complete).</summary>
    [Benchmark]
    public int StreamingProcess()
    {
        if (_streaming.GetPatchCountForProcess(_samples.Length) * YamnetFrontend.PatchLength > _streamOut.Length)
        {
            _streaming.Reset();
        }

        return _streaming.Process(_samples, _streamOut);
    }
}
