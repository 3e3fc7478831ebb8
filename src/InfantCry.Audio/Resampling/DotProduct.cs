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
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (; i <= n - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + Vector512<float>.Count)), Vector512.LoadUnsafe(ref pb, (nuint)(i + Vector512<float>.Count)), acc1);
            }

            if (i <= n - Vector512<float>.Count)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), acc0);
                i += Vector512<float>.Count;
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (; i <= n - (2 * Vector256<float>.Count); i += 2 * Vector256<float>.Count)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + Vector256<float>.Count)), Vector256.LoadUnsafe(ref pb, (nuint)(i + Vector256<float>.Count)), acc1);
            }

            if (i <= n - Vector256<float>.Count)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), acc0);
                i += Vector256<float>.Count;
            }

            sum = Vector256.Sum(acc0 + acc1);
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
    /// operations of two <see cref="Simd"/> calls, so each result is bit-identical to <see cref="Simd"/>(a_k, b).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SimdPair(ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> b, out float sum0, out float sum1)
    {
        ref float p0 = ref MemoryMarshal.GetReference(a0);
        ref float p1 = ref MemoryMarshal.GetReference(a1);
        ref float pb = ref MemoryMarshal.GetReference(b);
        int n = b.Length;
        int i = 0;
        float s0, s1;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            const int w = 16;
            Vector512<float> x0 = default, x1 = default, y0 = default, y1 = default;
            for (; i <= n - (2 * w); i += 2 * w)
            {
                var b0 = Vector512.LoadUnsafe(ref pb, (nuint)i);
                var b1 = Vector512.LoadUnsafe(ref pb, (nuint)(i + w));
                x0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)i), b0, x0);
                x1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)(i + w)), b1, x1);
                y0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)i), b0, y0);
                y1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)(i + w)), b1, y1);
            }

            if (i <= n - w)
            {
                var b0 = Vector512.LoadUnsafe(ref pb, (nuint)i);
                x0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, (nuint)i), b0, x0);
                y0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, (nuint)i), b0, y0);
                i += w;
            }

            s0 = Vector512.Sum(x0 + x1);
            s1 = Vector512.Sum(y0 + y1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            const int w = 8;
            Vector256<float> x0 = default, x1 = default, y0 = default, y1 = default;
            for (; i <= n - (2 * w); i += 2 * w)
            {
                var b0 = Vector256.LoadUnsafe(ref pb, (nuint)i);
                var b1 = Vector256.LoadUnsafe(ref pb, (nuint)(i + w));
                x0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)i), b0, x0);
                x1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)(i + w)), b1, x1);
                y0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)i), b0, y0);
                y1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)(i + w)), b1, y1);
            }

            if (i <= n - w)
            {
                var b0 = Vector256.LoadUnsafe(ref pb, (nuint)i);
                x0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, (nuint)i), b0, x0);
                y0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, (nuint)i), b0, y0);
                i += w;
            }

            s0 = Vector256.Sum(x0 + x1);
            s1 = Vector256.Sum(y0 + y1);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            const int w = 4;
            Vector128<float> x0 = default, x1 = default, y0 = default, y1 = default;
            for (; i <= n - (2 * w); i += 2 * w)
            {
                var b0 = Vector128.LoadUnsafe(ref pb, (nuint)i);
                var b1 = Vector128.LoadUnsafe(ref pb, (nuint)(i + w));
                x0 += Vector128.LoadUnsafe(ref p0, (nuint)i) * b0;
                x1 += Vector128.LoadUnsafe(ref p0, (nuint)(i + w)) * b1;
                y0 += Vector128.LoadUnsafe(ref p1, (nuint)i) * b0;
                y1 += Vector128.LoadUnsafe(ref p1, (nuint)(i + w)) * b1;
            }

            s0 = Vector128.Sum(x0 + x1);
            s1 = Vector128.Sum(y0 + y1);
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
