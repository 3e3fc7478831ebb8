using System.Buffers;
using System.Numerics.Tensors;

namespace InfantCry.Vision.Imaging;

/// <summary>
/// Separable bilinear resizing of tightly packed float planes with interleaved channels. Sample positions use
/// half-pixel centres (destination pixel i covers source x = (i + 0.5) * scale - 0.5). When shrinking, the triangle
/// filter is widened by the scale factor so every source pixel contributes (area-aware, like Pillow's BILINEAR
/// filter, no aliasing); when enlarging it is plain bilinear interpolation. Taps outside the image are dropped and
/// the remaining weights renormalised (edge pixels are effectively clamped).
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Filter tables and the intermediate buffer are rented from <see cref="ArrayPool{T}.Shared"/>
/// per call, so a steady stream of calls allocates nothing. The vertical pass runs on whole rows with
/// <see cref="TensorPrimitives"/> (SIMD).
/// </remarks>
public static class Resize
{
    /// <summary>Resizes <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="source">Source plane, width x height x channels values.</param>
    /// <param name="sourceWidth">Source width, at least 1.</param>
    /// <param name="sourceHeight">Source height, at least 1.</param>
    /// <param name="destination">Destination plane, at least width x height x channels values; must not overlap the source.</param>
    /// <param name="destinationWidth">Destination width, at least 1.</param>
    /// <param name="destinationHeight">Destination height, at least 1.</param>
    /// <param name="channels">Interleaved channels per pixel, 1 to 4 (default 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or the channel count is outside 1..4.</exception>
    /// <exception cref="ArgumentException">A plane is shorter than its size needs, or the planes overlap.</exception>
    public static void Bilinear(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight,
        Span<float> destination, int destinationWidth, int destinationHeight, int channels = 1)
    {
        ImageGuard.Channels(channels, nameof(channels));
        ImageGuard.Plane(source.Length, sourceWidth, sourceHeight, channels, nameof(source));
        ImageGuard.Plane(destination.Length, destinationWidth, destinationHeight, channels, nameof(destination));
        if (source.Overlaps(destination))
        {
            throw new ArgumentException("Resize cannot run in place: the source and destination planes overlap.", nameof(destination));
        }

        int kx = KernelSize(sourceWidth, destinationWidth);
        int ky = KernelSize(sourceHeight, destinationHeight);
        float[] wx = ArrayPool<float>.Shared.Rent(destinationWidth * kx);
        int[] bx = ArrayPool<int>.Shared.Rent(destinationWidth * 2);
        float[] wy = ArrayPool<float>.Shared.Rent(destinationHeight * ky);
        int[] by = ArrayPool<int>.Shared.Rent(destinationHeight * 2);
        int tmpRow = destinationWidth * channels;
        float[] tmp = ArrayPool<float>.Shared.Rent(sourceHeight * tmpRow);
        try
        {
            ComputeKernel(sourceWidth, destinationWidth, wx, bx, kx);
            ComputeKernel(sourceHeight, destinationHeight, wy, by, ky);

            // Horizontal pass: every source row that some destination row uses.
            int firstRow = by[0];
            int lastRow = by[((destinationHeight - 1) * 2)] + by[((destinationHeight - 1) * 2) + 1];
            int srcRowLen = sourceWidth * channels;
            for (int r = firstRow; r < lastRow; r++)
            {
                ReadOnlySpan<float> src = source.Slice(r * srcRowLen, srcRowLen);
                Span<float> dst = tmp.AsSpan(r * tmpRow, tmpRow);
                for (int i = 0; i < destinationWidth; i++)
                {
                    int start = bx[2 * i], n = bx[(2 * i) + 1];
                    ReadOnlySpan<float> w = wx.AsSpan(i * kx, n);
                    if (channels == 1)
                    {
                        dst[i] = TensorPrimitives.Dot(w, src.Slice(start, n));
                        continue;
                    }

                    if (channels == 3)
                    {
                        // Interleaved RGB: one pass over the taps for the three channels.
                        float s0 = 0, s1 = 0, s2 = 0;
                        ReadOnlySpan<float> px = src.Slice(start * 3, n * 3);
                        for (int k = 0; k < n; k++)
                        {
                            float wk = w[k];
                            s0 += wk * px[3 * k];
                            s1 += wk * px[(3 * k) + 1];
                            s2 += wk * px[(3 * k) + 2];
                        }

                        dst[3 * i] = s0;
                        dst[(3 * i) + 1] = s1;
                        dst[(3 * i) + 2] = s2;
                        continue;
                    }

                    for (int c = 0; c < channels; c++)
                    {
                        float sum = 0;
                        for (int k = 0; k < n; k++)
                        {
                            sum += w[k] * src[((start + k) * channels) + c];
                        }

                        dst[(i * channels) + c] = sum;
                    }
                }
            }

            // Vertical pass over whole rows.
            for (int j = 0; j < destinationHeight; j++)
            {
                int start = by[2 * j], n = by[(2 * j) + 1];
                Span<float> dst = destination.Slice(j * tmpRow, tmpRow);
                TensorPrimitives.Multiply(tmp.AsSpan(start * tmpRow, tmpRow), wy[j * ky], dst);
                for (int k = 1; k < n; k++)
                {
                    TensorPrimitives.MultiplyAdd(tmp.AsSpan((start + k) * tmpRow, tmpRow), wy[(j * ky) + k], dst, dst);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tmp);
            ArrayPool<int>.Shared.Return(by);
            ArrayPool<float>.Shared.Return(wy);
            ArrayPool<int>.Shared.Return(bx);
            ArrayPool<float>.Shared.Return(wx);
        }
    }

    /// <summary>Resizes a gray image into a new image.</summary>
    /// <param name="source">The image.</param>
    /// <param name="width">New width, at least 1.</param>
    /// <param name="height">New height, at least 1.</param>
    /// <returns>The resized image.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public static GrayImage Bilinear(GrayImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new GrayImage(width, height);
        Bilinear(source.Pixels, source.Width, source.Height, result.Pixels, width, height);
        return result;
    }

    /// <summary>Taps per output sample: the triangle's support is max(scale, 1) on each side.</summary>
    internal static int KernelSize(int inSize, int outSize)
    {
        double support = Math.Max((double)inSize / outSize, 1.0);
        return ((int)Math.Ceiling(support) * 2) + 1;
    }

    /// <summary>For each output sample: first input index, tap count, and normalised triangle weights (Pillow's scheme).</summary>
    internal static void ComputeKernel(int inSize, int outSize, Span<float> weights, Span<int> bounds, int kernelSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale;
        Span<double> w = stackalloc double[kernelSize];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int max = Math.Min((int)(center + support + 0.5), inSize);
            int n = Math.Min(max - min, kernelSize);
            double total = 0;
            for (int k = 0; k < n; k++)
            {
                double t = Math.Abs((k + min - center + 0.5) / filterScale);
                w[k] = t < 1 ? 1 - t : 0;
                total += w[k];
            }

            for (int k = 0; k < n; k++)
            {
                weights[(i * kernelSize) + k] = (float)(total > 0 ? w[k] / total : 0);
            }

            bounds[2 * i] = min;
            bounds[(2 * i) + 1] = n;
        }
    }
}
