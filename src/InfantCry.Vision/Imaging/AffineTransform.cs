namespace InfantCry.Vision.Imaging;

/// <summary>
/// A 2-D affine map (x, y) -> (M11 x + M12 y + OffsetX, M21 x + M22 y + OffsetY) in pixel coordinates, where pixel
/// (i, j) has its centre at x = i, y = j and y grows downwards. Immutable and thread-safe.
/// </summary>
/// <param name="M11">Row 1, column 1.</param>
/// <param name="M12">Row 1, column 2.</param>
/// <param name="M21">Row 2, column 1.</param>
/// <param name="M22">Row 2, column 2.</param>
/// <param name="OffsetX">Translation along x.</param>
/// <param name="OffsetY">Translation along y.</param>
public readonly record struct AffineTransform(double M11, double M12, double M21, double M22, double OffsetX, double OffsetY)
{
    /// <summary>The identity map.</summary>
    public static AffineTransform Identity => new(1, 0, 0, 1, 0, 0);

    /// <summary>
    /// Rotation by <paramref name="angleRadians"/> about (<paramref name="centerX"/>, <paramref name="centerY"/>):
    /// p' = R (p - c) + c with R = [cos -sin; sin cos]. With y pointing down, a positive angle turns clockwise on screen.
    /// </summary>
    /// <param name="angleRadians">The angle.</param>
    /// <param name="centerX">Centre x.</param>
    /// <param name="centerY">Centre y.</param>
    public static AffineTransform Rotation(double angleRadians, double centerX, double centerY)
    {
        double c = Math.Cos(angleRadians);
        double s = Math.Sin(angleRadians);
        return new AffineTransform(c, -s, s, c, centerX - (c * centerX) + (s * centerY), centerY - (s * centerX) - (c * centerY));
    }

    /// <summary>A translation.</summary>
    /// <param name="dx">Shift along x.</param>
    /// <param name="dy">Shift along y.</param>
    public static AffineTransform Translation(double dx, double dy) => new(1, 0, 0, 1, dx, dy);

    /// <summary>Maps a point.</summary>
    /// <param name="x">Point x.</param>
    /// <param name="y">Point y.</param>
    /// <returns>The mapped point.</returns>
    public (double X, double Y) Apply(double x, double y) => ((M11 * x) + (M12 * y) + OffsetX, (M21 * x) + (M22 * y) + OffsetY);

    /// <summary>The map that applies <paramref name="first"/> and then this one.</summary>
    /// <param name="first">The map applied first.</param>
    public AffineTransform After(in AffineTransform first) => new(
        (M11 * first.M11) + (M12 * first.M21),
        (M11 * first.M12) + (M12 * first.M22),
        (M21 * first.M11) + (M22 * first.M21),
        (M21 * first.M12) + (M22 * first.M22),
        (M11 * first.OffsetX) + (M12 * first.OffsetY) + OffsetX,
        (M21 * first.OffsetX) + (M22 * first.OffsetY) + OffsetY);

    /// <summary>The inverse map.</summary>
    /// <exception cref="InvalidOperationException">The map is singular (its determinant is 0 or not finite).</exception>
    public AffineTransform Invert()
    {
        double det = (M11 * M22) - (M12 * M21);
        if (det == 0 || !double.IsFinite(det))
        {
            throw new InvalidOperationException($"The affine map has determinant {det} and cannot be inverted.");
        }

        double i11 = M22 / det, i12 = -M12 / det, i21 = -M21 / det, i22 = M11 / det;
        return new AffineTransform(i11, i12, i21, i22, -((i11 * OffsetX) + (i12 * OffsetY)), -((i21 * OffsetX) + (i22 * OffsetY)));
    }
}
