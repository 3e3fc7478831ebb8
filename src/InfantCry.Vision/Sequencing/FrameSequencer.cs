namespace InfantCry.Vision.Sequencing;

/// <summary>
/// Turns a stream of per-frame feature vectors into sliding windows of T frames with a stride, for sequence models
/// (the study's LSTM reads T = 4 frames). Frames without a face follow <see cref="SequenceOptions.NoFace"/>.
/// </summary>
/// <remarks>
/// <para>Storage is a ring of T slots written twice (slot i and slot i + T of a 2T buffer), so every window is one
/// contiguous span of the buffer: windows are views, never copies, and a push costs 2 x D value copies.</para>
/// <para>Windows are emitted once T frames are held, then every <see cref="SequenceOptions.Stride"/> accepted frames.
/// After a <see cref="NoFacePolicy.Reset"/> the count starts again.</para>
/// <para>Not thread-safe: one sequencer per stream. Allocates only in the constructor.</para>
/// </remarks>
public sealed class FrameSequencer
{
    private readonly float[] _ring;
    private readonly int _t;
    private readonly int _d;
    private readonly long[] _frameIndex;
    private int _next;          // slot the next frame goes to
    private int _count;         // frames held, up to T
    private int _untilWindow;   // accepted frames until the next window is due
    private long _frames;       // frames pushed so far (stream index of the next frame)

    /// <summary>Creates a sequencer.</summary>
    /// <param name="featureLength">Values per frame (D), at least 1.</param>
    /// <param name="options">Window settings; <see langword="null"/> for <see cref="SequenceOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureLength"/> is below 1 or the ring would not fit in an array.</exception>
    public FrameSequencer(int featureLength, SequenceOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureLength, 1);
        Options = options ?? SequenceOptions.Default;
        _t = Options.Length;
        _d = featureLength;
        long size = 2L * _t * _d;
        if (size > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(featureLength), $"A ring of 2 x {_t} frames of {_d} values does not fit in an array.");
        }

        _ring = new float[size];
        _frameIndex = new long[2 * _t];
        _untilWindow = _t;
    }

    /// <summary>The options.</summary>
    public SequenceOptions Options { get; }

    /// <summary>Values per frame (D).</summary>
    public int FeatureLength => _d;

    /// <summary>Frames currently held (0..T).</summary>
    public int Count => _count;

    /// <summary>Frames pushed so far, with or without a face.</summary>
    public long FramesProcessed => _frames;

    /// <summary>Adds the features of a frame with a face.</summary>
    /// <param name="features">Exactly <see cref="FeatureLength"/> values.</param>
    /// <param name="window">The window ending at this frame when one is due; default otherwise.</param>
    /// <returns><see langword="true"/> when <paramref name="window"/> holds a new window.</returns>
    /// <exception cref="ArgumentException"><paramref name="features"/> does not have <see cref="FeatureLength"/> values.</exception>
    public bool Process(ReadOnlySpan<float> features, out FrameWindow window)
    {
        if (features.Length != _d)
        {
            throw new ArgumentException($"A frame has {_d} feature values but {features.Length} were pushed.", nameof(features));
        }

        return Accept(features, _frames++, out window);
    }

    /// <summary>Records a frame in which no face was found, following <see cref="SequenceOptions.NoFace"/>.</summary>
    /// <param name="window">With <see cref="NoFacePolicy.HoldLast"/>, the window ending at this frame when one is due; default otherwise.</param>
    /// <returns><see langword="true"/> when <paramref name="window"/> holds a new window.</returns>
    public bool ProcessNoFace(out FrameWindow window)
    {
        long index = _frames++;
        switch (Options.NoFace)
        {
            case NoFacePolicy.HoldLast when _count > 0:
                int last = (_next + _t - 1) % _t;
                return Accept(_ring.AsSpan(last * _d, _d), index, out window);
            case NoFacePolicy.Reset:
                Reset();
                break;
        }

        window = default;
        return false;
    }

    /// <summary>Forgets the frames held (for example at a scene cut); the stream index keeps counting.</summary>
    public void Reset()
    {
        _count = 0;
        _untilWindow = _t;
    }

    private bool Accept(ReadOnlySpan<float> features, long index, out FrameWindow window)
    {
        int slot = _next;

        // features may alias the ring (HoldLast); the slot being written is never the source, which is slot - 1.
        features.CopyTo(_ring.AsSpan(slot * _d, _d));
        features.CopyTo(_ring.AsSpan((slot + _t) * _d, _d));
        _frameIndex[slot] = _frameIndex[slot + _t] = index;
        _next = (slot + 1) % _t;
        _count = Math.Min(_count + 1, _t);
        if (--_untilWindow > 0)
        {
            window = default;
            return false;
        }

        _untilWindow = Options.Stride;
        int start = _next; // oldest frame: slots start .. start + T - 1 in the doubled buffer
        window = new FrameWindow(_ring.AsMemory(start * _d, _t * _d), _t, _d, _frameIndex[start], _frameIndex[start + _t - 1]);
        return true;
    }
}
