using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Landmarks;
using InfantCry.Vision.Quality;
using InfantCry.Vision.Sequencing;

namespace InfantCry.Vision.Pain;

/// <summary>Which face detector <see cref="PainLevelEstimator.Create(string, string, string?, PainFaceDetector, PainEstimatorOptions?, OnnxSessionOptions?, string?)"/> loads.</summary>
public enum PainFaceDetector
{
    /// <summary>UltraFace RFB-320 (<c>version-RFB-320.onnx</c>), the default.</summary>
    UltraFace = 0,

    /// <summary>YuNet (<c>yunet_s_dynamic.onnx</c> or a fixed-size export).</summary>
    YuNet = 1,
}

/// <summary>Settings of a <see cref="PainLevelEstimator"/>.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class PainEstimatorOptions
{
    private readonly SequenceOptions _sequence = SequenceOptions.Default;
    private readonly float _minFaceConfidence;
    private readonly FaceLandmarkerOptions _landmarks = FaceLandmarkerOptions.Default;

    /// <summary>
    /// Windows of 4 frames, stride 1, <see cref="NoFacePolicy.Reset"/> (the study's); any detection the detector
    /// reports is used; faces searched at every roll; the default quality gate and state hysteresis.
    /// </summary>
    public static PainEstimatorOptions Default { get; } = new();

    /// <summary>
    /// Sequence window (T frames, stride, no-face policy). Default <see cref="SequenceOptions.Default"/>: T = 4 (the
    /// exported model's sequence length), stride 1, <see cref="NoFacePolicy.Reset"/>. T must equal the sequence
    /// model's time dimension when the model fixes it.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public SequenceOptions Sequence
    {
        get => _sequence;
        init => _sequence = value ?? throw new ArgumentNullException(nameof(Sequence));
    }

    /// <summary>
    /// How faces at any roll are searched for by the detector that
    /// <see cref="PainLevelEstimator.Create(string, string, string?, PainFaceDetector, PainEstimatorOptions?, OnnxSessionOptions?, string?)"/>
    /// loads: it wraps it in a <see cref="RotatingFaceDetector"/> whose faces YuNet refines on levelled crops (roll,
    /// up/down, box), fits the landmarks in each face's levelled frame and follows the face from frame to frame
    /// (<see cref="RotationSearchOptions.FullSearchInterval"/>); <see langword="null"/> for upright faces only (the
    /// study's path: UltraFace and dlib on its box; a face lying sideways is then fitted as if upright). Default <see cref="RotationSearchOptions.Default"/>:
    /// babies in cots are filmed at any roll (see the README's rotation table and the front ends' pain figures).
    /// An estimator built on a detector of the caller's uses that detector as it is.
    /// </summary>
    public RotationSearchOptions? RotationSearch { get; init; } = RotationSearchOptions.Default;

    /// <summary>How the landmarks of a rolled face are fitted. Default <see cref="FaceLandmarkerOptions.Default"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public FaceLandmarkerOptions Landmarks
    {
        get => _landmarks;
        init => _landmarks = value ?? throw new ArgumentNullException(nameof(Landmarks));
    }

    /// <summary>
    /// The quality gate: a frame whose face is not seen well enough gets no estimate (its
    /// <see cref="Abstractions.Pain.PainFrameResult.AbstentionReason"/> says why) and counts as a frame without a face
    /// for <see cref="Sequence"/>; <see langword="null"/> to estimate from every detected face. Default
    /// <see cref="FaceQualityOptions.Default"/>. Frames given with their landmarks are measured but not gated.
    /// </summary>
    public FaceQualityOptions? Quality { get; init; } = FaceQualityOptions.Default;

    /// <summary>
    /// Hysteresis of the smoothed states (<see cref="Abstractions.Pain.PainFrameResult.State"/>, <see cref="PainLevelEstimator.States"/>);
    /// <see langword="null"/> for no states. Default <see cref="PainStateOptions.Default"/>.
    /// </summary>
    public PainStateOptions? States { get; init; } = PainStateOptions.Default;

    /// <summary>
    /// Detections below this confidence count as "no face", 0..1. Default 0 (keep whatever the detector reports,
    /// which already applies its own <see cref="Faces.FaceDetectorOptions.ScoreThreshold"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float MinFaceConfidence
    {
        get => _minFaceConfidence;
        init => _minFaceConfidence = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(MinFaceConfidence), value, "The minimum face confidence must be 0 to 1.");
    }
}
