namespace InfantCry.Abstractions.Imaging;

/// <summary>Layout of one pixel in an <see cref="ImageBuffer"/>.</summary>
public enum PixelFormat
{
    /// <summary>One byte of luminance.</summary>
    Gray8 = 0,
    /// <summary>Three bytes: red, green, blue.</summary>
    Rgb24 = 1,
    /// <summary>Three bytes: blue, green, red (OpenCV's and ffmpeg's <c>bgr24</c>).</summary>
    Bgr24 = 2,
    /// <summary>Four bytes: red, green, blue, alpha.</summary>
    Rgba32 = 3,
    /// <summary>Four bytes: blue, green, red, alpha.</summary>
    Bgra32 = 4,
}

/// <summary>Facts about <see cref="PixelFormat"/> values.</summary>
public static class PixelFormatExtensions
{
    /// <summary>Bytes per pixel.</summary>
    /// <param name="format">The format.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined format.</exception>
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.Rgb24 or PixelFormat.Bgr24 => 3,
        PixelFormat.Rgba32 or PixelFormat.Bgra32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
    };
}
