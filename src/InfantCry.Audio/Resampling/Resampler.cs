namespace InfantCry.Audio.Resampling;

/// <summary>Whole-clip resampling on top of <see cref="PolyphaseResampler"/>.</summary>
/// <remarks>Stateless and thread-safe; phase tables are built once per rate pair and options, then shared.</remarks>
public static class Resampler
{
    /// <summary>The number of samples <see cref="Resample(ReadOnlySpan{float}, int, int, ResamplerOptions?)"/> returns: ceil(inputLength · to / from).</summary>
    /// <param name="inputLength">Input samples.</param>
    /// <param name="fromRate">Input rate in Hz.</param>
    /// <param name="toRate">Output rate in Hz.</param>
    /// <returns>The output length.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive (or the length negative).</exception>
    /// <exception cref="OverflowException">The length exceeds <see cref="int.MaxValue"/>.</exception>
    public static int GetOutputLength(int inputLength, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(toRate, 1);
        int g = PolyphaseFilter.Gcd(fromRate, toRate);
        long up = toRate / g, down = fromRate / g;
        return checked((int)(((inputLength * up) + down - 1) / down));
    }

    /// <summary>Resamples a whole clip; output sample n is the input's band-limited value at time n / toRate.</summary>
    /// <param name="input">The clip.</param>
    /// <param name="fromRate">Input rate in Hz.</param>
    /// <param name="toRate">Output rate in Hz.</param>
    /// <param name="options">Filter quality; <see cref="ResamplerOptions.Default"/> when null.</param>
    /// <returns>A new array of <see cref="GetOutputLength"/> samples.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A rate or option is out of range.</exception>
    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate, ResamplerOptions? options = null)
    {
        var output = new float[GetOutputLength(input.Length, fromRate, toRate)];
        Resample(input, fromRate, toRate, output, options);
        return output;
    }

    /// <summary>Resamples a whole clip into a caller-owned buffer.</summary>
    /// <param name="input">The clip.</param>
    /// <param name="fromRate">Input rate in Hz.</param>
    /// <param name="toRate">Output rate in Hz.</param>
    /// <param name="destination">At least <see cref="GetOutputLength"/> samples.</param>
    /// <param name="options">Filter quality; <see cref="ResamplerOptions.Default"/> when null.</param>
    /// <returns>The number of samples written (<see cref="GetOutputLength"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate or option is out of range.</exception>
    public static int Resample(ReadOnlySpan<float> input, int fromRate, int toRate, Span<float> destination, ResamplerOptions? options = null)
    {
        int length = GetOutputLength(input.Length, fromRate, toRate);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination has {destination.Length} samples; {length} are needed.", nameof(destination));
        }

        var resampler = new PolyphaseResampler(fromRate, toRate, options);
        int written = resampler.Process(input, destination);
        int flushCapacity = resampler.MaxFlushLength;
        if (destination.Length - written >= flushCapacity)
        {
            written += resampler.Flush(destination[written..]);
        }
        else
        {
            Span<float> tail = flushCapacity <= 1024 ? stackalloc float[flushCapacity] : new float[flushCapacity];
            int n = resampler.Flush(tail);
            tail[..n].CopyTo(destination[written..]);
            written += n;
        }

        return written;
    }
}
