using InfantCry.Audio.Features;

namespace InfantCry.Audio.Tests.Features;

public class YamnetFrontendTests
{
    [TestCase(0, 15600, 1)]
    [TestCase(1, 15600, 1)]
    [TestCase(15600, 15600, 1)]
    [TestCase(15601, 23280, 2)]
    [TestCase(23280, 23280, 2)]
    [TestCase(23281, 30960, 3)]
    [TestCase(112000, 115440, 14)]
    public void Padding_follows_yamnet_pad_waveform(int samples, int padded, int patches)
    {
        // Table from training/infantcry_ref/yamnet_frontend.pad_waveform (tests/test_audio_reference.py checks the same numbers).
        Assert.That(YamnetFrontend.GetPaddedLength(samples), Is.EqualTo(padded));
        Assert.That(YamnetFrontend.GetPatchCount(samples), Is.EqualTo(patches));
        Assert.That(YamnetFrontend.GetPatchCountForFrames(YamnetFrontend.GetFrameCount(padded)), Is.EqualTo(patches));
        Assert.That(YamnetFrontend.PadWaveform(new float[samples]), Has.Length.EqualTo(padded));
    }

    [Test]
    public void Mel_filterbank_has_yamnet_structure()
    {
        MelFilterbank mel = YamnetFrontend.Shared.Filterbank;
        // numpy reference: (mel_matrix() > 0).sum() == 461; bins 4 (125 Hz) and 240 (7500 Hz) are band edges (weight 0).
        Assert.That(mel.NonZeroCount, Is.EqualTo(461));
        Assert.That(mel.FirstBin, Is.EqualTo(5));
        Assert.That(mel.LastBin, Is.EqualTo(239));
        for (int b = 0; b < mel.Bands; b++)
        {
            Assert.That(mel.Weight(0, b), Is.Zero, "the DC bin has weight 0");
            float peak = 0;
            for (int k = 0; k < YamnetFrontend.SpectrumBins; k++)
            {
                peak = Math.Max(peak, mel.Weight(k, b));
            }

            Assert.That(peak, Is.GreaterThan(0f).And.LessThanOrEqualTo(1f), $"band {b}");
        }
    }

    [Test]
    public void Fft_magnitude_matches_a_direct_dft()
    {
        // float32 FFT vs a float64 direct DFT of the same float inputs: error ~ 2^-24 * sqrt(log2 256) * rms|X|, with
        // rms|X| = sqrt(sum x^2 * 512 / 512) ~ 6 for unit-variance-ish input: ~1e-6. Allow 1e-5 absolute.
        const double tolerance = 1e-5;
        var fft = new RealFft(512);
        float[] frame = Signals.Noise(400, 4, 1.0);
        var window = Enumerable.Repeat(1f, 400).ToArray();
        var scratch = new float[fft.ScratchLength];
        var magnitude = new float[257];
        fft.Magnitude(frame, window, scratch, 0, magnitude);
        for (int k = 0; k <= 256; k++)
        {
            double re = 0, im = 0;
            for (int n = 0; n < 400; n++)
            {
                re += frame[n] * Math.Cos(-2 * Math.PI * k * n / 512);
                im += frame[n] * Math.Sin(-2 * Math.PI * k * n / 512);
            }

            Assert.That(magnitude[k], Is.EqualTo(Math.Sqrt((re * re) + (im * im))).Within(tolerance), $"bin {k}");
        }
    }

    private static float[] Stream(float[] samples, IEnumerable<int> chunkSizes)
    {
        var s = new YamnetStreamingFrontend();
        var patches = new List<float>();
        int pos = 0;
        using var sizes = chunkSizes.GetEnumerator();
        while (pos < samples.Length)
        {
            int size = sizes.MoveNext() ? Math.Min(sizes.Current, samples.Length - pos) : samples.Length - pos;
            var buffer = new float[s.GetPatchCountForProcess(size) * YamnetFrontend.PatchLength];
            int n = s.Process(samples.AsSpan(pos, size), buffer);
            Assert.That(n * YamnetFrontend.PatchLength, Is.EqualTo(buffer.Length));
            patches.AddRange(buffer);
            pos += size;
        }

        var last = new float[YamnetFrontend.PatchLength];
        int m = s.Flush(last);
        patches.AddRange(last.AsSpan(0, m * YamnetFrontend.PatchLength).ToArray());
        return [.. patches];
    }

    private static IEnumerable<int> RandomSizes(int seed)
    {
        var rng = new Random(seed);
        while (true)
        {
            yield return rng.Next(3) switch { 0 => rng.Next(0, 3), 1 => rng.Next(3, 500), _ => rng.Next(500, 9000) };
        }
    }

    [TestCase(0)]
    [TestCase(399)]
    [TestCase(400)]
    [TestCase(15599)]
    [TestCase(15600)]
    [TestCase(15601)]
    [TestCase(23280)]
    [TestCase(40000)]
    public void Streaming_patches_are_bit_identical_to_whole_clip(int length)
    {
        float[] samples = Signals.Noise(length, length + 1, 0.5);
        float[] whole = YamnetFrontend.ComputePatches(samples, out int count);

        for (int seed = 0; seed < 3; seed++)
        {
            Assert.That(Stream(samples, RandomSizes(seed)), Is.EqualTo(whole), $"seed {seed}");
        }

        Assert.That(whole, Has.Length.EqualTo(count * YamnetFrontend.PatchLength));
    }

    [Test]
    public void Lengths_0_to_256_give_one_padded_patch_equal_to_streaming()
    {
        for (int length = 0; length <= 256; length++)
        {
            float[] samples = Signals.Noise(length, length, 0.5);
            float[] whole = YamnetFrontend.ComputePatches(samples, out int count);
            Assert.That(count, Is.EqualTo(1));
            Assert.That(Stream(samples, Enumerable.Repeat(17, 100)), Is.EqualTo(whole), $"length {length}");
        }
    }

    [Test]
    public void Silence_is_log_of_the_offset()
    {
        float[] patches = YamnetFrontend.ComputePatches(new float[20000], out _);
        Assert.That(patches, Is.All.EqualTo(MathF.Log(YamnetFrontend.LogOffset)));
    }

    [Test]
    public void Steady_state_allocates_nothing()
    {
        float[] clip = Signals.Noise(7 * 16000, 3, 0.5);
        var patches = new float[YamnetFrontend.GetPatchCount(clip.Length) * YamnetFrontend.PatchLength];
        var streaming = new YamnetStreamingFrontend();
        var chunkOut = new float[YamnetFrontend.PatchLength * 2];

        // The first pass initialises types (the streaming frontend's static zero padding) and is not measured.
        Assert.That(Allocations.PerPass(RunOnce), Is.Zero);

        void RunOnce()
        {
            YamnetFrontend.Shared.ComputePatches(clip, patches);
            for (int pos = 0; pos + 160 <= clip.Length; pos += 160)
            {
                streaming.Process(clip.AsSpan(pos, 160), chunkOut);
            }

            streaming.Flush(chunkOut);
            streaming.Reset();
        }
    }

    [Test]
    public void Contracts_are_enforced()
    {
        Assert.Throws<ArgumentException>(() => YamnetFrontend.Shared.ComputeFrame(new float[399], new float[64]));
        Assert.Throws<ArgumentException>(() => YamnetFrontend.Shared.ComputePatches(new float[100], new float[100]));
        var buffer = new float[40000];
        Assert.Throws<ArgumentException>(() => YamnetFrontend.Shared.ComputePatches(buffer.AsSpan(0, 20000), buffer.AsSpan(10000)), "in place");
        Assert.Throws<ArgumentException>(() => YamnetFrontend.Shared.ComputeLogMel(buffer.AsSpan(0, 20000), buffer.AsSpan(10000)), "in place");
        var s = new YamnetStreamingFrontend();
        Assert.Throws<ArgumentException>(() => s.Process(new float[15600], new float[10]));
        s.Flush(new float[YamnetFrontend.PatchLength]);
        Assert.Throws<InvalidOperationException>(() => s.Process(new float[1], new float[0]));
    }
}
