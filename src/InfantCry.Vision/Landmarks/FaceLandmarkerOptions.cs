namespace InfantCry.Vision.Landmarks;

/// <summary>Settings of a <see cref="FaceLandmarker"/>: when a face is fitted upright and when it is fitted again at its measured roll.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class FaceLandmarkerOptions
{
    private readonly float _uprightTolerance = 10f;
    private readonly float _refitTolerance = 10f;

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
}
