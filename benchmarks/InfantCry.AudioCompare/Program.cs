using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;
// Usage (driven by scripts/compare-audio.sh):
//   resample <in.f32> <fromRate> <toRate> <out.f32> <repeats>   whole-file streaming resample, best/median time
//   frontend <in16k.f32> <outLogMel.f32> <repeats>                unpadded log-mel frames [frames, 64] + patches timing
// Prints one JSON object. Timings are the calling thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), so other
// processes on the shared machine disturb them less than wall-clock; the best of the repeats is the least disturbed.
static float[] ReadF32(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

static void WriteF32(string path, ReadOnlySpan<float> data) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(data).ToArray());

static (double Best, double Median) Time(int repeats, Action run) => TimeCore(repeats, run).Cpu;

static ((double Best, double Median) Wall, (double Best, double Median) Cpu) TimeCore(int repeats, Action run)
{
    // Warm-up until tiered JIT has settled: at least 50 calls and 0.3 s.
    long warm = Stopwatch.GetTimestamp();
    for (int i = 0; i < 50 || Stopwatch.GetElapsedTime(warm).TotalSeconds < 0.3; i++)
    {
        run();
    }

    var wall = new double[repeats];
    var cpu = new double[repeats];
    for (int i = 0; i < repeats; i++)
    {
        double cpuStart = ThreadCpu.Seconds();
        long start = Stopwatch.GetTimestamp();
        run();
        wall[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        cpu[i] = ThreadCpu.Seconds() - cpuStart;
    }

    Array.Sort(wall);
    Array.Sort(cpu);
    return ((wall[0], wall[repeats / 2]), (cpu[0], cpu[repeats / 2]));
}

static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

switch (args.Length > 0 ? args[0] : string.Empty)
{
    case "resample":
    {
        float[] input = ReadF32(args[1]);
        int from = int.Parse(args[2], CultureInfo.InvariantCulture), to = int.Parse(args[3], CultureInfo.InvariantCulture);
        int repeats = int.Parse(args[5], CultureInfo.InvariantCulture);
        var resampler = new PolyphaseResampler(from, to);
        var output = new float[resampler.GetMaxOutputLength(input.Length) + resampler.MaxFlushLength];
        int written = 0;
        var (best, median) = Time(repeats, () =>
        {
            resampler.Reset();
            written = resampler.Process(input, output);
            written += resampler.Flush(output.AsSpan(written));
        });
        WriteF32(args[4], output.AsSpan(0, written));
        Console.WriteLine($"{{\"inputSamples\": {input.Length}, \"outputSamples\": {written}, \"taps\": {resampler.TapsPerPhase}, \"bestSeconds\": {F(best)}, \"medianSeconds\": {F(median)}}}");
        break;
    }

    case "frontend":
    {
        float[] input = ReadF32(args[1]);
        int repeats = int.Parse(args[3], CultureInfo.InvariantCulture);
        var frontend = YamnetFrontend.Shared;
        var logMel = new float[YamnetFrontend.GetFrameCount(input.Length) * YamnetFrontend.MelBands];
        var patches = new float[YamnetFrontend.GetPatchCount(input.Length) * YamnetFrontend.PatchLength];
        var (best, median) = Time(repeats, () => frontend.ComputeLogMel(input, logMel));
        var (pBest, pMedian) = Time(repeats, () => frontend.ComputePatches(input, patches));
        WriteF32(args[2], logMel);
        Console.WriteLine($"{{\"samples\": {input.Length}, \"frames\": {logMel.Length / 64}, \"logMelBestSeconds\": {F(best)}, \"logMelMedianSeconds\": {F(median)}, \"patchesBestSeconds\": {F(pBest)}, \"patchesMedianSeconds\": {F(pMedian)}}}");
        break;
    }

    default:
        Console.Error.WriteLine("usage: resample <in.f32> <from> <to> <out.f32> <repeats> | frontend <in16k.f32> <out.f32> <repeats>");
        return 2;
}

return 0;

/// <summary>The calling thread's CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)).</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static double Seconds()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out TimeSpec ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return ts.Seconds + (ts.Nanoseconds * 1e-9);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
