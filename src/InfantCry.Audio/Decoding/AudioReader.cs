using System.Runtime.ExceptionServices;
using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Decoding;

/// <summary>
/// Reads WAV, Ogg Vorbis and MP3 recordings of any sample rate and channel count as mono float frames, chunk by chunk
/// at flat memory (a stream of any length can be read); <see cref="ReadAll(string)"/> is the whole-file convenience.
/// The format is recognised from the first bytes, never from the file name.
/// </summary>
/// <remarks>
/// <para>Channels are averaged to mono; integer PCM is scaled as <see cref="WavReader"/> scales it (int16 / 32768);
/// Vorbis and MPEG audio are decoded to float by NVorbis and NLayer (managed, MIT) and not clipped.</para>
/// <para>Other formats (M4A/AAC, 3GP, CAF, Opus, FLAC, AMR, WebM) have no managed decoder here: convert them first, for
/// example with <c>ffmpeg -i input.m4a -ac 1 -ar 16000 output.wav</c>. No managed FLAC decoder is published on NuGet
/// that InfantCry could depend on.</para>
/// <para>Damaged input raises <see cref="InvalidAudioException"/> naming the source and the problem, never another
/// exception type, also when a decoder library fails on it; a failure of the caller's stream escapes as the
/// <see cref="IOException"/> it was. <see cref="Read(Span{float})"/> allocates nothing for WAV after the first call;
/// NLayer allocates a little per MPEG frame and NVorbis per Ogg page.</para>
/// <para>Not thread-safe: one reader per stream, used by one thread at a time. Must be disposed.</para>
/// </remarks>
public sealed class AudioReader : IDisposable
{
    /// <summary>How many leading bytes <see cref="DetectFormat"/> needs to recognise every format it knows.</summary>
    public const int DetectionHeaderBytes = FormatSniffer.HeaderBytes;

    /// <summary>
    /// Frames a decoder may yield without reading any input before the reader gives up on the stream (2^22, 87 s at
    /// 48 kHz: far beyond what one buffered block of real Vorbis or MP3 decodes to). Guards against a decoder looping
    /// on damaged input.
    /// </summary>
    private const long MaxFramesWithoutInput = 1L << 22;

    /// <summary>Initial capacity of <see cref="ReadAll(string)"/>'s buffer when the file declares no usable length.</summary>
    private const int InitialCapacity = 1 << 16;

    private readonly SourceStream _source;
    private readonly FrameDecoder _decoder;
    private long _bytesAtLastProgress;
    private long _framesWithoutInput;
    private bool _disposed;

    private AudioReader(SourceStream source, FrameDecoder decoder, AudioContainerFormat format, string sourceName)
    {
        _source = source;
        _decoder = decoder;
        Format = format;
        SourceName = sourceName;
    }

    /// <summary>The recognised format.</summary>
    public AudioContainerFormat Format { get; }

    /// <summary>How the samples were encoded: the WAV sample format, or <see cref="AudioSampleFormat.Float32"/> for Vorbis and MP3 (decoded to float).</summary>
    public AudioSampleFormat SampleFormat => _decoder.SampleFormat;

    /// <summary>Sample rate in Hz, <see cref="AudioClip.MinSampleRate"/> to <see cref="AudioClip.MaxSampleRate"/>.</summary>
    public int SampleRate => _decoder.SampleRate;

    /// <summary>Channel count of the recording, 1 to <see cref="AudioClip.MaxChannels"/> (frames are read as mono).</summary>
    public int Channels => _decoder.Channels;

    /// <summary>
    /// The number of frames the file declares (WAV: the data chunk's size, checked against the stream's length when it
    /// can seek; Ogg Vorbis: the last page's granule position, seekable streams only; MP3: a Xing/VBRI header), or
    /// null when it declares none. A damaged file may decode to fewer frames; <see cref="Read(Span{float})"/> is the
    /// authority.
    /// </summary>
    public long? FrameCount => _decoder.FrameCount;

    /// <summary><see cref="FrameCount"/> as a duration, or null.</summary>
    public TimeSpan? Duration => FrameCount is long frames ? TimeSpan.FromSeconds((double)frames / SampleRate) : null;

    /// <summary>The name used in messages: the path, the name given to <see cref="Open(Stream, string?, bool)"/>, or "stream".</summary>
    public string SourceName { get; }

    /// <summary>Frames read so far.</summary>
    public long Position { get; private set; }

    /// <summary>Opens a file for reading in chunks.</summary>
    /// <param name="path">Path of a WAV, Ogg Vorbis or MP3 file.</param>
    /// <returns>The reader; it owns the file and must be disposed.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidAudioException">The file is not in a supported format or its header is damaged; the message says which and what to do.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (for example <see cref="FileNotFoundException"/>).</exception>
    public static AudioReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        return Open(file, path, leaveOpen: false);
    }

    /// <summary>Opens a stream for reading in chunks, from its current position; it need not be seekable.</summary>
    /// <param name="stream">A readable stream holding a WAV, Ogg Vorbis or MP3 file.</param>
    /// <param name="sourceName">Name used in messages and <see cref="AudioClip.SourceName"/>; "stream" when null.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the reader is disposed (also when opening fails).</param>
    /// <returns>The reader; it must be disposed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidAudioException">The bytes are not in a supported format or the header is damaged; the message says which and what to do.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    public static AudioReader Open(Stream stream, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        string name = sourceName ?? "stream";
        var source = new SourceStream(stream, leaveOpen);
        AudioContainerFormat? format = null;
        try
        {
            Span<byte> head = stackalloc byte[DetectionHeaderBytes];
            int length = source.Peek(head);
            format = FormatSniffer.Detect(head[..length], out string? unsupported);
            if (format is null)
            {
                throw Unsupported(name, head[..length], unsupported);
            }

            FrameDecoder decoder = format switch
            {
                AudioContainerFormat.Wav => new WavDecoder(source, name),
                AudioContainerFormat.OggVorbis => new VorbisDecoder(source, name),
                _ => new Mp3Decoder(source, name, head[..length]),
            };
            return new AudioReader(source, decoder, format.Value, name);
        }
        catch (Exception ex) when (ex is not InvalidAudioException)
        {
            source.Dispose();
            throw Translate(ex, source, format ?? AudioContainerFormat.Wav, name);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Recognises a format from a file's first bytes, as <see cref="Open(Stream, string?, bool)"/> does.</summary>
    /// <param name="header">The first <see cref="DetectionHeaderBytes"/> bytes of the file (fewer when the file is shorter).</param>
    /// <returns>The format, or null when the bytes start no format <see cref="AudioReader"/> decodes.</returns>
    public static AudioContainerFormat? DetectFormat(ReadOnlySpan<byte> header) => FormatSniffer.Detect(header, out _);

    /// <summary>Reads a whole file into a mono clip.</summary>
    /// <param name="path">Path of a WAV, Ogg Vorbis or MP3 file.</param>
    /// <returns>The clip; <see cref="AudioClip.SourceName"/> is <paramref name="path"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidAudioException">The file is not in a supported format, is damaged, or holds more than <see cref="Array.MaxLength"/> frames (read such files in chunks).</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static AudioClip ReadAll(string path)
    {
        using AudioReader reader = Open(path);
        return reader.ReadToEnd(CancellationToken.None);
    }

    /// <summary>Reads a whole stream, from its current position, into a mono clip; the stream is not disposed.</summary>
    /// <param name="stream">A readable stream holding a WAV, Ogg Vorbis or MP3 file.</param>
    /// <param name="sourceName">Name used in messages and <see cref="AudioClip.SourceName"/>; "stream" when null.</param>
    /// <returns>The clip.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidAudioException">The bytes are not in a supported format, are damaged, or hold more than <see cref="Array.MaxLength"/> frames.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    public static AudioClip ReadAll(Stream stream, string? sourceName = null)
    {
        using AudioReader reader = Open(stream, sourceName, leaveOpen: true);
        return reader.ReadToEnd(CancellationToken.None);
    }

    /// <summary>Reads a whole file into a mono clip on the thread pool.</summary>
    /// <param name="path">Path of a WAV, Ogg Vorbis or MP3 file.</param>
    /// <param name="cancellationToken">Cancels the read (checked between chunks).</param>
    /// <returns>The clip.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidAudioException">As <see cref="ReadAll(string)"/>.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<AudioClip> ReadAllAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Task.Run(
            () =>
            {
                using AudioReader reader = Open(path);
                return reader.ReadToEnd(cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>Decodes the next frames as mono.</summary>
    /// <param name="mono">Receives up to its length in frames (any length; chunks of a few thousand frames are efficient).</param>
    /// <returns>Frames written; 0 only at the end of the stream (or when <paramref name="mono"/> is empty). A call may return fewer frames than asked before the end.</returns>
    /// <exception cref="InvalidAudioException">The data is damaged; the message names the source and the problem.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public int Read(Span<float> mono)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (mono.IsEmpty)
        {
            return 0;
        }

        int frames;
        try
        {
            frames = _decoder.Read(mono);
        }
        catch (Exception ex) when (ex is not InvalidAudioException)
        {
            throw Translate(ex, _source, Format, SourceName);
        }

        Position += frames;
        if (_source.BytesRead != _bytesAtLastProgress)
        {
            _bytesAtLastProgress = _source.BytesRead;
            _framesWithoutInput = 0;
        }
        else if ((_framesWithoutInput += frames) > MaxFramesWithoutInput)
        {
            throw Invalid(Format, SourceName, $"the decoder yielded over {MaxFramesWithoutInput} frames without reading input (damaged stream)");
        }

        return frames;
    }

    /// <summary>Releases the decoder and, unless the reader was opened with leaveOpen, the stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _decoder.Dispose();
        _source.Dispose();
    }

    internal static InvalidAudioException Invalid(AudioContainerFormat format, string name, string problem, Exception? inner = null)
    {
        string message = $"{Describe(format)} '{name}': {problem}.";
        return inner is null ? new InvalidAudioException(message) : new InvalidAudioException(message, inner);
    }

    /// <summary>Checks a decoder's declared rate and channel count against <see cref="AudioClip"/>'s ranges.</summary>
    internal static void CheckShape(AudioContainerFormat format, string name, int sampleRate, int channels)
    {
        if (sampleRate is < AudioClip.MinSampleRate or > AudioClip.MaxSampleRate)
        {
            throw Invalid(format, name, $"it declares a sample rate of {sampleRate} Hz; {AudioClip.MinSampleRate} to {AudioClip.MaxSampleRate} Hz are supported");
        }

        if (channels is < 1 or > AudioClip.MaxChannels)
        {
            throw Invalid(format, name, $"it declares {channels} channels; 1 to {AudioClip.MaxChannels} are supported");
        }
    }

    private static string Describe(AudioContainerFormat format) => format switch
    {
        AudioContainerFormat.Wav => "WAV",
        AudioContainerFormat.OggVorbis => "Ogg Vorbis",
        _ => "MP3",
    };

    private static InvalidAudioException Unsupported(string name, ReadOnlySpan<byte> head, string? recognised)
    {
        string what = recognised is not null ? $"it is {recognised}"
            : head.IsEmpty ? "it is empty"
            : $"it starts with '{WavReader.Printable(head[..Math.Min(head.Length, 8)])}', which is no format InfantCry recognises";
        return new InvalidAudioException(
            $"Audio '{name}': {what}. InfantCry decodes WAV (RIFF or RF64), Ogg Vorbis and MP3; convert other recordings "
            + "(M4A/AAC, 3GP, CAF, Opus, FLAC, AMR, WebM) first, for example with ffmpeg -i input -ac 1 -ar 16000 output.wav.");
    }

    /// <summary>
    /// The exception a decoder failure escapes as: the caller's stream's own failure as it was, anything else (the
    /// decoder libraries throw ArgumentException, IndexOutOfRangeException, InvalidDataException, ... on damaged data,
    /// and OutOfMemoryException when a damaged header declares an absurd size) as <see cref="InvalidAudioException"/>.
    /// </summary>
    private static InvalidAudioException Translate(Exception ex, SourceStream source, AudioContainerFormat format, string name)
    {
        if (source.Failure is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        if (ex is OperationCanceledException)
        {
            ExceptionDispatchInfo.Throw(ex);
        }

        return Invalid(format, name, $"the data is damaged or not {Describe(format)} ({ex.GetType().Name}: {ex.Message})", ex);
    }

    private AudioClip ReadToEnd(CancellationToken cancellationToken)
    {
        long declared = FrameCount ?? 0;

        // A WAV file's length is checked against the stream; the compressed formats' declarations are not trusted for an up-front allocation.
        int capacity = Format == AudioContainerFormat.Wav && declared is > 0 && declared <= Array.MaxLength ? (int)declared
            : (int)Math.Clamp(declared, InitialCapacity, InitialCapacity * 16);
        var samples = new float[capacity];
        int count = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (count == samples.Length)
            {
                if (samples.Length == Array.MaxLength)
                {
                    throw Invalid(Format, SourceName, $"it holds more than {Array.MaxLength} frames, too many for one clip; read it in chunks with AudioReader.Read");
                }

                Array.Resize(ref samples, (int)Math.Min(Array.MaxLength, samples.Length * 2L));
            }

            int read = Read(samples.AsSpan(count));
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        if (count != samples.Length)
        {
            Array.Resize(ref samples, count);
        }

        return new AudioClip(samples, SampleRate, Channels, SampleFormat, SourceName);
    }
}
