using System.Diagnostics;

namespace InfantCry.Benchmarks.EndToEnd;

/// <summary>The audio clip the audio benchmarks decode.</summary>
public enum AudioInput
{
    /// <summary>A 6.94 s, 8 kHz mono PCM16 WAV of donateacry (the pipeline's typical input), one the detector hears as a cry.</summary>
    DonateacryWav8kHz,

    /// <summary>7 s of 44.1 kHz mono Ogg Vorbis: two ESC-50 "crying_baby" clips of one recording joined and re-encoded by ffmpeg.</summary>
    Esc50Ogg44kHz,
}

/// <summary>The face the pain benchmarks see in their 1280x720 frames.</summary>
public enum FaceInput
{
    /// <summary>dlib's example photo Tom_Cruise_avp_2014_4.jpg (one adult face) scaled to 540 px high, centred; 1 frame fed repeatedly.</summary>
    Photo,

    /// <summary>The first 8 frames of the synthetic infant clip s00_c00 (pain-synth-small) scaled 2x to 640x480, centred; fed in turn.</summary>
    SyntheticInfant,
}

/// <summary>
/// Inputs of the end-to-end benchmarks, made in memory at set-up: the audio files' bytes and 1280x720 RGB frames on a
/// mid-gray canvas (ffmpeg scales and places the pictures). Models come from <c>artifacts/models</c>
/// (<c>INFANTCRY_ARTIFACTS</c>), the test data from <c>../shared</c> (<c>INFANTCRY_ASSETS</c>).
/// </summary>
internal static class EndToEndInputs
{
    public const int FrameWidth = 1280, FrameHeight = 720;

    /// <summary>The donateacry clip: the first of the sorted "hungry" clips that the shipped detector hears as a cry (score 0.91).</summary>
    private const string DonateacryClip = "data/donateacry/hungry/035c6b30-a145-42b9-8d0f-445cd9003d2c-1435948197257-1.7-m-04-hu.wav";

    /// <summary>ESC-50's crying_baby 1-211527: takes A and C are both heard as a cry; joined they give 10 s, cut to 7.</summary>
    private static readonly string[] s_esc50Takes = ["data/realworld/esc50/crying_baby/1-211527-A.ogg", "data/realworld/esc50/crying_baby/1-211527-C.ogg"];

    public static string Artifacts => Environment.GetEnvironmentVariable("INFANTCRY_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(RepositoryPaths.Root, "artifacts");

    public static string Assets => Environment.GetEnvironmentVariable("INFANTCRY_ASSETS") is { Length: > 0 } s ? s : Path.Combine(RepositoryPaths.Root, "..", "shared");

    public static string Models => Path.Combine(Artifacts, "models");

    /// <summary>The file's bytes, as an app holding a recording in memory has them.</summary>
    public static byte[] AudioBytes(AudioInput input)
    {
        if (input == AudioInput.DonateacryWav8kHz)
        {
            return File.ReadAllBytes(Existing(Path.Combine(Assets, DonateacryClip)));
        }

        string a = Existing(Path.Combine(Assets, s_esc50Takes[0])), c = Existing(Path.Combine(Assets, s_esc50Takes[1]));
        return Ffmpeg($"-i \"{a}\" -i \"{c}\" -filter_complex \"[0:a][1:a]concat=n=2:v=0:a=1\" -t 7 -ac 1 -ar 44100 -c:a libvorbis -q:a 6 -f ogg pipe:1", -1).Single();
    }

    /// <summary>The frames of <paramref name="input"/>, 1280x720 RGB24 each.</summary>
    public static byte[][] Frames(FaceInput input)
    {
        string place = $"pad={FrameWidth}:{FrameHeight}:(ow-iw)/2:(oh-ih)/2:color=0x808080";
        return input == FaceInput.Photo
            ? Ffmpeg($"-i \"{Existing(Path.Combine(Assets, "data/faces/Tom_Cruise_avp_2014_4.jpg"))}\" -frames:v 1 -vf scale=-2:540:flags=bicubic,{place} -f rawvideo -pix_fmt rgb24 pipe:1", 1)
            : Ffmpeg($"-i \"{Path.Combine(Existing(Path.Combine(Artifacts, "data/pain-synth-small/clips/s00_c00")), "%05d.png")}\" -frames:v 8 -vf scale=640:480:flags=bilinear,{place} -f rawvideo -pix_fmt rgb24 pipe:1", 8);
    }

    /// <summary>
    /// Managed bytes the calling thread allocates per call of <paramref name="operation"/>, counted over
    /// <paramref name="calls"/> calls and printed in the run's log as <c>// E2E-ALLOC bytes calls</c>
    /// (scripts/bench_end_to_end.py reads it). BenchmarkDotNet's MemoryDiagnoser divides by the operations of one
    /// iteration, and a 1280x720 frame with rotation search gives one or two per iteration, too few for its count.
    /// </summary>
    public static void PrintAllocation(Action operation, int calls)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            operation();
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"// E2E-ALLOC {(double)bytes / calls:F0} {calls}");
    }

    /// <summary>
    /// Times <paramref name="calls"/> calls one by one and prints "// E2E-LATENCY median p95 max calls" in milliseconds
    /// (read by scripts/bench_end_to_end.py): a stream's slowest frames, which an average per frame hides.
    /// </summary>
    public static void PrintLatency(Action operation, int calls)
    {
        var ms = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            operation();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(ms);
        Console.WriteLine(FormattableString.Invariant($"// E2E-LATENCY {ms[calls / 2]:F2} {ms[(int)Math.Ceiling(0.95 * calls) - 1]:F2} {ms[^1]:F2} {calls}"));
    }

    private static string Existing(string path) =>
        File.Exists(path) || Directory.Exists(path) ? path : throw new FileNotFoundException($"Benchmark input '{path}' not found (set INFANTCRY_ASSETS / INFANTCRY_ARTIFACTS, or run scripts/setup.sh).", path);

    /// <summary>Runs ffmpeg and returns its output: <paramref name="frames"/> frames of 1280x720 RGB24, or with -1 the whole output as one array.</summary>
    private static byte[][] Ffmpeg(string arguments, int frames)
    {
        var psi = new ProcessStartInfo("ffmpeg", "-v error -nostdin " + arguments) { RedirectStandardOutput = true };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start ffmpeg.");
        byte[][] result;
        if (frames < 0)
        {
            using var all = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(all);
            result = [all.ToArray()];
        }
        else
        {
            result = new byte[frames][];
            for (int i = 0; i < frames; i++)
            {
                result[i] = new byte[FrameWidth * FrameHeight * 3];
                p.StandardOutput.BaseStream.ReadExactly(result[i]);
            }
        }

        p.WaitForExit();
        return p.ExitCode == 0 && result[0].Length > 0 ? result : throw new InvalidOperationException($"ffmpeg {arguments} failed (exit {p.ExitCode}).");
    }
}
