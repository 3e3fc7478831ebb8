using System.Drawing;
using InfantCry.Abstractions.Imaging;

namespace InfantCry.Abstractions.Faces;

/// <summary>A face found in an image.</summary>
/// <param name="Box">The face box in pixel coordinates of the input image.</param>
/// <param name="Confidence">The detector's confidence, 0..1.</param>
/// <param name="KeyPoints">Key points the detector gives (YuNet: right eye, left eye, nose tip, right and left mouth corner), or empty.</param>
public sealed record FaceDetection(RectangleF Box, float Confidence, IReadOnlyList<PointF> KeyPoints);

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
