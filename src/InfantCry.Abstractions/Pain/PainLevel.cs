using System.Drawing;
using InfantCry.Abstractions.Imaging;

namespace InfantCry.Abstractions.Pain;

/// <summary>Pain levels of the pain study (from FLACC scores), in the order of the estimator's probability vector.</summary>
public enum PainLevel
{
    /// <summary>No pain.</summary>
    None = 0,
    /// <summary>Moderate pain.</summary>
    Moderate = 1,
    /// <summary>Severe pain.</summary>
    Severe = 2,
}

/// <summary>One video frame: pixels and the time at which it was shown.</summary>
/// <param name="Image">The pixels.</param>
/// <param name="Timestamp">Presentation time from the start of the stream.</param>
public readonly record struct VideoFrame(ImageBuffer Image, TimeSpan Timestamp);

/// <summary>What the estimator says about one frame.</summary>
/// <remarks>Immutable.</remarks>
public sealed record PainFrameResult
{
    /// <summary>Index of the frame in the stream, from 0.</summary>
    public required long FrameIndex { get; init; }

    /// <summary>The frame's timestamp.</summary>
    public required TimeSpan Timestamp { get; init; }

    /// <summary>Whether a face was found in this frame. "No face" is a result, not an error.</summary>
    public required bool FaceFound { get; init; }

    /// <summary>The face box, when a face was found.</summary>
    public RectangleF? FaceBox { get; init; }

    /// <summary>The 68 facial landmarks (iBUG 300-W order), or empty.</summary>
    public IReadOnlyList<PointF> Landmarks { get; init; } = [];

    /// <summary>Whether enough frames have been seen to fill a sequence window, so the estimates below exist.</summary>
    public required bool HasEstimate { get; init; }

    /// <summary>Probability that the infant is crying, 0..1; 0 when <see cref="HasEstimate"/> is false.</summary>
    public float CryingProbability { get; init; }

    /// <summary>Probability per <see cref="PainLevel"/>; empty when <see cref="HasEstimate"/> is false.</summary>
    public IReadOnlyList<float> PainProbabilities { get; init; } = [];

    /// <summary>The most probable pain level; <see langword="null"/> when <see cref="HasEstimate"/> is false.</summary>
    public PainLevel? Level { get; init; }

    /// <summary>How well the face was seen (detector score, roll, size, key-point agreement, sharpness...); <see langword="null"/> without a detected face.</summary>
    public Faces.FaceQuality? Quality { get; init; }

    /// <summary>
    /// Why this frame carries no estimate, for example "no face" or "face blurred (sharpness 0.0040 &lt; 0.0120)";
    /// <see langword="null"/> when it carries one or when the sequence window is still filling.
    /// </summary>
    public string? AbstentionReason { get; init; }

    /// <summary>The stream's smoothed state after this frame (crying and pain level with hysteresis); <see langword="null"/> when the estimator keeps no states.</summary>
    public PainState? State { get; init; }
}

/// <summary>Estimates crying and pain level from a stream of face video frames.</summary>
/// <remarks>
/// An instance follows one video stream (it keeps the last frames of a window), so it is not safe for concurrent
/// calls: create one per stream. Models can be shared between instances.
/// </remarks>
public interface IPainLevelEstimator
{
    /// <summary>Feeds the next frame of the stream and returns the result for it.</summary>
    /// <param name="frame">The frame; frames must come in time order.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The frame's result; estimates appear once a sequence window is full.</returns>
    PainFrameResult Process(in VideoFrame frame, CancellationToken cancellationToken = default);

    /// <summary>Processes a stream of frames, yielding one result per frame.</summary>
    /// <param name="frames">The frames in time order.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>One result per frame.</returns>
    IAsyncEnumerable<PainFrameResult> ProcessAsync(IAsyncEnumerable<VideoFrame> frames, CancellationToken cancellationToken = default);

    /// <summary>Forgets the frames seen so far, to start a new stream.</summary>
    void Reset();
}
