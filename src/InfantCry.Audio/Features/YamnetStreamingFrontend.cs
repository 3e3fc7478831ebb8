namespace InfantCry.Audio.Features;

/// <summary>
/// YAMNet patches from a live 16 kHz stream: feed samples as they arrive with <see cref="Process"/>, which returns every
/// patch that became complete; <see cref="Flush"/> ends the stream with YAMNet's pad_waveform. The patches are
/// bit-identical to <see cref="YamnetFrontend.ComputePatches(ReadOnlySpan{float}, Span{float})"/> on the whole
/// recording, however the samples are chunked.
/// </summary>
/// <remarks>
/// A patch is complete when 15600 + 7680 k samples have arrived (k = 0, 1, ...): latency is one frame past the patch.
/// Keeps one 400-sample frame and 96 log-mel frames (about 26 KB); allocates nothing after construction.
/// One instance per stream; not thread-safe.
/// </remarks>
public sealed class YamnetStreamingFrontend
{
    private static readonly float[] Zeros = new float[YamnetFrontend.WindowLength];

    private readonly LogMelPatchFramer _framer;
    private bool _completed;

    /// <summary>Creates a streaming frontend.</summary>
    /// <param name="frontend">The frontend whose tables to use; <see cref="YamnetFrontend.Shared"/> when null.</param>
    public YamnetStreamingFrontend(YamnetFrontend? frontend = null) =>
        _framer = new LogMelPatchFramer(frontend ?? YamnetFrontend.Shared, YamnetFrontend.PatchHopFrames);

    /// <summary>Samples written since construction or <see cref="Reset"/> (not counting padding).</summary>
    public long SampleCount { get; private set; }

    /// <summary>Log-mel frames computed so far.</summary>
    public long FrameCount => _framer.FrameCount;

    /// <summary>Patches emitted so far.</summary>
    public long PatchCount { get; private set; }

    /// <summary>The number of patches the next <see cref="Process"/> of <paramref name="sampleCount"/> samples will emit.</summary>
    /// <param name="sampleCount">Samples, zero or more.</param>
    /// <returns>The count; the destination of <see cref="Process"/> needs that many times <see cref="YamnetFrontend.PatchLength"/> floats.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is negative.</exception>
    public int GetPatchCountForProcess(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        return (int)(PatchesCompleteAt(SampleCount + sampleCount) - PatchesCompleteAt(SampleCount));
    }

    /// <summary>Starts a new stream.</summary>
    public void Reset()
    {
        _framer.Reset();
        SampleCount = 0;
        PatchCount = 0;
        _completed = false;
    }

    /// <summary>Adds samples and writes the patches that became complete.</summary>
    /// <param name="samples16k">The next 16 kHz samples.</param>
    /// <param name="patches">At least <see cref="GetPatchCountForProcess"/>(samples16k.Length) · <see cref="YamnetFrontend.PatchLength"/> floats.</param>
    /// <returns>Patches written to the start of <paramref name="patches"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="patches"/> is too short.</exception>
    /// <exception cref="InvalidOperationException">The stream was completed; call <see cref="Reset"/>.</exception>
    public int Process(ReadOnlySpan<float> samples16k, Span<float> patches)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The stream was completed; call Reset() before writing a new stream.");
        }

        int expected = GetPatchCountForProcess(samples16k.Length);
        if (patches.Length < (long)expected * YamnetFrontend.PatchLength)
        {
            throw new ArgumentException($"Destination has {patches.Length} floats; {expected} patches need {(long)expected * YamnetFrontend.PatchLength}.", nameof(patches));
        }

        int written = ProcessCore(samples16k, patches);
        SampleCount += samples16k.Length;
        return written;
    }

    /// <summary>Ends the stream as YAMNet's pad_waveform does (zeros up to the padded length) and writes the last patch, if any.</summary>
    /// <param name="patches">At least <see cref="YamnetFrontend.PatchLength"/> floats.</param>
    /// <returns>Patches written: 0 or 1.</returns>
    /// <exception cref="ArgumentException"><paramref name="patches"/> is too short.</exception>
    /// <exception cref="InvalidOperationException">The stream was already completed.</exception>
    public int Flush(Span<float> patches)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The stream was already completed; call Reset() before writing a new stream.");
        }

        if (patches.Length < YamnetFrontend.PatchLength)
        {
            throw new ArgumentException($"Destination has {patches.Length} floats; a patch needs {YamnetFrontend.PatchLength}.", nameof(patches));
        }

        _completed = true;
        long padded = SampleCount <= YamnetFrontend.MinimumSamples ? YamnetFrontend.MinimumSamples
            : YamnetFrontend.MinimumSamples + ((SampleCount - YamnetFrontend.MinimumSamples + YamnetFrontend.PatchHopSamples - 1) / YamnetFrontend.PatchHopSamples * YamnetFrontend.PatchHopSamples);
        long missing = padded - SampleCount;
        int written = 0;
        while (missing > 0)
        {
            int n = (int)Math.Min(missing, Zeros.Length);
            written += ProcessCore(Zeros.AsSpan(0, n), patches[(written * YamnetFrontend.PatchLength)..]);
            missing -= n;
        }

        return written;
    }

    private static long PatchesCompleteAt(long samples) =>
        samples < YamnetFrontend.MinimumSamples ? 0 : 1 + ((samples - YamnetFrontend.MinimumSamples) / YamnetFrontend.PatchHopSamples);

    private int ProcessCore(ReadOnlySpan<float> samples, Span<float> patches)
    {
        int written = 0;
        while (!samples.IsEmpty)
        {
            samples = samples[_framer.Consume(samples, patches[(written * YamnetFrontend.PatchLength)..], out bool patchReady)..];
            if (patchReady)
            {
                written++;
                PatchCount++;
            }
        }

        return written;
    }
}
