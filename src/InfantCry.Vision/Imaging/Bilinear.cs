namespace InfantCry.Vision.Imaging;

/// <summary>
/// Bilinear sampling of a tightly packed single-channel float plane with a constant border: neighbours outside the
/// image count as the fill value (as OpenCV's <c>BORDER_CONSTANT</c>). Pixel (i, j) has its centre at (i, j).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class Bilinear
{
    /// <summary>Samples the plane at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <param name="source">The plane, width x height values.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="x">Sample x.</param>
    /// <param name="y">Sample y.</param>
    /// <param name="fill">Value of pixels outside the image.</param>
    /// <returns>The interpolated value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Width or height is below 1.</exception>
    /// <exception cref="ArgumentException">The plane is shorter than width x height.</exception>
    public static float Sample(ReadOnlySpan<float> source, int width, int height, double x, double y, float fill = 0f)
    {
        ImageGuard.Plane(source.Length, width, height, 1, nameof(source));
        return SampleUnchecked(source, width, height, x, y, fill);
    }

    internal static float SampleUnchecked(ReadOnlySpan<float> source, int width, int height, double x, double y, float fill)
    {
        if (!(x > -1 && x < width && y > -1 && y < height))
        {
            return fill; // Also catches NaN.
        }

        double fx0 = Math.Floor(x), fy0 = Math.Floor(y);
        int x0 = (int)fx0, y0 = (int)fy0;
        double ax = x - fx0, ay = y - fy0;
        int x1 = x0 + 1, y1 = y0 + 1;
        if (x0 >= 0 && y0 >= 0 && x1 < width && y1 < height)
        {
            int o = (y0 * width) + x0;
            double top = source[o] + (ax * (source[o + 1] - source[o]));
            double bottom = source[o + width] + (ax * (source[o + width + 1] - source[o + width]));
            return (float)(top + (ay * (bottom - top)));
        }

        double p00 = At(source, width, height, x0, y0, fill), p10 = At(source, width, height, x1, y0, fill);
        double p01 = At(source, width, height, x0, y1, fill), p11 = At(source, width, height, x1, y1, fill);
        double t = p00 + (ax * (p10 - p00));
        double b = p01 + (ax * (p11 - p01));
        return (float)(t + (ay * (b - t)));
    }

    private static float At(ReadOnlySpan<float> s, int w, int h, int x, int y, float fill) =>
        (uint)x < (uint)w && (uint)y < (uint)h ? s[(y * w) + x] : fill;
}
