using InfantCry.Abstractions.Imaging;

namespace InfantCry.Vision.Landmarks;

/// <summary>
/// Reads one pixel's intensity the way dlib's <c>get_pixel_intensity</c> does: a gray byte as it is, a colour pixel
/// as <c>(r + g + b) / 3</c> in integer arithmetic (truncated), alpha ignored (dlib treats it as opaque).
/// </summary>
/// <remarks>The channel order does not matter (the sum is symmetric), so RGB, BGR, RGBA and BGRA share one path.</remarks>
internal readonly ref struct IntensitySampler
{
    private readonly ReadOnlySpan<byte> _pixels;
    private readonly int _stride;
    private readonly int _bytesPerPixel;

    /// <summary>Creates a sampler over <paramref name="image"/> (already validated by its constructor).</summary>
    public IntensitySampler(in ImageBuffer image)
    {
        _pixels = image.Pixels.Span;
        _stride = image.Stride;
        _bytesPerPixel = image.Format.BytesPerPixel();
        Width = image.Width;
        Height = image.Height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The intensity at (<paramref name="x"/>, <paramref name="y"/>), which must be inside the image.</summary>
    public int At(int x, int y)
    {
        int offset = y * _stride + x * _bytesPerPixel;
        return _bytesPerPixel == 1
            ? _pixels[offset]
            : (_pixels[offset] + _pixels[offset + 1] + _pixels[offset + 2]) / 3;
    }

    /// <summary>
    /// The intensity at a point between pixels, interpolated bilinearly from the four around it (each read as
    /// <see cref="At"/>); 0 outside the pixel centres' hull, as a crop rendered from outside the image is black.
    /// </summary>
    public float Bilinear(double x, double y)
    {
        if (!(x >= 0 && y >= 0 && x < Width - 1 && y < Height - 1))
        {
            return 0f;
        }

        int x0 = (int)x, y0 = (int)y;
        float ax = (float)(x - x0), ay = (float)(y - y0);
        float top = At(x0, y0) + (ax * (At(x0 + 1, y0) - At(x0, y0)));
        float bottom = At(x0, y0 + 1) + (ax * (At(x0 + 1, y0 + 1) - At(x0, y0 + 1)));
        return top + (ay * (bottom - top));
    }
}
