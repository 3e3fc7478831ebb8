using System.Buffers;
using System.Drawing;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Alignment;

/// <summary>
/// The pain study's face pre-processing: rotate so the eyes are level, crop eyebrows-to-chin and jaw-to-jaw, BT.601
/// gray, resize to 64 x 64 (see <see cref="AlignmentGeometry"/> for the geometry and <see cref="AlignmentSampling"/>
/// for the two resampling conventions; the default matches the pain models' training).
/// </summary>
/// <remarks>
/// Thread-safe: the instance is immutable and scratch buffers are rented per call from <see cref="ArrayPool{T}.Shared"/>,
/// so steady-state calls to the span overload allocate nothing.
/// </remarks>
public sealed class FaceAligner
{
    /// <summary>Creates an aligner.</summary>
    /// <param name="options">Output size and scale; <see langword="null"/> for <see cref="AlignmentOptions.Default"/>.</param>
    public FaceAligner(AlignmentOptions? options = null) => Options = options ?? AlignmentOptions.Default;

    /// <summary>The options.</summary>
    public AlignmentOptions Options { get; }

    /// <summary>Number of values <see cref="Align(in ImageBuffer, ReadOnlySpan{PointF}, Span{float})"/> writes: width x height.</summary>
    public int OutputLength => Options.Width * Options.Height;

    /// <summary>Aligns one face into <paramref name="destination"/> (row after row, <see cref="OutputLength"/> values).</summary>
    /// <param name="image">The frame.</param>
    /// <param name="landmarks">The face's 68 iBUG landmarks in the frame's pixel coordinates.</param>
    /// <param name="destination">At least <see cref="OutputLength"/> values.</param>
    /// <returns>The geometry used.</returns>
    /// <exception cref="ArgumentException">The landmarks are not 68 finite points or give an empty box, the image is a default view, or the destination is too short.</exception>
    public AlignmentGeometry Align(in ImageBuffer image, ReadOnlySpan<PointF> landmarks, Span<float> destination)
    {
        ImageGuard.NotEmpty(image, nameof(image));

        if (destination.Length < OutputLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values but a {Options.Width}x{Options.Height} face needs {OutputLength}.", nameof(destination));
        }

        AlignmentGeometry g = AlignmentGeometry.FromLandmarks(landmarks);
        Span<float> dst = destination.Slice(0, OutputLength);
        if (Options.Sampling == AlignmentSampling.Direct)
        {
            AlignDirect(image, g, dst);
        }
        else
        {
            AlignRotateCropResize(image, g, dst);
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(dst, Options.Scale, dst);
        return g;
    }

    private void AlignDirect(in ImageBuffer image, in AlignmentGeometry g, Span<float> dst)
    {
        int ow = Options.Width, oh = Options.Height, w = image.Width, h = image.Height;
        AffineTransform m = g.OutputToImage(ow, oh);

        // Gray only the part of the image the (clamped) samples and their right/bottom neighbours read.
        (double minX, double minY, double maxX, double maxY) = Bounds(m, ow - 1, oh - 1);
        int x0 = (int)Math.Clamp(Math.Floor(Math.Clamp(minX, 0, w - 1)) - 1, 0, w - 1);
        int x1 = (int)Math.Clamp(Math.Floor(Math.Clamp(maxX, 0, w - 1)) + 2, 1, w);
        int y0 = (int)Math.Clamp(Math.Floor(Math.Clamp(minY, 0, h - 1)) - 1, 0, h - 1);
        int y1 = (int)Math.Clamp(Math.Floor(Math.Clamp(maxY, 0, h - 1)) + 2, 1, h);
        int sw = x1 - x0, sh = y1 - y0;
        float[] grayBuf = ArrayPool<float>.Shared.Rent(sw * sh);
        try
        {
            Span<float> gray = grayBuf.AsSpan(0, sw * sh);
            GrayRows(image, x0, y0, sw, sh, gray);
            for (int v = 0; v < oh; v++)
            {
                Span<float> row = dst.Slice(v * ow, ow);
                for (int u = 0; u < ow; u++)
                {
                    // Sample position clamped to the image (border replicate); taps as training/pain/align.py.
                    double x = Math.Clamp((m.M11 * u) + (m.M12 * v) + m.OffsetX, 0, w - 1);
                    double y = Math.Clamp((m.M21 * u) + (m.M22 * v) + m.OffsetY, 0, h - 1);
                    int xi = w > 1 ? Math.Min((int)x, w - 2) : 0, yi = h > 1 ? Math.Min((int)y, h - 2) : 0;
                    int xj = Math.Min(xi + 1, w - 1), yj = Math.Min(yi + 1, h - 1);
                    double fx = x - xi, fy = y - yi;
                    int r0 = (yi - y0) * sw, r1 = (yj - y0) * sw, c0 = xi - x0, c1 = xj - x0;
                    double top = (gray[r0 + c0] * (1 - fx)) + (gray[r0 + c1] * fx);
                    double bottom = (gray[r1 + c0] * (1 - fx)) + (gray[r1 + c1] * fx);
                    row[u] = (float)((top * (1 - fy)) + (bottom * fy));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(grayBuf);
        }
    }

    private void AlignRotateCropResize(in ImageBuffer image, in AlignmentGeometry g, Span<float> dst)
    {
        (int left, int top, int cw, int ch) = g.PixelCrop;
        AffineTransform cropToImage = g.RotatedToImage.After(AffineTransform.Translation(left, top));

        // Source rectangle that the rotated crop reads (bilinear taps included), clipped to the image.
        (double minX, double minY, double maxX, double maxY) = Bounds(cropToImage, cw - 1, ch - 1);
        int x0 = (int)Math.Clamp(Math.Floor(minX), 0, image.Width - 1), x1 = (int)Math.Clamp(Math.Floor(maxX) + 2, 1, image.Width);
        int y0 = (int)Math.Clamp(Math.Floor(minY), 0, image.Height - 1), y1 = (int)Math.Clamp(Math.Floor(maxY) + 2, 1, image.Height);
        int sw = Math.Max(x1 - x0, 1), sh = Math.Max(y1 - y0, 1);
        bool inside = maxX > -1 && minX < image.Width && maxY > -1 && minY < image.Height;

        float[] gray = ArrayPool<float>.Shared.Rent(sw * sh);
        float[] crop = ArrayPool<float>.Shared.Rent(cw * ch);
        try
        {
            Span<float> crSpan = crop.AsSpan(0, cw * ch);
            if (inside)
            {
                GrayRows(image, x0, y0, sw, sh, gray.AsSpan(0, sw * sh));

                // Crop pixel (u, v) -> image -> gray sub-rectangle (shifted by x0, y0); constant 0 outside.
                AffineTransform toSub = AffineTransform.Translation(-x0, -y0).After(cropToImage);
                Warp.Affine(gray.AsSpan(0, sw * sh), sw, sh, crSpan, cw, ch, toSub);
            }
            else
            {
                crSpan.Clear();
            }

            Resize.Bilinear(crSpan, cw, ch, dst, Options.Width, Options.Height);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(crop);
            ArrayPool<float>.Shared.Return(gray);
        }
    }

    private static void GrayRows(in ImageBuffer image, int x0, int y0, int sw, int sh, Span<float> gray)
    {
        int bpp = image.Format.BytesPerPixel();
        for (int r = 0; r < sh; r++)
        {
            Grayscale.ConvertRow(image.GetRow(y0 + r).Slice(x0 * bpp, sw * bpp), image.Format, gray.Slice(r * sw, sw));
        }
    }

    // Bounding box of the images of the corners (0, 0) and (maxU, maxV) of a grid under m.
    private static (double MinX, double MinY, double MaxX, double MaxY) Bounds(in AffineTransform m, int maxU, int maxV)
    {
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int c = 0; c < 4; c++)
        {
            (double x, double y) = m.Apply((c & 1) == 0 ? 0 : maxU, (c & 2) == 0 ? 0 : maxV);
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }

        return (minX, minY, maxX, maxY);
    }

    /// <summary>Aligns one face into a new image.</summary>
    /// <param name="image">The frame.</param>
    /// <param name="landmarks">The face's 68 iBUG landmarks in the frame's pixel coordinates.</param>
    /// <returns>The aligned face, <see cref="AlignmentOptions.Width"/> x <see cref="AlignmentOptions.Height"/>.</returns>
    /// <exception cref="ArgumentException">The landmarks are not 68 finite points or give an empty box, or the image is a default view.</exception>
    public GrayImage Align(in ImageBuffer image, ReadOnlySpan<PointF> landmarks)
    {
        var result = new GrayImage(Options.Width, Options.Height);
        Align(image, landmarks, result.Pixels);
        return result;
    }
}
