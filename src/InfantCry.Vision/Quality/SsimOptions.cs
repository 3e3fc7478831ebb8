namespace InfantCry.Vision.Quality;

/// <summary>How SSIM treats the image border, where the Gaussian window does not fit.</summary>
public enum SsimBorder
{
    /// <summary>
    /// Only positions where the whole window lies inside the image: the map is (W - window + 1) x (H - window + 1).
    /// Wang et al.'s reference (<c>filter2(..., 'valid')</c>), <c>tf.image.ssim</c> and <c>pytorch_msssim</c> do this.
    /// </summary>
    Valid = 0,

    /// <summary>
    /// Same-size map; the image is padded with zeros (the window is not renormalised), as the widely copied
    /// <c>pytorch_ssim</c> loss does with <c>conv2d(..., padding=window // 2)</c>.
    /// </summary>
    ZeroPadded = 1,
}

/// <summary>
/// Parameters of SSIM: SSIM(x, y) = ((2 mx my + C1)(2 sxy + C2)) / ((mx^2 + my^2 + C1)(sxx + syy + C2)),
/// C1 = (K1 L)^2, C2 = (K2 L)^2, with means and (biased) variances weighted by a normalised Gaussian window.
/// </summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class SsimOptions
{
    private readonly int _windowSize = 11;
    private readonly double _sigma = 1.5;
    private readonly double _k1 = 0.01;
    private readonly double _k2 = 0.03;
    private readonly double _dynamicRange = 1.0;
    private readonly SsimBorder _border = SsimBorder.Valid;

    /// <summary>The study's settings: window 11, sigma 1.5, K1 0.01, K2 0.03, L 1 (images scaled to 0..1), <see cref="SsimBorder.Valid"/>.</summary>
    public static SsimOptions Default { get; } = new();

    /// <summary>Side of the square Gaussian window in pixels, odd, 1..63. Default 11.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is even or outside 1..63.</exception>
    public int WindowSize
    {
        get => _windowSize;
        init => _windowSize = value is >= 1 and <= 63 && (value & 1) == 1 ? value : throw new ArgumentOutOfRangeException(nameof(WindowSize), value, "The SSIM window must be an odd size from 1 to 63.");
    }

    /// <summary>Standard deviation of the Gaussian window in pixels, &gt; 0. Default 1.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive finite number.</exception>
    public double Sigma
    {
        get => _sigma;
        init => _sigma = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Sigma), value, "Sigma must be a positive finite number.");
    }

    /// <summary>Luminance stabiliser constant K1, &gt; 0. Default 0.01.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive finite number.</exception>
    public double K1
    {
        get => _k1;
        init => _k1 = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(K1), value, "K1 must be a positive finite number.");
    }

    /// <summary>Contrast stabiliser constant K2, &gt; 0. Default 0.03.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive finite number.</exception>
    public double K2
    {
        get => _k2;
        init => _k2 = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(K2), value, "K2 must be a positive finite number.");
    }

    /// <summary>Dynamic range L of the pixel values: 1 for images scaled to 0..1, 255 for raw 8-bit values. Default 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive finite number.</exception>
    public double DynamicRange
    {
        get => _dynamicRange;
        init => _dynamicRange = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(DynamicRange), value, "The dynamic range must be a positive finite number.");
    }

    /// <summary>Border handling. Default <see cref="SsimBorder.Valid"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="SsimBorder"/>.</exception>
    public SsimBorder Border
    {
        get => _border;
        init => _border = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Border), value, "Unknown SSIM border mode.");
    }
}
