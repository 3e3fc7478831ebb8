namespace InfantCry.Audio.Wav;

/// <summary>How the samples of a recording were encoded before InfantCry decoded them to 32-bit float.</summary>
public enum AudioSampleFormat
{
    /// <summary>Unsigned 8-bit integer PCM, 128 is silence; decoded as (b - 128) / 128.</summary>
    Pcm8 = 0,

    /// <summary>Signed 16-bit integer PCM; decoded as s / 32768, as YAMNet does.</summary>
    Pcm16,

    /// <summary>Signed 24-bit integer PCM (3 bytes, little-endian); decoded as s / 8388608.</summary>
    Pcm24,

    /// <summary>Signed 32-bit integer PCM; decoded as s / 2147483648.</summary>
    Pcm32,

    /// <summary>IEEE 754 32-bit float; taken as is.</summary>
    Float32,

    /// <summary>IEEE 754 64-bit float; rounded to 32-bit float.</summary>
    Float64,
}

/// <summary>Facts about <see cref="AudioSampleFormat"/> values.</summary>
public static class AudioSampleFormatExtensions
{
    /// <summary>The number of bytes one sample of one channel occupies in the encoded stream.</summary>
    /// <param name="format">The encoding.</param>
    /// <returns>1, 2, 3, 4 or 8.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined value.</exception>
    public static int BytesPerSample(this AudioSampleFormat format) => format switch
    {
        AudioSampleFormat.Pcm8 => 1,
        AudioSampleFormat.Pcm16 => 2,
        AudioSampleFormat.Pcm24 => 3,
        AudioSampleFormat.Pcm32 => 4,
        AudioSampleFormat.Float32 => 4,
        AudioSampleFormat.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown sample format."),
    };
}
