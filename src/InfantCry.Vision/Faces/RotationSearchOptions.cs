namespace InfantCry.Vision.Faces;

/// <summary>Settings of a <see cref="RotatingFaceDetector"/>: which turned copies of the image are searched and how their faces are merged.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class RotationSearchOptions
{
    private static readonly int[] s_defaultAngles = [.. Enumerable.Range(0, 18).Select(i => i * 20)];
    private readonly int[] _angles = s_defaultAngles;
    private readonly int _refineTurns = 16;
    private readonly float _mergeIoU = 0.3f;
    private readonly int _canvasMaxSide = 640;
    private readonly float _ambiguityMargin = 0.05f;
    private readonly int _refineCropSize = 160;
    private readonly float _refineFaceShare = 0.5f;
    private readonly float _minRefinedConfidence = 0.5f;
    private readonly int _refineSteps = 2;
    private readonly int _fullSearchInterval = 30;
    private readonly int _searchPassesPerFrame = 1;

    /// <summary>Eighteen passes 20 degrees apart, merged at IoU 0.3, roll from the eyes when the detector gives key points.</summary>
    public static RotationSearchOptions Default { get; } = new();

    /// <summary>
    /// The rolls searched, in degrees 0..359, each once: the image is turned so that a face at that roll stands
    /// upright before the inner detector sees it. Default every 20 degrees (0, 20, ..., 340): upright detectors find
    /// large faces within about +-25 degrees of upright, but small ones (UltraFace sees a 2000-pixel photo at 320x240)
    /// only within about 10 degrees; with 45-degree steps such faces were lost between the passes (issue 14's table). Multiples of 90 are exact pixel
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
    /// Side, in pixels, of the square crops a refiner (<see cref="RotatingFaceDetector.Refiner"/>) sees; the refiner's
    /// input should be this size. 64..640, a multiple of 32 (YuNet's strides). Default 160.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 64..640 or not a multiple of 32.</exception>
    public int RefineCropSize
    {
        get => _refineCropSize;
        init => _refineCropSize = value is >= 64 and <= 640 && value % 32 == 0 ? value : throw new ArgumentOutOfRangeException(nameof(RefineCropSize), value, "The refine crop must be 64 to 640 pixels and a multiple of 32.");
    }

    /// <summary>Share of the refine crop's side the face's box fills (the rest is context the detector needs). 0.2..0.9. Default 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0.2..0.9.</exception>
    public float RefineFaceShare
    {
        get => _refineFaceShare;
        init => _refineFaceShare = value is >= 0.2f and <= 0.9f ? value : throw new ArgumentOutOfRangeException(nameof(RefineFaceShare), value, "The refine face share must be 0.2 to 0.9.");
    }

    /// <summary>
    /// The refiner's least confidence on a face's crop for the face to count (below it the pass's face is dropped as a
    /// false alarm, and a tracked face is lost). 0..1. Default 0.5.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float MinRefinedConfidence
    {
        get => _minRefinedConfidence;
        init => _minRefinedConfidence = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(MinRefinedConfidence), value, "The minimum refined confidence must be 0 to 1.");
    }

    /// <summary>
    /// How many turns, evenly spaced, a new face is cut out at for the refiner (its roll plus every multiple of 360 /
    /// this): the refiner confirms a face only within about 15 degrees of upright, and the roll a pass gives is the
    /// pass's angle, up to half the passes' spacing off (more when the passes' confidences tie and the pass nearest
    /// the expected roll wins). 4..36. Default 16 (22.5 degrees apart).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 4..36.</exception>
    public int RefineTurns
    {
        get => _refineTurns;
        init => _refineTurns = value is >= 4 and <= 36 ? value : throw new ArgumentOutOfRangeException(nameof(RefineTurns), value, "The refine turns must be 4 to 36.");
    }

    /// <summary>How many times the face is cut out again, centred and levelled by the refiner's previous answer, after the turn is chosen. 0..4. Default 2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..4.</exception>
    public int RefineSteps
    {
        get => _refineSteps;
        init => _refineSteps = value is >= 0 and <= 4 ? value : throw new ArgumentOutOfRangeException(nameof(RefineSteps), value, "The refine steps must be 0 to 4.");
    }

    /// <summary>
    /// In a video (<see cref="Pain.PainLevelEstimator"/>), with a refiner: a face found in one frame is followed into
    /// the next by refining it at its last place and roll (one refiner run on a crop instead of a search of the whole
    /// frame at every roll). When the face is lost the whole frame is searched at once; while it is followed, a search
    /// starts every this many frames (as soon as the previous one ends, when that takes longer) and is spread over
    /// frames (<see cref="SearchPassesPerFrame"/>), so that a face that appears, or is more confident than the one
    /// followed, is found without one slow frame. 1..100000. Default 30.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..100000.</exception>
    public int FullSearchInterval
    {
        get => _fullSearchInterval;
        init => _fullSearchInterval = value is >= 1 and <= 100000 ? value : throw new ArgumentOutOfRangeException(nameof(FullSearchInterval), value, "The full search interval must be 1 to 100000 frames.");
    }

    /// <summary>
    /// How many of the <see cref="Angles"/> passes a search started while a face is followed runs per video frame
    /// (<see cref="FullSearchInterval"/>); the passes' faces are settled by the refiner on the frame of the last pass.
    /// 1..360. Default 1: the 18 default passes take 18 frames, each about one pass (about 14 ms on one core for
    /// UltraFace at 320x240) slower than a followed frame alone. A value of at least the number of angles searches in
    /// one frame.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..360.</exception>
    public int SearchPassesPerFrame
    {
        get => _searchPassesPerFrame;
        init => _searchPassesPerFrame = value is >= 1 and <= 360 ? value : throw new ArgumentOutOfRangeException(nameof(SearchPassesPerFrame), value, "The search passes per frame must be 1 to 360.");
    }

    /// <summary>
    /// Whether a face with five key points (YuNet) takes its <see cref="Abstractions.Faces.FaceDetection.Roll"/> from the
    /// line through its eyes rather than from the pass that found it. Default <see langword="true"/>.
    /// </summary>
    public bool RollFromKeyPoints { get; init; } = true;
}
