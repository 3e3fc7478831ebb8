using System.Buffers;
using System.Drawing;
using InfantCry.Imaging;

namespace InfantCry.Alignment;

/// <summary>
/// The pain study's face pre-processing: rotate so the eyes are level, crop eyebrows-to-chin and jaw-to-jaw, BT.601
/// gray, resize (see <see cref="AlignmentGeometry"/> for the geometry and <see cref="Resize"/> for the filter).
/// Pixels of the crop that fall outside the image are 0 (black), as in a rotation with a constant border.
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
        if (image.Width < 1 || image.Height < 1)
        {
            throw new ArgumentException("The image is empty (a default ImageBuffer); construct it with its pixels and size.", nameof(image));
        }

        if (destination.Length < OutputLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values but a {Options.Width}x{Options.Height} face needs {OutputLength}.", nameof(destination));
        }

        AlignmentGeometry g = AlignmentGeometry.FromLandmarks(landmarks);
        AffineTransform cropToImage = g.CropToImage;

        // Source rectangle that the rotated crop reads (bilinear taps included), clipped to the image.
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int c = 0; c < 4; c++)
        {
            (double x, double y) = cropToImage.Apply((c & 1) == 0 ? 0 : g.Width - 1, (c & 2) == 0 ? 0 : g.Height - 1);
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }

        int x0 = (int)Math.Clamp(Math.Floor(minX), 0, image.Width - 1), x1 = (int)Math.Clamp(Math.Floor(maxX) + 2, 1, image.Width);
        int y0 = (int)Math.Clamp(Math.Floor(minY), 0, image.Height - 1), y1 = (int)Math.Clamp(Math.Floor(maxY) + 2, 1, image.Height);
        int sw = Math.Max(x1 - x0, 1), sh = Math.Max(y1 - y0, 1);
        bool inside = maxX > -1 && minX < image.Width && maxY > -1 && minY < image.Height;

        float[] gray = ArrayPool<float>.Shared.Rent(sw * sh);
        float[] crop = ArrayPool<float>.Shared.Rent(g.Width * g.Height);
        try
        {
            Span<float> crSpan = crop.AsSpan(0, g.Width * g.Height);
            if (inside)
            {
                int bpp = image.Format.BytesPerPixel();
                for (int r = 0; r < sh; r++)
                {
                    Grayscale.ConvertRow(image.GetRow(y0 + r).Slice(x0 * bpp, sw * bpp), image.Format, gray.AsSpan(r * sw, sw));
                }

                // Crop pixel (u, v) -> image -> gray sub-rectangle (shifted by x0, y0).
                AffineTransform toSub = AffineTransform.Translation(-x0, -y0).After(cropToImage);
                Warp.Affine(gray.AsSpan(0, sw * sh), sw, sh, crSpan, g.Width, g.Height, toSub);
            }
            else
            {
                crSpan.Clear();
            }

            Span<float> dst = destination.Slice(0, OutputLength);
            Resize.Bilinear(crSpan, g.Width, g.Height, dst, Options.Width, Options.Height);
            System.Numerics.Tensors.TensorPrimitives.Multiply(dst, Options.Scale, dst);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(crop);
            ArrayPool<float>.Shared.Return(gray);
        }

        return g;
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
