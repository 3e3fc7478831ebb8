using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InfantCry.Vision.Landmarks;

/// <summary>
/// Sums leaf vectors onto the shape: <c>shape += leaves[offset]</c> for every offset in order, in float, so that every
/// element sees dlib's additions in dlib's order. The leaves are scattered over a large model (65 MB for the 68-point
/// one), so the cost is memory latency: the vectors a few steps ahead are prefetched while the current one is added.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class LeafAccumulator
{
    /// <summary>How many leaves ahead to prefetch: enough to cover a DRAM miss with the adds of the leaves between.</summary>
    private const int PrefetchDistance = 16;

    private const int CacheLine = 64;

    /// <summary>Adds <c>leaves[offsets[k] .. offsets[k] + shape.Length]</c> to <paramref name="shape"/> for k = 0, 1, ...</summary>
    /// <remarks>Every offset must leave room for a whole vector in <paramref name="leaves"/> (the loader guarantees it).</remarks>
    public static unsafe void AddLeaves(Span<float> shape, float[] leaves, ReadOnlySpan<int> offsets)
    {
        int length = shape.Length;
        fixed (float* dst = shape)
        fixed (float* all = leaves)
        {
            for (int k = 0; k < offsets.Length; k++)
            {
                if (Sse.IsSupported && k + PrefetchDistance < offsets.Length)
                {
                    byte* ahead = (byte*)(all + offsets[k + PrefetchDistance]);
                    for (int b = 0; b < length * sizeof(float); b += CacheLine)
                    {
                        Sse.Prefetch0(ahead + b);
                    }
                }

                Add(dst, all + offsets[k], length);
            }
        }
    }

    /// <summary><c>dst[i] += src[i]</c>, vectorised where the hardware allows, scalar tail; element-wise, so exact.</summary>
    private static unsafe void Add(float* dst, float* src, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128.Store(Vector128.Load(dst + i) + Vector128.Load(src + i), dst + i);
            }
        }

        for (; i < length; i++)
        {
            dst[i] += src[i];
        }
    }
}
