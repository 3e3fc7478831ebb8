using InfantCry.Audio.Decoding;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Decoding;

/// <summary>NVorbis and NLayer through <see cref="AudioReader"/> against ffmpeg's decode of the same files (an independent implementation).</summary>
public class AudioReaderGoldenTests
{
    // Two float32 implementations of the same inverse transforms differ by rounding only: measured at most 2.7e-7
    // (Vorbis) and 1.1e-6 (MP3) on these files, whose peaks are 0.3-0.45. A wrong table or a lost frame gives errors of
    // 0.1 and more (NLayer's 8 kHz defect: 0.45-2.6).
    private const float VorbisTolerance = 2e-6f;
    private const float Mp3Tolerance = 1e-5f;

    // How far the cross-correlation searches for a delay between the decoders (more than an MP3 encoder plus decoder delay, 1105).
    private const int MaxLag = 2000;

    // The layer III synthesis delay, in samples.
    private const int DecoderDelay = 529;

    [TestCaseSource(typeof(DecodingGolden), nameof(DecodingGolden.Cases))]
    public void Decodes_as_ffmpeg_does_with_no_delay(DecodingGolden.Case c)
    {
        AudioClip clip = AudioReader.ReadAll(c.Path);
        float[] reference = DecodingGolden.Reference(c.Name);

        Assert.That((clip.SampleRate, clip.Channels, clip.Format), Is.EqualTo((c.SampleRate, c.Channels, AudioSampleFormat.Float32)));
        Assert.That(clip.Samples, Has.Length.EqualTo(c.ExpectedFrames));
        Assert.That(Align(clip.Samples, reference, MaxLag), Is.Zero, "delay against ffmpeg, found by cross-correlation");
        float tolerance = c.Format == AudioContainerFormat.OggVorbis ? VorbisTolerance : Mp3Tolerance;
        int overlap = Math.Min(clip.Samples.Length, reference.Length);
        Assert.That(clip.Samples[..overlap], Is.EqualTo(reference[..overlap]).Within(tolerance));
    }

    [TestCaseSource(typeof(DecodingGolden), nameof(DecodingGolden.Cases))]
    public void Declared_length_matches_the_decoded_length(DecodingGolden.Case c)
    {
        using AudioReader reader = AudioReader.Open(c.Path);
        Assert.That(reader.Format, Is.EqualTo(c.Format));
        if (c.DeclaresLength)
        {
            Assert.That(reader.FrameCount, Is.EqualTo(c.InputFrames));
            Assert.That(reader.Duration, Is.EqualTo(TimeSpan.FromSeconds((double)c.InputFrames / c.SampleRate)));
        }
        else
        {
            Assert.That(reader.FrameCount, Is.Null, "bare MPEG frames declare no length");
        }
    }

    [Test]
    public void A_LAME_tag_that_NLayer_trims_itself_is_not_trimmed_twice()
    {
        // ffmpeg writes its LAME tag as "Lavf lame", which NLayer 3.0.1 ignores; LAME's own "LAME3.100" it applies (the
        // encoder delay and the whole padding). The same file with the tag's name changed must still line up with ffmpeg.
        DecodingGolden.Case c = DecodingGolden.Cases().Select(t => (DecodingGolden.Case)t.Arguments[0]!).Single(t => t.Name == "chirp_stereo_44k");
        byte[] bytes = DecodingGolden.Bytes(c.File);
        "LAME"u8.CopyTo(bytes.AsSpan(bytes.AsSpan().IndexOf("Lavf lame"u8)));
        float[] reference = DecodingGolden.Reference(c.Name);

        using AudioReader reader = AudioReader.Open(new MemoryStream(bytes));
        AudioClip clip = AudioReader.ReadAll(new MemoryStream(bytes));
        Assert.That(clip.Samples, Has.Length.EqualTo(c.InputFrames - DecoderDelay), "the padding's last 529 frames are lost to NLayer's trimming");
        Assert.That(reader.FrameCount, Is.EqualTo(clip.Samples.Length));
        Assert.That(Align(clip.Samples, reference, MaxLag), Is.Zero);
        Assert.That(clip.Samples, Is.EqualTo(reference[..clip.Samples.Length]).Within(Mp3Tolerance));
    }

    /// <summary>The lag (reference index minus ours) with the highest normalised cross-correlation.</summary>
    internal static int Align(float[] ours, float[] reference, int maxLag)
    {
        int best = 0;
        double bestCorrelation = double.NegativeInfinity;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double dot = 0, a2 = 0, b2 = 0;
            for (int i = Math.Max(0, -lag); i < ours.Length && i + lag < reference.Length; i++)
            {
                dot += ours[i] * (double)reference[i + lag];
                a2 += ours[i] * (double)ours[i];
                b2 += reference[i + lag] * (double)reference[i + lag];
            }

            double correlation = a2 > 0 && b2 > 0 ? dot / Math.Sqrt(a2 * b2) : 0;
            if (correlation > bestCorrelation)
            {
                bestCorrelation = correlation;
                best = lag;
            }
        }

        return best;
    }
}
