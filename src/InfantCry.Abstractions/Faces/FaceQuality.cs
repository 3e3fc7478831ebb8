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
    /// inside each region's landmark box (grown by a third of its size on each side). About 0 when a region's landmarks
    /// lie on something flat (a hand, a cloth, a dummy); see <see cref="EyeDetail"/> for covers the landmarks guess past.
    /// </summary>
    public required float RegionContrast { get; init; }

    /// <summary>
    /// Least detail of the eyes against the rest of the face: the mean gray-intensity gradient (central differences on a
    /// grid of <see cref="InterOcularDistance"/> / 48 pixels, at least 1) in a square of half-side
    /// <see cref="InterOcularDistance"/> / 6 around each eye (the centre of its six landmarks and, when the detector gives
    /// them, its eye key point), divided by the mean gradient over the landmarks' box. Eyes, open or shut, are among the
    /// most detailed parts of a face; a covered eye is not, wherever the landmarks or the detector guess it under the
    /// cover. Measured with the default front end: 1.01 or more on the faces of dlib's example photos with eyes at least
    /// 40 px apart and 0.96 or more on held-out synthetic infants; 0.53 or less on the same photos with both eyes under a
    /// flat patch. Not yet measured on real infants (whose shut, crying eyes the synthetic renders only approximate).
    /// </summary>
    public required float EyeDetail { get; init; }
}
