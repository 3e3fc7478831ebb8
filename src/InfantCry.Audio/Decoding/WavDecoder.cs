using System.Buffers.Binary;
using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Decoding;

/// <summary>
/// RIFF/WAVE and RF64/WAVE read chunk by chunk: only the header chunks are held, samples are decoded through one
/// reusable buffer, so a file of any length streams at flat memory. Sizes are checked as <see cref="WavReader"/> checks
/// them (against the stream's length when it can seek; a forward-only stream that ends early is reported when it does).
/// A data size of 0xFFFFFFFF without an RF64 ds64 chunk (as streaming writers leave it) means "to the end".
/// </summary>
internal sealed class WavDecoder : FrameDecoder
{
    /// <summary>Bytes decoded per call (rounded down to whole frames; at least one frame).</summary>
    private const int ChunkBytes = 64 * 1024;

    /// <summary>The largest fmt or ds64 chunk read (a WAVE_FORMAT_EXTENSIBLE fmt chunk has 40 bytes).</summary>
    private const int MaxHeaderChunkBytes = 4096;

    private const uint UnknownSize = 0xFFFFFFFF;

    private readonly SourceStream _source;
    private readonly string _name;
    private readonly int _frameBytes;
    private readonly byte[] _bytes;
    private readonly long _declaredDataBytes;   // -1: to the end of a forward-only stream
    private long _remaining;                    // bytes of the data chunk not yet read; -1: unknown

    public WavDecoder(SourceStream source, string name)
    {
        _source = source;
        _name = name;
        Span<byte> header = stackalloc byte[12];
        int got = source.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw WavReader.Invalid(name, $"it has {WavReader.FormatBytes(got)}, too short for a RIFF/WAVE header (12 bytes)");
        }

        bool rf64 = header.StartsWith("RF64"u8);
        long position = header.Length;
        long? ds64DataBytes = null;
        (AudioSampleFormat Format, int Channels, int SampleRate)? fmt = null;
        long dataStart = -1, dataBytes = -1;
        Span<byte> chunk = stackalloc byte[8];
        while (fmt is null || dataStart < 0)
        {
            got = source.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (got < chunk.Length)
            {
                break;   // as WavReader: fewer than 8 trailing bytes end the chunk list
            }

            ReadOnlySpan<byte> id = chunk[..4];
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            long body = position + 8;
            if (!WavReader.IsChunkId(id))
            {
                throw WavReader.Invalid(name, $"bytes at offset {position} are not a chunk id ('{WavReader.Printable(id)}'); the chunk before it may declare a wrong size");
            }

            long size = declared;
            long? available = source.CanSeek ? source.Length - body : null;
            bool isData = id.SequenceEqual("data"u8);
            if (isData && declared == UnknownSize)
            {
                size = ds64DataBytes ?? available ?? -1;
            }

            if (size > available)
            {
                throw WavReader.Invalid(name, $"chunk '{WavReader.Printable(id)}' at offset {position} declares {WavReader.FormatBytes(size)} but only {WavReader.FormatBytes(available.Value)} follow (truncated or damaged file)");
            }

            if (id.SequenceEqual("fmt "u8) || (rf64 && id.SequenceEqual("ds64"u8)))
            {
                if (size > MaxHeaderChunkBytes)
                {
                    throw WavReader.Invalid(name, $"chunk '{WavReader.Printable(id)}' at offset {position} declares {WavReader.FormatBytes(size)}; at most {MaxHeaderChunkBytes} bytes are expected");
                }

                byte[] bodyBytes = new byte[size];
                if (source.ReadAtLeast(bodyBytes, bodyBytes.Length, throwOnEndOfStream: false) < bodyBytes.Length)
                {
                    throw WavReader.Invalid(name, $"the stream ends inside chunk '{WavReader.Printable(id)}' at offset {position}");
                }

                if (id[0] == (byte)'d')
                {
                    if (size < 16)
                    {
                        throw WavReader.Invalid(name, $"ds64 chunk has {size} bytes; at least 16 are needed");
                    }

                    long rf64Data = BinaryPrimitives.ReadInt64LittleEndian(bodyBytes.AsSpan(8));
                    ds64DataBytes = rf64Data >= 0 ? rf64Data : throw WavReader.Invalid(name, "ds64 chunk declares a negative data size");
                }
                else if (fmt is not null)
                {
                    throw WavReader.Invalid(name, $"a second fmt chunk at offset {position}");
                }
                else
                {
                    fmt = WavReader.ParseFormat(bodyBytes, name);
                }

                position = body + size;
                SkipPad(size, ref position);
                continue;
            }

            if (isData)
            {
                if (dataStart >= 0)
                {
                    throw WavReader.Invalid(name, $"a second data chunk at offset {position}");
                }

                dataStart = body;
                dataBytes = size;
                if (fmt is not null)
                {
                    break;
                }

                if (!source.CanSeek || size < 0)
                {
                    throw WavReader.Invalid(name, "the data chunk comes before the fmt chunk, which only a seekable stream can be read in");
                }
            }

            Skip(id, size, position);
            position = body + size;
            SkipPad(size, ref position);
        }

        if (fmt is null)
        {
            throw WavReader.Invalid(name, "no fmt chunk (the file has no audio format description)");
        }

        if (dataStart < 0)
        {
            throw WavReader.Invalid(name, "no data chunk (the file holds no samples)");
        }

        if (source.CanSeek && source.Position != dataStart)
        {
            source.Position = dataStart;
        }

        (SampleFormat, Channels, SampleRate) = fmt.Value;
        _frameBytes = Channels * SampleFormat.BytesPerSample();
        _bytes = new byte[Math.Max(ChunkBytes - (ChunkBytes % _frameBytes), _frameBytes)];
        _declaredDataBytes = dataBytes;
        _remaining = dataBytes;
        FrameCount = dataBytes >= 0 ? dataBytes / _frameBytes : null;
    }

    public override int Read(Span<float> mono)
    {
        long frames = Math.Min(mono.Length, _bytes.Length / _frameBytes);
        if (_remaining >= 0)
        {
            frames = Math.Min(frames, _remaining / _frameBytes);
        }

        if (frames == 0)
        {
            return 0;
        }

        int want = (int)frames * _frameBytes;
        int got = _source.ReadAtLeast(_bytes.AsSpan(0, want), want, throwOnEndOfStream: false);
        if (got < want && _remaining >= 0)
        {
            long missing = _remaining - got;
            throw WavReader.Invalid(_name, $"the data chunk declares {WavReader.FormatBytes(_declaredDataBytes)} but the stream ends {WavReader.FormatBytes(missing)} early (truncated file)");
        }

        if (_remaining >= 0)
        {
            _remaining -= got;
        }

        int decoded = got / _frameBytes;
        SampleDecoder.Decode(_bytes.AsSpan(0, decoded * _frameBytes), SampleFormat, Channels, mono[..decoded]);
        return decoded;
    }

    private void SkipPad(long size, ref long position)
    {
        if ((size & 1) == 0)
        {
            return;
        }

        // Chunks are word-aligned; a missing pad byte at the very end is tolerated, as WavReader does.
        if (_source.CanSeek)
        {
            position = Math.Min(position + 1, _source.Length);
            _source.Position = position;
        }
        else if (_source.ReadByte() >= 0)
        {
            position++;
        }
    }

    private void Skip(ReadOnlySpan<byte> id, long size, long position)
    {
        long skipped = _source.Skip(size);
        if (skipped < size)
        {
            throw WavReader.Invalid(_name, $"chunk '{WavReader.Printable(id)}' at offset {position} declares {WavReader.FormatBytes(size)} but the stream ends {WavReader.FormatBytes(size - skipped)} early (truncated file)");
        }
    }
}
