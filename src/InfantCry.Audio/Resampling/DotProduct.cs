using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfantCry.Audio.Resampling;

/// <summary>
/// The resampler's inner product: SIMD (Vector512 or Vector256 with fused multiply-add, else Vector128) with a scalar
/// tail, and the plain scalar loop the tests compare it with. Results depend on the hardware's vector width (summation
/// order) but never on memory alignment or on where a window starts, which keeps streaming bit-identical to whole-clip.
/// </summary>
internal static class DotProduct
{
    /// <summary>Sum of a[i] * b[i] with the widest SIMD available; a and b have the same length.</summary>
    /// <remarks>Vector512/Vector256: four accumulators (four independent fused multiply-add chains, so the loop is not bound
    /// by the FMA latency); the last partial vector is read as the window's last full vector with the lanes already summed
    /// masked to zero in both operands (so the masked lanes add +0 whatever they hold), so there is no scalar tail once
    /// n >= one vector. The operands play symmetric roles: Simd(a, b) and Simd(b, a) are bit-identical.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Simd(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        int n = a.Length;
        int i = 0;
        float sum;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            const int w = 16;
            Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            for (; i <= n - (4 * w); i += 4 * w)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + w)), Vector512.LoadUnsafe(ref pb, (nuint)(i + w)), acc1);
                acc2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (2 * w))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (2 * w))), acc2);
                acc3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (3 * w))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (3 * w))), acc3);
            }

            if (i <= n - w)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), acc0);
                i += w;
            }

            if (i <= n - w)
            {
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), acc1);
                i += w;
            }

            if (i <= n - w)
            {
                acc2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), acc2);
                i += w;
            }

            if (i < n)
            {
                var mask = TailMask512(n - i);
                acc3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(n - w)) & mask, Vector512.LoadUnsafe(ref pb, (nuint)(n - w)) & mask, acc3);
                i = n;
            }

            sum = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            const int w = 8;
            Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            for (; i <= n - (4 * w); i += 4 * w)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + w)), Vector256.LoadUnsafe(ref pb, (nuint)(i + w)), acc1);
                acc2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (2 * w))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (2 * w))), acc2);
                acc3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (3 * w))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (3 * w))), acc3);
            }

            if (i <= n - w)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), acc0);
                i += w;
            }

            if (i <= n - w)
            {
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), acc1);
                i += w;
            }

            if (i <= n - w)
            {
                acc2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), acc2);
                i += w;
            }

            if (i < n)
            {
                var mask = TailMask256(n - i);
                acc3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(n - w)) & mask, Vector256.LoadUnsafe(ref pb, (nuint)(n - w)) & mask, acc3);
                i = n;
            }

            sum = Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            // Arm64 (AdvSimd) and x64 without AVX.
            var acc0 = Vector128<float>.Zero;
            var acc1 = Vector128<float>.Zero;
            for (; i <= n - (2 * Vector128<float>.Count); i += 2 * Vector128<float>.Count)
            {
                acc0 += Vector128.LoadUnsafe(ref pa, (nuint)i) * Vector128.LoadUnsafe(ref pb, (nuint)i);
                acc1 += Vector128.LoadUnsafe(ref pa, (nuint)(i + Vector128<float>.Count)) * Vector128.LoadUnsafe(ref pb, (nuint)(i + Vector128<float>.Count));
            }

            sum = Vector128.Sum(acc0 + acc1);
        }
        else
        {
            sum = 0f;
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }

        return sum;
    }

    /// <summary>
    /// Two inner products over the same <paramref name="b"/> (two phases of one input window), loading b once: exactly the
    /// operations of two <see cref="Simd"/> calls, so each result is bit-identical to <see cref="Simd"/>(a_k, b) and, the
    /// operands being symmetric, to <see cref="Simd"/>(b, a_k): one weight row against two windows is also a pair.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SimdPair(ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> b, out float sum0, out float sum1)
    {
        ref float p0 = ref MemoryMarshal.GetReference(a0);
        ref float p1 = ref MemoryMarshal.GetReference(a1);
        ref float pb = ref MemoryMarshal.GetReference(b);
        int n = b.Length;
        if (!Vector512.IsHardwareAccelerated && !Vector256.IsHardwareAccelerated && Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            sum0 = Simd(a0, b);
            sum1 = Simd(a1, b);
            return;
        }

        int i = 0;
        float s0, s1;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            const int w = 16;
            Vector512<float> x0 = default, x1 = default, x2 = default, x3 = default, y0 = default, y1 = default, y2 = default, y3 = default;
            for (; i <= n - (4 * w); i += 4 * w)
            {
                var b0 = Vector512.LoadUnsafe(ref pb, (nuint)i);
                var b1 = Vector512.LoadUnsafe(ref pb, (nuint)(i + w));
                var b2 = Vector512.LoadUnsafe(ref pb, (nuint)(i + (2 * w)));
                var b3 = Vector512.LoadUnsafe(ref pb, (nuint)(i + (3 * w)));
                x0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)i), b0, x0);
                y0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)i), b0, y0);
                x1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)(i + w)), b1, x1);
                y1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)(i + w)), b1, y1);
                x2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)(i + (2 * w))), b2, x2);
                y2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)(i + (2 * w))), b2, y2);
                x3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)(i + (3 * w))), b3, x3);
                y3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)(i + (3 * w))), b3, y3);
            }

            if (i <= n - w)
            {
                var bv = Vector512.LoadUnsafe(ref pb, (nuint)i);
                x0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)i), bv, x0);
                y0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)i), bv, y0);
                i += w;
            }

            if (i <= n - w)
            {
                var bv = Vector512.LoadUnsafe(ref pb, (nuint)i);
                x1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)i), bv, x1);
                y1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)i), bv, y1);
                i += w;
            }

            if (i <= n - w)
            {
                var bv = Vector512.LoadUnsafe(ref pb, (nuint)i);
                x2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)i), bv, x2);
                y2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)i), bv, y2);
                i += w;
            }

            if (i < n)
            {
                var mask = TailMask512(n - i);
                var bv = Vector512.LoadUnsafe(ref pb, (nuint)(n - w)) & mask;
                x3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)(n - w)) & mask, bv, x3);
                y3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)(n - w)) & mask, bv, y3);
                i = n;
            }

            s0 = Vector512.Sum((x0 + x1) + (x2 + x3));
            s1 = Vector512.Sum((y0 + y1) + (y2 + y3));
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            const int w = 8;
            Vector256<float> x0 = default, x1 = default, x2 = default, x3 = default, y0 = default, y1 = default, y2 = default, y3 = default;
            for (; i <= n - (4 * w); i += 4 * w)
            {
                var b0 = Vector256.LoadUnsafe(ref pb, (nuint)i);
                var b1 = Vector256.LoadUnsafe(ref pb, (nuint)(i + w));
                var b2 = Vector256.LoadUnsafe(ref pb, (nuint)(i + (2 * w)));
                var b3 = Vector256.LoadUnsafe(ref pb, (nuint)(i + (3 * w)));
                x0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)i), b0, x0);
                y0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)i), b0, y0);
                x1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)(i + w)), b1, x1);
                y1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)(i + w)), b1, y1);
                x2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)(i + (2 * w))), b2, x2);
                y2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)(i + (2 * w))), b2, y2);
                x3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)(i + (3 * w))), b3, x3);
                y3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)(i + (3 * w))), b3, y3);
            }

            if (i <= n - w)
            {
                var bv = Vector256.LoadUnsafe(ref pb, (nuint)i);
                x0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)i), bv, x0);
                y0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)i), bv, y0);
                i += w;
            }

            if (i <= n - w)
            {
                var bv = Vector256.LoadUnsafe(ref pb, (nuint)i);
                x1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)i), bv, x1);
                y1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)i), bv, y1);
                i += w;
            }

            if (i <= n - w)
            {
                var bv = Vector256.LoadUnsafe(ref pb, (nuint)i);
                x2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)i), bv, x2);
                y2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)i), bv, y2);
                i += w;
            }

            if (i < n)
            {
                var mask = TailMask256(n - i);
                var bv = Vector256.LoadUnsafe(ref pb, (nuint)(n - w)) & mask;
                x3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)(n - w)) & mask, bv, x3);
                y3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)(n - w)) & mask, bv, y3);
                i = n;
            }

            s0 = Vector256.Sum((x0 + x1) + (x2 + x3));
            s1 = Vector256.Sum((y0 + y1) + (y2 + y3));
        }
        else
        {
            s0 = 0f;
            s1 = 0f;
        }

        for (; i < n; i++)
        {
            float bi = Unsafe.Add(ref pb, i);
            s0 += Unsafe.Add(ref p0, i) * bi;
            s1 += Unsafe.Add(ref p1, i) * bi;
        }

        sum0 = s0;
        sum1 = s1;
    }

    /// <summary>Sixteen zero lanes, then sixteen all-ones lanes: read from offset 16 - width + remainder, the mask keeps the last
    /// <c>remainder</c> lanes of a vector of that width.</summary>
    private static ReadOnlySpan<int> TailMaskBits => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMask512(int remainder) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(TailMaskBits), (nuint)remainder).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask256(int remainder) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(TailMaskBits), (nuint)(8 + remainder)).AsSingle();

    /// <summary>Sum of a[i] * b[i] in order, in float: the reference the SIMD path is tested against.</summary>
    public static float Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
