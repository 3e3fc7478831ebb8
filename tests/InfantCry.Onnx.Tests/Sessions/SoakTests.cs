using System.Runtime.InteropServices;
using InfantCry.Inference;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>Create/run/dispose cycles do not leak native memory.</summary>
[TestFixture]
[NonParallelizable]
public sealed partial class SoakTests
{
    private const int WarmUpCycles = 1_000;
    private const int Cycles = 10_000;
    private const int SampleEvery = 500;

    /// <summary>
    /// Allowed growth of the resident set over <see cref="Cycles"/>, taken as the least-squares slope of RSS against
    /// the cycle count (one reading every <see cref="SampleEvery"/> cycles after warm-up) times <see cref="Cycles"/>:
    /// 16 MiB, i.e. 1.7 KB per cycle. Each reading follows a full GC and glibc's <c>malloc_trim</c>. Without a leak
    /// single readings wander by up to about 15 MiB with no trend (malloc arenas, the runtime's own heaps; measured
    /// in this test project), so the slope, which averages 20 readings, is used rather than two end points. A leaked
    /// session of this model costs about 107 KB (measured: 1,000 live sessions = 105 MiB), i.e. 1 GB over the soak,
    /// 60 times the bound; a leak of 1.7 KB or more per cycle fails.
    /// </summary>
    private const long AllowedGrowthBytes = 16L * 1024 * 1024;

    [Test]
    public void Ten_thousand_create_run_dispose_cycles_keep_native_memory_flat()
    {
        GoldenModel model = GoldenModels.Get("gemm");
        byte[] bytes = File.ReadAllBytes(model.Path);
        var options = new OnnxSessionOptions { IntraOpThreads = 1 };
        TensorInput[] inputs = model.ToInputs();
        float[] y = new float[4];
        TensorOutput[] outputs = [TensorOutput.Float32("y", y, new long[] { 1, 4 })];

        void Cycle(int i)
        {
            using var session = i % 2 == 0 ? OnnxInferenceSession.Create(bytes, options) : OnnxInferenceSession.Create(model.Path, options);
            session.Run(inputs, outputs);
            if (i % 3 == 0)
            {
                _ = session.Run(inputs);
            }
        }

        for (int i = 0; i < WarmUpCycles; i++)
        {
            Cycle(i);
        }

        var cycles = new List<double> { 0 };
        var rss = new List<double> { ResidentBytes() };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < Cycles; i++)
        {
            Cycle(i);
            if ((i + 1) % SampleEvery == 0)
            {
                cycles.Add(i + 1);
                rss.Add(ResidentBytes());
            }
        }

        clock.Stop();
        double slope = Slope(cycles, rss);
        double trendGrowth = slope * Cycles;
        TestContext.Out.WriteLine($"RSS every {SampleEvery} cycles (KiB): {string.Join(" ", rss.Select(r => (long)(r / 1024)))}");
        TestContext.Out.WriteLine($"RSS first {rss[0] / 1024:F0} KiB, last {rss[^1] / 1024:F0} KiB (end-point growth {(rss[^1] - rss[0]) / 1024:F0} KiB); " +
            $"trend {slope:F1} B/cycle = {trendGrowth / 1024:F0} KiB over {Cycles} cycles; {clock.Elapsed.TotalSeconds:F1} s");
        TensorAssert.Close("gemm after soak", y, model.Outputs[0].Float32);
        Assert.That(trendGrowth, Is.LessThanOrEqualTo(AllowedGrowthBytes));
    }

    private static double Slope(List<double> x, List<double> y)
    {
        double meanX = x.Average(), meanY = y.Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
        }

        return sxy / sxx;
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        TrimNativeHeap();
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:     123456 kB"
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new PlatformNotSupportedException("/proc/self/status has no VmRSS line; the soak test needs Linux.");
    }

    private static void TrimNativeHeap()
    {
        try
        {
            _ = malloc_trim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (for example musl): RSS then includes freed-but-kept heap pages; the bound still holds a leak.
        }
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);
}
