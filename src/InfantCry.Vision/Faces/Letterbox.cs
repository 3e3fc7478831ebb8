using System.Buffers;
using System.Drawing;
using System.Numerics.Tensors;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Faces;

/// <summary>Channel order of a network input.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue planes.</summary>
    Rgb = 0,

    /// <summary>Blue, green, red planes (OpenCV-trained models such as YuNet).</summary>
    Bgr = 1,
}

/// <summary>How a letterboxed network input relates to the original image: the image fills the top-left
/// <see cref="ContentWidth"/> x <see cref="ContentHeight"/> pixels of the input, the rest is padding.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="ImageWidth">Original width.</param>
/// <param name="ImageHeight">Original height.</param>
/// <param name="ContentWidth">Width of the scaled image inside the input.</param>
/// <param name="ContentHeight">Height of the scaled image inside the input.</param>
public readonly record struct LetterboxTransform(int ImageWidth, int ImageHeight, int ContentWidth, int ContentHeight)
{
    /// <summary>Input pixels per image pixel along x.</summary>
    public double ScaleX => (double)ContentWidth / ImageWidth;

    /// <summary>Input pixels per image pixel along y.</summary>
    public double ScaleY => (double)ContentHeight / ImageHeight;

    /// <summary>Maps a point of the network input (pixel-edge coordinates) to the image.</summary>
    /// <param name="x">Input x.</param>
    /// <param name="y">Input y.</param>
    public PointF ToImage(double x, double y) => new((float)(x / ScaleX), (float)(y / ScaleY));

    /// <summary>Maps a box of the network input to the image, clipped to the image.</summary>
    /// <param name="x1">Left.</param>
    /// <param name="y1">Top.</param>
    /// <param name="x2">Right.</param>
    /// <param name="y2">Bottom.</param>
    public RectangleF ToImage(double x1, double y1, double x2, double y2)
    {
        double l = Math.Clamp(x1 / ScaleX, 0, ImageWidth), r = Math.Clamp(x2 / ScaleX, 0, ImageWidth);
        double t = Math.Clamp(y1 / ScaleY, 0, ImageHeight), b = Math.Clamp(y2 / ScaleY, 0, ImageHeight);
        return RectangleF.FromLTRB((float)l, (float)t, (float)Math.Max(l, r), (float)Math.Max(t, b));
    }
}

/// <summary>
/// Detector preprocessing: scale the image, keeping its aspect ratio, into the top-left of a
/// [3, height, width] planar float tensor (area-aware bilinear, see <see cref="Resize"/>), normalise each value as
/// (v - mean) x scale and fill the rest with a pad value.
/// </summary>
/// <remarks>Stateless and thread-safe; scratch is rented from <see cref="ArrayPool{T}.Shared"/>, so steady-state calls allocate nothing.</remarks>
public static class Letterbox
{
    /// <summary>Writes the letterboxed, normalised image into <paramref name="tensor"/>.</summary>
    /// <param name="image">The image (any <see cref="PixelFormat"/>; gray is replicated to three channels, alpha dropped).</param>
    /// <param name="tensor">3 x <paramref name="height"/> x <paramref name="width"/> values, channel planes in <paramref name="order"/>.</param>
    /// <param name="width">Input width, at least 1.</param>
    /// <param name="height">Input height, at least 1.</param>
    /// <param name="order">Channel order of the planes.</param>
    /// <param name="mean">Subtracted from each 0..255 value.</param>
    /// <param name="scale">Multiplies each value after the mean is subtracted.</param>
    /// <param name="padValue">Value of the padding (already normalised).</param>
    /// <returns>Where the image landed.</returns>
    /// <exception cref="ArgumentException">The image is a default view or the tensor is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Width or height is below 1.</exception>
    public static LetterboxTransform Prepare(in ImageBuffer image, Span<float> tensor, int width, int height, ChannelOrder order, float mean, float scale, float padValue)
    {
        ImageGuard.NotEmpty(image, nameof(image));
        ImageGuard.Plane(tensor.Length, width, height, 3, nameof(tensor));
        double s = Math.Min((double)width / image.Width, (double)height / image.Height);
        int cw = Math.Clamp((int)Math.Round(image.Width * s), 1, width);
        int ch = Math.Clamp((int)Math.Round(image.Height * s), 1, height);
        int w = image.Width, h = image.Height;
        if (cw == w && ch == h)
        {
            WriteUnscaled(image, tensor, width, height, order, mean, scale, padValue);
            return new LetterboxTransform(w, h, w, h);
        }

        // Separable area-aware bilinear (Resize's kernels) straight from the bytes: a horizontal pass per source row
        // into interleaved floats, then a vertical pass per input row, normalised into the planes.
        int kx = Resize.KernelSize(w, cw), ky = Resize.KernelSize(h, ch);
        float[] wx = ArrayPool<float>.Shared.Rent(cw * kx);
        int[] bx = ArrayPool<int>.Shared.Rent(cw * 2);
        float[] wy = ArrayPool<float>.Shared.Rent(ch * ky);
        int[] by = ArrayPool<int>.Shared.Rent(ch * 2);
        int rowLen = cw * 3;
        float[] tmp = ArrayPool<float>.Shared.Rent(h * rowLen);
        float[] acc = ArrayPool<float>.Shared.Rent(rowLen);
        try
        {
            Resize.ComputeKernel(w, cw, wx, bx, kx);
            Resize.ComputeKernel(h, ch, wy, by, ky);
            (int o0, int o1, int o2) = PlaneOffsets(image.Format, order);
            int bpp = image.Format.BytesPerPixel();
            int firstRow = by[0], lastRow = by[(ch - 1) * 2] + by[((ch - 1) * 2) + 1];
            for (int r = firstRow; r < lastRow; r++)
            {
                ReadOnlySpan<byte> row = image.GetRow(r);
                Span<float> dst = tmp.AsSpan(r * rowLen, rowLen);
                for (int i = 0; i < cw; i++)
                {
                    int start = bx[2 * i], n = bx[(2 * i) + 1];
                    ReadOnlySpan<float> wk = wx.AsSpan(i * kx, n);
                    ReadOnlySpan<byte> px = row.Slice(start * bpp, n * bpp);
                    float s0 = 0, s1 = 0, s2 = 0;
                    for (int k = 0; k < wk.Length; k++)
                    {
                        int o = k * bpp;
                        s0 += wk[k] * px[o + o0];
                        s1 += wk[k] * px[o + o1];
                        s2 += wk[k] * px[o + o2];
                    }

                    dst[3 * i] = s0;
                    dst[(3 * i) + 1] = s1;
                    dst[(3 * i) + 2] = s2;
                }
            }

            int planeSize = width * height;
            Span<float> p0 = tensor.Slice(0, planeSize), p1 = tensor.Slice(planeSize, planeSize), p2 = tensor.Slice(2 * planeSize, planeSize);
            Span<float> a = acc.AsSpan(0, rowLen);
            for (int j = 0; j < ch; j++)
            {
                int start = by[2 * j], n = by[(2 * j) + 1];
                TensorPrimitives.Multiply(tmp.AsSpan(start * rowLen, rowLen), wy[j * ky], a);
                for (int k = 1; k < n; k++)
                {
                    TensorPrimitives.MultiplyAdd(tmp.AsSpan((start + k) * rowLen, rowLen), wy[(j * ky) + k], a, a);
                }

                Span<float> r0 = p0.Slice(j * width, width), r1 = p1.Slice(j * width, width), r2 = p2.Slice(j * width, width);
                for (int x = 0; x < cw; x++)
                {
                    r0[x] = (a[3 * x] - mean) * scale;
                    r1[x] = (a[(3 * x) + 1] - mean) * scale;
                    r2[x] = (a[(3 * x) + 2] - mean) * scale;
                }

                r0.Slice(cw).Fill(padValue);
                r1.Slice(cw).Fill(padValue);
                r2.Slice(cw).Fill(padValue);
            }

            p0.Slice(ch * width).Fill(padValue);
            p1.Slice(ch * width).Fill(padValue);
            p2.Slice(ch * width).Fill(padValue);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(acc);
            ArrayPool<float>.Shared.Return(tmp);
            ArrayPool<int>.Shared.Return(by);
            ArrayPool<float>.Shared.Return(wy);
            ArrayPool<int>.Shared.Return(bx);
            ArrayPool<float>.Shared.Return(wx);
        }

        return new LetterboxTransform(w, h, cw, ch);
    }

    // The image already has the input's size (or fits without scaling): one pass from bytes to normalised planes.
    private static void WriteUnscaled(in ImageBuffer image, Span<float> tensor, int width, int height, ChannelOrder order, float mean, float scale, float padValue)
    {
        int w = image.Width, h = image.Height, bpp = image.Format.BytesPerPixel(), planeSize = width * height;
        (int c0, int c1, int c2) = PlaneOffsets(image.Format, order);
        Span<float> p0 = tensor.Slice(0, planeSize), p1 = tensor.Slice(planeSize, planeSize), p2 = tensor.Slice(2 * planeSize, planeSize);
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> row = image.GetRow(y);
            Span<float> r0 = p0.Slice(y * width, width), r1 = p1.Slice(y * width, width), r2 = p2.Slice(y * width, width);
            for (int x = 0; x < w; x++)
            {
                int o = x * bpp;
                r0[x] = (row[o + c0] - mean) * scale;
                r1[x] = (row[o + c1] - mean) * scale;
                r2[x] = (row[o + c2] - mean) * scale;
            }

            r0.Slice(w).Fill(padValue);
            r1.Slice(w).Fill(padValue);
            r2.Slice(w).Fill(padValue);
        }

        p0.Slice(h * width).Fill(padValue);
        p1.Slice(h * width).Fill(padValue);
        p2.Slice(h * width).Fill(padValue);
    }

    // Byte offsets, within a pixel, of the values that go to planes 0, 1 and 2.
    private static (int P0, int P1, int P2) PlaneOffsets(PixelFormat format, ChannelOrder order)
    {
        if (format == PixelFormat.Gray8)
        {
            return (0, 0, 0);
        }

        bool sourceBgr = format is PixelFormat.Bgr24 or PixelFormat.Bgra32;
        bool swap = sourceBgr != (order == ChannelOrder.Bgr);
        return swap ? (2, 1, 0) : (0, 1, 2);
    }
}
