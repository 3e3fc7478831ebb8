namespace InfantCry.Audio.Resampling;

/// <summary>
/// Quality of <see cref="PolyphaseResampler"/>'s Kaiser-windowed sinc filter. Frequencies are fractions of the lower
/// Nyquist frequency, min(from, to) / 2.
/// </summary>
/// <remarks>
/// <para>Defaults (<see cref="Default"/>): <see cref="StopbandAttenuationDb"/> 120, <see cref="PassbandEdge"/> 0.9,
/// <see cref="StopbandEdge"/> 1.0. They give at least 120 dB of stopband attenuation from the lower Nyquist frequency up
/// (nothing aliases or images) and at most 0.01 dB of passband ripple up to 0.9 of it (measured: at most 5e-6 dB, and at least 124.6 dB of attenuation), as the
/// test suite checks for every pair of 8, 11.025, 16, 22.05, 32, 44.1, 48 and 96 kHz.</para>
/// <para>The filter spans about (A + 6 - 7.95) / (14.36 (stop - pass)) input samples at the higher rate side, so
/// cost grows linearly with attenuation and inversely with the transition width.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class ResamplerOptions : IEquatable<ResamplerOptions>
{
    /// <summary>The defaults: 120 dB stopband from the lower Nyquist frequency, passband flat to 0.9 of it.</summary>
    public static ResamplerOptions Default { get; } = new();

    /// <summary>Minimum stopband attenuation in dB, 40 to 180. Default 120. The filter is designed with 6 dB of margin.</summary>
    public double StopbandAttenuationDb { get; init; } = 120.0;

    /// <summary>End of the passband as a fraction of the lower Nyquist frequency, 0.5 to 0.99, below <see cref="StopbandEdge"/>. Default 0.9.</summary>
    public double PassbandEdge { get; init; } = 0.9;

    /// <summary>Start of the stopband as a fraction of the lower Nyquist frequency, 0.6 to 1.5. Default 1.0 (no aliasing).
    /// Values above 1 allow aliasing into the band between <see cref="PassbandEdge"/> and 1 for a shorter filter.</summary>
    public double StopbandEdge { get; init; } = 1.0;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its documented range.</exception>
    public void Validate()
    {
        if (!(StopbandAttenuationDb is >= 40.0 and <= 180.0))
        {
            throw new ArgumentOutOfRangeException(nameof(StopbandAttenuationDb), StopbandAttenuationDb, "Stopband attenuation must be 40 to 180 dB.");
        }

        if (!(PassbandEdge is >= 0.5 and <= 0.99))
        {
            throw new ArgumentOutOfRangeException(nameof(PassbandEdge), PassbandEdge, "Passband edge must be 0.5 to 0.99 of the lower Nyquist frequency.");
        }

        if (!(StopbandEdge is >= 0.6 and <= 1.5) || StopbandEdge <= PassbandEdge)
        {
            throw new ArgumentOutOfRangeException(nameof(StopbandEdge), StopbandEdge, "Stopband edge must be 0.6 to 1.5 of the lower Nyquist frequency and above the passband edge.");
        }
    }

    /// <inheritdoc />
    public bool Equals(ResamplerOptions? other) => other is not null
        && StopbandAttenuationDb.Equals(other.StopbandAttenuationDb)
        && PassbandEdge.Equals(other.PassbandEdge)
        && StopbandEdge.Equals(other.StopbandEdge);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ResamplerOptions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StopbandAttenuationDb, PassbandEdge, StopbandEdge);
}
