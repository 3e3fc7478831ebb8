using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Sequencing;

namespace InfantCry.Vision.Pain;

/// <summary>Which face detector <see cref="PainLevelEstimator.Create(string, string, string?, PainFaceDetector, PainEstimatorOptions?, OnnxSessionOptions?)"/> loads.</summary>
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

    /// <summary>The study's settings: windows of 4 frames, stride 1, <see cref="NoFacePolicy.Reset"/>; any detection the detector reports is used.</summary>
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
