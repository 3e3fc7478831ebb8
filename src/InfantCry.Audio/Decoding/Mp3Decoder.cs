using System.Buffers.Binary;
using NLayer;

namespace InfantCry.Audio.Decoding;

/// <summary>
/// MPEG audio through NLayer, always as a forward-only stream: on a seekable stream NLayer indexes every frame of the
/// file up front (memory grows with the file), forward-only it keeps only the frames it is decoding. When the first
/// frame carries a LAME tag (LAME, ffmpeg) with the frame count, the encoder delay plus the decoder's 529-sample delay
/// are dropped at the start and the padding at the end, as ffmpeg and other gapless decoders do, so the output lines up
/// with the encoder's input (where NLayer 3.0.1 trims a tag itself, it drops all of the padding: 529 frames fewer at the end).
/// </summary>
internal sealed class Mp3Decoder : InterleavedFloatDecoder
{
    /// <summary>The layer III synthesis filterbank's delay in samples, which a LAME tag's delay field does not include.</summary>
    private const int DecoderDelay = 529;

    /// <summary>Bytes of the first frame kept to read a Xing/Info header and its LAME tag (which end within 192 bytes).</summary>
    private const int FirstFrameBytes = 256;

    private readonly MpegFile _file;
    private long _skipSamples;
    private long _remainingSamples = -1;

    public Mp3Decoder(SourceStream source, string name, ReadOnlySpan<byte> head)
    {
        // The ID3v2 tag is skipped here: NLayer would buffer as many bytes as a (possibly damaged) tag declares.
        long tag = Id3v2Length(head);
        long skipped = source.Skip(tag);
        if (skipped < tag)
        {
            throw AudioReader.Invalid(AudioContainerFormat.Mp3, name, $"the ID3 tag declares {tag} bytes but the stream ends after {skipped}");
        }

        source.ForwardOnly = true;
        source.RestartPositions();
        source.CaptureFrom(0, FirstFrameBytes);
        _file = new MpegFile(source);
        Owned = _file;

        // Read once: NLayer reads these from its first retained frame, which forward-only decoding releases.
        SampleRate = _file.SampleRate;
        Channels = _file.Channels;
        AudioReader.CheckShape(AudioContainerFormat.Mp3, name, SampleRate, Channels);
        long bytes = _file.Length;   // from a Xing/VBRI header when there is one, else -1
        FrameCount = bytes > 0 ? bytes / (sizeof(float) * Channels) : null;
        if (ReadGapless(source.Captured) is (long frames, int delay, int padding) && frames > 0)
        {
            long gapless = Math.Max(0, frames - delay - padding);
            if (FrameCount == gapless && delay + padding > 0)
            {
                // NLayer read this tag itself (it does for "LAME" tags, not for ffmpeg's): it drops the encoder delay and
                // all of the padding. Only the decoder delay is left to drop; the padding's last 529 samples are lost.
                _skipSamples = (long)DecoderDelay * Channels;
                FrameCount = Math.Max(0, gapless - DecoderDelay);
            }
            else
            {
                _skipSamples = (long)(delay + DecoderDelay) * Channels;
                FrameCount = gapless;
            }

            _remainingSamples = FrameCount.Value * Channels;
        }
    }

    protected override int ReadInterleaved(Span<float> interleaved)
    {
        while (_skipSamples > 0)
        {
            int skipped = _file.ReadSamples(interleaved[..(int)Math.Min(interleaved.Length, _skipSamples)]);
            if (skipped == 0)
            {
                return 0;
            }

            _skipSamples -= skipped;
        }

        int wanted = _remainingSamples >= 0 ? (int)Math.Min(interleaved.Length, _remainingSamples) : interleaved.Length;
        if (wanted == 0)
        {
            return 0;
        }

        int read = _file.ReadSamples(interleaved[..wanted]);
        if (_remainingSamples >= 0)
        {
            _remainingSamples -= read;
        }

        return read;
    }

    /// <summary>The length of a leading ID3v2 tag (header, body and optional footer), or 0.</summary>
    private static long Id3v2Length(ReadOnlySpan<byte> head)
    {
        if (head.Length < 10 || !head.StartsWith("ID3"u8))
        {
            return 0;
        }

        int size = ((head[6] & 0x7F) << 21) | ((head[7] & 0x7F) << 14) | ((head[8] & 0x7F) << 7) | (head[9] & 0x7F);
        return 10L + size + ((head[5] & 0x10) != 0 ? 10 : 0);
    }

    /// <summary>
    /// Total decoded frames (0 when not declared), encoder delay and padding from a layer III Xing/Info header with a
    /// LAME tag in the first frame, or null when there is none.
    /// </summary>
    private static (long Frames, int Delay, int Padding)? ReadGapless(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 4 || frame[0] != 0xFF || (frame[1] & 0xE0) != 0xE0 || ((frame[1] >> 1) & 3) != 1)
        {
            return null;   // not a layer III frame header
        }

        bool mpeg1 = ((frame[1] >> 3) & 3) == 3;
        bool mono = (frame[3] >> 6) == 3;
        int xing = 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
        if (frame.Length < xing + 8 || !(frame.Slice(xing, 4).SequenceEqual("Xing"u8) || frame.Slice(xing, 4).SequenceEqual("Info"u8)))
        {
            return null;
        }

        uint flags = BinaryPrimitives.ReadUInt32BigEndian(frame[(xing + 4)..]);
        int at = xing + 8;
        long frames = 0;
        if ((flags & 1) != 0 && frame.Length >= at + 4)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(frame[at..]) * (long)(mpeg1 ? 1152 : 576);
            at += 4;
        }

        at += ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0) + ((flags & 8) != 0 ? 4 : 0);
        if (frame.Length < at + 24)
        {
            return null;
        }

        ReadOnlySpan<byte> tag = frame.Slice(at, 4);
        if (!(tag.SequenceEqual("LAME"u8) || tag.SequenceEqual("Lavf"u8) || tag.SequenceEqual("Lavc"u8)))
        {
            return null;
        }

        int delay = (frame[at + 21] << 4) | (frame[at + 22] >> 4);
        int padding = ((frame[at + 22] & 0x0F) << 8) | frame[at + 23];
        return (frames, delay, padding);
    }
}
