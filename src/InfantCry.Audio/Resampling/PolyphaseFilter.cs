using System.Collections.Concurrent;

namespace InfantCry.Audio.Resampling;

/// <summary>
/// The precomputed phases of a Kaiser-windowed sinc for one rate pair, in one contiguous table.
/// </summary>
/// <remarks>
/// <para>Output sample n sits at input time t = n M / L (L/M = to/from in lowest terms), so t = q + p / L with
/// q = floor(n M / L) and phase p = n M mod L. Row p of <see cref="Coefficients"/> holds the
/// <see cref="TapsPerPhase"/> = 2H + 1 weights g(p / L + H - j), j = 0..2H, applied to input samples q - H + j:
/// the output is centred on t with no delay. g is the windowed sinc in input-sample units:
/// g(tau) = r sinc(r tau) I0(beta sqrt(1 - (tau/H)^2)) / I0(beta), |tau| &lt;= H, with r = 2 fc / from (unit DC gain).</para>
/// <para>Design (shared with training/infantcry_ref/resample.py): lower Nyquist N = min(from, to)/2; passband edge
/// fp and stopband edge fs are fractions of N; fc = (fp + fs)/2; for A = attenuation + 6 dB margin,
/// beta = 0.1102 (A - 8.7) and 2H = ceil((A - 7.95) / (14.36 (fs - fp) / from)) rounded up to even.</para>
/// <para>Tables are immutable and shared between resamplers with the same rates and options (thread-safe).</para>
/// </remarks>
internal sealed class PolyphaseFilter
{
    /// <summary>Extra attenuation the Kaiser formulas are designed for, so the measured attenuation meets the request.</summary>
    internal const double DesignMarginDb = 6.0;

    private static readonly ConcurrentDictionary<(int From, int To, double A, double Pass, double Stop), PolyphaseFilter> Cache = new();

    private PolyphaseFilter(int fromRate, int toRate, ResamplerOptions options)
    {
        int g = Gcd(fromRate, toRate);
        Up = toRate / g;
        Down = fromRate / g;
        double nyquist = Math.Min(fromRate, toRate) / 2.0;
        double passHz = options.PassbandEdge * nyquist;
        double stopHz = options.StopbandEdge * nyquist;
        CutoffHz = 0.5 * (passHz + stopHz);
        double a = options.StopbandAttenuationDb + DesignMarginDb;
        Beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? (0.5842 * Math.Pow(a - 21, 0.4)) + (0.07886 * (a - 21)) : 0.0;
        double width = (stopHz - passHz) / fromRate;
        HalfWidth = (int)Math.Ceiling((a - 7.95) / (14.36 * width) / 2.0);
        TapsPerPhase = (2 * HalfWidth) + 1;
        Coefficients = new float[checked(Up * TapsPerPhase)];

        double r = 2.0 * CutoffHz / fromRate;
        double i0Beta = BesselI0(Beta);
        for (int p = 0; p < Up; p++)
        {
            Span<float> row = Coefficients.AsSpan(p * TapsPerPhase, TapsPerPhase);
            for (int j = 0; j < TapsPerPhase; j++)
            {
                row[j] = (float)Kernel(((double)p / Up) + HalfWidth - j, r, HalfWidth, Beta, i0Beta);
            }
        }
    }

    /// <summary>Interpolation factor L (output rate / gcd).</summary>
    public int Up { get; }

    /// <summary>Decimation factor M (input rate / gcd).</summary>
    public int Down { get; }

    /// <summary>H: the filter spans input samples q - H .. q + H around each output time.</summary>
    public int HalfWidth { get; }

    /// <summary>2H + 1 weights per phase.</summary>
    public int TapsPerPhase { get; }

    /// <summary>Kaiser beta.</summary>
    public double Beta { get; }

    /// <summary>Cut-off (-6 dB point) in Hz.</summary>
    public double CutoffHz { get; }

    /// <summary>L rows of <see cref="TapsPerPhase"/> weights, row p for phase p / L.</summary>
    public float[] Coefficients { get; }

    /// <summary>Returns the shared table for a rate pair, building it on first use.</summary>
    public static PolyphaseFilter Get(int fromRate, int toRate, ResamplerOptions options) =>
        Cache.GetOrAdd((fromRate, toRate, options.StopbandAttenuationDb, options.PassbandEdge, options.StopbandEdge),
            static (key, o) => new PolyphaseFilter(key.From, key.To, o), options);

    /// <summary>The windowed sinc g(tau) in input-sample units.</summary>
    internal static double Kernel(double tau, double r, int halfWidth, double beta, double i0Beta)
    {
        if (Math.Abs(tau) > halfWidth)
        {
            return 0.0;
        }

        double x = tau / halfWidth;
        double window = BesselI0(beta * Math.Sqrt(Math.Max(0.0, 1.0 - (x * x)))) / i0Beta;
        double arg = Math.PI * r * tau;
        double sinc = Math.Abs(arg) < 1e-12 ? 1.0 : Math.Sin(arg) / arg;
        return r * sinc * window;
    }

    /// <summary>Modified Bessel function of the first kind, order 0, by its power series (converges for all x).</summary>
    internal static double BesselI0(double x)
    {
        double sum = 1.0, term = 1.0, q = x * x / 4.0;
        for (int k = 1; k < 500; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    internal static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
