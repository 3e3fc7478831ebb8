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
