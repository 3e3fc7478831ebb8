using System.Drawing;
using InfantCry.Imaging;

namespace InfantCry.Alignment;

/// <summary>
/// The study's face geometry from 68 iBUG landmarks: the eye centres (mean of points 36-41 and 42-47) give the angle
/// of the eye line; the image is rotated by minus that angle about the eyes' midpoint so the eyes are level; the crop
/// box, in the rotated image, spans the jaw (points 0-16) horizontally and the eyebrows (17-26) down to the chin (8)
/// vertically, widened to whole pixels: [floor(min), ceil(max)).
/// </summary>
/// <param name="AngleRadians">Angle of the line from the first eye centre (36-41) to the second (42-47), atan2(dy, dx), y down.</param>
/// <param name="CenterX">Midpoint of the eye centres, x.</param>
/// <param name="CenterY">Midpoint of the eye centres, y.</param>
/// <param name="Left">First column of the crop in the rotated image.</param>
/// <param name="Top">First row of the crop in the rotated image.</param>
/// <param name="Width">Crop width in pixels.</param>
/// <param name="Height">Crop height in pixels.</param>
public readonly record struct AlignmentGeometry(double AngleRadians, double CenterX, double CenterY, int Left, int Top, int Width, int Height)
{
    /// <summary>Number of landmarks the geometry needs (dlib's 68-point iBUG layout).</summary>
    public const int LandmarkCount = 68;

    /// <summary>Maps original image coordinates to the rotated (eyes level) image.</summary>
    public AffineTransform ImageToRotated => AffineTransform.Rotation(-AngleRadians, CenterX, CenterY);

    /// <summary>Maps pixel (u, v) of the crop to original image coordinates.</summary>
    public AffineTransform CropToImage => AffineTransform.Rotation(AngleRadians, CenterX, CenterY).After(AffineTransform.Translation(Left, Top));

    /// <summary>Computes the geometry.</summary>
    /// <param name="landmarks">68 points in iBUG order, pixel coordinates.</param>
    /// <returns>The geometry.</returns>
    /// <exception cref="ArgumentException">There are not 68 points, a point is not finite, or the crop box is empty (degenerate landmarks).</exception>
    public static AlignmentGeometry FromLandmarks(ReadOnlySpan<PointF> landmarks)
    {
        if (landmarks.Length != LandmarkCount)
        {
            throw new ArgumentException($"Alignment needs the {LandmarkCount} iBUG landmarks; got {landmarks.Length}.", nameof(landmarks));
        }

        foreach (PointF p in landmarks)
        {
            if (!float.IsFinite(p.X) || !float.IsFinite(p.Y))
            {
                throw new ArgumentException($"Landmark ({p.X}, {p.Y}) is not finite.", nameof(landmarks));
            }
        }

        (double lx, double ly) = Mean(landmarks.Slice(36, 6));
        (double rx, double ry) = Mean(landmarks.Slice(42, 6));
        double angle = Math.Atan2(ry - ly, rx - lx);
        double cx = (lx + rx) / 2, cy = (ly + ry) / 2;
        AffineTransform toRotated = AffineTransform.Rotation(-angle, cx, cy);

        double minX = double.PositiveInfinity, maxX = double.NegativeInfinity, minY = double.PositiveInfinity;
        for (int i = 0; i <= 16; i++)
        {
            double x = toRotated.Apply(landmarks[i].X, landmarks[i].Y).X;
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
        }

        for (int i = 17; i <= 26; i++)
        {
            minY = Math.Min(minY, toRotated.Apply(landmarks[i].X, landmarks[i].Y).Y);
        }

        double chin = toRotated.Apply(landmarks[8].X, landmarks[8].Y).Y;
        int left = (int)Math.Floor(minX), right = (int)Math.Ceiling(maxX);
        int top = (int)Math.Floor(minY), bottom = (int)Math.Ceiling(chin);
        if (right <= left || bottom <= top)
        {
            throw new ArgumentException($"The landmarks give an empty crop box (x {left}..{right}, y {top}..{bottom}): the chin must be below the eyebrows and the jaw must have width.", nameof(landmarks));
        }

        return new AlignmentGeometry(angle, cx, cy, left, top, right - left, bottom - top);
    }

    private static (double X, double Y) Mean(ReadOnlySpan<PointF> points)
    {
        double x = 0, y = 0;
        foreach (PointF p in points)
        {
            x += p.X;
            y += p.Y;
        }

        return (x / points.Length, y / points.Length);
    }
}
