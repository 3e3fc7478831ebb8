namespace InfantCry.Vision.Faces;

/// <summary>Settings of a <see cref="RotatingFaceDetector"/>: which turned copies of the image are searched and how their faces are merged.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class RotationSearchOptions
{
    private static readonly int[] s_defaultAngles = [0, 90, 180, 270, 45, 135, 225, 315];
    private readonly int[] _angles = s_defaultAngles;
    private readonly float _mergeIoU = 0.3f;
    private readonly int _canvasMaxSide = 640;
    private readonly float _ambiguityMargin = 0.05f;

    /// <summary>Eight passes 45 degrees apart, merged at IoU 0.3, roll from the eyes when the detector gives key points.</summary>
    public static RotationSearchOptions Default { get; } = new();

    /// <summary>
    /// The rolls searched, in degrees 0..359, each once: the image is turned so that a face at that roll stands
    /// upright before the inner detector sees it. Default 0, 90, 180, 270, 45, 135, 225, 315: upright detectors find
    /// faces within about +-25 degrees of upright, so 45-degree steps cover every roll. Multiples of 90 are exact pixel
    /// rotations of the whole image; other angles are read bilinearly into a canvas of the image's own size, so their
    /// passes do not see the image's corners.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, has an angle outside 0..359, or repeats one.</exception>
    public IReadOnlyList<int> Angles
    {
        get => _angles;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            int[] a = [.. value];
            if (a.Length == 0 || a.Any(x => x is < 0 or > 359) || a.Distinct().Count() != a.Length)
            {
                throw new ArgumentException("The angles must be one or more distinct whole degrees from 0 to 359.", nameof(Angles));
            }

            _angles = a;
        }
    }

    /// <summary>
    /// Faces of different passes whose boxes (compared upright, at their centres) overlap with IoU above this are the
    /// same face: the most confident is kept, near-ties (<see cref="AmbiguityMargin"/>) going to the expected roll.
    /// (0, 1]. Default 0.3 (the detectors' own NMS threshold).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside (0, 1].</exception>
    public float MergeIoU
    {
        get => _mergeIoU;
        init => _mergeIoU = value is > 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(MergeIoU), value, "The merge IoU must be in (0, 1].");
    }

    /// <summary>
    /// Confidences of the same face in different passes closer than this are a tie, settled by the expected roll
    /// (upright, or the previous frame's roll in a video): upright detectors score a face upside down about as high as
    /// upright. 0..1. Default 0.05.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float AmbiguityMargin
    {
        get => _ambiguityMargin;
        init => _ambiguityMargin = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(AmbiguityMargin), value, "The ambiguity margin must be 0 to 1.");
    }

    /// <summary>
    /// Longest side, in pixels, of the turned copies for angles that are not multiples of 90 (larger images are read
    /// at a lower scale; the detectors look at 320 to 640 pixels anyway). 64..8192. Default 640.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 64..8192.</exception>
    public int CanvasMaxSide
    {
        get => _canvasMaxSide;
        init => _canvasMaxSide = value is >= 64 and <= 8192 ? value : throw new ArgumentOutOfRangeException(nameof(CanvasMaxSide), value, "The canvas side must be 64 to 8192 pixels.");
    }

    /// <summary>
    /// Whether a face with five key points (YuNet) takes its <see cref="Abstractions.Faces.FaceDetection.Roll"/> from the
    /// line through its eyes rather than from the pass that found it. Default <see langword="true"/>.
    /// </summary>
    public bool RollFromKeyPoints { get; init; } = true;
}
