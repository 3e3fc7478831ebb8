namespace InfantCry.Vision.Imaging;

/// <summary>
/// A writable single-channel float image, tightly packed (stride = width), that owns or wraps a float array. The
/// kernels in this folder write gray results into spans; this class is the convenient owner of such a span.
/// </summary>
/// <remarks>
/// Values keep the scale of their source (0..255 for images converted from 8-bit pixels) unless a kernel documents
/// otherwise. Not thread-safe for concurrent writes; concurrent reads are safe.
/// </remarks>
public sealed class GrayImage
{
    private readonly float[] _pixels;

    /// <summary>Allocates a zeroed image.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">Width or height is below 1, or the image would not fit in an array.</exception>
    public GrayImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        long n = (long)width * height;
        if (n > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}x{height} image has {n} pixels, more than an array can hold.");
        }

        _pixels = new float[n];
        Width = width;
        Height = height;
    }

    /// <summary>Wraps an existing array (no copy); the first width x height values are the pixels, row after row.</summary>
    /// <param name="pixels">The pixel values.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pixels"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Width or height is below 1.</exception>
    /// <exception cref="ArgumentException">The array is shorter than width x height.</exception>
    public GrayImage(float[] pixels, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ImageGuard.Plane(pixels.Length, width, height, 1, nameof(pixels));
        _pixels = pixels;
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row after row (exactly width x height values).</summary>
    public Span<float> Pixels => _pixels.AsSpan(0, Width * Height);

    /// <summary>The pixels as memory (exactly width x height values), for APIs that keep a reference, such as tensor inputs.</summary>
    public Memory<float> Memory => _pixels.AsMemory(0, Width * Height);

    /// <summary>The values of row <paramref name="y"/>.</summary>
    /// <param name="y">Row index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="y"/> is outside the image.</exception>
    public Span<float> GetRow(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return _pixels.AsSpan(y * Width, Width);
    }

    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    /// <exception cref="ArgumentOutOfRangeException">The position is outside the image.</exception>
    public float this[int x, int y]
    {
        get => _pixels[Index(x, y)];
        set => _pixels[Index(x, y)] = value;
    }

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width}x{Height} image.");
        }

        return y * Width + x;
    }
}
