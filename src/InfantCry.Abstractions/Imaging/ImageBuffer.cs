namespace InfantCry.Abstractions.Imaging;

/// <summary>
/// A read-only view of pixels in caller memory: width, height, row stride in bytes and pixel format. InfantCry
/// has no image codec: decode files with the tool of your choice (the samples use ffmpeg) and hand the pixels here.
/// </summary>
/// <remarks>A view, not a copy: the memory must stay unchanged while a call that received the view runs.</remarks>
public readonly struct ImageBuffer
{
    /// <summary>Creates a view and validates it.</summary>
    /// <param name="pixels">The pixel bytes, row after row; the last row may end right after its last pixel.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="format">Pixel layout.</param>
    /// <param name="stride">Bytes from one row to the next; 0 means tightly packed (width x bytes per pixel).</param>
    /// <exception cref="ArgumentOutOfRangeException">Width or height is below 1, the stride is smaller than a row, or the format is unknown.</exception>
    /// <exception cref="ArgumentException">The buffer is shorter than the image needs.</exception>
    public ImageBuffer(ReadOnlyMemory<byte> pixels, int width, int height, PixelFormat format, int stride = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int bpp = format.BytesPerPixel();
        long rowBytes = (long)width * bpp;
        if (stride == 0)
        {
            stride = rowBytes <= int.MaxValue ? (int)rowBytes : throw new ArgumentOutOfRangeException(nameof(width), width, "A row of this width does not fit in memory.");
        }

        if (stride < rowBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"Stride {stride} is smaller than a row of {width} {format} pixels ({rowBytes} bytes).");
        }

        long needed = ((long)height - 1) * stride + rowBytes;
        if (pixels.Length < needed)
        {
            throw new ArgumentException($"A {width}x{height} {format} image with stride {stride} needs {needed} bytes but the buffer holds {pixels.Length}.", nameof(pixels));
        }

        Pixels = pixels;
        Width = width;
        Height = height;
        Format = format;
        Stride = stride;
    }

    /// <summary>The pixel bytes.</summary>
    public ReadOnlyMemory<byte> Pixels { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel layout.</summary>
    public PixelFormat Format { get; }

    /// <summary>Bytes from one row to the next.</summary>
    public int Stride { get; }

    /// <summary>The bytes of row <paramref name="y"/> (exactly width x bytes per pixel).</summary>
    /// <param name="y">Row index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="y"/> is outside the image.</exception>
    public ReadOnlySpan<byte> GetRow(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Pixels.Span.Slice(y * Stride, Width * Format.BytesPerPixel());
    }
}
