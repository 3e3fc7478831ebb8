using System.Diagnostics.CodeAnalysis;

namespace InfantCry.Audio.Wav;

/// <summary>
/// A decoded recording: mono 32-bit float samples in [-1, 1) at <see cref="SampleRate"/>, plus the facts about the
/// original encoding (<see cref="Channels"/>, <see cref="Format"/>). Multi-channel input is down-mixed by averaging
/// the channels of each frame; integer PCM is scaled as YAMNet does (int16 / 32768).
/// </summary>
/// <remarks>
/// Instances are immutable after construction except for the contents of <see cref="Samples"/>, which the clip hands
/// out without copying; treat it as read-only when the clip is shared. Thread-safe for concurrent reads.
/// </remarks>
public sealed class AudioClip
{
    /// <summary>The largest sample rate InfantCry accepts, in Hz (768 kHz, the highest rate audio interfaces ship).</summary>
    public const int MaxSampleRate = 768_000;

    /// <summary>The smallest sample rate InfantCry accepts, in Hz.</summary>
    public const int MinSampleRate = 1_000;

    /// <summary>The largest channel count InfantCry accepts (WAV's 16-bit field allows 65535; no real device has more than this).</summary>
    public const int MaxChannels = 1024;

    /// <summary>Creates a clip over already-decoded mono samples (the array is used, not copied).</summary>
    /// <param name="samples">Mono samples; the clip takes ownership.</param>
    /// <param name="sampleRate">Sample rate in Hz, <see cref="MinSampleRate"/> to <see cref="MaxSampleRate"/>.</param>
    /// <param name="channels">Channel count of the original encoding, 1 to <see cref="MaxChannels"/>.</param>
    /// <param name="format">The original encoding.</param>
    /// <param name="sourceName">File name or other description of the source, for messages; null when unknown.</param>
    /// <exception cref="ArgumentNullException"><paramref name="samples"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate or channel count is outside its range.</exception>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "The samples are the payload; callers pass them to Span APIs without copying.")]
    public AudioClip(float[] samples, int sampleRate, int channels = 1, AudioSampleFormat format = AudioSampleFormat.Float32, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ValidateRate(sampleRate);
        ValidateChannels(channels);
        Samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
        Format = format;
        SourceName = sourceName;
    }

    /// <summary>Mono samples, nominally in [-1, 1) (float input is not clipped).</summary>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "The samples are the payload; callers pass them to Span APIs without copying.")]
    public float[] Samples { get; }

    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Channel count of the original encoding (the samples are always mono).</summary>
    public int Channels { get; }

    /// <summary>The original sample encoding.</summary>
    public AudioSampleFormat Format { get; }

    /// <summary>File name or description of the source, or null.</summary>
    public string? SourceName { get; }

    /// <summary>Duration of the clip.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>
    /// Creates a clip from interleaved 16-bit PCM as captured by a microphone API, scaling by 1/32768 and averaging
    /// the channels of each frame.
    /// </summary>
    /// <param name="interleaved">Interleaved samples; a trailing partial frame is ignored.</param>
    /// <param name="sampleRate">Sample rate in Hz, <see cref="MinSampleRate"/> to <see cref="MaxSampleRate"/>.</param>
    /// <param name="channels">Channels per frame, 1 to <see cref="MaxChannels"/>.</param>
    /// <returns>The mono clip.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A rate or channel count is outside its range.</exception>
    public static AudioClip FromPcm16(ReadOnlySpan<short> interleaved, int sampleRate, int channels = 1)
    {
        ValidateRate(sampleRate);
        ValidateChannels(channels);
        var mono = new float[interleaved.Length / channels];
        SampleDecoder.DownmixPcm16(interleaved, channels, mono);
        return new AudioClip(mono, sampleRate, channels, AudioSampleFormat.Pcm16);
    }

    /// <summary>Creates a clip from interleaved 32-bit float samples, averaging the channels of each frame.</summary>
    /// <param name="interleaved">Interleaved samples; a trailing partial frame is ignored.</param>
    /// <param name="sampleRate">Sample rate in Hz, <see cref="MinSampleRate"/> to <see cref="MaxSampleRate"/>.</param>
    /// <param name="channels">Channels per frame, 1 to <see cref="MaxChannels"/>.</param>
    /// <returns>The mono clip (always a copy of the input).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A rate or channel count is outside its range.</exception>
    public static AudioClip FromFloat(ReadOnlySpan<float> interleaved, int sampleRate, int channels = 1)
    {
        ValidateRate(sampleRate);
        ValidateChannels(channels);
        var mono = new float[interleaved.Length / channels];
        SampleDecoder.DownmixFloat(interleaved, channels, mono);
        return new AudioClip(mono, sampleRate, channels, AudioSampleFormat.Float32);
    }

    private static void ValidateRate(int sampleRate)
    {
        if (sampleRate is < MinSampleRate or > MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"Sample rate must be {MinSampleRate} to {MaxSampleRate} Hz.");
        }
    }

    private static void ValidateChannels(int channels)
    {
        if (channels is < 1 or > MaxChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"Channel count must be 1 to {MaxChannels}.");
        }
    }
}
