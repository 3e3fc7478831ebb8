using InfantCry.Vision.Quality;

namespace InfantCry.Vision.Tests.Quality;

public class SsimTests
{
    // The issue's bound against the independent float64 reference. Our filtering runs in float64 too, so the
    // only float32 step is the map's output rounding (<= 6e-8 for values <= 1).
    private const double GoldenTolerance = 1e-5;

    [TestCaseSource(typeof(GoldenData), nameof(GoldenData.CaseData), new object[] { "ssim" })]
    public void Map_and_mean_match_float64_numpy_reference(string name)
    {
        var c = GoldenData.Case("ssim", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32();
        var options = new SsimOptions
        {
            DynamicRange = c.GetProperty("dynamic_range").GetDouble(),
            Border = c.GetProperty("border").GetString() == "zero" ? SsimBorder.ZeroPadded : SsimBorder.Valid,
        };
        float[] x = GoldenData.Float32(c.GetProperty("x").GetString()!);
        float[] y = GoldenData.Float32(c.GetProperty("y").GetString()!);
        double[] expected = GoldenData.Float64(c.GetProperty("map").GetString()!);
        var ssim = new Ssim(w, h, options);
        Assert.That(ssim.MapWidth, Is.EqualTo(c.GetProperty("map_width").GetInt32()));
        Assert.That(ssim.MapHeight, Is.EqualTo(c.GetProperty("map_height").GetInt32()));
        var map = new float[ssim.MapWidth * ssim.MapHeight];
        double mean = ssim.Compute(x, y, map);
        TestContext.Out.WriteLine($"{name}: max |map - numpy| = {map.Select((v, i) => Math.Abs(v - expected[i])).Max():E2}, |mean - numpy| = {Math.Abs(mean - c.GetProperty("mean").GetDouble()):E2}");
        Assert.That(map.Select(v => (double)v), Is.EqualTo(expected).Within(GoldenTolerance));
        Assert.That(mean, Is.EqualTo(c.GetProperty("mean").GetDouble()).Within(GoldenTolerance));
        Assert.That(ssim.Compute(x, y), Is.EqualTo(mean), "mean without the map equals mean with it");
    }

    [TestCase(11, 11, SsimBorder.Valid)]
    [TestCase(17, 13, SsimBorder.Valid)]
    [TestCase(64, 64, SsimBorder.Valid)]
    [TestCase(1, 1, SsimBorder.ZeroPadded)]
    [TestCase(7, 19, SsimBorder.ZeroPadded)]
    [TestCase(33, 12, SsimBorder.ZeroPadded)]
    public void Vector_kernels_equal_scalar_kernels(int w, int h, SsimBorder border)
    {
        var rng = new Random((w * 100) + h);
        float[] a = Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] b = a.Select(v => Math.Clamp(v + (0.2f * (float)(rng.NextDouble() - 0.5)), 0, 1)).ToArray();
        var options = new SsimOptions { Border = border };
        var vector = new Ssim(w, h, options);
        var scalar = new Ssim(w, h, options) { ForceScalar = true };
        var mv = new float[vector.MapWidth * vector.MapHeight];
        var ms = new float[mv.Length];
        double meanV = vector.Compute(a, b, mv), meanS = scalar.Compute(a, b, ms);
        Assert.That(mv, Is.EqualTo(ms), "same operations in the same order: identical bits");
        Assert.That(meanV, Is.EqualTo(meanS).Within(1e-12), "the mean sums lanes in another order: float64 rounding only");
    }

    [Test]
    public void Identical_images_score_one_and_ssim_is_symmetric()
    {
        var rng = new Random(3);
        float[] a = Enumerable.Range(0, 30 * 20).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] b = a.Select(v => Math.Clamp(v + (0.1f * (float)(rng.NextDouble() - 0.5)), 0, 1)).ToArray();
        var ssim = new Ssim(30, 20);
        Assert.That(ssim.Compute(a, a), Is.EqualTo(1.0).Within(1e-12)); // exact up to float64 rounding
        Assert.That(ssim.Compute(a, b), Is.EqualTo(ssim.Compute(b, a)).Within(1e-12));
        Assert.That(ssim.Compute(a, b), Is.LessThan(1.0));
    }

    [Test]
    public void Steady_state_calls_allocate_nothing()
    {
        var ssim = new Ssim(64, 64);
        var a = new float[64 * 64];
        var b = new float[64 * 64];
        var map = new float[ssim.MapWidth * ssim.MapHeight];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (i % 7) / 7f;
            b[i] = (i % 5) / 5f;
        }

        long allocated = Allocations.PerPass(() =>
        {
            ssim.Compute(a, b, map);
            ssim.Compute(a, b);
        });
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Arguments_are_validated_with_clear_messages()
    {
        var tooSmall = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Ssim(10, 40));
        Assert.That(tooSmall!.Message, Does.Contain("smaller than the 11x11"));
        Assert.DoesNotThrow(() => _ = new Ssim(10, 4, new SsimOptions { Border = SsimBorder.ZeroPadded }));
        var ssim = new Ssim(12, 12);
        var wrong = Assert.Throws<ArgumentException>(() => ssim.Compute(new float[143], new float[144]));
        Assert.That(wrong!.Message, Does.Contain("143"));
        Assert.Throws<ArgumentException>(() => ssim.Compute(new float[144], new float[144], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SsimOptions { WindowSize = 10 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SsimOptions { Sigma = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SsimOptions { DynamicRange = double.NaN });
    }
}
