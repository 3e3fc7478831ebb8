namespace InfantCry.Vision.Imaging;

/// <summary>Copies rectangles out of tightly packed planes.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class Crop
{
    /// <summary>Copies the rectangle at (<paramref name="x"/>, <paramref name="y"/>) of size <paramref name="cropWidth"/> x <paramref name="cropHeight"/>.</summary>
    /// <param name="source">Source plane, width x height x channels values.</param>
    /// <param name="width">Source width, at least 1.</param>
    /// <param name="height">Source height, at least 1.</param>
    /// <param name="x">Left column of the rectangle.</param>
    /// <param name="y">Top row of the rectangle.</param>
    /// <param name="cropWidth">Rectangle width, at least 1.</param>
    /// <param name="cropHeight">Rectangle height, at least 1.</param>
    /// <param name="destination">At least cropWidth x cropHeight x channels values.</param>
    /// <param name="channels">Interleaved channels per pixel, 1 to 4 (default 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the channel count is outside 1..4, or the rectangle is not inside the image.</exception>
    /// <exception cref="ArgumentException">A plane is shorter than its size needs.</exception>
    public static void Copy<T>(ReadOnlySpan<T> source, int width, int height, int x, int y, int cropWidth, int cropHeight, Span<T> destination, int channels = 1)
    {
        ImageGuard.Channels(channels, nameof(channels));
        ImageGuard.Plane(source.Length, width, height, channels, nameof(source));
        ImageGuard.Plane(destination.Length, cropWidth, cropHeight, channels, nameof(destination));
        if (x < 0 || y < 0 || (long)x + cropWidth > width || (long)y + cropHeight > height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"The crop {cropWidth}x{cropHeight} at ({x}, {y}) is not inside the {width}x{height} image.");
        }

        int rowLen = cropWidth * channels;
        for (int r = 0; r < cropHeight; r++)
        {
            source.Slice((((y + r) * width) + x) * channels, rowLen).CopyTo(destination.Slice(r * rowLen, rowLen));
        }
    }

    /// <summary>Copies a rectangle of a gray image into a new image.</summary>
    /// <param name="source">The image.</param>
    /// <param name="x">Left column.</param>
    /// <param name="y">Top row.</param>
    /// <param name="cropWidth">Width, at least 1.</param>
    /// <param name="cropHeight">Height, at least 1.</param>
    /// <returns>The crop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rectangle is empty or not inside the image.</exception>
    public static GrayImage Copy(GrayImage source, int x, int y, int cropWidth, int cropHeight)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(cropWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cropHeight, 1);
        var result = new GrayImage(cropWidth, cropHeight);
        Copy<float>(source.Pixels, source.Width, source.Height, x, y, cropWidth, cropHeight, result.Pixels);
        return result;
    }
}
