using System.Diagnostics;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Wav;

/// <summary>The real corpus (../shared/data/donateacry, see /work/shared/ASSETS.md): every clip decodes, and a few match sox bit for bit.</summary>
public class DonateacryCorpusTests
{
    private static string CorpusFolder
    {
        get
        {
            string? assets = Environment.GetEnvironmentVariable("INFANTCRY_ASSETS");
            if (string.IsNullOrEmpty(assets))
            {
                var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
                while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "InfantCry.sln")))
                {
                    dir = dir.Parent;
                }

                assets = dir is null ? "../shared" : Path.Combine(dir.FullName, "..", "shared");
            }

            string folder = Path.Combine(assets, "data", "donateacry");
            if (!Directory.Exists(folder))
            {
                Assert.Fail($"donateacry corpus not found at {folder}: it is a reference asset in ../shared (or $INFANTCRY_ASSETS); see README, Assets.");
            }

            return folder;
        }
    }

    [Category("SharedAssets")]
    [Test]
    public void Every_clip_decodes_as_8kHz_mono_pcm16_of_6_5_to_7_1_seconds()
    {
        string[] files = Directory.GetFiles(CorpusFolder, "*.wav", SearchOption.AllDirectories);
        Assert.That(files, Has.Length.EqualTo(457), "ASSETS.md lists 457 clips");
        foreach (string file in files)
        {
            AudioClip clip = WavReader.Read(file);
            Assert.That((clip.SampleRate, clip.Channels, clip.Format), Is.EqualTo((8000, 1, AudioSampleFormat.Pcm16)), file);
            Assert.That(clip.Duration.TotalSeconds, Is.InRange(6.4, 7.2), file);
            float peak = 0f;
            foreach (float v in clip.Samples)
            {
                peak = Math.Max(peak, Math.Abs(v));
            }

            Assert.That(peak, Is.LessThanOrEqualTo(1f), file);
        }
    }

    [Category("MachineTools")]
    [Category("SharedAssets")]
    [Test]
    public void Clips_match_sox_decoding_exactly()
    {
        // sox also scales int16 by 1/32768 into float32; both are exact, so the samples must be identical.
        string[] files = [.. Directory.GetFiles(CorpusFolder, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(5)];
        foreach (string file in files)
        {
            float[] sox = RunSox(file);
            Assert.That(WavReader.Read(file).Samples, Is.EqualTo(sox), file);
        }
    }

    private static float[] RunSox(string file)
    {
        var psi = new ProcessStartInfo("sox", ["-D", file, "-t", "f32", "-"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process? process = Process.Start(psi);
        if (process is null)
        {
            Assert.Fail("sox could not be started; scripts/setup.sh installs it (scripts/apt-packages.txt).");
        }

        using var ms = new MemoryStream();
        process!.StandardOutput.BaseStream.CopyTo(ms);
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, "sox failed");
        byte[] bytes = ms.ToArray();
        var samples = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
        return samples;
    }
}
