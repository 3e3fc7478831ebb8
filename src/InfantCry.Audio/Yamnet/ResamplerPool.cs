using System.Collections.Concurrent;
using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Yamnet;

/// <summary>
/// Whole-clip resampling to 16 kHz with reusable <see cref="PolyphaseResampler"/>s (one bag per input rate), so that
/// repeated calls at the same rate allocate nothing. Thread-safe: each call rents its own resampler.
/// </summary>
internal sealed class ResamplerPool
{
    private const int MaxPooledPerRate = 8;
    private readonly ConcurrentDictionary<int, ConcurrentBag<PolyphaseResampler>> _pools = new();
    private readonly ResamplerOptions _options;

    public ResamplerPool(ResamplerOptions options) => _options = options;

    /// <summary>Checks a sample rate against <see cref="AudioClip"/>'s supported range.</summary>
    public static void ValidateRate(int sampleRate, string paramName)
    {
        if (sampleRate is < AudioClip.MinSampleRate or > AudioClip.MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(paramName, sampleRate, $"Sample rate must be {AudioClip.MinSampleRate} to {AudioClip.MaxSampleRate} Hz.");
        }
    }

    /// <summary>Length of <paramref name="sampleCount"/> samples at <paramref name="sampleRate"/> after resampling to 16 kHz.</summary>
    public static int OutputLength(int sampleCount, int sampleRate) =>
        Resampler.GetOutputLength(sampleCount, sampleRate, Features.YamnetFrontend.SampleRate);

    /// <summary>The capacity <see cref="Resample"/> needs for its destination.</summary>
    public int RequiredCapacity(int sampleCount, int sampleRate)
    {
        int length = OutputLength(sampleCount, sampleRate);
        if (sampleRate == Features.YamnetFrontend.SampleRate)
        {
            return length;
        }

        PolyphaseResampler r = Rent(sampleRate);
        int flush = r.MaxFlushLength;
        Return(r);
        return length + flush;
    }

    /// <summary>Resamples a whole clip to 16 kHz into <paramref name="destination"/> (at least <see cref="RequiredCapacity"/> long).</summary>
    /// <returns>The samples written (<see cref="OutputLength"/>).</returns>
    public int Resample(ReadOnlySpan<float> samples, int sampleRate, Span<float> destination)
    {
        if (sampleRate == Features.YamnetFrontend.SampleRate)
        {
            samples.CopyTo(destination);
            return samples.Length;
        }

        PolyphaseResampler r = Rent(sampleRate);
        try
        {
            int written = r.Process(samples, destination);
            written += r.Flush(destination[written..]);
            return written;
        }
        finally
        {
            Return(r);
        }
    }

    /// <summary>A resampler from <paramref name="sampleRate"/> to 16 kHz, reset to a new stream.</summary>
    public PolyphaseResampler Rent(int sampleRate)
    {
        ConcurrentBag<PolyphaseResampler> bag = _pools.GetOrAdd(sampleRate, static _ => []);
        if (bag.TryTake(out PolyphaseResampler? r))
        {
            r.Reset();
            return r;
        }

        return new PolyphaseResampler(sampleRate, Features.YamnetFrontend.SampleRate, _options);
    }

    /// <summary>Gives a resampler back for reuse.</summary>
    public void Return(PolyphaseResampler resampler)
    {
        ConcurrentBag<PolyphaseResampler> bag = _pools.GetOrAdd(resampler.FromRate, static _ => []);
        if (bag.Count < MaxPooledPerRate)
        {
            bag.Add(resampler);
        }
    }
}
