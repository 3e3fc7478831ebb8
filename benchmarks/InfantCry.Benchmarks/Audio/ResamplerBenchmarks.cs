using BenchmarkDotNet.Attributes;
using InfantCry.Audio.Resampling;

namespace InfantCry.Benchmarks.Audio;

/// <summary>Resampling to YAMNet's 16 kHz at the default quality (>= 120 dB stopband, &lt;= 0.01 dB ripple to 0.9 Nyquist).</summary>
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private float[] _input = [];
    private float[] _output = [];
    private PolyphaseResampler _resampler = null!;

    /// <summary>Input rate in Hz: 8 kHz (donateacry, phones; upsampling across outputs), 44.1 kHz (consumer recordings; dot
    /// products in residue order) and 48 kHz (video sound tracks; decimation across outputs).</summary>
    [Params(8000, 44100, 48000)]
    public int FromRate { get; set; }

    /// <summary>Clip length in milliseconds: a 10 ms capture block, 1 s, a 7 s clip.</summary>
    [Params(10, 1000, 7000)]
    public int DurationMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = (int)((long)FromRate * DurationMs / 1000);
        var rng = new Random(1);
        _input = new float[n];
        for (int i = 0; i < n; i++)
        {
            _input[i] = (float)((rng.NextDouble() * 2) - 1) * 0.25f;
        }

        _resampler = new PolyphaseResampler(FromRate, 16000);
        _output = new float[_resampler.GetMaxOutputLength(n) + _resampler.MaxFlushLength];
    }

    /// <summary>Steady-state streaming: one chunk into a reused resampler and buffer (what a live capture loop does).</summary>
    [Benchmark(Baseline = true)]
    public int StreamingChunk() => _resampler.Process(_input, _output);

    /// <summary>A whole clip: Reset, Process, Flush on a reused instance.</summary>
    [Benchmark]
    public int WholeClipReused()
    {
        _resampler.Reset();
        int n = _resampler.Process(_input, _output);
        return n + _resampler.Flush(_output.AsSpan(n));
    }

    /// <summary>The allocating convenience (new resampler state and output array; the phase table is cached).</summary>
    [Benchmark]
    public float[] ResampleConvenience() => Resampler.Resample(_input, FromRate, 16000);
}
