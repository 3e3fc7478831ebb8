using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InfantCry.Vision.Imaging;

/// <summary>Affine warps of single-channel float planes with bilinear sampling and a constant border.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class Warp
{
    /// <summary>
    /// Fills every destination pixel (x, y) with the source sampled at <paramref name="destinationToSource"/>(x, y).
    /// To rotate an image by an angle about a point, pass the inverse of <see cref="AffineTransform.Rotation"/>.
    /// </summary>
    /// <param name="source">Source plane, width x height values.</param>
    /// <param name="sourceWidth">Source width, at least 1.</param>
    /// <param name="sourceHeight">Source height, at least 1.</param>
    /// <param name="destination">Destination plane, at least width x height values.</param>
    /// <param name="destinationWidth">Destination width, at least 1.</param>
    /// <param name="destinationHeight">Destination height, at least 1.</param>
    /// <param name="destinationToSource">Maps destination pixel centres to source coordinates.</param>
    /// <param name="fill">Value for source pixels outside the image (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A width or height is below 1.</exception>
    /// <exception cref="ArgumentException">A plane is shorter than its size needs, or the two overlap.</exception>
    public static void Affine(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight,
        Span<float> destination, int destinationWidth, int destinationHeight,
        in AffineTransform destinationToSource, float fill = 0f)
    {
        ImageGuard.Plane(source.Length, sourceWidth, sourceHeight, 1, nameof(source));
        ImageGuard.Plane(destination.Length, destinationWidth, destinationHeight, 1, nameof(destination));
        if (source.Overlaps(destination))
        {
            throw new ArgumentException("Warp cannot run in place: the source and destination planes overlap.", nameof(destination));
        }

        AffineTransform m = destinationToSource;
        ref float src = ref MemoryMarshal.GetReference(source);
        double maxX = sourceWidth - 1, maxY = sourceHeight - 1;
        for (int y = 0; y < destinationHeight; y++)
        {
            Span<float> row = destination.Slice(y * destinationWidth, destinationWidth);
            double sx0 = (m.M12 * y) + m.OffsetX;
            double sy0 = (m.M22 * y) + m.OffsetY;
            for (int x = 0; x < destinationWidth; x++)
            {
                double sx = sx0 + (m.M11 * x), sy = sy0 + (m.M21 * x);
                if (sx >= 0 && sy >= 0 && sx < maxX && sy < maxY)
                {
                    // All four taps inside (the common case): the same arithmetic as Bilinear's interior path,
                    // without its bounds checks; truncation equals floor for non-negative coordinates.
                    int x0 = (int)sx, y0 = (int)sy;
                    double ax = sx - x0, ay = sy - y0;
                    ref float p = ref Unsafe.Add(ref src, (y0 * sourceWidth) + x0);
                    double top = p + (ax * (Unsafe.Add(ref p, 1) - p));
                    ref float q = ref Unsafe.Add(ref p, sourceWidth);
                    double bottom = q + (ax * (Unsafe.Add(ref q, 1) - q));
                    row[x] = (float)(top + (ay * (bottom - top)));
                }
                else
                {
                    row[x] = Bilinear.SampleUnchecked(source, sourceWidth, sourceHeight, sx, sy, fill);
                }
            }
        }
    }

    /// <summary>Rotates a plane by <paramref name="angleRadians"/> about (<paramref name="centerX"/>, <paramref name="centerY"/>) into a new image of the same size.</summary>
    /// <param name="source">The image.</param>
    /// <param name="angleRadians">The angle; see <see cref="AffineTransform.Rotation"/> for the direction.</param>
    /// <param name="centerX">Centre x.</param>
    /// <param name="centerY">Centre y.</param>
    /// <param name="fill">Value for pixels that come from outside the source.</param>
    /// <returns>The rotated image.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public static GrayImage Rotate(GrayImage source, double angleRadians, double centerX, double centerY, float fill = 0f)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new GrayImage(source.Width, source.Height);
        Affine(source.Pixels, source.Width, source.Height, result.Pixels, result.Width, result.Height, AffineTransform.Rotation(angleRadians, centerX, centerY).Invert(), fill);
        return result;
    }
}
