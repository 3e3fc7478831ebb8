using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfantCry.Audio.Resampling;

/// <summary>
/// Integer-factor interpolation (M = 1: every group of L outputs shares one input window) computed across outputs rather
/// than along taps: the outputs of one phase at 64 consecutive window starts sit in the lanes of four Vector512s, and
/// each tap adds its broadcast weight times the input vector at that offset, with fused multiply-add. There is no
/// horizontal sum and no tail per output, and two phases share every input load.
/// </summary>
/// <remarks>
/// Every lane computes the same sum in the same order as <see cref="Chain"/>, which computes one output at a time for the
/// window starts left over after the last whole block: the taps in blocks of <see cref="ChainBlock"/>, each block an
/// in-order chain of fused multiply-adds from 0, the block sums added in order (short chains keep float32 rounding near
/// that of a tree sum: one chain over all taps cost 10 dB of SNR on 48 -> 16 kHz). So
/// where a block or a chunk boundary falls never changes a result (streaming stays bit-identical to whole-clip), and the
/// result does not depend on the vector width. Used only where Vector512 is hardware-accelerated (the caller falls back
/// to <see cref="DotProduct"/> elsewhere).
/// </remarks>
internal static class InterpolationKernel
{
    private const int Width = 16;          // Vector512<float>.Count
    private const int Block = 4 * Width;   // window starts per block: four accumulators per phase

    /// <summary>Taps per partial sum (see the remarks).</summary>
    internal const int ChainBlock = 32;

    /// <summary>Whether <see cref="Interpolate"/> runs vectorised on this machine.</summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Writes <paramref name="count"/> · L outputs: output[k L + p] = <see cref="Chain"/>(row p of the table,
    /// x[k .. k + taps)), k = 0..count-1, p = 0..L-1.
    /// </summary>
    /// <param name="table">L rows of <paramref name="taps"/> weights.</param>
    /// <param name="taps">Weights per row.</param>
    /// <param name="phases">L, the rows.</param>
    /// <param name="x">At least count + taps - 1 input samples.</param>
    /// <param name="count">Window starts (groups of L outputs).</param>
    /// <param name="output">At least count · L floats.</param>
    public static void Interpolate(ReadOnlySpan<float> table, int taps, int phases, ReadOnlySpan<float> x, int count, Span<float> output)
    {
        if (count <= 0)
        {
            return;
        }

        if (table.Length < taps * phases || x.Length < count + taps - 1 || output.Length < count * phases)
        {
            throw new ArgumentException("Interpolation spans are too short.");
        }

        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Span<float> lanes = stackalloc float[2 * Block];
            for (; k <= count - Block; k += Block)
            {
                for (int p = 0; p < phases; p += 2)
                {
                    int q = Math.Min(p + 1, phases - 1);   // odd L: the last phase is computed twice and written once
                    BlockOfPhasePair(table.Slice(p * taps, taps), table.Slice(q * taps, taps), x.Slice(k, Block + taps - 1), lanes);
                    for (int i = 0; i < Block; i++)
                    {
                        output[((k + i) * phases) + p] = lanes[i];
                        output[((k + i) * phases) + q] = lanes[Block + i];
                    }
                }
            }
        }

        for (; k < count; k++)
        {
            for (int p = 0; p < phases; p++)
            {
                output[(k * phases) + p] = Chain(table.Slice(p * taps, taps), x.Slice(k, taps));
            }
        }
    }

    /// <summary>sum_j h[j] x[j] as blocks of <see cref="ChainBlock"/> in-order fused multiply-adds, the block sums added in
    /// order: the reference every vector lane equals.</summary>
    /// <param name="h">Weights.</param>
    /// <param name="x">As many samples.</param>
    /// <returns>The sum.</returns>
    public static float Chain(ReadOnlySpan<float> h, ReadOnlySpan<float> x) => AddChain(0f, h, x);

    /// <summary><paramref name="total"/> plus the block sums of sum_j h[j] x[j], block by block (the order of <see cref="Chain"/>).</summary>
    /// <param name="total">The running total.</param>
    /// <param name="h">Weights.</param>
    /// <param name="x">As many samples.</param>
    /// <returns>The new total.</returns>
    internal static float AddChain(float total, ReadOnlySpan<float> h, ReadOnlySpan<float> x)
    {
        for (int j0 = 0; j0 < h.Length; j0 += ChainBlock)
        {
            float acc = 0f;
            for (int j = j0; j < Math.Min(j0 + ChainBlock, h.Length); j++)
            {
                acc = MathF.FusedMultiplyAdd(h[j], x[j], acc);
            }

            total += acc;
        }

        return total;
    }

    /// <summary>Outputs of two phases at <see cref="Block"/> consecutive window starts: lanes[i] for h0, lanes[Block + i] for h1.
    /// Each input vector serves both phases, which halves the loads per multiply-add against one phase at a time over eight
    /// vectors (the <see cref="DecimationKernel"/> block's shape: measured 2x slower here on 8 -> 16 kHz).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlockOfPhasePair(ReadOnlySpan<float> h0, ReadOnlySpan<float> h1, ReadOnlySpan<float> x, Span<float> lanes)
    {
        ref float w0 = ref MemoryMarshal.GetReference(h0);
        ref float w1 = ref MemoryMarshal.GetReference(h1);
        ref float px = ref MemoryMarshal.GetReference(x);
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, t0 = default, t1 = default, t2 = default, t3 = default;
        for (int j0 = 0; j0 < h0.Length; j0 += ChainBlock)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            int end = Math.Min(j0 + ChainBlock, h0.Length);
            for (int j = j0; j < end; j++)
            {
                var c0 = Vector512.Create(Unsafe.Add(ref w0, j));
                var c1 = Vector512.Create(Unsafe.Add(ref w1, j));
                var v0 = Vector512.LoadUnsafe(ref px, (nuint)j);
                var v1 = Vector512.LoadUnsafe(ref px, (nuint)(j + Width));
                var v2 = Vector512.LoadUnsafe(ref px, (nuint)(j + (2 * Width)));
                var v3 = Vector512.LoadUnsafe(ref px, (nuint)(j + (3 * Width)));
                a0 = Vector512.FusedMultiplyAdd(c0, v0, a0);
                b0 = Vector512.FusedMultiplyAdd(c1, v0, b0);
                a1 = Vector512.FusedMultiplyAdd(c0, v1, a1);
                b1 = Vector512.FusedMultiplyAdd(c1, v1, b1);
                a2 = Vector512.FusedMultiplyAdd(c0, v2, a2);
                b2 = Vector512.FusedMultiplyAdd(c1, v2, b2);
                a3 = Vector512.FusedMultiplyAdd(c0, v3, a3);
                b3 = Vector512.FusedMultiplyAdd(c1, v3, b3);
            }

            s0 += a0;
            s1 += a1;
            s2 += a2;
            s3 += a3;
            t0 += b0;
            t1 += b1;
            t2 += b2;
            t3 += b3;
        }

        ref float out0 = ref MemoryMarshal.GetReference(lanes);
        s0.StoreUnsafe(ref out0, 0);
        s1.StoreUnsafe(ref out0, Width);
        s2.StoreUnsafe(ref out0, 2 * Width);
        s3.StoreUnsafe(ref out0, 3 * Width);
        t0.StoreUnsafe(ref out0, Block);
        t1.StoreUnsafe(ref out0, Block + Width);
        t2.StoreUnsafe(ref out0, Block + (2 * Width));
        t3.StoreUnsafe(ref out0, Block + (3 * Width));
    }
}
