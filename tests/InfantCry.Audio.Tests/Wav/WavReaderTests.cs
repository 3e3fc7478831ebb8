using System.Buffers.Binary;
using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Wav;

public class WavReaderTests
{
    // Decoding is exact integer -> float scaling followed by an average of at most 6 channels accumulated in double
    // and rounded once to float: the only error is that final rounding, half an ulp of values below 1 (2^-25 ~ 3e-8).
    private const double DecodeTolerance = 6e-8;

    private static readonly double[] Ramp = [-1.0, -0.75, -0.5, -0.123456, 0.0, 0.25, 0.3333, 0.5, 0.9, 0.99];

    private static double Quantize(double v, AudioSampleFormat format) => format switch
    {
        AudioSampleFormat.Pcm8 => (Math.Clamp(Math.Round((v * 128) + 128), 0, 255) - 128) / 128.0,
        AudioSampleFormat.Pcm16 => Math.Clamp(Math.Round(v * 32768), short.MinValue, short.MaxValue) / 32768.0,
        AudioSampleFormat.Pcm24 => Math.Clamp(Math.Round(v * 8388608), -8388608, 8388607) / 8388608.0,
        AudioSampleFormat.Pcm32 => Math.Clamp(Math.Round(v * 2147483648.0), int.MinValue, int.MaxValue) / 2147483648.0,
        AudioSampleFormat.Float32 => (float)v,
        _ => v,
    };

    private static double[] Interleave(int channels, int frames)
    {
        var x = new double[channels * frames];
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                x[(f * channels) + c] = Ramp[(f + (3 * c)) % Ramp.Length] * (c % 2 == 0 ? 1 : -0.5);
            }
        }

        return x;
    }

    [Test]
    public void Decodes_every_encoding_and_channel_count_by_averaging(
        [Values] AudioSampleFormat format, [Values(1, 2, 3, 6)] int channels, [Values] bool extensible)
    {
        const int frames = 37;
        double[] x = Interleave(channels, frames);
        byte[] wav = WavBuilder.Simple(x, format, channels, 22050, extensible);

        AudioClip clip = WavReader.Read(wav, "ramp.wav");

        Assert.That(clip.SampleRate, Is.EqualTo(22050));
        Assert.That(clip.Channels, Is.EqualTo(channels));
        Assert.That(clip.Format, Is.EqualTo(format));
        Assert.That(clip.Samples, Has.Length.EqualTo(frames));
        for (int f = 0; f < frames; f++)
        {
            double expected = 0;
            for (int c = 0; c < channels; c++)
            {
                expected += Quantize(x[(f * channels) + c], format);
            }

            Assert.That(clip.Samples[f], Is.EqualTo(expected / channels).Within(DecodeTolerance), $"frame {f}");
        }
    }

    [Test]
    public void Int16_is_scaled_by_1_over_32768_like_yamnet()
    {
        var data = new byte[6];
        BinaryPrimitives.WriteInt16LittleEndian(data, short.MinValue);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2), short.MaxValue);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(4), 1);
        byte[] wav = new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(AudioSampleFormat.Pcm16, 1, 8000)).Chunk("data", data).Build();

        float[] s = WavReader.Read(wav).Samples;

        Assert.That(s, Is.EqualTo(new[] { -1f, 32767f / 32768f, 1f / 32768f }));
    }

    [Test]
    public void Chunks_in_any_order_with_odd_sizes_and_metadata_are_handled()
    {
        double[] x = [0.5, -0.25, 0.125];
        byte[] data = WavBuilder.Encode(x, AudioSampleFormat.Pcm24);   // 9 bytes: odd, padded
        byte[] list = "INFOISFT\u0005\0\0\0abcde"u8.ToArray();            // odd-sized LIST, padded
        byte[] wav = new WavBuilder()
            .Chunk("LIST", list)
            .Chunk("data", data)
            .Chunk("fact", [3, 0, 0, 0])
            .Chunk("cue ", new byte[28])
            .Chunk("fmt ", WavBuilder.Fmt(AudioSampleFormat.Pcm24, 1, 44100))
            .Chunk("LIST", [1, 2, 3])
            .Build();

        AudioClip clip = WavReader.Read(wav, "odd.wav");

        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.5f, -0.25f, 0.125f }));
        Assert.That(clip.SampleRate, Is.EqualTo(44100));
    }

    [Test]
    public void A_trailing_partial_frame_is_ignored()
    {
        byte[] data = [.. WavBuilder.Encode([0.5, 0.5, 0.25, 0.25], AudioSampleFormat.Pcm16), 7];
        byte[] wav = new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(AudioSampleFormat.Pcm16, 2, 16000)).Chunk("data", data).Build();

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { 0.5f, 0.25f }));
    }

    [Test]
    public void Files_and_non_seekable_streams_give_the_same_clip()
    {
        double[] x = Interleave(2, 100);
        byte[] wav = WavBuilder.Simple(x, AudioSampleFormat.Pcm16, 2, 8000);
        string path = Path.Combine(Path.GetTempPath(), $"infantcry-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, wav);
        try
        {
            AudioClip fromFile = WavReader.Read(path);
            using var pipe = new NonSeekableStream(wav);
            AudioClip fromStream = WavReader.Read(pipe, "pipe");

            Assert.That(fromFile.SourceName, Is.EqualTo(path));
            Assert.That(fromStream.Samples, Is.EqualTo(fromFile.Samples));
            Assert.That(WavReader.ReadAsync(path).GetAwaiter().GetResult().Samples, Is.EqualTo(fromFile.Samples));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Errors_name_the_file_and_the_problem()
    {
        byte[] good = WavBuilder.Simple([0.1, 0.2], AudioSampleFormat.Pcm16, 1, 16000);
        string path = Path.Combine(Path.GetTempPath(), $"infantcry-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, good[..30]);
        try
        {
            var ex = Assert.Throws<InvalidAudioException>(() => WavReader.Read(path));
            Assert.That(ex!.Message, Does.Contain(path).And.Contain("declares"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] WithFmt(Action<byte[]> edit, AudioSampleFormat format = AudioSampleFormat.Pcm16, int channels = 1)
    {
        byte[] fmt = WavBuilder.Fmt(format, channels, 16000);
        edit(fmt);
        return new WavBuilder().Chunk("fmt ", fmt).Chunk("data", new byte[8]).Build();
    }

    private static IEnumerable<TestCaseData> BadFiles()
    {
        byte[] good = WavBuilder.Simple([0.1, 0.2, 0.3, 0.4], AudioSampleFormat.Pcm16, 1, 16000);
        yield return new TestCaseData(Array.Empty<byte>(), "too short").SetName("empty");
        yield return new TestCaseData(good[..11], "too short").SetName("truncated RIFF header");
        yield return new TestCaseData("ID3\u0004\0\0\0\0\0\0\0\0\0\0\0\0"u8.ToArray(), "not a RIFF/WAVE").SetName("MP3 file");
        byte[] avi = (byte[])good.Clone();
        "AVI "u8.CopyTo(avi.AsSpan(8));
        yield return new TestCaseData(avi, "not 'WAVE'").SetName("RIFF but not WAVE");
        yield return new TestCaseData(good[..(good.Length - 3)], "declares").SetName("data longer than the file");
        byte[] huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(40), 0xFFFFFFF0u);
        yield return new TestCaseData(huge, "declares 4 GB").SetName("data declares 4 GB");
        yield return new TestCaseData(WithFmt(f => f[2] = f[3] = 0), "0 channels").SetName("zero channels");
        yield return new TestCaseData(WithFmt(f => BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(4), 2_000_000_000)), "sample rate").SetName("absurd rate");
        yield return new TestCaseData(WithFmt(f => BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(4), 0)), "sample rate").SetName("zero rate");
        yield return new TestCaseData(WithFmt(f => f[12] = 3), "block align").SetName("block align mismatch");
        yield return new TestCaseData(WithFmt(f => f[0] = 0x55), "0x0055").SetName("MP3 in WAV");
        yield return new TestCaseData(WithFmt(f => f[14] = 12), "12-bit").SetName("12-bit PCM");
        yield return new TestCaseData(new WavBuilder().Chunk("data", new byte[4]).Build(), "no fmt").SetName("no fmt");
        yield return new TestCaseData(new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(AudioSampleFormat.Pcm16, 1, 8000)).Build(), "no data").SetName("no data");
        yield return new TestCaseData(new WavBuilder().Chunk("fmt ", new byte[10]).Chunk("data", new byte[4]).Build(), "fmt chunk has 10").SetName("short fmt");
        byte[] garbage = [.. good[..12], 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0];
        yield return new TestCaseData(garbage, "not a chunk id").SetName("garbage chunk id");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void Bad_files_throw_InvalidAudioException_with_a_clear_message(byte[] bytes, string expected)
    {
        var ex = Assert.Throws<InvalidAudioException>(() => WavReader.Read(bytes, "bad.wav"));
        Assert.That(ex!.Message, Does.StartWith("WAV 'bad.wav': ").And.Contain(expected));
    }
}
