using System.Numerics.Tensors;

namespace InfantCry.Quality;

/// <summary>
/// Structural similarity (SSIM, Wang et al. 2004) of two single-channel float images of a fixed size, with a
/// separable Gaussian window (see <see cref="SsimOptions"/> for the formula and border conventions). The window and
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

    // Input rows (zero-padded when the border is ZeroPadded) and their 5 statistics: x, y, x^2, y^2, xy.
    private readonly double[][] _rows = new double[5][];

    // Ring of horizontally filtered rows, one slot per window row, for each statistic.
    private readonly double[][] _ring = new double[5][];

    // Vertically accumulated means for one output row.
    private readonly double[][] _acc = new double[5][];

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
        for (int q = 0; q < 5; q++)
        {
            _rows[q] = new double[_paddedWidth];
            _ring[q] = new double[ws * MapWidth];
            _acc[q] = new double[MapWidth];
        }
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
        for (int j = 0; j < MapHeight; j++)
        {
            int top = j - _rowOffset; // input row under window tap 0
            int lo = Math.Max(top, 0);
            int hi = Math.Min(top + ws, Height);
            for (; filtered < hi; filtered++)
            {
                FilterRow(x.Slice(filtered * Width, Width), y.Slice(filtered * Width, Width), filtered % ws);
            }

            for (int q = 0; q < 5; q++)
            {
                Span<double> acc = _acc[q];
                acc.Clear();
                for (int r = lo; r < hi; r++)
                {
                    TensorPrimitives.MultiplyAdd(_ring[q].AsSpan((r % ws) * MapWidth, MapWidth), _window[r - top], acc, acc);
                }
            }

            sum += CombineRow(writeMap ? map.Slice(j * MapWidth, MapWidth) : Span<float>.Empty);
        }

        return sum / ((double)MapWidth * MapHeight);
    }

    private void FilterRow(ReadOnlySpan<float> xr, ReadOnlySpan<float> yr, int slot)
    {
        int pad = (_paddedWidth - Width) / 2;
        double[] rx = _rows[0], ry = _rows[1], rxx = _rows[2], ryy = _rows[3], rxy = _rows[4];
        for (int i = 0; i < Width; i++)
        {
            double a = xr[i], b = yr[i];
            int p = i + pad;
            rx[p] = a;
            ry[p] = b;
            rxx[p] = a * a;
            ryy[p] = b * b;
            rxy[p] = a * b;
        }

        for (int q = 0; q < 5; q++)
        {
            Span<double> dst = _ring[q].AsSpan(slot * MapWidth, MapWidth);
            ReadOnlySpan<double> src = _rows[q];
            TensorPrimitives.Multiply(src.Slice(0, MapWidth), _window[0], dst);
            for (int k = 1; k < _window.Length; k++)
            {
                TensorPrimitives.MultiplyAdd(src.Slice(k, MapWidth), _window[k], dst, dst);
            }
        }
    }

    private double CombineRow(Span<float> mapRow)
    {
        double[] mx = _acc[0], my = _acc[1], exx = _acc[2], eyy = _acc[3], exy = _acc[4];
        double c1 = _c1, c2 = _c2, sum = 0;
        for (int i = 0; i < MapWidth; i++)
        {
            double ux = mx[i], uy = my[i];
            double uxy = ux * uy, uxx = ux * ux, uyy = uy * uy;
            double s = (((2 * uxy) + c1) * ((2 * (exy[i] - uxy)) + c2)) / ((uxx + uyy + c1) * ((exx[i] - uxx) + (eyy[i] - uyy) + c2));
            sum += s;
            if (!mapRow.IsEmpty)
            {
                mapRow[i] = (float)s;
            }
        }

        return sum;
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
