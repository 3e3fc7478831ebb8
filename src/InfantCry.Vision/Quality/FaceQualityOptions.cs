namespace InfantCry.Vision.Quality;

/// <summary>Thresholds of a <see cref="FaceQualityGate"/>: below (or above) them a face is not seen well enough for an estimate.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value. The defaults were set on dlib's example photos
/// of adults and on the project's synthetic infant renders (sharp, unoccluded faces pass; the tests' blurred,
/// occluded, tiny and half-hidden versions do not); they are not tuned on real infant video.</remarks>
public sealed class FaceQualityOptions
{
    private readonly float _minDetectorScore = 0.75f;
    private readonly float _minInterOcularDistance = 24f;
    private readonly float _maxKeyPointDisagreement = 0.35f;
    private readonly float _maxAsymmetry = 0.6f;
    private readonly float _minSharpness = 0.03f;
    private readonly float _minRegionContrast = 0.02f;
    private readonly float _minEyeDetail = 0.75f;

    /// <summary>The defaults below.</summary>
    public static FaceQualityOptions Default { get; } = new();

    /// <summary>Least detector confidence, 0..1. Default 0.75.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float MinDetectorScore
    {
        get => _minDetectorScore;
        init => _minDetectorScore = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(MinDetectorScore), value, "The minimum detector score must be 0 to 1.");
    }

    /// <summary>
    /// Least distance between the outer eye corners, pixels, 0..1000. Default 24: dlib's 68 points on smaller faces are
    /// not reproducible when the face turns (issue 14's rotation table: on dlib's example photos, faces with eyes 13-23
    /// px apart moved by 20-90% of their eye distance at some angles, faces of 24 px or more by at most about 1% on
    /// average); the study's 64 x 64 crop then magnifies the face at most about 1.5 times.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1000.</exception>
    public float MinInterOcularDistance
    {
        get => _minInterOcularDistance;
        init => _minInterOcularDistance = value is >= 0f and <= 1000f ? value : throw new ArgumentOutOfRangeException(nameof(MinInterOcularDistance), value, "The minimum inter-ocular distance must be 0 to 1000 pixels.");
    }

    /// <summary>Largest key-point disagreement (<see cref="Abstractions.Faces.FaceQuality.KeyPointDisagreement"/>), 0..10; not checked when the detector gives no key points. Default 0.35.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..10.</exception>
    public float MaxKeyPointDisagreement
    {
        get => _maxKeyPointDisagreement;
        init => _maxKeyPointDisagreement = value is >= 0f and <= 10f ? value : throw new ArgumentOutOfRangeException(nameof(MaxKeyPointDisagreement), value, "The maximum key-point disagreement must be 0 to 10.");
    }

    /// <summary>Largest left-right asymmetry (<see cref="Abstractions.Faces.FaceQuality.Asymmetry"/>), 0..1. Default 0.6 (a face turned about 60 degrees or more, towards profile).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float MaxAsymmetry
    {
        get => _maxAsymmetry;
        init => _maxAsymmetry = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(MaxAsymmetry), value, "The maximum asymmetry must be 0 to 1.");
    }

    /// <summary>Least sharpness (<see cref="Abstractions.Faces.FaceQuality.Sharpness"/>), 0..1. Default 0.03 (sharp faces of the example photos measure 0.05 or more; the same faces box-blurred over a sixth of their eye distance, 0.02 or less).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float MinSharpness
    {
        get => _minSharpness;
        init => _minSharpness = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(MinSharpness), value, "The minimum sharpness must be 0 to 1.");
    }

    /// <summary>Least contrast of the eyes and the mouth (<see cref="Abstractions.Faces.FaceQuality.RegionContrast"/>), 0..1. Default 0.02.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float MinRegionContrast
    {
        get => _minRegionContrast;
        init => _minRegionContrast = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(MinRegionContrast), value, "The minimum region contrast must be 0 to 1.");
    }

    /// <summary>
    /// Least eye detail (<see cref="Abstractions.Faces.FaceQuality.EyeDetail"/>: the eyes' gradient against the face's),
    /// 0..10. Default 0.75, between the faces of dlib's example photos and the held-out synthetic infants (1.01 and 0.96
    /// or more with the default front end) and the same photos with both eyes under a flat patch (0.53 or less).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..10.</exception>
    public float MinEyeDetail
    {
        get => _minEyeDetail;
        init => _minEyeDetail = value is >= 0f and <= 10f ? value : throw new ArgumentOutOfRangeException(nameof(MinEyeDetail), value, "The minimum eye detail must be 0 to 10.");
    }
}
