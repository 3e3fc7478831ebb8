namespace InfantCry.Vision.Landmarks;

/// <summary>Settings of a <see cref="FaceLandmarker"/>: when a face is fitted upright and when it is fitted again at its measured roll.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class FaceLandmarkerOptions
{
    private readonly float _uprightTolerance = 10f;
    private readonly float _refitTolerance = 10f;
    private readonly int _maxRefits = 2;
    private readonly int _reboxSteps;
    private readonly float _maxRollChange = 180f;

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
    /// <see langword="false"/> to read the image at the nearest pixel (dlib's sampling, the study's path);
    /// <see langword="true"/> to read it bilinearly at the exact places the predictor asks for in the face's levelled
    /// frame (<see cref="ShapePredictor.PredictBilinear"/>), as if the face had been cut out levelled and scaled up: small
    /// faces (eyes 15-25 pixels apart) then give the same points whatever their roll, where nearest-pixel sampling moves
    /// them by about a pixel. Default <see langword="false"/>.
    /// </summary>
    public bool BilinearSampling { get; init; }

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
    /// The refits and the symmetry search may turn the frame at most this many degrees away from the detection's roll
    /// (<see cref="Abstractions.Faces.FaceDetection.Roll"/>): dlib's own eyes are a poor guide to the roll of a small or
    /// half-turned face and its refits can wander far from it, where a refined detector's eyes, measured on a levelled
    /// crop, are within about 12 degrees. 0..180 (180: no bound). Default 180.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..180.</exception>
    public float MaxRollChange
    {
        get => _maxRollChange;
        init => _maxRollChange = value is >= 0f and <= 180f ? value : throw new ArgumentOutOfRangeException(nameof(MaxRollChange), value, "The largest roll change must be 0 to 180 degrees.");
    }

    /// <summary>
    /// Whether, after the refits, the frame is set to the roll about which the face is most nearly mirror-symmetric
    /// (searched within 12 degrees of the refits' frame) and fitted there: dlib's eyes come out level in any frame
    /// within a few degrees of the face's roll, so the refits alone stop where they started. Default false.
    /// </summary>
    public bool SymmetryRoll { get; init; }

    /// <summary>
    /// For faces whose roll comes from a refined detection (<see cref="Faces.RotatingFaceDetector.Refiner"/>): every face
    /// fitted in its own levelled frame (no snapping to upright) with bilinear sampling, refitted
    /// until its eyes agree with the frame within 0.2 degrees (at most 5 refits), turned to the roll of its mirror
    /// symmetry, and fitted three more times from the box its own points give, so that a face gives the same landmarks
    /// at any roll.
    /// </summary>
    public static FaceLandmarkerOptions Levelled { get; } = new() { UprightTolerance = 0f, RefitTolerance = 0.2f, MaxRefits = 5, BilinearSampling = true, ReboxSteps = 3, SymmetryRoll = true, MaxRollChange = 20f };

    /// <summary>
    /// For a face followed from the previous video frame, whose roll (the previous fit's frame) is already close: fitted
    /// in its levelled frame with bilinear sampling, refitted until the eyes agree within 0.5 degrees (at most twice),
    /// turned to the roll of its mirror symmetry (never more than 20 degrees from the previous frame's), and fitted once more from the box its own points give. About a third
    /// of <see cref="Levelled"/>'s fits; <see cref="Levelled"/> settles a face the first time it is found.
    /// </summary>
    public static FaceLandmarkerOptions Following { get; } = new() { UprightTolerance = 0f, RefitTolerance = 0.5f, MaxRefits = 2, BilinearSampling = true, ReboxSteps = 1, SymmetryRoll = true, MaxRollChange = 20f };
}
