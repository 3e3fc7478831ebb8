using System.Text.Json;
using InfantCry.Audio.Resampling;

namespace InfantCry.Audio.Tests.Resampling;

/// <summary>Against training/infantcry_ref/resample.py (float64, direct evaluation of the same filter specification).</summary>
public class ResamplerGoldenTests
{
    // Same filter specification, so the only differences are float32 weights and float32 accumulation over K = 2H + 1
    // taps: about sqrt(K) * 2^-24 relative (-144 dB + 11..17 dB). 110 dB keeps a >= 10 dB margin for rounding.
    private const double MinSnrVersusReferenceDb = 110.0;

    // Band-limited multitones against their analytic samples: adds the passband ripple (~1e-6, -120 dB) to the above.
    private const double MinSnrVersusAnalyticDb = 105.0;

    public static IEnumerable<TestCaseData> Cases() => GoldenData.Cases("resample");

    [TestCaseSource(nameof(Cases))]
    public void Matches_float64_reference(JsonElement c)
    {
        int from = c.GetProperty("from").GetInt32(), to = c.GetProperty("to").GetInt32();
        float[] input = GoldenData.ReadF32(c.GetProperty("input").GetString()!);
        float[] reference = GoldenData.ReadF32(c.GetProperty("reference").GetString()!);

        float[] y = Resampler.Resample(input, from, to);

        Assert.That(y, Has.Length.EqualTo(reference.Length));
        Assert.That(new PolyphaseResampler(from, to).HalfWidth, Is.EqualTo(c.GetProperty("halfWidth").GetInt32()), "same filter design as the reference");
        double snr = Signals.SnrDb(y, reference, 0, y.Length);
        TestContext.Out.WriteLine($"MEASURED {c.GetProperty("name").GetString()}: SNR vs float64 reference {snr:F1} dB");
        Assert.That(snr, Is.GreaterThanOrEqualTo(MinSnrVersusReferenceDb));
        if (c.TryGetProperty("analytic", out JsonElement analytic))
        {
            float[] target = GoldenData.ReadF32(analytic.GetString()!);
            int edge = (int)Math.Ceiling((double)(c.GetProperty("halfWidth").GetInt32() + 2) * to / from);
            Assert.That(Signals.SnrDb(y, target, edge, y.Length - edge), Is.GreaterThanOrEqualTo(MinSnrVersusAnalyticDb));
        }
    }
}
