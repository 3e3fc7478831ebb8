using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;
// Usage (driven by scripts/compare-audio.sh):
//   resample <in.f32> <fromRate> <toRate> <out.f32> <repeats>   whole-signal resample (Reset, Process, Flush), in memory
//   frontend <in16k.f32> <outLogMel.f32> <repeats>                unpadded log-mel frames [frames, 64], alternating call by
//                                                                call with the patch path (pad_waveform, frames, patches)
//   serve                                                        reads such commands from stdin, one per line, and answers
//                                                                each with one line; inputs and warm-up are kept between
//                                                                commands, so the harness can interleave us with peers
//                                                                call by call without paying start-up each time
// Each command prints one JSON object with every timed repetition. Timings are the calling thread's CPU time
// (clock_gettime(CLOCK_THREAD_CPUTIME_ID)) of the computation alone: the signal is already in memory, file I/O and start-up
// are outside. Each input is warmed up once before its first timing.
var warmed = new HashSet<string>();
var inputs = new Dictionary<string, float[]>();
if (args.Length > 0 && args[0] == "serve")
{
    Console.Out.Flush();
    while (Console.ReadLine() is { } line)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine(words.Length == 0 ? "{}" : Run(words));
        Console.Out.Flush();
    }

    return 0;
}

string? result = args.Length > 0 ? Run(args) : null;
if (result is null)
{
    Console.Error.WriteLine("usage: resample <in.f32> <from> <to> <out.f32> <repeats> | frontend <in16k.f32> <out.f32> <repeats> | serve");
    return 2;
}

Console.WriteLine(result);
return 0;

string? Run(string[] a) => a[0] switch
{
    "resample" => Resample(a[1], Int(a[2]), Int(a[3]), a[4], Int(a[5])),
    "frontend" => Frontend(a[1], a[2], Int(a[3])),
    _ => null,
};

static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

float[] Input(string path)
{
    if (!inputs.TryGetValue(path, out float[]? x))
    {
        x = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
        inputs[path] = x;
    }

    return x;
}

static void WriteF32(string path, ReadOnlySpan<float> data) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(data).ToArray());

void WarmUp(string key, Action run)
{
    if (!warmed.Add(key))
    {
        return;
    }

    // At least 60 calls and 0.3 s (caches, branch predictors; the project turns tiered compilation off, so the code is final).
    long warm = Stopwatch.GetTimestamp();
    for (int i = 0; i < 60 || Stopwatch.GetElapsedTime(warm).TotalSeconds < 0.3; i++)
    {
        run();
    }
}

static double Cpu(Action run)
{
    double start = ThreadCpu.Seconds();
    run();
    return ThreadCpu.Seconds() - start;
}

static double Median(double[] values)
{
    var sorted = (double[])values.Clone();
    Array.Sort(sorted);
    int n = sorted.Length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
}

static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

static string List(double[] values) => "[" + string.Join(", ", values.Select(F)) + "]";

static string Machine() => $"\"runtime\": \"{Environment.Version}\", \"vector512\": {(Vector512.IsHardwareAccelerated ? "true" : "false")}";

string Resample(string inPath, int from, int to, string outPath, int repeats)
{
    float[] input = Input(inPath);
    var resampler = new PolyphaseResampler(from, to);
    var output = new float[resampler.GetMaxOutputLength(input.Length) + resampler.MaxFlushLength];
    int written = 0;
    void Run(ReadOnlySpan<float> x)
    {
        resampler.Reset();
        written = resampler.Process(x, output);
        written += resampler.Flush(output.AsSpan(written));
    }

    // Warm up on the first second (the same code paths), then once over the whole signal.
    float[] head = input.AsSpan(0, Math.Min(input.Length, from)).ToArray();
    WarmUp($"resample {from} {to}", () => Run(head));
    Run(input);
    var cpu = new double[repeats];
    for (int i = 0; i < repeats; i++)
    {
        cpu[i] = Cpu(() => Run(input));
    }

    WriteF32(outPath, output.AsSpan(0, written));
    return $"{{\"inputSamples\": {input.Length}, \"outputSamples\": {written}, \"taps\": {resampler.TapsPerPhase}, \"cpuSeconds\": {List(cpu)}, \"bestSeconds\": {F(cpu.Min())}, \"medianSeconds\": {F(Median(cpu))}, {Machine()}}}";
}

string Frontend(string inPath, string outPath, int repeats)
{
    float[] input = Input(inPath);
    var frontend = YamnetFrontend.Shared;
    var logMel = new float[YamnetFrontend.GetFrameCount(input.Length) * YamnetFrontend.MelBands];
    var patches = new float[YamnetFrontend.GetPatchCount(input.Length) * YamnetFrontend.PatchLength];
    void Frames() => frontend.ComputeLogMel(input, logMel);
    void Patches() => frontend.ComputePatches(input, patches);
    WarmUp("frames", Frames);
    WarmUp("patches", Patches);

    // The two paths alternate call by call, so a burst of load on the shared machine hits both alike.
    var frames = new double[repeats];
    var patched = new double[repeats];
    for (int i = 0; i < repeats; i++)
    {
        frames[i] = Cpu(Frames);
        patched[i] = Cpu(Patches);
    }

    WriteF32(outPath, logMel);
    return $"{{\"samples\": {input.Length}, \"frames\": {logMel.Length / 64}, \"logMelCpuSeconds\": {List(frames)}, \"patchesCpuSeconds\": {List(patched)}, " +
        $"\"logMelBestSeconds\": {F(frames.Min())}, \"logMelMedianSeconds\": {F(Median(frames))}, \"patchesBestSeconds\": {F(patched.Min())}, \"patchesMedianSeconds\": {F(Median(patched))}, {Machine()}}}";
}

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
