using System.Runtime.Intrinsics;

using InfantCry.Abstractions.Imaging;

namespace InfantCry.Vision.Imaging;

/// <summary>
/// BT.601 luma: Y = 0.299 R + 0.587 G + 0.114 B, as float on the 0..255 scale of the source bytes (no rounding,
/// unlike OpenCV's 8-bit <c>cvtColor</c>). Gray8 sources are copied as they are; alpha is ignored.
/// </summary>
/// <remarks>Stateless and thread-safe. Uses 128-bit SIMD (4 pixels per step) when hardware accelerated; the vector and
/// scalar paths give bit-identical results.</remarks>
public static class Grayscale
{
    /// <summary>BT.601 weight of red.</summary>
    public const float RedWeight = 0.299f;

    /// <summary>BT.601 weight of green.</summary>
    public const float GreenWeight = 0.587f;

    /// <summary>BT.601 weight of blue.</summary>
    public const float BlueWeight = 0.114f;

    /// <summary>Converts an image to gray values written row after row into <paramref name="destination"/>.</summary>
    /// <param name="source">The image.</param>
    /// <param name="destination">At least width x height values; tightly packed.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, or the source is a default (empty) view.</exception>
    public static void Convert(in ImageBuffer source, Span<float> destination)
    {
        if (source.Width < 1 || source.Height < 1)
        {
            throw new ArgumentException("The source image is empty (a default ImageBuffer); construct it with its pixels and size.", nameof(source));
        }

        ImageGuard.Plane(destination.Length, source.Width, source.Height, 1, nameof(destination));
        int w = source.Width;
        for (int y = 0; y < source.Height; y++)
        {
            ConvertRow(source.GetRow(y), source.Format, destination.Slice(y * w, w));
        }
    }

    /// <summary>Converts an image to a new <see cref="GrayImage"/>.</summary>
    /// <param name="source">The image.</param>
    /// <returns>The gray image, same size as the source.</returns>
    /// <exception cref="ArgumentException">The source is a default (empty) view.</exception>
    public static GrayImage Convert(in ImageBuffer source)
    {
        if (source.Width < 1 || source.Height < 1)
        {
            throw new ArgumentException("The source image is empty (a default ImageBuffer); construct it with its pixels and size.", nameof(source));
        }

        var image = new GrayImage(source.Width, source.Height);
        Convert(source, image.Pixels);
        return image;
    }

    /// <summary>Converts one row of <paramref name="format"/> pixels; <paramref name="destination"/> has one value per pixel.</summary>
    internal static void ConvertRow(ReadOnlySpan<byte> row, PixelFormat format, Span<float> destination)
    {
        int done = Vector128.IsHardwareAccelerated ? ConvertRowVector128(row, format, destination) : 0;
        ConvertRowScalar(row, format, destination, done);
    }

    /// <summary>Scalar path from pixel <paramref name="start"/> to the end of the row.</summary>
    internal static void ConvertRowScalar(ReadOnlySpan<byte> row, PixelFormat format, Span<float> destination, int start = 0)
    {
        int bpp = format.BytesPerPixel();
        int n = row.Length / bpp;
        if (format == PixelFormat.Gray8)
        {
            for (int i = start; i < n; i++)
            {
                destination[i] = row[i];
            }

            return;
        }

        (int r, int b) = RedBlueOffsets(format);
        for (int i = start; i < n; i++)
        {
            int o = i * bpp;
            destination[i] = (row[o + r] * RedWeight) + (row[o + 1] * GreenWeight) + (row[o + b] * BlueWeight);
        }
    }

    /// <summary>Vector path; returns how many pixels it converted (the rest is left to the scalar tail).</summary>
    internal static int ConvertRowVector128(ReadOnlySpan<byte> row, PixelFormat format, Span<float> destination)
    {
        int bpp = format.BytesPerPixel();
        int n = row.Length / bpp;
        int i = 0;
        if (format == PixelFormat.Gray8)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector128<byte> v = Vector128.Create(row.Slice(i, 16));
                (Vector128<ushort> lo, Vector128<ushort> hi) = Vector128.Widen(v);
                (Vector128<uint> a, Vector128<uint> b) = Vector128.Widen(lo);
                (Vector128<uint> c, Vector128<uint> d) = Vector128.Widen(hi);
                Vector128.ConvertToSingle(a).CopyTo(destination.Slice(i));
                Vector128.ConvertToSingle(b).CopyTo(destination.Slice(i + 4));
                Vector128.ConvertToSingle(c).CopyTo(destination.Slice(i + 8));
                Vector128.ConvertToSingle(d).CopyTo(destination.Slice(i + 12));
            }

            return i;
        }

        (int r, int bl) = RedBlueOffsets(format);
        Vector128<byte> rIdx = Indices(bpp, r);
        Vector128<byte> gIdx = Indices(bpp, 1);
        Vector128<byte> bIdx = Indices(bpp, bl);
        var wr = Vector128.Create(RedWeight);
        var wg = Vector128.Create(GreenWeight);
        var wb = Vector128.Create(BlueWeight);

        // Four pixels per step from a 16-byte load; for 3-byte pixels the load reads 4 bytes past the 4th pixel,
        // so stop while 16 bytes remain.
        for (; (i * bpp) + 16 <= row.Length; i += 4)
        {
            Vector128<byte> v = Vector128.Create(row.Slice(i * bpp, 16));
            Vector128<float> rf = Vector128.ConvertToSingle(Vector128.Shuffle(v, rIdx).AsInt32());
            Vector128<float> gf = Vector128.ConvertToSingle(Vector128.Shuffle(v, gIdx).AsInt32());
            Vector128<float> bf = Vector128.ConvertToSingle(Vector128.Shuffle(v, bIdx).AsInt32());
            ((rf * wr) + (gf * wg) + (bf * wb)).CopyTo(destination.Slice(i));
        }

        return i;
    }

    private static (int Red, int Blue) RedBlueOffsets(PixelFormat format) =>
        format is PixelFormat.Bgr24 or PixelFormat.Bgra32 ? (2, 0) : (0, 2);

    // Byte k of pixel j goes to byte 4j of the result; the other bytes take an out-of-range index and become 0.
    private static Vector128<byte> Indices(int bpp, int k)
    {
        const byte Zero = 0xFF;
        return Vector128.Create(
            (byte)k, Zero, Zero, Zero,
            (byte)(bpp + k), Zero, Zero, Zero,
            (byte)((2 * bpp) + k), Zero, Zero, Zero,
            (byte)((3 * bpp) + k), Zero, Zero, Zero);
    }
}
