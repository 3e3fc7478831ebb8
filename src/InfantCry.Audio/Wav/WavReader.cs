using System.Buffers.Binary;
using System.Globalization;
using System.Text;

using InfantCry.Abstractions.Errors;

namespace InfantCry.Audio.Wav;

/// <summary>
/// Decodes RIFF/WAVE files to mono <see cref="AudioClip"/>s: chunks in any order (fmt, data, LIST, fact, cue, ...),
/// odd-sized chunks padded, integer PCM of 8, 16, 24 and 32 bits, IEEE float of 32 and 64 bits, plain or
/// WAVE_FORMAT_EXTENSIBLE, any channel count (averaged to mono).
/// </summary>
/// <remarks>
/// <para>No declared size is trusted: every size is checked against the bytes actually present before it is used, so a
/// damaged file gives an <see cref="InvalidAudioException"/> naming the source and the problem, never an
/// index, overflow or out-of-memory error. Memory use is the input's size plus the decoded samples.</para>
/// <para>A trailing partial frame in the data chunk is ignored. Chunks after both fmt and data are not read.</para>
/// <para>Reads the whole input into memory; to read a WAV of any length in chunks at flat memory (or Ogg Vorbis and MP3),
/// use <see cref="Decoding.AudioReader"/>, which decodes WAV exactly as this class does.</para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static class WavReader
{
    private const int RiffHeaderBytes = 12;
    private const int ChunkHeaderBytes = 8;
    private const int MinFmtBytes = 16;
    private const int ExtensibleFmtBytes = 40;
    private const ushort TagPcm = 0x0001;
    private const ushort TagFloat = 0x0003;
    private const ushort TagExtensible = 0xFFFE;

    // KSDATAFORMAT_SUBTYPE_* GUIDs are {0000xxxx-0000-0010-8000-00AA00389B71}: bytes 2..15 are fixed.
    private static ReadOnlySpan<byte> SubformatGuidTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Reads a WAV file.</summary>
    /// <param name="path">Path of the file.</param>
    /// <returns>The decoded mono clip; <see cref="AudioClip.SourceName"/> is <paramref name="path"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidAudioException">The file is not a WAV file we can decode; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (for example <see cref="FileNotFoundException"/>).</exception>
    public static AudioClip Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    /// <summary>Reads a WAV file asynchronously.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decoded mono clip.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidAudioException">The file is not a WAV file we can decode; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<AudioClip> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Read(bytes, path);
    }

    /// <summary>Reads a WAV stream from its current position to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed.</param>
    /// <param name="sourceName">Name used in messages and <see cref="AudioClip.SourceName"/>; "stream" when null.</param>
    /// <returns>The decoded mono clip.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidAudioException">The bytes are not a WAV file we can decode, or exceed 2 GB.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    public static AudioClip Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        string name = sourceName ?? "stream";
        byte[] bytes;
        int length;
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining > Array.MaxLength)
            {
                throw Invalid(name, $"it has {FormatBytes(remaining)}; WAV input above 2 GB is not supported");
            }

            bytes = new byte[Math.Max(0, remaining)];
            length = 0;
            int read;
            while (length < bytes.Length && (read = stream.Read(bytes, length, bytes.Length - length)) > 0)
            {
                length += read;
            }
        }
        else
        {
            using var copy = new MemoryStream();
            try
            {
                stream.CopyTo(copy);
            }
            catch (IOException ex) when (copy.Length >= int.MaxValue - 1024 * 1024)
            {
                throw Invalid(name, "WAV input above 2 GB is not supported", ex);
            }

            bytes = copy.GetBuffer();
            length = (int)copy.Length;
        }

        return Decode(bytes.AsSpan(0, length), name, sourceName);
    }

    /// <summary>Decodes WAV bytes held in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">Name used in messages and <see cref="AudioClip.SourceName"/>; "buffer" when null.</param>
    /// <returns>The decoded mono clip.</returns>
    /// <exception cref="InvalidAudioException">The bytes are not a WAV file we can decode; the message says why.</exception>
    public static AudioClip Read(ReadOnlySpan<byte> bytes, string? sourceName = null) => Decode(bytes, sourceName ?? "buffer", sourceName);

    private static AudioClip Decode(ReadOnlySpan<byte> file, string name, string? sourceName)
    {
        if (file.Length < RiffHeaderBytes)
        {
            throw Invalid(name, $"it has {FormatBytes(file.Length)}, too short for a RIFF/WAVE header ({RiffHeaderBytes} bytes)");
        }

        ReadOnlySpan<byte> magic = file[..4];
        if (!magic.SequenceEqual("RIFF"u8))
        {
            string hint = magic.SequenceEqual("RIFX"u8) ? " (big-endian RIFX is not supported)"
                : magic.SequenceEqual("RF64"u8) ? " (RF64 is not supported)" : string.Empty;
            throw Invalid(name, $"not a RIFF/WAVE file: it starts with '{Printable(magic)}'{hint}");
        }

        if (!file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw Invalid(name, $"RIFF form type is '{Printable(file.Slice(8, 4))}', not 'WAVE'");
        }

        int fmtOffset = -1, fmtSize = 0, dataOffset = -1, dataSize = 0;
        int pos = RiffHeaderBytes;
        while ((fmtOffset < 0 || dataOffset < 0) && file.Length - pos >= ChunkHeaderBytes)
        {
            ReadOnlySpan<byte> id = file.Slice(pos, 4);
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(pos + 4, 4));
            int body = pos + ChunkHeaderBytes;
            int available = file.Length - body;
            if (!IsChunkId(id))
            {
                throw Invalid(name, $"bytes at offset {pos} are not a chunk id ('{Printable(id)}'); the chunk before it may declare a wrong size");
            }

            if (declared > (uint)available)
            {
                throw Invalid(name, $"chunk '{Printable(id)}' at offset {pos} declares {FormatBytes(declared)} but only {FormatBytes(available)} follow (truncated or damaged file)");
            }

            int size = (int)declared;
            if (id.SequenceEqual("fmt "u8))
            {
                if (fmtOffset >= 0)
                {
                    throw Invalid(name, $"a second fmt chunk at offset {pos}");
                }

                fmtOffset = body;
                fmtSize = size;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (dataOffset >= 0)
                {
                    throw Invalid(name, $"a second data chunk at offset {pos}");
                }

                dataOffset = body;
                dataSize = size;
            }

            // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte (absent at the very end is tolerated).
            long next = (long)body + size + (size & 1);
            pos = (int)Math.Min(next, file.Length);
        }

        if (fmtOffset < 0)
        {
            throw Invalid(name, "no fmt chunk (the file has no audio format description)");
        }

        if (dataOffset < 0)
        {
            throw Invalid(name, "no data chunk (the file holds no samples)");
        }

        var (format, channels, sampleRate) = ParseFormat(file.Slice(fmtOffset, fmtSize), name);
        int frameBytes = channels * format.BytesPerSample();
        int frames = dataSize / frameBytes;
        var mono = new float[frames];
        SampleDecoder.Decode(file.Slice(dataOffset, dataSize), format, channels, mono);
        return new AudioClip(mono, sampleRate, channels, format, sourceName);
    }

    /// <summary>Parses a fmt chunk body; shared with the streaming decoder.</summary>
    internal static (AudioSampleFormat Format, int Channels, int SampleRate) ParseFormat(ReadOnlySpan<byte> fmt, string name)
    {
        if (fmt.Length < MinFmtBytes)
        {
            throw Invalid(name, $"fmt chunk has {fmt.Length} bytes; at least {MinFmtBytes} are needed");
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == TagExtensible)
        {
            if (fmt.Length < ExtensibleFmtBytes)
            {
                throw Invalid(name, $"WAVE_FORMAT_EXTENSIBLE fmt chunk has {fmt.Length} bytes; {ExtensibleFmtBytes} are needed");
            }

            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            if (validBits > bits)
            {
                throw Invalid(name, $"WAVE_FORMAT_EXTENSIBLE declares {validBits} valid bits in a {bits}-bit container");
            }

            ReadOnlySpan<byte> guid = fmt.Slice(24, 16);
            if (!guid[2..].SequenceEqual(SubformatGuidTail))
            {
                throw Invalid(name, "WAVE_FORMAT_EXTENSIBLE sub-format is not a KSDATAFORMAT_SUBTYPE GUID (only PCM and IEEE float are supported)");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
        }

        if (channels == 0)
        {
            throw Invalid(name, "fmt chunk declares 0 channels");
        }

        if (channels > AudioClip.MaxChannels)
        {
            throw Invalid(name, $"fmt chunk declares {channels} channels; at most {AudioClip.MaxChannels} are supported");
        }

        if (rate is < AudioClip.MinSampleRate or > AudioClip.MaxSampleRate)
        {
            throw Invalid(name, $"fmt chunk declares a sample rate of {rate} Hz; {AudioClip.MinSampleRate} to {AudioClip.MaxSampleRate} Hz are supported");
        }

        AudioSampleFormat format = (tag, bits) switch
        {
            (TagPcm, 8) => AudioSampleFormat.Pcm8,
            (TagPcm, 16) => AudioSampleFormat.Pcm16,
            (TagPcm, 24) => AudioSampleFormat.Pcm24,
            (TagPcm, 32) => AudioSampleFormat.Pcm32,
            (TagFloat, 32) => AudioSampleFormat.Float32,
            (TagFloat, 64) => AudioSampleFormat.Float64,
            (TagPcm, _) => throw Invalid(name, $"{bits}-bit integer PCM is not supported (8, 16, 24 or 32 bits are)"),
            (TagFloat, _) => throw Invalid(name, $"{bits}-bit float is not supported (32 or 64 bits are)"),
            _ => throw Invalid(name, $"format tag 0x{tag:X4} is not PCM or IEEE float; convert it first (for example ffmpeg -i in -c:a pcm_s16le out.wav)"),
        };

        int expectedAlign = channels * format.BytesPerSample();
        if (blockAlign != expectedAlign)
        {
            throw Invalid(name, $"fmt chunk declares a block align of {blockAlign} bytes, but {channels} channel(s) of {bits}-bit samples need {expectedAlign}");
        }

        return (format, channels, (int)rate);
    }

    internal static bool IsChunkId(ReadOnlySpan<byte> id)
    {
        foreach (byte b in id)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length * 4);
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'\'' and not (byte)'\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        return sb.ToString();
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB ({bytes} bytes)"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB ({bytes} bytes)"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB ({bytes} bytes)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    internal static InvalidAudioException Invalid(string name, string problem) => new($"WAV '{name}': {problem}.");

    private static InvalidAudioException Invalid(string name, string problem, Exception inner) => new($"WAV '{name}': {problem}.", inner);
}
