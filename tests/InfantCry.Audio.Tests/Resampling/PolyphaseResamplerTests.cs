using InfantCry.Audio.Resampling;

namespace InfantCry.Audio.Tests.Resampling;

/// <summary>Invariants that streaming and SIMD break: chunking, short lengths, SIMD vs scalar, allocations, API contracts.</summary>
public class PolyphaseResamplerTests
{
    private static readonly (int From, int To)[] Pairs = [(8000, 16000), (44100, 16000), (16000, 8000), (11025, 16000), (48000, 44100), (16000, 96000), (48000, 16000), (96000, 8000)];

    private static float[] ProcessChunked(PolyphaseResampler r, float[] input, IEnumerable<int> chunkSizes)
    {
        var output = new List<float>();
        int pos = 0;
        using var sizes = chunkSizes.GetEnumerator();
        while (pos < input.Length)
        {
            int size = sizes.MoveNext() ? Math.Min(sizes.Current, input.Length - pos) : input.Length - pos;
            var buffer = new float[r.GetMaxOutputLength(size)];
            int n = r.Process(input.AsSpan(pos, size), buffer);
            output.AddRange(buffer.AsSpan(0, n).ToArray());
            pos += size;
        }

        var tail = new float[r.MaxFlushLength];
        int m = r.Flush(tail);
        output.AddRange(tail.AsSpan(0, m).ToArray());
        return [.. output];
    }

    private static IEnumerable<int> RandomSizes(int seed)
    {
        var rng = new Random(seed);
        while (true)
        {
            yield return rng.Next(4) switch { 0 => 0, 1 => 1, 2 => rng.Next(2, 40), _ => rng.Next(40, 3000) };
        }
    }

    [Test]
    public void Chunked_output_is_bit_identical_to_whole([ValueSource(nameof(PairIndexes))] int pair, [Values(1, 2, 3)] int seed)
    {
        var (from, to) = Pairs[pair];
        float[] input = Signals.Noise(from / 4, seed);
        float[] whole = Resampler.Resample(input, from, to);

        float[] chunked = ProcessChunked(new PolyphaseResampler(from, to), input, RandomSizes(seed));

        Assert.That(chunked, Is.EqualTo(whole));   // exact: same dot products over the same values
    }

    [Test]
    public void Sample_by_sample_streaming_equals_whole()
    {
        float[] input = Signals.Noise(3000, 9);
        float[] whole = Resampler.Resample(input, 44100, 16000);
        Assert.That(ProcessChunked(new PolyphaseResampler(44100, 16000), input, Enumerable.Repeat(1, input.Length)), Is.EqualTo(whole));
    }

    private static IEnumerable<int> PairIndexes() => Enumerable.Range(0, Pairs.Length);

    [Test]
    public void Every_length_0_to_256_gives_ceil_length_and_matches_streaming([Values(0, 1, 2)] int pair)
    {
        var (from, to) = Pairs[pair];
        var resampler = new PolyphaseResampler(from, to);
        for (int length = 0; length <= 256; length++)
        {
            float[] input = Signals.Noise(length, length);
            float[] whole = Resampler.Resample(input, from, to);
            Assert.That(whole, Has.Length.EqualTo((int)Math.Ceiling((double)length * to / from)), $"length {length}");

            resampler.Reset();
            Assert.That(ProcessChunked(resampler, input, Enumerable.Repeat(7, 100)), Is.EqualTo(whole), $"length {length}");
        }
    }

    [Test]
    public void Simd_dot_product_equals_scalar_within_float_rounding()
    {
        // Both sum the same products in float, in different orders: each result is within n * 2^-24 * sum|a_i b_i| of the
        // exact sum (the standard recursive-summation bound), so they differ by at most twice that.
        var rng = new Random(5);
        for (int n = 0; n <= 256; n++)
        {
            float[] a = Signals.Noise(n, rng.Next(), 1.0), b = Signals.Noise(n, rng.Next(), 1.0);
            double bound = 0;
            for (int i = 0; i < n; i++)
            {
                bound += Math.Abs((double)a[i] * b[i]);
            }

            double tolerance = 2 * n * Math.Pow(2, -24) * bound;
            Assert.That(DotProduct.Simd(a, b), Is.EqualTo(DotProduct.Scalar(a, b)).Within(tolerance), $"n = {n}");
        }
    }

    [Test]
    public void Paired_dot_products_are_bit_identical_to_single_ones()
    {
        // The resampler mixes both kernels depending on where chunk boundaries fall; whole == chunked needs exact equality.
        var rng = new Random(6);
        for (int n = 0; n <= 256; n++)
        {
            float[] a0 = Signals.Noise(n, rng.Next(), 1.0), a1 = Signals.Noise(n, rng.Next(), 1.0), b = Signals.Noise(n, rng.Next(), 1.0);
            DotProduct.SimdPair(a0, a1, b, out float s0, out float s1);
            Assert.That(s0, Is.EqualTo(DotProduct.Simd(a0, b)), $"n = {n}");
            Assert.That(s1, Is.EqualTo(DotProduct.Simd(a1, b)), $"n = {n}");

            // The operands are symmetric: one weight row against two windows (the resampler's residue order) is a pair too.
            Assert.That(BitConverter.SingleToInt32Bits(DotProduct.Simd(b, a0)), Is.EqualTo(BitConverter.SingleToInt32Bits(s0)), $"n = {n}, swapped");
            Assert.That(BitConverter.SingleToInt32Bits(DotProduct.Simd(b, a1)), Is.EqualTo(BitConverter.SingleToInt32Bits(s1)), $"n = {n}, swapped");
        }
    }

    [Test]
    public void Interpolation_kernel_lanes_are_bit_identical_to_the_in_order_chain([Values(1, 2, 3, 5)] int phases)
    {
        // Whole blocks run in vector lanes, leftover window starts in the scalar chain; streaming needs both to agree exactly.
        const int taps = 37;
        var rng = new Random(phases);
        float[] table = Signals.Noise(taps * phases, rng.Next(), 1.0);
        foreach (int count in new[] { 0, 1, 63, 64, 127, 128, 129, 300 })
        {
            float[] x = Signals.Noise(count + taps - 1, rng.Next(), 1.0);
            var output = new float[count * phases];
            InterpolationKernel.Interpolate(table, taps, phases, x, count, output);
            for (int k = 0; k < count; k++)
            {
                for (int p = 0; p < phases; p++)
                {
                    float expected = InterpolationKernel.Chain(table.AsSpan(p * taps, taps), x.AsSpan(k, taps));
                    Assert.That(output[(k * phases) + p], Is.EqualTo(expected), $"count {count}, window {k}, phase {p}");
                }
            }
        }
    }

    [Test]
    public void Decimation_kernel_lanes_are_bit_identical_to_the_in_order_chain([Values(2, 3, 6)] int down)
    {
        // Whole blocks run in vector lanes over deinterleaved streams, leftover outputs in the scalar chain: both must agree exactly.
        const int taps = 41;
        var rng = new Random(down);
        float[] weights = Signals.Noise(taps, rng.Next(), 1.0);
        var kernel = new DecimationKernel(weights, down);
        foreach (int count in new[] { 0, 1, 127, 128, 129, 1100, 2300 })
        {
            float[] x = Signals.Noise(count == 0 ? 0 : ((count - 1) * down) + taps, rng.Next(), 1.0);
            var output = new float[count];
            kernel.Decimate(x, count, output);
            for (int k = 0; k < count; k++)
            {
                Assert.That(output[k], Is.EqualTo(DecimationKernel.Chain(weights, down, x.AsSpan(k * down, taps))), $"count {count}, output {k}");
            }
        }
    }

    [Test]
    public void Equal_rates_copy_the_input()
    {
        float[] input = Signals.Noise(1000, 3);
        Assert.That(Resampler.Resample(input, 16000, 16000), Is.EqualTo(input));
        Assert.That(ProcessChunked(new PolyphaseResampler(16000, 16000), input, RandomSizes(1)), Is.EqualTo(input));
    }

    [Test]
    public void Steady_state_allocates_nothing()
    {
        var resampler = new PolyphaseResampler(8000, 16000);
        float[] input = Signals.Noise(80, 1);                    // 10 ms at 8 kHz
        var output = new float[resampler.GetMaxOutputLength(input.Length)];
        var tail = new float[resampler.MaxFlushLength];
        long allocated = Allocations.PerPass(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                resampler.Process(input, output);
            }

            resampler.Flush(tail);
            resampler.Reset();
        });
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Contracts_are_enforced()
    {
        var r = new PolyphaseResampler(8000, 16000);
        Assert.Throws<ArgumentException>(() => r.Process(new float[10], new float[19]));
        Assert.That(r.Flush(new float[r.MaxFlushLength]), Is.Zero);
        Assert.Throws<InvalidOperationException>(() => r.Process(new float[1], new float[2]));
        Assert.Throws<InvalidOperationException>(() => r.Flush(new float[r.MaxFlushLength]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PolyphaseResampler(0, 16000));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PolyphaseResampler(8000, 16000, new ResamplerOptions { PassbandEdge = 1.2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PolyphaseResampler(8000, 16000, new ResamplerOptions { StopbandAttenuationDb = 300 }));
        var shared = new float[100];
        Assert.Throws<ArgumentException>(() => new PolyphaseResampler(16000, 8000).Process(shared.AsSpan(0, 60), shared.AsSpan(40, 30)), "in place");
        Assert.That(r.UpFactor, Is.EqualTo(2));
        Assert.That(r.DownFactor, Is.EqualTo(1));
    }

    [Test]
    public void Shorter_options_trade_quality_for_speed()
    {
        var fast = new PolyphaseResampler(8000, 16000, new ResamplerOptions { StopbandAttenuationDb = 80, StopbandEdge = 1.1 });
        Assert.That(fast.TapsPerPhase, Is.LessThan(new PolyphaseResampler(8000, 16000).TapsPerPhase / 2));
    }
}
