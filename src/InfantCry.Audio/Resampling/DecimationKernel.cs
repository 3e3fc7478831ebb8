using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfantCry.Audio.Resampling;

/// <summary>
/// Integer-factor decimation (L = 1: output k's window starts at k M) computed across outputs. The weights split into M
/// sub-filters h_m[i] = h[i M + m] and the input into M streams x_m[n] = x[n M + m], so that
/// y[k] = sum_m sum_i h_m[i] x_m[k + i]: with the streams contiguous, 128 consecutive outputs sit in the lanes of eight
/// Vector512s and each weight adds its broadcast times a stream vector (fused multiply-add), with no horizontal sum.
/// </summary>
/// <remarks>
/// Every lane computes the same sum in the same order as <see cref="Chain"/>, which computes one output at a time for the
/// outputs left over after the last whole block: for m = 0..M-1, the terms h[i M + m] x[(k + i) M + m] in blocks of
/// <see cref="InterpolationKernel.ChainBlock"/> consecutive i, each block an in-order chain of fused multiply-adds from 0,
/// the block sums added in order. So where a block or chunk boundary falls never changes a result. The streams are rebuilt (a strided copy) for every
/// <see cref="Streamed"/> outputs into a buffer allocated once. Not thread-safe: one instance per resampler.
/// Used only where Vector512 is hardware-accelerated (the caller falls back to <see cref="DotProduct"/> elsewhere).
/// </remarks>
internal sealed class DecimationKernel
{
    /// <summary>Largest M this kernel takes: beyond it the sub-filters are too short to fill the vectors well.</summary>
    public const int MaxDown = 16;

    private const int Width = 16;              // Vector512<float>.Count
    private const int Block = 8 * Width;       // outputs per block: eight independent accumulators
    private const int Streamed = 1024;         // outputs per rebuild of the streams
    private const int ChainBlock = InterpolationKernel.ChainBlock;

    private readonly int _down;
    private readonly int _taps;
    private readonly float[] _sub;             // M rows: row m = h[m], h[m + M], ...
    private readonly int[] _subStart;
    private readonly int[] _subLength;
    private readonly float[] _streams;         // M streams of _streamLength samples
    private readonly int _streamLength;

    /// <param name="weights">The filter h, <c>taps</c> weights applied to x[k M .. k M + taps).</param>
    /// <param name="down">M, 2 to <see cref="MaxDown"/>.</param>
    public DecimationKernel(ReadOnlySpan<float> weights, int down)
    {
        _down = down;
        _taps = weights.Length;
        _sub = new float[_taps];
        _subStart = new int[down];
        _subLength = new int[down];
        int at = 0;
        for (int m = 0; m < down; m++)
        {
            _subStart[m] = at;
            for (int j = m; j < _taps; j += down)
            {
                _sub[at++] = weights[j];
            }

            _subLength[m] = at - _subStart[m];
        }

        _streamLength = Streamed + _subLength[0];
        _streams = new float[down * _streamLength];
    }

    /// <summary>Whether the kernel runs vectorised on this machine.</summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;

    /// <summary>y[k] for k = 0..count-1 from x, where output k's window is x[k M .. k M + taps).</summary>
    /// <param name="x">At least (count - 1) M + taps samples.</param>
    /// <param name="count">Outputs.</param>
    /// <param name="y">At least <paramref name="count"/> floats.</param>
    public void Decimate(ReadOnlySpan<float> x, int count, Span<float> y)
    {
        if (count <= 0)
        {
            return;
        }

        if (x.Length < ((long)(count - 1) * _down) + _taps || y.Length < count)
        {
            throw new ArgumentException("Decimation spans are too short.");
        }

        for (int k0 = 0; k0 < count; k0 += Streamed)
        {
            int n = Math.Min(Streamed, count - k0);
            for (int m = 0; m < _down; m++)
            {
                Span<float> stream = _streams.AsSpan(m * _streamLength, n + _subLength[m] - 1);
                int source = (k0 * _down) + m;
                for (int t = 0; t < stream.Length; t++)
                {
                    stream[t] = x[source + (t * _down)];
                }
            }

            int k = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; k <= n - Block; k += Block)
                {
                    BlockOf128(k, y.Slice(k0 + k, Block));
                }
            }

            for (; k < n; k++)
            {
                y[k0 + k] = StreamChain(k);
            }
        }
    }

    /// <summary>The reference every lane equals: output 0 of x (window x[0 .. taps)) in the kernel's order.</summary>
    /// <param name="weights">h.</param>
    /// <param name="down">M.</param>
    /// <param name="x">The window, at least as long as <paramref name="weights"/>.</param>
    /// <returns>The output.</returns>
    public static float Chain(ReadOnlySpan<float> weights, int down, ReadOnlySpan<float> x)
    {
        float total = 0f;
        for (int m = 0; m < down; m++)
        {
            for (int j0 = m; j0 < weights.Length; j0 += ChainBlock * down)
            {
                float acc = 0f;
                for (int j = j0; j < Math.Min(j0 + (ChainBlock * down), weights.Length); j += down)
                {
                    acc = MathF.FusedMultiplyAdd(weights[j], x[j], acc);
                }

                total += acc;
            }
        }

        return total;
    }

    private float StreamChain(int k)
    {
        float total = 0f;
        for (int m = 0; m < _down; m++)
        {
            ReadOnlySpan<float> h = _sub.AsSpan(_subStart[m], _subLength[m]);
            total = InterpolationKernel.AddChain(total, h, _streams.AsSpan((m * _streamLength) + k, h.Length));
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BlockOf128(int k, Span<float> y)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        ref float sub = ref MemoryMarshal.GetArrayDataReference(_sub);
        for (int m = 0; m < _down; m++)
        {
            ref float h = ref Unsafe.Add(ref sub, _subStart[m]);
            ref float s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_streams), (m * _streamLength) + k);
            int length = _subLength[m];
            for (int i0 = 0; i0 < length; i0 += ChainBlock)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                int end = Math.Min(i0 + ChainBlock, length);
                for (int i = i0; i < end; i++)
                {
                    var c = Vector512.Create(Unsafe.Add(ref h, i));
                    a0 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)i), a0);
                    a1 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)(i + Width)), a1);
                    a2 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)(i + (2 * Width))), a2);
                    a3 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)(i + (3 * Width))), a3);
                    a4 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)(i + (4 * Width))), a4);
                    a5 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)(i + (5 * Width))), a5);
                    a6 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)(i + (6 * Width))), a6);
                    a7 = Vector512.FusedMultiplyAdd(c, Vector512.LoadUnsafe(ref s, (nuint)(i + (7 * Width))), a7);
                }

                s0 += a0;
                s1 += a1;
                s2 += a2;
                s3 += a3;
                s4 += a4;
                s5 += a5;
                s6 += a6;
                s7 += a7;
            }
        }

        ref float o = ref MemoryMarshal.GetReference(y);
        s0.StoreUnsafe(ref o, 0);
        s1.StoreUnsafe(ref o, Width);
        s2.StoreUnsafe(ref o, 2 * Width);
        s3.StoreUnsafe(ref o, 3 * Width);
        s4.StoreUnsafe(ref o, 4 * Width);
        s5.StoreUnsafe(ref o, 5 * Width);
        s6.StoreUnsafe(ref o, 6 * Width);
        s7.StoreUnsafe(ref o, 7 * Width);
    }
}
