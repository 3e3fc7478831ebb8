using InfantCry.Audio.Resampling;

namespace InfantCry.Audio.Tests.Resampling;

/// <summary>The quality targets, measured from the filter tables and from resampled sines and sweeps.</summary>
public class ResamplerQualityTests
{
    // The targets for the default options.
    private const double RequiredStopbandDb = 120.0;
    private const double MaxPassbandDeviationDb = 0.01;
    private const double PassbandFraction = 0.9;

    // Resampled sines are computed in float32: each output is a K-term dot product (K = 2H + 1, 167 to ~2000 taps) of
    // float inputs and float weights. Rounding noise is about sqrt(K) * 2^-24 relative to the signal (-144 dB + 11..17 dB
    // = -133..-127 dB), plus the >= 120 dB-down images. A residual (everything that is not the fitted sine) below
    // -110 dB therefore leaves a 10 dB margin for the float floor; the stopband itself is checked exactly above.
    private const double MaxSineResidualDb = -110.0;

    // A linear sweep is not strictly band-limited (its spectrum leaks slightly beyond its end frequencies) and its analytic
    // target is compared sample by sample, so the float floor above and the ripple apply: 100 dB SNR.
    private const double MinSweepSnrDb = 100.0;

    private static readonly int[] Rates = [8000, 11025, 16000, 22050, 32000, 44100, 48000, 96000];

    public static IEnumerable<TestCaseData> RatePairs()
    {
        foreach (int from in Rates)
        {
            foreach (int to in Rates)
            {
                if (from != to)
                {
                    yield return new TestCaseData(from, to).SetName($"{{m}}({from}->{to})");
                }
            }
        }
    }

    [TestCaseSource(nameof(RatePairs))]
    public void Filter_table_meets_stopband_and_passband_targets(int from, int to)
    {
        var resampler = new PolyphaseResampler(from, to);
        var filter = PolyphaseFilter.Get(from, to, ResamplerOptions.Default);
        int up = filter.Up, taps = filter.TapsPerPhase, h = filter.HalfWidth;

        // Re-interleave the phases into the prototype filter at L x the input rate: row p, tap j sits at p + (2H - j) L.
        int length = taps * up;
        int n = 1;
        while (n < 4 * length)   // 4x zero-padding: frequency samples 4x denser than the filter's main lobe
        {
            n <<= 1;
        }

        var re = new double[n];
        var im = new double[n];
        for (int p = 0; p < up; p++)
        {
            for (int j = 0; j < taps; j++)
            {
                re[p + ((2 * h - j) * up)] = filter.Coefficients[(p * taps) + j];
            }
        }

        Signals.Fft(re, im);
        double rate = (double)up * from;             // the prototype's sample rate
        double nyquist = Math.Min(from, to) / 2.0;
        double worstPass = 0, worstStop = double.NegativeInfinity;
        for (int k = 0; k <= n / 2; k++)
        {
            double f = k * rate / n;
            double gainDb = 20 * Math.Log10(Math.Sqrt((re[k] * re[k]) + (im[k] * im[k])) / up + 1e-300);
            if (f <= PassbandFraction * nyquist)
            {
                worstPass = Math.Max(worstPass, Math.Abs(gainDb));
            }
            else if (f >= nyquist)
            {
                worstStop = Math.Max(worstStop, gainDb);
            }
        }

        TestContext.Out.WriteLine($"MEASURED filter {from}->{to}: passband deviation {worstPass:E2} dB, stopband {-worstStop:F1} dB, taps {taps}");
        Assert.That(resampler.TapsPerPhase, Is.EqualTo(taps));
        Assert.That(worstPass, Is.LessThanOrEqualTo(MaxPassbandDeviationDb), "passband deviation (dB)");
        Assert.That(-worstStop, Is.GreaterThanOrEqualTo(RequiredStopbandDb), "stopband attenuation (dB)");
    }

    [TestCaseSource(nameof(RatePairs))]
    public void Resampled_sines_match_analytic_targets(int from, int to)
    {
        double nyquist = Math.Min(from, to) / 2.0;
        int inLength = from / 5;                                  // 0.2 s
        var resampler = new PolyphaseResampler(from, to);
        int edge = (int)Math.Ceiling((double)(resampler.HalfWidth + 2) * to / from);   // outputs that see the zero extension
        foreach (double fraction in new[] { 0.05, 0.37, 0.71, PassbandFraction })
        {
            double hz = fraction * nyquist;
            float[] y = Resampler.Resample(Signals.Sine(from, inLength, hz, 0.5, 0.3), from, to);
            Assert.That(y, Has.Length.EqualTo(Resampler.GetOutputLength(inLength, from, to)));

            // Least-squares fit of a sin + b cos at hz over the interior gives gain and residual.
            double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0, yy = 0;
            for (int n = edge; n < y.Length - edge; n++)
            {
                double phase = (2 * Math.PI * hz * n / to) + 0.3;
                double s = Math.Sin(phase), c = Math.Cos(phase);
                ss += s * s; cc += c * c; sc += s * c; ys += y[n] * s; yc += y[n] * c; yy += (double)y[n] * y[n];
            }

            double det = (ss * cc) - (sc * sc);
            double a = ((ys * cc) - (yc * sc)) / det, b = ((yc * ss) - (ys * sc)) / det;
            double residual = yy - (a * ys) - (b * yc);
            double gainDb = 20 * Math.Log10(Math.Sqrt((a * a) + (b * b)) / 0.5);
            double residualDb = 10 * Math.Log10(Math.Max(residual, 1e-300) / (yy - residual));

            TestContext.Out.WriteLine($"MEASURED sine {from}->{to} at {fraction} Nyquist: gain {gainDb:E2} dB, residual {residualDb:F1} dB");
            Assert.That(Math.Abs(gainDb), Is.LessThanOrEqualTo(MaxPassbandDeviationDb), $"gain at {hz:F0} Hz (dB)");
            Assert.That(Math.Atan2(b, a), Is.EqualTo(0.0).Within(1e-4), $"phase at {hz:F0} Hz (rad): the output must not be delayed");
            Assert.That(residualDb, Is.LessThanOrEqualTo(MaxSineResidualDb), $"residual at {hz:F0} Hz (dB)");
        }
    }

    [TestCase(8000, 16000)]
    [TestCase(44100, 16000)]
    [TestCase(48000, 16000)]
    [TestCase(16000, 44100)]
    [TestCase(22050, 8000)]
    public void Resampled_sweeps_match_analytic_targets(int from, int to)
    {
        const double seconds = 0.5;
        double nyquist = Math.Min(from, to) / 2.0;
        double f0 = 0.02 * nyquist, f1 = 0.85 * nyquist;
        int inLength = (int)(from * seconds);
        float[] y = Resampler.Resample(Signals.Chirp(from, inLength, f0, f1, seconds), from, to);
        float[] target = Signals.Chirp(to, y.Length, f0, f1, seconds);
        int edge = (int)Math.Ceiling((double)(new PolyphaseResampler(from, to).HalfWidth + 2) * to / from);

        double snr = Signals.SnrDb(y, target, edge, y.Length - edge);
        TestContext.Out.WriteLine($"MEASURED sweep {from}->{to}: SNR {snr:F1} dB");
        Assert.That(snr, Is.GreaterThanOrEqualTo(MinSweepSnrDb));
    }
}
