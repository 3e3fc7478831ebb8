using System.Diagnostics;
using System.Globalization;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Tests.Support;

namespace InfantCry.Audio.Tests.Decoding;

/// <summary>
/// Every recording under ../shared/data/realworld (WAV, Ogg Vorbis, MP3; 8-48 kHz; mono and stereo, as published)
/// decodes, at its declared rate, to finite samples whose duration agrees with ffprobe's.
/// </summary>
[Category("MachineTools")]
[Category("SharedAssets")]
[Category("SharedAssets")]
public class RealworldCorpusTests
{
    // ffprobe reports the container's duration (WAV: the data size; Ogg: the last granule; MP3: the Xing frame count or an
    // estimate from the bitrate) without subtracting MP3's gapless trimming, which drops encoder delay + padding + the
    // decoder's 529 samples (about 2,000 frames with LAME's defaults). Allowed: 3,000 frames plus 20 ms. A lost or
    // doubled run of frames, or a wrong rate, is far outside.
    private const int DurationToleranceFrames = 3000;
    private const double DurationToleranceSeconds = 0.02;

    private static readonly string[] AudioExtensions = [".wav", ".ogg", ".mp3"];

    private static string Folder
    {
        get
        {
            string folder = Path.Combine(Artifacts.AssetsDirectory, "data", "realworld");
            if (!Directory.Exists(folder))
            {
                Assert.Fail($"Real-world recordings not found at {folder} (asset root: $INFANTCRY_ASSETS or ../shared beside the repository).");
            }

            return folder;
        }
    }

    [Test]
    public void Every_recording_decodes_at_its_declared_rate_to_finite_samples_of_ffprobes_duration()
    {
        string[] files = [.. Directory.GetFiles(Folder, "*", SearchOption.AllDirectories)
            .Where(f => AudioExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)];
        Assert.That(files, Is.Not.Empty);
        bool haveFfprobe = Ffprobe(files[0]) is not null;
        var decoded = new Dictionary<AudioContainerFormat, int>();
        var failures = new List<string>();
        var buffer = new float[8192];
        foreach (string file in files)
        {
            try
            {
                using AudioReader reader = AudioReader.Open(file);
                long frames = 0;
                bool finite = true;
                int n;
                while ((n = reader.Read(buffer)) > 0)
                {
                    frames += n;
                    finite &= AllFinite(buffer.AsSpan(0, n));
                }

                (int Rate, int Channels, double Seconds)? probe = haveFfprobe ? Ffprobe(file) : null;
                double seconds = (double)frames / reader.SampleRate;
                string? problem = frames <= 0 ? "no samples"
                    : !finite ? "non-finite samples"
                    : probe is { } p && p.Rate != reader.SampleRate ? $"rate {reader.SampleRate}, ffprobe {p.Rate}"
                    : probe is { } q && q.Channels != reader.Channels ? $"{reader.Channels} channels, ffprobe {q.Channels}"
                    : probe is { } d && Math.Abs(d.Seconds - seconds) > DurationToleranceSeconds + ((double)DurationToleranceFrames / reader.SampleRate) ? $"{seconds:F3} s, ffprobe {d.Seconds:F3} s"
                    : null;
                if (problem is null)
                {
                    decoded[reader.Format] = decoded.GetValueOrDefault(reader.Format) + 1;
                }
                else
                {
                    failures.Add($"{file}: {problem}");
                }
            }
            catch (Exception ex)
            {
                failures.Add($"{file}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        TestContext.Out.WriteLine($"{files.Length} files; decoded: {string.Join(", ", decoded.Select(kv => $"{kv.Key} {kv.Value}"))}; ffprobe {(haveFfprobe ? "compared" : "not available")}");
        Assert.That(failures, Is.Empty);
        Assert.That(decoded.Values.Sum(), Is.EqualTo(files.Length));
    }

    private static bool AllFinite(ReadOnlySpan<float> samples)
    {
        foreach (float s in samples)
        {
            if (!float.IsFinite(s))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sample rate, channels and duration of the first audio stream, or null when ffprobe cannot run.</summary>
    private static (int Rate, int Channels, double Seconds)? Ffprobe(string file)
    {
        var psi = new ProcessStartInfo("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels:format=duration", "-of", "default=nw=1", file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using Process process = Process.Start(psi)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Dictionary<string, string> values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1].Trim());
            return (int.Parse(values["sample_rate"], CultureInfo.InvariantCulture), int.Parse(values["channels"], CultureInfo.InvariantCulture),
                double.Parse(values["duration"], CultureInfo.InvariantCulture));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // ffprobe is not installed: the durations are not compared
        }
    }
}
