namespace InfantCry.Audio.Tests;

/// <summary>Analytic test signals (evaluated in double at exact sample times) and measurements.</summary>
internal static class Signals
{
    public static float[] Sine(int rate, int length, double hz, double amplitude = 0.5, double phase = 0.0)
    {
        var x = new float[length];
        for (int n = 0; n < length; n++)
        {
            x[n] = (float)(amplitude * Math.Sin((2 * Math.PI * hz * n / rate) + phase));
        }

        return x;
    }

    /// <summary>Linear sweep from f0 to f1 Hz over <paramref name="seconds"/>, phase 2 pi (f0 t + (f1 - f0) t^2 / 2T).</summary>
    public static float[] Chirp(int rate, int length, double f0, double f1, double seconds, double amplitude = 0.5)
    {
        var x = new float[length];
        for (int n = 0; n < length; n++)
        {
            double t = (double)n / rate;
            x[n] = (float)(amplitude * Math.Sin(2 * Math.PI * ((f0 * t) + ((f1 - f0) * t * t / (2 * seconds)))));
        }

        return x;
    }

    public static float[] Noise(int length, int seed, double scale = 0.25)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(scale * ((rng.NextDouble() * 2) - 1));
        }

        return x;
    }

    /// <summary>10 log10(sum target^2 / sum (actual - target)^2) over [from, to).</summary>
    public static double SnrDb(ReadOnlySpan<float> actual, ReadOnlySpan<float> target, int from, int to)
    {
        double signal = 0, error = 0;
        for (int i = from; i < to; i++)
        {
            signal += (double)target[i] * target[i];
            double d = (double)actual[i] - target[i];
            error += d * d;
        }

        return error == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / error);
    }

    /// <summary>In-place radix-2 complex FFT in double (the test's own, independent of the production float FFT).</summary>
    public static void Fft(double[] re, double[] im)
    {
        int n = re.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }

        var cos = new double[n / 2];
        var sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++)
        {
            cos[k] = Math.Cos(-2 * Math.PI * k / n);
            sin[k] = Math.Sin(-2 * Math.PI * k / n);
        }

        for (int len = 2; len <= n; len <<= 1)
        {
            int half = len / 2, stride = n / len;
            for (int s = 0; s < n; s += len)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = cos[k * stride], wi = sin[k * stride];
                    int a = s + k, b = a + half;
                    double tr = (re[b] * wr) - (im[b] * wi);
                    double ti = (re[b] * wi) + (im[b] * wr);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
