using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;

namespace InfantCry.Audio.Tests.Features;

/// <summary>Capture-loop composition: streaming resampler feeding the streaming frontend equals the whole-clip calls.</summary>
public class LivePipelineTests
{
    [TestCase(8000, 1)]
    [TestCase(44100, 2)]
    public void Streaming_resampler_into_streaming_frontend_equals_whole_clip(int rate, int seed)
    {
        float[] capture = Signals.Noise(rate * 2, seed, 0.5);     // 2 s
        float[] expected = YamnetFrontend.ComputePatches(Resampler.Resample(capture, rate, YamnetFrontend.SampleRate), out _);

        var resampler = new PolyphaseResampler(rate, YamnetFrontend.SampleRate);
        var frontend = new YamnetStreamingFrontend();
        var resampled = new float[resampler.GetMaxOutputLength(rate) + resampler.MaxFlushLength];
        var patchBuffer = new float[4 * YamnetFrontend.PatchLength];
        var actual = new List<float>();
        var rng = new Random(seed);
        int pos = 0;
        while (pos < capture.Length)
        {
            int size = Math.Min(rng.Next(1, rate / 10), capture.Length - pos);   // blocks of up to 100 ms
            int n = resampler.Process(capture.AsSpan(pos, size), resampled);
            int p = frontend.Process(resampled.AsSpan(0, n), patchBuffer);
            actual.AddRange(patchBuffer.AsSpan(0, p * YamnetFrontend.PatchLength).ToArray());
            pos += size;
        }

        int tail = resampler.Flush(resampled);
        int q = frontend.Process(resampled.AsSpan(0, tail), patchBuffer);
        actual.AddRange(patchBuffer.AsSpan(0, q * YamnetFrontend.PatchLength).ToArray());
        q = frontend.Flush(patchBuffer);
        actual.AddRange(patchBuffer.AsSpan(0, q * YamnetFrontend.PatchLength).ToArray());

        Assert.That(actual.ToArray(), Is.EqualTo(expected));
    }
}
