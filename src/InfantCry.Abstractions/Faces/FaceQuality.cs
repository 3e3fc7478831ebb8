namespace InfantCry.Abstractions.Faces;

/// <summary>How well a frame's face is seen, measured before any estimate is made from it.</summary>
/// <remarks>Immutable. Distances are in image pixels; the other values have no unit.</remarks>
public sealed record FaceQuality
{
    /// <summary>The face detector's confidence, 0..1.</summary>
    public required float DetectorScore { get; init; }

    /// <summary>The face's roll in degrees, -180..180 (0 upright; the direction from the subject's right eye to its left eye, clockwise on screen).</summary>
    public required float Roll { get; init; }

    /// <summary>Distance between the outer eye corners (landmarks 36 and 45), in pixels: the face's size.</summary>
    public required float InterOcularDistance { get; init; }

    /// <summary>
    /// Mean distance between the detector's five key points (eyes, nose tip, mouth corners) and the same points of
    /// the 68 landmarks, divided by <see cref="InterOcularDistance"/>; <see cref="float.NaN"/> when the detector gives
    /// no key points. Large when the landmarks were fitted to something else than the face the detector saw.
    /// </summary>
    public required float KeyPointDisagreement { get; init; }

    /// <summary>
    /// Left-right asymmetry of the landmarks, 0..1: |a - b| / (a + b) with a, b the distances from the nose tip
    /// (landmark 30) to the two sides of the jaw (0 and 16). About 0 for a frontal face, towards 1 in profile.
    /// </summary>
    public required float Asymmetry { get; init; }

    /// <summary>
    /// Sharpness: mean absolute 4-neighbour Laplacian of the face's gray intensity (0..1) sampled on a grid of
    /// <see cref="InterOcularDistance"/> / 24 pixels (at least 1) between the eyebrows and the chin. Falls with blur.
    /// </summary>
    public required float Sharpness { get; init; }

    /// <summary>
    /// Least local contrast of the two eyes and the mouth: the smallest standard deviation of gray intensity (0..1)
    /// inside each region's landmark box and, when the detector gives eye key points, around each of them. About 0 when
    /// a region is covered by something flat (a hand, a cloth, a dummy).
    /// </summary>
    public required float RegionContrast { get; init; }
}
