namespace InfantCry.Audio.Features;

/// <summary>
/// The framing both streaming paths share (<see cref="YamnetStreamingFrontend"/> and the streaming cry detector):
/// samples in, 25 ms log-mel frames every 10 ms, and a 96-frame patch every <c>hopFrames</c> frames, exactly as
/// <see cref="YamnetFrontend.ComputePatches(ReadOnlySpan{float}, Span{float})"/> frames a whole recording.
/// </summary>
/// <remarks>Keeps one 400-sample frame and 96 log-mel frames; allocates nothing after construction. Not thread-safe.</remarks>
internal sealed class LogMelPatchFramer
{
    private readonly YamnetFrontend _frontend;
    private readonly int _hopFrames;
    private readonly float[] _frame = new float[YamnetFrontend.WindowLength];
    private readonly float[] _frames = new float[YamnetFrontend.PatchLength];
    private int _frameFill;     // samples in _frame
    private int _framesHeld;    // log-mel frames in _frames

    /// <param name="frontend">The frontend whose tables compute each frame.</param>
    /// <param name="hopFrames">Frames between patch starts, 1 to <see cref="YamnetFrontend.PatchFrames"/>.</param>
    public LogMelPatchFramer(YamnetFrontend frontend, int hopFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hopFrames, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hopFrames, YamnetFrontend.PatchFrames);
        _frontend = frontend;
        _hopFrames = hopFrames;
    }

    /// <summary>Log-mel frames computed since construction or <see cref="Reset"/>.</summary>
    public long FrameCount { get; private set; }

    /// <summary>Forgets all samples and frames.</summary>
    public void Reset()
    {
        _frameFill = 0;
        _framesHeld = 0;
        FrameCount = 0;
    }

    /// <summary>
    /// Takes samples until they run out or a patch completes, whichever comes first; a completed patch is copied to
    /// the start of <paramref name="patch"/>. Call again with the rest of the samples.
    /// </summary>
    /// <param name="samples">The next 16 kHz samples.</param>
    /// <param name="patch">Where a completed patch goes (<see cref="YamnetFrontend.PatchLength"/> floats, needed only when one completes).</param>
    /// <param name="patchReady">Whether a patch completed.</param>
    /// <returns>The number of samples taken.</returns>
    public int Consume(ReadOnlySpan<float> samples, Span<float> patch, out bool patchReady)
    {
        const int bands = YamnetFrontend.MelBands;
        patchReady = false;
        int used = 0;
        while (used < samples.Length)
        {
            int take = Math.Min(samples.Length - used, _frame.Length - _frameFill);
            samples.Slice(used, take).CopyTo(_frame.AsSpan(_frameFill));
            used += take;
            _frameFill += take;
            if (_frameFill < _frame.Length)
            {
                break;
            }

            _frontend.ComputeFrame(_frame, _frames.AsSpan(_framesHeld * bands, bands));
            _framesHeld++;
            FrameCount++;
            _frame.AsSpan(YamnetFrontend.HopLength).CopyTo(_frame);
            _frameFill -= YamnetFrontend.HopLength;
            if (_framesHeld == YamnetFrontend.PatchFrames)
            {
                _frames.CopyTo(patch);
                _frames.AsSpan(_hopFrames * bands).CopyTo(_frames);
                _framesHeld = YamnetFrontend.PatchFrames - _hopFrames;
                patchReady = true;
                break;
            }
        }

        return used;
    }
}
