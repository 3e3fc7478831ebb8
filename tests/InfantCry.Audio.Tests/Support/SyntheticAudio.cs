namespace InfantCry.Audio.Tests.Support;

/// <summary>Deterministic synthetic test signals.</summary>
public static class SyntheticAudio
{
    public static float[] Sine(double hz, double seconds, int rate, double amplitude = 0.5)
    {
        var x = new float[(int)Math.Round(seconds * rate)];
        for (int n = 0; n < x.Length; n++)
        {
            x[n] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * n / rate));
        }

        return x;
    }

    /// <summary>Gaussian white noise (Box-Muller over a seeded <see cref="Random"/>).</summary>
    public static float[] WhiteNoise(double sigma, double seconds, int rate, int seed)
    {
        var random = new Random(seed);
        var x = new float[(int)Math.Round(seconds * rate)];
        for (int n = 0; n < x.Length; n++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            x[n] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return x;
    }

    public static float[] Silence(double seconds, int rate) => new float[(int)Math.Round(seconds * rate)];

    public static float[] Concat(params float[][] parts) => parts.SelectMany(p => p).ToArray();
}
