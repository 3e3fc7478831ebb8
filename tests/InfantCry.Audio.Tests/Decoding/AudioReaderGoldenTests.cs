using InfantCry.Audio.Decoding;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Decoding;

/// <summary>NVorbis and NLayer through <see cref="AudioReader"/> against ffmpeg's decode of the same files.</summary>
public class AudioReaderGoldenTests
{
    [TestCaseSource(typeof(DecodingGolden), nameof(DecodingGolden.Cases))]
    public void Measure(DecodingGolden.Case c)
    {
        AudioClip clip = AudioReader.ReadAll(c.Path);
        float[] reference = DecodingGolden.Reference(c.Name);
        (int lag, double corr) = Align(clip.Samples, reference, 3000);
        double maxDiff = 0, refPeak = 0;
        int n = 0;
        for (int i = 0; i < clip.Samples.Length; i++)
        {
            int j = i + lag;
            if ((uint)j < (uint)reference.Length)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(clip.Samples[i] - reference[j]));
                refPeak = Math.Max(refPeak, Math.Abs(reference[j]));
                n++;
            }
        }

        TestContext.Out.WriteLine($"{c.Name}: ours {clip.Samples.Length} ref {reference.Length} lag {lag} corr {corr:F6} maxdiff {maxDiff:E3} peak {refPeak:F3} overlap {n}");
    }

    internal static (int Lag, double Correlation) Align(float[] ours, float[] reference, int maxLag)
    {
        int best = 0;
        double bestCorr = double.NegativeInfinity;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double dot = 0, a2 = 0, b2 = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                int j = i + lag;
                if ((uint)j < (uint)reference.Length)
                {
                    dot += ours[i] * (double)reference[j];
                    a2 += ours[i] * (double)ours[i];
                    b2 += reference[j] * (double)reference[j];
                }
            }

            double corr = a2 > 0 && b2 > 0 ? dot / Math.Sqrt(a2 * b2) : 0;
            if (corr > bestCorr)
            {
                bestCorr = corr;
                best = lag;
            }
        }

        return (best, bestCorr);
    }
}
