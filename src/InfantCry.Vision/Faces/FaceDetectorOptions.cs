namespace InfantCry.Vision.Faces;

/// <summary>Thresholds and input size shared by <see cref="UltraFaceDetector"/> and <see cref="YuNetDetector"/>.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class FaceDetectorOptions
{
    private readonly float _scoreThreshold = 0.7f;
    private readonly float _iouThreshold = 0.3f;
    private readonly int _maxFaces = 100;
    private readonly int _inputWidth;
    private readonly int _inputHeight;

    /// <summary>Score threshold 0.7, NMS IoU 0.3, at most 100 faces, the model's own input size.</summary>
    public static FaceDetectorOptions Default { get; } = new();

    /// <summary>Minimum confidence of a detection, 0..1 (exclusive of 1). Default 0.7 (UltraFace's reference value).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1).</exception>
    public float ScoreThreshold
    {
        get => _scoreThreshold;
        init => _scoreThreshold = value is >= 0f and < 1f ? value : throw new ArgumentOutOfRangeException(nameof(ScoreThreshold), value, "The score threshold must be in [0, 1).");
    }

    /// <summary>Non-maximum suppression: a box overlapping a more confident kept box with IoU above this is dropped; (0, 1]. Default 0.3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside (0, 1].</exception>
    public float IouThreshold
    {
        get => _iouThreshold;
        init => _iouThreshold = value is > 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(IouThreshold), value, "The IoU threshold must be in (0, 1].");
    }

    /// <summary>Most faces returned (the most confident), 1..10000. Default 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..10000.</exception>
    public int MaxFaces
    {
        get => _maxFaces;
        init => _maxFaces = value is >= 1 and <= 10000 ? value : throw new ArgumentOutOfRangeException(nameof(MaxFaces), value, "MaxFaces must be 1 to 10000.");
    }

    /// <summary>
    /// Width of the network input the image is letterboxed into, 0 or 32..4096. Default 0: the model's fixed width
    /// (UltraFace RFB-320: 320; YuNet 320x320: 320), or 640 for a model with a free width (YuNet dynamic).
    /// YuNet needs a multiple of 32.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 0 and outside 32..4096.</exception>
    public int InputWidth
    {
        get => _inputWidth;
        init => _inputWidth = value == 0 || value is >= 32 and <= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(InputWidth), value, "The input width must be 0 (model default) or 32 to 4096.");
    }

    /// <summary>Height of the network input, 0 or 32..4096. Default 0: the model's fixed height, or 480 for a model with a free height.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 0 and outside 32..4096.</exception>
    public int InputHeight
    {
        get => _inputHeight;
        init => _inputHeight = value == 0 || value is >= 32 and <= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(InputHeight), value, "The input height must be 0 (model default) or 32 to 4096.");
    }
}
