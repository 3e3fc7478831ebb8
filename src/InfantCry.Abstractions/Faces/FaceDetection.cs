using System.Drawing;
using InfantCry.Abstractions.Imaging;

namespace InfantCry.Abstractions.Faces;

/// <summary>A face found in an image.</summary>
/// <param name="Box">The face box in pixel coordinates of the input image.</param>
/// <param name="Confidence">The detector's confidence, 0..1.</param>
/// <param name="KeyPoints">Key points the detector gives (YuNet: right eye, left eye, nose tip, right and left mouth corner), or empty.</param>
/// <remarks>
/// A face found at a roll (<see cref="Roll"/> not 0, for example by a detector that also searches turned copies of
/// the image) has its <see cref="Box"/> in the face's upright frame: the box's centre is the face's centre in image
/// pixels, its width and height are measured along the face's own axes, and the box is turned by <see cref="Roll"/>
/// about its centre. With <see cref="Roll"/> 0 it is an ordinary axis-aligned box.
/// </remarks>
public sealed record FaceDetection(RectangleF Box, float Confidence, IReadOnlyList<PointF> KeyPoints)
{
    /// <summary>
    /// The face's roll in degrees, -180 to 180: the direction from the subject's right eye to its left eye makes this
    /// angle with the image's x axis, clockwise on screen (y grows downwards). 0 for an upright face and for detectors
    /// that do not estimate it.
    /// </summary>
    public float Roll { get; init; }
}

/// <summary>Finds faces in images.</summary>
/// <remarks>Implementations document their thread-safety; InfantCry's are safe for concurrent calls.</remarks>
public interface IFaceDetector
{
    /// <summary>Detects faces, most confident first.</summary>
    /// <param name="image">The image.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The faces found; empty when there is none (not an exception).</returns>
    IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, CancellationToken cancellationToken = default);
}
