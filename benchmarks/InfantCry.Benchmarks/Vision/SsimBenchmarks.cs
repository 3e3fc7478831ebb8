using BenchmarkDotNet.Attributes;
using InfantCry.Vision.Quality;

namespace InfantCry.Benchmarks.Vision;

/// <summary>SSIM (11x11 Gaussian, valid border) of two gray frames: the autoencoder's 64x64 faces and a whole 640x480 frame.</summary>
[MemoryDiagnoser]
public class SsimBenchmarks
{
    private Ssim _ssim = null!;
    private float[] _x = [];
    private float[] _y = [];
    private float[] _map = [];

    /// <summary>Frame side, "WxH" in pixels.</summary>
    [Params("64x64", "640x480")]
    public string Size { get; set; } = "64x64";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Size.Split('x');
        int w = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), h = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var rng = new Random(1);
        _x = Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();
        _y = _x.Select(v => Math.Clamp(v + (0.1f * (float)(rng.NextDouble() - 0.5)), 0f, 1f)).ToArray();
        _ssim = new Ssim(w, h);
        _map = new float[_ssim.MapWidth * _ssim.MapHeight];
    }

    [Benchmark(Baseline = true)]
    public double MeanOnly() => _ssim.Compute(_x, _y);

    [Benchmark]
    public double MeanAndMap() => _ssim.Compute(_x, _y, _map);
}
