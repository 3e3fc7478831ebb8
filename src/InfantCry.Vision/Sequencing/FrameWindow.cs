namespace InfantCry.Vision.Sequencing;

/// <summary>
/// A window of T consecutive per-frame feature vectors, oldest first, as one contiguous [T, D] block that is a view
/// of the sequencer's ring buffer (no copy). It stays valid until the next <c>Process</c> on the sequencer that made it.
/// </summary>
/// <remarks>Reading a window is safe from any thread while its sequencer is not pushed; copy <see cref="Features"/> to keep it longer.</remarks>
public readonly struct FrameWindow
{
    internal FrameWindow(ReadOnlyMemory<float> features, int length, int featureLength, long firstFrame, long lastFrame)
    {
        Features = features;
        Length = length;
        FeatureLength = featureLength;
        FirstFrameIndex = firstFrame;
        LastFrameIndex = lastFrame;
    }

    /// <summary>The features, frame after frame: <see cref="Length"/> x <see cref="FeatureLength"/> values (a [1, T, D] model input).</summary>
    public ReadOnlyMemory<float> Features { get; }

    /// <summary>Frames in the window (T).</summary>
    public int Length { get; }

    /// <summary>Values per frame (D).</summary>
    public int FeatureLength { get; }

    /// <summary>Stream index (counting every pushed frame, with or without a face) of the oldest frame in the window.</summary>
    public long FirstFrameIndex { get; }

    /// <summary>Stream index of the newest frame in the window: the frame a sequence model's output belongs to.</summary>
    public long LastFrameIndex { get; }

    /// <summary>The features of frame <paramref name="i"/> of the window (0 = oldest).</summary>
    /// <param name="i">Position in the window.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="i"/> is outside 0..T-1.</exception>
    public ReadOnlySpan<float> this[int i]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Length);
            return Features.Span.Slice(i * FeatureLength, FeatureLength);
        }
    }
}
