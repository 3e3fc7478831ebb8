namespace InfantCry.Vision.Landmarks;

/// <summary>Settings of a <see cref="FaceLandmarker"/>: when a face is fitted upright and when it is fitted again at its measured roll.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class FaceLandmarkerOptions
{
    private readonly float _uprightTolerance = 10f;
    private readonly float _refitTolerance = 10f;
    private readonly int _maxRefits = 2;
    private readonly float _cropFaceSide;
    private readonly int _reboxSteps;

    /// <summary>Faces within 10 degrees of upright are fitted upright; a fit whose eyes disagree with its frame by more than 10 degrees is redone (at most twice).</summary>
    public static FaceLandmarkerOptions Default { get; } = new();

    /// <summary>
    /// A face whose roll is within this many degrees of upright (or of a quarter turn) is fitted in the image's own frame
    /// (turned by that quarter), exactly as
    /// <see cref="ShapePredictor.Predict(in Abstractions.Imaging.ImageBuffer, System.Drawing.RectangleF, System.Span{System.Drawing.PointF})"/>
    /// (dlib's predictor was trained on faces tilted this much). 0..45. Default 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..45.</exception>
    public float UprightTolerance
    {
        get => _uprightTolerance;
        init => _uprightTolerance = value is >= 0f and <= 45f ? value : throw new ArgumentOutOfRangeException(nameof(UprightTolerance), value, "The upright tolerance must be 0 to 45 degrees.");
    }

    /// <summary>
    /// When the roll of the fitted eyes differs from the frame the face was fitted in by more than this many degrees,
    /// the face is fitted again in a frame at the eyes' roll (at most twice). 0..45. Default 10 (the same tolerance as
    /// <see cref="UprightTolerance"/>, so a face is fitted the same way at every quarter turn).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..45.</exception>
    public float RefitTolerance
    {
        get => _refitTolerance;
        init => _refitTolerance = value is >= 0f and <= 45f ? value : throw new ArgumentOutOfRangeException(nameof(RefitTolerance), value, "The refit tolerance must be 0 to 45 degrees.");
    }

    /// <summary>At most this many fits after the first, each in the frame of the previous fit's eyes (a fit far from the face's roll finds the eyes only roughly). 0..5. Default 2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..5.</exception>
    public int MaxRefits
    {
        get => _maxRefits;
        init => _maxRefits = value is >= 0 and <= 5 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRefits), value, "The refits must be 0 to 5.");
    }

    /// <summary>
    /// 0 to fit on the image's own pixels (dlib's nearest-pixel sampling, the study's path); otherwise the face is cut
    /// out levelled by its frame's roll, bilinearly, scaled up so that its dlib box is at least this many pixels wide,
    /// and fitted there: small faces (eyes 15-25 pixels apart) then give the same points whatever their roll, where
    /// nearest-pixel sampling moves them by about a pixel. 0 or 32..1024. Default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 0 and outside 32..1024.</exception>
    public float CropFaceSide
    {
        get => _cropFaceSide;
        init => _cropFaceSide = value == 0f || value is >= 32f and <= 1024f ? value : throw new ArgumentOutOfRangeException(nameof(CropFaceSide), value, "The crop face side must be 0 or 32 to 1024 pixels.");
    }

    /// <summary>
    /// After the fits, this many more, each from the box dlib's detector would draw around the previous fit's points
    /// (so that the result depends on the face rather than on the detector's box). 0..5. Default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..5.</exception>
    public int ReboxSteps
    {
        get => _reboxSteps;
        init => _reboxSteps = value is >= 0 and <= 5 ? value : throw new ArgumentOutOfRangeException(nameof(ReboxSteps), value, "The rebox steps must be 0 to 5.");
    }

    /// <summary>
    /// Whether, after the refits, the frame is set to the roll about which the face is most nearly mirror-symmetric
    /// (searched within 12 degrees of the refits' frame) and fitted there: dlib's eyes come out level in any frame
    /// within a few degrees of the face's roll, so the refits alone stop where they started. Default false.
    /// </summary>
    public bool SymmetryRoll { get; init; }

    /// <summary>
    /// For faces whose roll comes from a refined detection (<see cref="Faces.RotatingFaceDetector.Refiner"/>): every face
    /// fitted in its own levelled frame (no snapping to upright) on a bilinear crop at least 160 pixels wide, refitted
    /// until its eyes agree with the frame within 0.2 degrees (at most 5 refits), turned to the roll of its mirror
    /// symmetry, and fitted three more times from the box its own points give, so that a face gives the same landmarks
    /// at any roll.
    /// </summary>
    public static FaceLandmarkerOptions Levelled { get; } = new() { UprightTolerance = 0f, RefitTolerance = 0.2f, MaxRefits = 5, CropFaceSide = 160f, ReboxSteps = 3, SymmetryRoll = true };
}
