using System.Buffers.Binary;
using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Tests.Wav;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Decoding;

public class AudioReaderTests
{
    private static readonly double[] Stereo = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.25, 0.75];

    private static IEnumerable<TestCaseData> WavFiles()
    {
        yield return new TestCaseData(WavBuilder.Simple(Stereo, AudioSampleFormat.Pcm16, 2, 16000)).SetName("{m}(pcm16 stereo)");
        yield return new TestCaseData(WavBuilder.Simple(Stereo, AudioSampleFormat.Pcm24, 2, 48000)).SetName("{m}(pcm24 stereo)");
        yield return new TestCaseData(WavBuilder.Simple(Stereo, AudioSampleFormat.Float32, 4, 44100, extensible: true)).SetName("{m}(float32 4ch extensible)");
        yield return new TestCaseData(WavBuilder.Simple([0.1, -0.2, 0.3], AudioSampleFormat.Pcm8, 1, 8000)).SetName("{m}(pcm8 odd-sized data)");
        yield return new TestCaseData(new WavBuilder().Chunk("LIST", [1, 2, 3]).Chunk("fmt ", WavBuilder.Fmt(AudioSampleFormat.Float64, 1, 22050))
            .Chunk("fact", [0, 0, 0, 0]).Chunk("data", WavBuilder.Encode([0.5, 0.25, -0.125], AudioSampleFormat.Float64)).Chunk("cue ", [9]).Build())
            .SetName("{m}(float64 odd LIST before fmt)");
    }

    private static IEnumerable<string> GoldenFiles() =>
        DecodingGolden.Cases().Select(c => ((DecodingGolden.Case)c.Arguments[0]!).Path);

    [TestCaseSource(nameof(WavFiles))]
    public void Wav_decodes_exactly_as_WavReader_from_seekable_and_forward_only_streams(byte[] wav)
    {
        float[] expected = WavReader.Read(wav).Samples;
        Assert.That(AudioReader.ReadAll(new MemoryStream(wav)).Samples, Is.EqualTo(expected));
        Assert.That(AudioReader.ReadAll(new NonSeekableStream(wav)).Samples, Is.EqualTo(expected));
        using AudioReader reader = AudioReader.Open(new MemoryStream(wav));
        Assert.That(reader.FrameCount, Is.EqualTo(expected.Length));
    }

    [Test]
    public void Data_before_fmt_needs_a_seekable_stream()
    {
        byte[] wav = new WavBuilder().Chunk("data", WavBuilder.Encode([0.5, 0.25], AudioSampleFormat.Float64))
            .Chunk("fmt ", WavBuilder.Fmt(AudioSampleFormat.Float64, 1, 22050)).Build();
        Assert.That(AudioReader.ReadAll(new MemoryStream(wav)).Samples, Is.EqualTo(WavReader.Read(wav).Samples));
        var ex = Assert.Throws<InvalidAudioException>(() => AudioReader.ReadAll(new NonSeekableStream(wav), "pipe.wav"));
        Assert.That(ex!.Message, Does.StartWith("WAV 'pipe.wav': the data chunk comes before the fmt chunk"));
    }

    [Test]
    public void Channels_are_averaged_to_mono()
    {
        // 3 channels of exactly representable values: the average is exact.
        double[] interleaved = [0.5, 0.25, -0.75, 0.125, 0.125, 0.125];
        AudioClip clip = AudioReader.ReadAll(new MemoryStream(WavBuilder.Simple(interleaved, AudioSampleFormat.Float32, 3, 16000)));
        Assert.That(clip.Samples, Is.EqualTo(new[] { 0f, 0.125f }));
        Assert.That(clip.Channels, Is.EqualTo(3));
    }

    [TestCaseSource(nameof(GoldenFiles))]
    public void Compressed_files_report_their_encoded_channel_count(string path)
    {
        // The down-mix of the stereo Ogg and MP3 cases is checked by the golden tests (their references are ffmpeg's
        // per-channel decode averaged in float64).
        using AudioReader reader = AudioReader.Open(path);
        Assert.That(reader.Channels, Is.EqualTo(path.Contains("stereo", StringComparison.Ordinal) ? 2 : 1));
    }

    [TestCaseSource(nameof(GoldenFiles))]
    public void Chunked_reads_equal_the_whole_read(string path)
    {
        float[] whole = AudioReader.ReadAll(path).Samples;
        foreach (int chunk in new[] { 1, 7, 1000, 4096, 10_000 })
        {
            using AudioReader reader = AudioReader.Open(path);
            var chunked = new List<float>();
            var buffer = new float[chunk];
            int n;
            while ((n = reader.Read(buffer)) > 0)
            {
                chunked.AddRange(buffer.AsSpan(0, n));
            }

            Assert.That(chunked, Is.EqualTo(whole), $"chunks of {chunk}");
            Assert.That(reader.Position, Is.EqualTo(whole.Length));
        }
    }

    [TestCaseSource(nameof(GoldenFiles))]
    public void File_seekable_stream_forward_only_stream_and_offset_stream_decode_alike(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        float[] fromFile = AudioReader.ReadAll(path).Samples;
        Assert.That(AudioReader.ReadAll(new MemoryStream(bytes)).Samples, Is.EqualTo(fromFile));
        Assert.That(AudioReader.ReadAll(new NonSeekableStream(bytes)).Samples, Is.EqualTo(fromFile));

        // A stream positioned after other data: positions count from where the caller's stream stood.
        var prefixed = new MemoryStream([.. new byte[1000], .. bytes]) { Position = 1000 };
        Assert.That(AudioReader.ReadAll(prefixed).Samples, Is.EqualTo(fromFile));
    }

    [TestCase("RIFF\0\0\0\0WAVEfmt ", AudioContainerFormat.Wav)]
    [TestCase("RF64\xFF\xFF\xFF\xFFWAVEds64", AudioContainerFormat.Wav)]
    [TestCase("ID3\x04\0\0\0\0\0\0", AudioContainerFormat.Mp3)]
    [TestCase("\xFF\xFB\x90\x00", AudioContainerFormat.Mp3)]         // MPEG-1 layer III, 128 kbps, 44.1 kHz
    [TestCase("\xFF\xF3\x28\xC4", AudioContainerFormat.Mp3)]         // MPEG-2 layer III
    [TestCase("\xFF\xE3\x18\xC4", AudioContainerFormat.Mp3)]         // MPEG-2.5 layer III
    public void Formats_are_recognised_from_their_first_bytes(string header, AudioContainerFormat expected)
    {
        Assert.That(AudioReader.DetectFormat(Latin1(header)), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(GoldenFiles))]
    public void Golden_files_are_recognised(string path)
    {
        byte[] head = File.ReadAllBytes(path)[..AudioReader.DetectionHeaderBytes];
        Assert.That(AudioReader.DetectFormat(head), Is.EqualTo(path.EndsWith(".ogg", StringComparison.Ordinal) ? AudioContainerFormat.OggVorbis : AudioContainerFormat.Mp3));
    }

    [TestCase("fLaC\0\0\0\x22", "it is FLAC")]
    [TestCase("\0\0\0 ftypM4A \0\0\0\0", "it is MP4/M4A (AAC or ALAC)")]
    [TestCase("\0\0\0\x0018ftyp3gp4\0\0\0\0", "it is 3GP")]
    [TestCase("caff\0\x01\0\0", "it is CAF")]
    [TestCase("\xFF\xF1\x50\x80\x02\x1F\xFC", "it is AAC (ADTS)")]
    [TestCase("#!AMR\n", "it is AMR")]
    [TestCase("\x1A\x45\xDF\xA3\x9F\x42\x86\x81", "it is WebM/Matroska")]
    [TestCase("RIFX\0\0\0\0WAVE", "it is big-endian RIFX WAV")]
    [TestCase("hello world", "it starts with 'hello wo', which is no format InfantCry recognises")]
    [TestCase("", "it is empty")]
    public void Unsupported_formats_say_what_they_are_and_how_to_convert(string header, string what)
    {
        var ex = Assert.Throws<InvalidAudioException>(() => AudioReader.Open(new MemoryStream(Latin1(header)), "phone.m4a"));
        Assert.That(ex!.Message, Does.StartWith($"Audio 'phone.m4a': {what}. InfantCry decodes WAV (RIFF or RF64), Ogg Vorbis and MP3")
            .And.Contain("M4A/AAC, 3GP, CAF").And.Contain("ffmpeg -i input"));
        Assert.That(AudioReader.DetectFormat(Latin1(header)), Is.Null);
    }

    [Test]
    public void Ogg_Opus_is_named()
    {
        byte[] page = [.. "OggS"u8, 0, 2, .. new byte[20], 1, 19, .. "OpusHead"u8, 1, 2, 0, 0, 0x80, 0xBB, 0, 0, 0, 0, 0];
        var ex = Assert.Throws<InvalidAudioException>(() => AudioReader.Open(new MemoryStream(page), "voice.opus"));
        Assert.That(ex!.Message, Does.StartWith("Audio 'voice.opus': it is Ogg Opus."));
    }

    [Test]
    public void Leave_open_decides_whether_the_stream_is_disposed()
    {
        byte[] wav = WavBuilder.Simple(Stereo, AudioSampleFormat.Pcm16, 2, 16000);
        var kept = new MemoryStream(wav);
        AudioReader.Open(kept, leaveOpen: true).Dispose();
        Assert.That(kept.CanRead, Is.True);
        var owned = new MemoryStream(wav);
        AudioReader.Open(owned).Dispose();
        Assert.That(owned.CanRead, Is.False);
        var failed = new MemoryStream("nothing"u8.ToArray());
        Assert.Throws<InvalidAudioException>(() => AudioReader.Open(failed, leaveOpen: true));
        Assert.That(failed.CanRead, Is.True, "a failed open leaves a leaveOpen stream open");
    }

    [Test]
    public void Read_after_dispose_throws_and_empty_buffers_read_nothing()
    {
        AudioReader reader = AudioReader.Open(new MemoryStream(WavBuilder.Simple(Stereo, AudioSampleFormat.Pcm16, 2, 16000)));
        Assert.That(reader.Read([]), Is.Zero);
        Assert.That(reader.Position, Is.Zero);
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.Read(new float[4]));
    }

    [TestCaseSource(nameof(GoldenFiles))]
    public void A_failing_stream_escapes_as_its_IOException(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var ex = Assert.Throws<IOException>(() => AudioReader.ReadAll(new FailingStream(bytes, failAfter: bytes.Length / 2)));
        Assert.That(ex!.Message, Is.EqualTo(FailingStream.Message));
    }

    [Test]
    public void Forward_only_wav_that_ends_early_is_reported()
    {
        byte[] wav = WavBuilder.Simple(Stereo, AudioSampleFormat.Pcm16, 2, 16000);
        var ex = Assert.Throws<InvalidAudioException>(() => AudioReader.ReadAll(new NonSeekableStream(wav[..^4]), "cut.wav"));
        Assert.That(ex!.Message, Does.StartWith("WAV 'cut.wav': the data chunk declares 16 bytes but the stream ends 4 bytes early"));
        ex = Assert.Throws<InvalidAudioException>(() => AudioReader.ReadAll(new MemoryStream(wav[..^4]), "cut.wav"));
        Assert.That(ex!.Message, Does.StartWith("WAV 'cut.wav': chunk 'data' at offset 36 declares 16 bytes but only 12 bytes follow"));
    }

    [Test]
    public void Streamed_wav_with_unknown_data_size_reads_to_the_end()
    {
        byte[] wav = WavBuilder.Simple(Stereo, AudioSampleFormat.Pcm16, 2, 16000);
        byte[] streamed = (byte[])wav.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(streamed.AsSpan(40), 0xFFFFFFFF);
        float[] expected = WavReader.Read(wav).Samples;
        Assert.That(AudioReader.ReadAll(new NonSeekableStream(streamed)).Samples, Is.EqualTo(expected));
        Assert.That(AudioReader.ReadAll(new MemoryStream(streamed)).Samples, Is.EqualTo(expected));
        using AudioReader reader = AudioReader.Open(new NonSeekableStream(streamed));
        Assert.That(reader.FrameCount, Is.Null);
    }

    [Test]
    public void Ten_hour_rf64_stream_is_read_in_chunks_at_flat_memory_allocating_nothing_per_chunk()
    {
        const int Rate = 48_000;
        const long Frames = 10L * 3600 * Rate;
        using var stream = new Rf64ToneStream(Frames, Rate);
        using AudioReader reader = AudioReader.Open(stream, "10h.wav");
        Assert.That((reader.Format, reader.SampleRate, reader.Channels, reader.FrameCount), Is.EqualTo((AudioContainerFormat.Wav, Rate, 2, Frames)));
        Assert.That(reader.Duration, Is.EqualTo(TimeSpan.FromHours(10)));

        var chunk = new float[4800];
        Assert.That(reader.Read(chunk), Is.EqualTo(chunk.Length));
        long before = GC.GetAllocatedBytesForCurrentThread();
        long read = 0;
        for (int i = 0; i < 600; i++)   // one more minute
        {
            read += reader.Read(chunk);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(read, Is.EqualTo(600L * chunk.Length));
        Assert.That(chunk[0], Is.EqualTo(Rf64ToneStream.Sample(reader.Position - chunk.Length) / 32768f));
    }

    private static byte[] Latin1(string s) => System.Text.Encoding.Latin1.GetBytes(s);

    /// <summary>A forward-only RF64 stream of the given length whose samples are generated on demand (both channels alike).</summary>
    private sealed class Rf64ToneStream : Stream
    {
        private readonly byte[] _header;
        private readonly long _length;
        private long _position;

        public Rf64ToneStream(long frames, int rate)
        {
            long dataBytes = frames * 4;
            _header = new byte[80];
            Span<byte> h = _header;
            "RF64"u8.CopyTo(h);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], 0xFFFFFFFF);
            "WAVE"u8.CopyTo(h[8..]);
            "ds64"u8.CopyTo(h[12..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 28);
            BinaryPrimitives.WriteInt64LittleEndian(h[20..], 72 + dataBytes);
            BinaryPrimitives.WriteInt64LittleEndian(h[28..], dataBytes);
            BinaryPrimitives.WriteInt64LittleEndian(h[36..], frames);
            "fmt "u8.CopyTo(h[48..]);
            WavBuilder.Fmt(AudioSampleFormat.Pcm16, 2, rate).CopyTo(h[52..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[48..].Slice(4), 16);
            WavBuilder.Fmt(AudioSampleFormat.Pcm16, 2, rate).CopyTo(h[56..]);
            "data"u8.CopyTo(h[72..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[76..], 0xFFFFFFFF);
            _length = _header.Length + dataBytes;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public static short Sample(long frame) => (short)((frame * 37) % 20000 - 10000);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, _length - _position);
            for (int i = 0; i < n; i++, _position++)
            {
                if (_position < _header.Length)
                {
                    buffer[i] = _header[_position];
                    continue;
                }

                long offset = _position - _header.Length;
                short s = Sample(offset / 4);
                buffer[i] = (offset & 1) == 0 ? (byte)s : (byte)(s >> 8);
            }

            return n;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A seekable stream over bytes whose reads fail with an IOException once a position is passed.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data)
    {
        public const string Message = "network went away";

        // MemoryStream's span overload defers to this one in a derived class.
        public override int Read(byte[] buffer, int offset, int count) =>
            Position + count > failAfter ? throw new IOException(Message) : base.Read(buffer, offset, count);
    }
}
