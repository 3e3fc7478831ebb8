using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfantCry.Vision.Quality;

/// <summary>
/// Structural similarity (SSIM, Wang et al. 2004) of two single-channel float images of a fixed size, with a
/// separable Gaussian window (see <see cref="SsimOptions"/> for the formula and border conventions); the five filtered statistics are computed together in fused Vector256 kernels, with a scalar fallback that gives identical bits. The window and
/// all scratch memory are allocated once in the constructor: <see cref="Compute(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
/// allocates nothing. Filtering and the SSIM formula run in float64, so results match a float64 reference to ~1e-12.
/// </summary>
/// <remarks>
/// Not thread-safe: an instance owns its scratch rows; use one instance per thread. The static
/// <see cref="Mean(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, SsimOptions?)"/> builds a temporary instance.
/// </remarks>
public sealed class Ssim
{
    private readonly SsimOptions _options;
    private readonly double[] _window;
    private readonly int _radius;
    private readonly int _paddedWidth;
    private readonly int _rowOffset;
    private readonly double _c1;
    private readonly double _c2;

    // The 5 statistics (x, y, x^2, y^2, xy) of one input row, statistic after statistic, each _paddedWidth long
    // (zero-padded when the border is ZeroPadded).
    private readonly double[] _rows;

    // Ring of horizontally filtered rows: statistic q, slot s (one slot per window row) at ((q * ws) + s) * MapWidth.
    private readonly double[] _ring;

    /// <summary>Prepares SSIM for images of <paramref name="width"/> x <paramref name="height"/>.</summary>
    /// <param name="width">Image width, at least 1 (at least the window size for <see cref="SsimBorder.Valid"/>).</param>
    /// <param name="height">Image height, at least 1 (at least the window size for <see cref="SsimBorder.Valid"/>).</param>
    /// <param name="options">Parameters; <see langword="null"/> for <see cref="SsimOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The image is empty, or smaller than the window with <see cref="SsimBorder.Valid"/>.</exception>
    public Ssim(int width, int height, SsimOptions? options = null)
    {
        _options = options ?? SsimOptions.Default;
        int ws = _options.WindowSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (_options.Border == SsimBorder.Valid && (width < ws || height < ws))
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}x{height} image is smaller than the {ws}x{ws} SSIM window; valid-mode SSIM needs at least {ws}x{ws} (or use SsimBorder.ZeroPadded).");
        }

        Width = width;
        Height = height;
        _radius = ws / 2;
        bool padded = _options.Border == SsimBorder.ZeroPadded;
        MapWidth = padded ? width : width - ws + 1;
        MapHeight = padded ? height : height - ws + 1;
        _paddedWidth = padded ? width + (2 * _radius) : width;
        _rowOffset = padded ? _radius : 0;
        _window = GaussianWindow(ws, _options.Sigma);
        _c1 = Math.Pow(_options.K1 * _options.DynamicRange, 2);
        _c2 = Math.Pow(_options.K2 * _options.DynamicRange, 2);
        _rows = new double[5 * _paddedWidth];
        _ring = new double[5 * ws * MapWidth];
    }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Width of the SSIM map: <see cref="Width"/> for <see cref="SsimBorder.ZeroPadded"/>, Width - window + 1 for <see cref="SsimBorder.Valid"/>.</summary>
    public int MapWidth { get; }

    /// <summary>Height of the SSIM map (see <see cref="MapWidth"/>).</summary>
    public int MapHeight { get; }

    /// <summary>The parameters.</summary>
    public SsimOptions Options => _options;

    /// <summary>The normalised 1-D Gaussian window (sums to 1); the 2-D window is its outer product.</summary>
    public ReadOnlySpan<double> Window => _window;

    /// <summary>Mean SSIM of two images.</summary>
    /// <param name="x">First image, exactly width x height values, row after row.</param>
    /// <param name="y">Second image, same size.</param>
    /// <returns>The mean of the SSIM map.</returns>
    /// <exception cref="ArgumentException">An image does not have width x height values.</exception>
    public double Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Run(x, y, Span<float>.Empty, writeMap: false);

    /// <summary>Mean SSIM and the SSIM map.</summary>
    /// <param name="x">First image, exactly width x height values, row after row.</param>
    /// <param name="y">Second image, same size.</param>
    /// <param name="map">Receives <see cref="MapWidth"/> x <see cref="MapHeight"/> values, row after row.</param>
    /// <returns>The mean of the map.</returns>
    /// <exception cref="ArgumentException">An image does not have width x height values, or the map is too short.</exception>
    public double Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> map)
    {
        if (map.Length < MapWidth * MapHeight)
        {
            throw new ArgumentException($"The SSIM map needs {MapWidth}x{MapHeight} = {MapWidth * MapHeight} values but the span holds {map.Length}.", nameof(map));
        }

        return Run(x, y, map, writeMap: true);
    }

    /// <summary>Mean SSIM of two images with a temporary instance (allocates; reuse an <see cref="Ssim"/> in loops).</summary>
    /// <param name="x">First image.</param>
    /// <param name="y">Second image.</param>
    /// <param name="width">Width of both.</param>
    /// <param name="height">Height of both.</param>
    /// <param name="options">Parameters; <see langword="null"/> for <see cref="SsimOptions.Default"/>.</param>
    /// <returns>The mean SSIM.</returns>
    /// <exception cref="ArgumentException">An image does not have width x height values.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The size is empty or too small for the window.</exception>
    public static double Mean(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int width, int height, SsimOptions? options = null) =>
        new Ssim(width, height, options).Compute(x, y);

    private double Run(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> map, bool writeMap)
    {
        int n = Width * Height;
        if (x.Length != n)
        {
            throw new ArgumentException($"Image x has {x.Length} values but a {Width}x{Height} image has {n}.", nameof(x));
        }

        if (y.Length != n)
        {
            throw new ArgumentException($"Image y has {y.Length} values but a {Width}x{Height} image has {n}.", nameof(y));
        }

        int ws = _window.Length;
        int filtered = 0; // input rows filtered into the ring so far
        double sum = 0;
        bool vectors = Vector256.IsHardwareAccelerated && !ForceScalar;
        for (int j = 0; j < MapHeight; j++)
        {
            int top = j - _rowOffset; // input row under window tap 0
            int lo = Math.Max(top, 0);
            int hi = Math.Min(top + ws, Height);
            for (; filtered < hi; filtered++)
            {
                LoadRow(x.Slice(filtered * Width, Width), y.Slice(filtered * Width, Width));
                int done = vectors ? HorizontalVector256(filtered % ws) : 0;
                HorizontalScalar(filtered % ws, done);
            }

            Span<float> mapRow = writeMap ? map.Slice(j * MapWidth, MapWidth) : Span<float>.Empty;
            double rowSum = 0;
            int doneV = vectors ? VerticalVector256(top, lo, hi, mapRow, ref rowSum) : 0;
            sum += VerticalScalar(top, lo, hi, mapRow, doneV, rowSum);
        }

        return sum / ((double)MapWidth * MapHeight);
    }

    /// <summary>Forces the scalar kernels (tests compare them with the vector kernels).</summary>
    internal bool ForceScalar { get; set; }

    // Row q of the five statistics (x, y, x^2, y^2, xy) of the current input row, zero-padded when the border is.
    private Span<double> Row(int q) => _rows.AsSpan(q * _paddedWidth, _paddedWidth);

    // Horizontally filtered row of statistic q in ring slot s.
    private int RingOffset(int q, int slot) => ((q * _window.Length) + slot) * MapWidth;

    private void LoadRow(ReadOnlySpan<float> xr, ReadOnlySpan<float> yr)
    {
        int pad = (_paddedWidth - Width) / 2;
        Span<double> rx = Row(0).Slice(pad, Width), ry = Row(1).Slice(pad, Width), rxx = Row(2).Slice(pad, Width), ryy = Row(3).Slice(pad, Width), rxy = Row(4).Slice(pad, Width);
        for (int i = 0; i < rx.Length; i++)
        {
            double a = xr[i], b = yr[i];
            rx[i] = a;
            ry[i] = b;
            rxx[i] = a * a;
            ryy[i] = b * b;
            rxy[i] = a * b;
        }
    }

    // Horizontal pass, all five statistics at once, four outputs per step. Same operation order as the scalar
    // pass (acc = 0; acc += w[k] * v[i + k] for k = 0..ws-1), so both give identical bits.
    private int HorizontalVector256(int slot)
    {
        int mw = MapWidth, pw = _paddedWidth, ws = _window.Length;
        ref double rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref double ring = ref MemoryMarshal.GetArrayDataReference(_ring);
        ref double w = ref MemoryMarshal.GetArrayDataReference(_window);
        int i = 0;
        for (; i + 4 <= mw; i += 4)
        {
            Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0;
            for (int k = 0; k < ws; k++)
            {
                var wk = Vector256.Create(Unsafe.Add(ref w, k));
                nuint o = (nuint)(i + k);
                a0 += wk * Vector256.LoadUnsafe(ref rows, o);
                a1 += wk * Vector256.LoadUnsafe(ref rows, o + (nuint)pw);
                a2 += wk * Vector256.LoadUnsafe(ref rows, o + (nuint)(2 * pw));
                a3 += wk * Vector256.LoadUnsafe(ref rows, o + (nuint)(3 * pw));
                a4 += wk * Vector256.LoadUnsafe(ref rows, o + (nuint)(4 * pw));
            }

            a0.StoreUnsafe(ref ring, (nuint)(RingOffset(0, slot) + i));
            a1.StoreUnsafe(ref ring, (nuint)(RingOffset(1, slot) + i));
            a2.StoreUnsafe(ref ring, (nuint)(RingOffset(2, slot) + i));
            a3.StoreUnsafe(ref ring, (nuint)(RingOffset(3, slot) + i));
            a4.StoreUnsafe(ref ring, (nuint)(RingOffset(4, slot) + i));
        }

        return i;
    }

    private void HorizontalScalar(int slot, int start)
    {
        int ws = _window.Length;
        for (int q = 0; q < 5; q++)
        {
            ReadOnlySpan<double> src = Row(q);
            Span<double> dst = _ring.AsSpan(RingOffset(q, slot), MapWidth);
            for (int i = start; i < MapWidth; i++)
            {
                double acc = 0;
                for (int k = 0; k < ws; k++)
                {
                    acc += _window[k] * src[i + k];
                }

                dst[i] = acc;
            }
        }
    }

    // Vertical pass fused with the SSIM formula, four outputs per step; adds the SSIM values to rowSum.
    private int VerticalVector256(int top, int lo, int hi, Span<float> mapRow, ref double rowSum)
    {
        int ws = _window.Length;
        ref double ring = ref MemoryMarshal.GetArrayDataReference(_ring);
        var c1 = Vector256.Create(_c1);
        var c2 = Vector256.Create(_c2);
        var two = Vector256.Create(2.0);
        Vector256<double> sum = Vector256<double>.Zero;
        Span<double> lanes = stackalloc double[4];
        int i = 0;
        for (; i + 4 <= MapWidth; i += 4)
        {
            Vector256<double> mx = Vector256<double>.Zero, my = mx, exx = mx, eyy = mx, exy = mx;
            for (int r = lo; r < hi; r++)
            {
                var wr = Vector256.Create(_window[r - top]);
                int slot = r % ws;
                mx += wr * Vector256.LoadUnsafe(ref ring, (nuint)(RingOffset(0, slot) + i));
                my += wr * Vector256.LoadUnsafe(ref ring, (nuint)(RingOffset(1, slot) + i));
                exx += wr * Vector256.LoadUnsafe(ref ring, (nuint)(RingOffset(2, slot) + i));
                eyy += wr * Vector256.LoadUnsafe(ref ring, (nuint)(RingOffset(3, slot) + i));
                exy += wr * Vector256.LoadUnsafe(ref ring, (nuint)(RingOffset(4, slot) + i));
            }

            Vector256<double> uxy = mx * my, uxx = mx * mx, uyy = my * my;
            Vector256<double> s = (((two * uxy) + c1) * ((two * (exy - uxy)) + c2)) / ((uxx + uyy + c1) * ((exx - uxx) + (eyy - uyy) + c2));
            sum += s;
            if (!mapRow.IsEmpty)
            {
                s.CopyTo(lanes);
                for (int l = 0; l < 4; l++)
                {
                    mapRow[i + l] = (float)lanes[l];
                }
            }
        }

        AddLanes(sum, ref rowSum);
        return i;

        static void AddLanes(Vector256<double> v, ref double total) => total += (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));
    }

    private double VerticalScalar(int top, int lo, int hi, Span<float> mapRow, int start, double rowSum)
    {
        int ws = _window.Length;
        double c1 = _c1, c2 = _c2;
        for (int i = start; i < MapWidth; i++)
        {
            double mx = 0, my = 0, exx = 0, eyy = 0, exy = 0;
            for (int r = lo; r < hi; r++)
            {
                double wr = _window[r - top];
                int slot = r % ws;
                mx += wr * _ring[RingOffset(0, slot) + i];
                my += wr * _ring[RingOffset(1, slot) + i];
                exx += wr * _ring[RingOffset(2, slot) + i];
                eyy += wr * _ring[RingOffset(3, slot) + i];
                exy += wr * _ring[RingOffset(4, slot) + i];
            }

            double uxy = mx * my, uxx = mx * mx, uyy = my * my;
            double s = (((2 * uxy) + c1) * ((2 * (exy - uxy)) + c2)) / ((uxx + uyy + c1) * ((exx - uxx) + (eyy - uyy) + c2));
            rowSum += s;
            if (!mapRow.IsEmpty)
            {
                mapRow[i] = (float)s;
            }
        }

        return rowSum;
    }

    private static double[] GaussianWindow(int size, double sigma)
    {
        var w = new double[size];
        int r = size / 2;
        double total = 0;
        for (int i = 0; i < size; i++)
        {
            w[i] = Math.Exp(-((double)(i - r) * (i - r)) / (2 * sigma * sigma));
            total += w[i];
        }

        for (int i = 0; i < size; i++)
        {
            w[i] /= total;
        }

        return w;
    }
}
