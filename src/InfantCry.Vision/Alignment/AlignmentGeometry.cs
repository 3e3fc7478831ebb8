using System.Drawing;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Alignment;

/// <summary>
/// The study's face geometry from 68 iBUG landmarks: the eye centres (mean of points 36-41 and 42-47) give the angle
/// of the eye line; the image is rotated by minus that angle about the eyes' midpoint so the eyes are level
/// (p' = R(-angle)(p - c) + c); the crop box, in the rotated image, spans the jaw (points 0-16) horizontally and the
/// top of the eyebrows (17-26) down to the chin (8) vertically.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="AngleRadians">Angle of the line from the first eye centre (36-41) to the second (42-47), atan2(dy, dx), y down.</param>
/// <param name="CenterX">Midpoint of the eye centres, x.</param>
/// <param name="CenterY">Midpoint of the eye centres, y.</param>
/// <param name="BoxLeft">Smallest rotated x of the jaw points.</param>
/// <param name="BoxTop">Smallest rotated y of the eyebrow points.</param>
/// <param name="BoxRight">Largest rotated x of the jaw points.</param>
/// <param name="BoxBottom">Rotated y of the chin point.</param>
public readonly record struct AlignmentGeometry(double AngleRadians, double CenterX, double CenterY, double BoxLeft, double BoxTop, double BoxRight, double BoxBottom)
{
    /// <summary>Number of landmarks the geometry needs (dlib's 68-point iBUG layout).</summary>
    public const int LandmarkCount = 68;

    /// <summary>Maps original image coordinates to the rotated (eyes level) image.</summary>
    public AffineTransform ImageToRotated => AffineTransform.Rotation(-AngleRadians, CenterX, CenterY);

    /// <summary>Maps rotated-image coordinates back to the original image.</summary>
    public AffineTransform RotatedToImage => AffineTransform.Rotation(AngleRadians, CenterX, CenterY);

    /// <summary>The box widened to whole pixels of the rotated image, [floor(left), ceil(right)) x [floor(top), ceil(bottom)),
    /// as (left column, top row, width, height): the crop of <see cref="AlignmentSampling.RotateCropResize"/>.</summary>
    public (int Left, int Top, int Width, int Height) PixelCrop
    {
        get
        {
            int l = (int)Math.Floor(BoxLeft), t = (int)Math.Floor(BoxTop);
            return (l, t, (int)Math.Ceiling(BoxRight) - l, (int)Math.Ceiling(BoxBottom) - t);
        }
    }

    /// <summary>
    /// Maps output pixel (u, v) of a <paramref name="width"/> x <paramref name="height"/> face to original image
    /// coordinates when the box is stretched onto the output (<see cref="AlignmentSampling.Direct"/>): output pixel
    /// centre (u, v) is the rotated point (left + (u + 0.5) (right - left) / width, top + (v + 0.5) (bottom - top) / height).
    /// </summary>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    public AffineTransform OutputToImage(int width, int height)
    {
        double sx = (BoxRight - BoxLeft) / width, sy = (BoxBottom - BoxTop) / height;
        return RotatedToImage.After(new AffineTransform(sx, 0, 0, sy, BoxLeft + (0.5 * sx), BoxTop + (0.5 * sy)));
    }

    /// <summary>Computes the geometry.</summary>
    /// <param name="landmarks">68 points in iBUG order, pixel coordinates (pixel centres at integers).</param>
    /// <returns>The geometry.</returns>
    /// <exception cref="ArgumentException">There are not 68 points, a point is not finite, the eye centres coincide, or the box is empty (the chin must be below the eyebrows and the jaw must have width).</exception>
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
        if (Math.Abs(rx - lx) + Math.Abs(ry - ly) < 1e-6)
        {
            throw new ArgumentException($"The eye centres coincide at ({lx}, {ly}); the landmarks are degenerate.", nameof(landmarks));
        }

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
        if (maxX - minX < 1e-6 || chin - minY < 1e-6)
        {
            throw new ArgumentException($"The landmarks give an empty crop box (x {minX:F2}..{maxX:F2}, y {minY:F2}..{chin:F2}): the chin must be below the eyebrows and the jaw must have width.", nameof(landmarks));
        }

        return new AlignmentGeometry(angle, cx, cy, minX, minY, maxX, chin);
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
