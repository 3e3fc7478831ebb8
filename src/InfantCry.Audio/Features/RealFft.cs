using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfantCry.Audio.Features;

/// <summary>
/// Magnitude spectrum of a real frame by a power-of-two FFT: the N real samples are packed as N/2 complex values
/// (even samples real, odd imaginary), transformed by an iterative radix-2 decimation-in-time FFT on separate real
/// and imaginary arrays (stages of 8 or more butterflies in Vector256), then split into the N/2 + 1 bins.
/// </summary>
/// <remarks>Bit-reversal table and twiddles are built in the constructor; the instance is immutable and thread-safe
/// (callers pass their own scratch).</remarks>
internal sealed class RealFft
{
    private readonly int _half;
    private readonly int[] _bitReverse;
    private readonly float[] _twiddleRe;   // stage with half-size h uses [h - 1, 2h - 1): exp(-2 pi i k / 2h)
    private readonly float[] _twiddleIm;
    private readonly float[] _splitRe;     // exp(-2 pi i k / N), k = 0..N/2
    private readonly float[] _splitIm;

    public RealFft(int length)
    {
        if (length < 16 || !BitOperations.IsPow2(length))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "FFT length must be a power of two, at least 16.");
        }

        Length = length;
        _half = length / 2;
        int bits = BitOperations.Log2((uint)_half);
        _bitReverse = new int[_half];
        for (int i = 0; i < _half; i++)
        {
            _bitReverse[i] = (int)(ReverseBits((uint)i) >> (32 - bits));
        }

        _twiddleRe = new float[_half];
        _twiddleIm = new float[_half];
        for (int h = 1; h < _half; h *= 2)
        {
            for (int k = 0; k < h; k++)
            {
                double angle = -Math.PI * k / h;
                _twiddleRe[h - 1 + k] = (float)Math.Cos(angle);
                _twiddleIm[h - 1 + k] = (float)Math.Sin(angle);
            }
        }

        _splitRe = new float[_half + 1];
        _splitIm = new float[_half + 1];
        for (int k = 0; k <= _half; k++)
        {
            double angle = -2.0 * Math.PI * k / length;
            _splitRe[k] = (float)Math.Cos(angle);
            _splitIm[k] = (float)Math.Sin(angle);
        }
    }

    /// <summary>N.</summary>
    public int Length { get; }

    /// <summary>Scratch floats <see cref="Magnitude"/> needs: two arrays of N/2.</summary>
    public int ScratchLength => Length;

    /// <summary>
    /// |X[k]| for k in [firstBin, firstBin + magnitude.Length) of the N-point DFT of (frame · window) zero-padded to N.
    /// </summary>
    /// <param name="frame">Up to N samples.</param>
    /// <param name="window">Window, as long as <paramref name="frame"/>.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> floats, overwritten.</param>
    /// <param name="firstBin">First bin wanted.</param>
    /// <param name="magnitude">Receives the magnitudes; firstBin + length &lt;= N/2 + 1.</param>
    public void Magnitude(ReadOnlySpan<float> frame, ReadOnlySpan<float> window, Span<float> scratch, int firstBin, Span<float> magnitude)
    {
        int m = _half;
        Span<float> re = scratch[..m];
        Span<float> im = scratch.Slice(m, m);
        Pack(frame, window, re, im);
        Transform(re, im);
        Split(re, im, firstBin, magnitude);
    }

    private void Pack(ReadOnlySpan<float> frame, ReadOnlySpan<float> window, Span<float> re, Span<float> im)
    {
        if (window.Length < frame.Length || frame.Length > Length || re.Length < _half || im.Length < _half)
        {
            throw new ArgumentException("Frame, window or scratch has the wrong length.");
        }

        int pairs = frame.Length / 2;
        ref int rev = ref MemoryMarshal.GetArrayDataReference(_bitReverse);
        ref float x = ref MemoryMarshal.GetReference(frame);
        ref float w = ref MemoryMarshal.GetReference(window);
        ref float pr = ref MemoryMarshal.GetReference(re);
        ref float pi = ref MemoryMarshal.GetReference(im);
        for (int n = 0; n < pairs; n++)
        {
            int r = Unsafe.Add(ref rev, n);
            Unsafe.Add(ref pr, r) = Unsafe.Add(ref x, 2 * n) * Unsafe.Add(ref w, 2 * n);
            Unsafe.Add(ref pi, r) = Unsafe.Add(ref x, (2 * n) + 1) * Unsafe.Add(ref w, (2 * n) + 1);
        }

        int start = pairs;
        if ((frame.Length & 1) != 0)
        {
            int r = Unsafe.Add(ref rev, pairs);
            Unsafe.Add(ref pr, r) = frame[^1] * window[frame.Length - 1];
            Unsafe.Add(ref pi, r) = 0f;
            start++;
        }

        for (int n = start; n < _half; n++)
        {
            int r = Unsafe.Add(ref rev, n);
            Unsafe.Add(ref pr, r) = 0f;
            Unsafe.Add(ref pi, r) = 0f;
        }
    }

    private void Transform(Span<float> re, Span<float> im)
    {
        int m = _half;
        ref float pr = ref MemoryMarshal.GetReference(re);
        ref float pi = ref MemoryMarshal.GetReference(im);

        // h = 1: butterflies with w = 1.
        for (int g = 0; g < m; g += 2)
        {
            float ar = Unsafe.Add(ref pr, g), ai = Unsafe.Add(ref pi, g);
            float br = Unsafe.Add(ref pr, g + 1), bi = Unsafe.Add(ref pi, g + 1);
            Unsafe.Add(ref pr, g) = ar + br;
            Unsafe.Add(ref pi, g) = ai + bi;
            Unsafe.Add(ref pr, g + 1) = ar - br;
            Unsafe.Add(ref pi, g + 1) = ai - bi;
        }

        // h = 2: w = 1, -i.
        for (int g = 0; g < m; g += 4)
        {
            float ar = Unsafe.Add(ref pr, g), ai = Unsafe.Add(ref pi, g);
            float br = Unsafe.Add(ref pr, g + 2), bi = Unsafe.Add(ref pi, g + 2);
            Unsafe.Add(ref pr, g) = ar + br;
            Unsafe.Add(ref pi, g) = ai + bi;
            Unsafe.Add(ref pr, g + 2) = ar - br;
            Unsafe.Add(ref pi, g + 2) = ai - bi;
            ar = Unsafe.Add(ref pr, g + 1);
            ai = Unsafe.Add(ref pi, g + 1);
            br = Unsafe.Add(ref pi, g + 3);           // (-i) * b = (b.im, -b.re)
            bi = -Unsafe.Add(ref pr, g + 3);
            Unsafe.Add(ref pr, g + 1) = ar + br;
            Unsafe.Add(ref pi, g + 1) = ai + bi;
            Unsafe.Add(ref pr, g + 3) = ar - br;
            Unsafe.Add(ref pi, g + 3) = ai - bi;
        }

        int h = 4;
        if (h < m && Vector128.IsHardwareAccelerated)
        {
            // h = 4: one Vector128 of butterflies per group.
            var wr = Vector128.LoadUnsafe(ref _twiddleRe[h - 1]);
            var wi = Vector128.LoadUnsafe(ref _twiddleIm[h - 1]);
            for (int g = 0; g < m; g += 2 * h)
            {
                nuint a = (nuint)g, b = (nuint)(g + h);
                var br = Vector128.LoadUnsafe(ref pr, b);
                var bi = Vector128.LoadUnsafe(ref pi, b);
                var tr = (br * wr) - (bi * wi);
                var ti = (br * wi) + (bi * wr);
                var ar = Vector128.LoadUnsafe(ref pr, a);
                var ai = Vector128.LoadUnsafe(ref pi, a);
                (ar + tr).StoreUnsafe(ref pr, a);
                (ai + ti).StoreUnsafe(ref pi, a);
                (ar - tr).StoreUnsafe(ref pr, b);
                (ai - ti).StoreUnsafe(ref pi, b);
            }

            h *= 2;
        }

        for (; h < m && (h < Vector256<float>.Count || !Vector256.IsHardwareAccelerated); h *= 2)
        {
            ScalarStage(ref pr, ref pi, m, h);
        }

        for (; h < m; h *= 2)
        {
            ref float wr0 = ref _twiddleRe[h - 1];
            ref float wi0 = ref _twiddleIm[h - 1];
            for (int g = 0; g < m; g += 2 * h)
            {
                for (int k = 0; k < h; k += Vector256<float>.Count)
                {
                    var wr = Vector256.LoadUnsafe(ref wr0, (nuint)k);
                    var wi = Vector256.LoadUnsafe(ref wi0, (nuint)k);
                    nuint a = (nuint)(g + k), b = (nuint)(g + h + k);
                    var br = Vector256.LoadUnsafe(ref pr, b);
                    var bi = Vector256.LoadUnsafe(ref pi, b);
                    var tr = (br * wr) - (bi * wi);
                    var ti = (br * wi) + (bi * wr);
                    var ar = Vector256.LoadUnsafe(ref pr, a);
                    var ai = Vector256.LoadUnsafe(ref pi, a);
                    (ar + tr).StoreUnsafe(ref pr, a);
                    (ai + ti).StoreUnsafe(ref pi, a);
                    (ar - tr).StoreUnsafe(ref pr, b);
                    (ai - ti).StoreUnsafe(ref pi, b);
                }
            }
        }
    }

    private void ScalarStage(ref float pr, ref float pi, int m, int h)
    {
        for (int g = 0; g < m; g += 2 * h)
        {
            for (int k = 0; k < h; k++)
            {
                float wr = _twiddleRe[h - 1 + k], wi = _twiddleIm[h - 1 + k];
                int a = g + k, b = g + h + k;
                float br = Unsafe.Add(ref pr, b), bi = Unsafe.Add(ref pi, b);
                float tr = (br * wr) - (bi * wi);
                float ti = (br * wi) + (bi * wr);
                float ar = Unsafe.Add(ref pr, a), ai = Unsafe.Add(ref pi, a);
                Unsafe.Add(ref pr, a) = ar + tr;
                Unsafe.Add(ref pi, a) = ai + ti;
                Unsafe.Add(ref pr, b) = ar - tr;
                Unsafe.Add(ref pi, b) = ai - ti;
            }
        }
    }

    private void Split(ReadOnlySpan<float> re, ReadOnlySpan<float> im, int firstBin, Span<float> magnitude)
    {
        int m = _half;
        int i = 0;
        int count = magnitude.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            // Bins k..k+7 pair with Z[m-k-7..m-k] reversed; valid while 1 <= k and k + 7 <= m - 1.
            int start = firstBin == 0 ? 1 : 0;
            for (int j = 0; j < start && j < count; j++)
            {
                magnitude[j] = SplitBin(re, im, firstBin + j);
            }

            i = start;
            ref float pr = ref MemoryMarshal.GetReference(re);
            ref float pi = ref MemoryMarshal.GetReference(im);
            ref float wr0 = ref _splitRe[0];
            ref float wi0 = ref _splitIm[0];
            ref float mag = ref MemoryMarshal.GetReference(magnitude);
            var reverse = Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0);
            var half = Vector256.Create(0.5f);
            for (; i + Vector256<float>.Count <= count && firstBin + i + Vector256<float>.Count <= m; i += Vector256<float>.Count)
            {
                int k = firstBin + i;
                var ar = Vector256.LoadUnsafe(ref pr, (nuint)k);
                var ai = Vector256.LoadUnsafe(ref pi, (nuint)k);
                var cr = Vector256.Shuffle(Vector256.LoadUnsafe(ref pr, (nuint)(m - k - 7)), reverse);
                var ci = Vector256.Shuffle(Vector256.LoadUnsafe(ref pi, (nuint)(m - k - 7)), reverse);
                var er = half * (ar + cr);
                var ei = half * (ai - ci);
                var or = half * (ar - cr);
                var oi = half * (ai + ci);
                var wr = Vector256.LoadUnsafe(ref wr0, (nuint)k);
                var wi = Vector256.LoadUnsafe(ref wi0, (nuint)k);
                var xr = er + ((wr * oi) + (wi * or));
                var xi = ei - ((wr * or) - (wi * oi));
                Vector256.Sqrt((xr * xr) + (xi * xi)).StoreUnsafe(ref mag, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            magnitude[i] = SplitBin(re, im, firstBin + i);
        }
    }

    /// <summary>|X[k]| from the half-length transform Z: X[k] = (Z[k] + conj Z[m-k])/2 - i w^k (Z[k] - conj Z[m-k])/2.</summary>
    private float SplitBin(ReadOnlySpan<float> re, ReadOnlySpan<float> im, int k)
    {
        int m = _half;
        int j = k == 0 ? 0 : m - k;              // Z[m] = Z[0]
        int kk = k == m ? 0 : k;
        float ar = re[kk], ai = im[kk], cr = re[j], ci = im[j];
        float er = 0.5f * (ar + cr), ei = 0.5f * (ai - ci);
        float or = 0.5f * (ar - cr), oi = 0.5f * (ai + ci);
        float wr = _splitRe[k], wi = _splitIm[k];
        float xr = er + ((wr * oi) + (wi * or));
        float xi = ei - ((wr * or) - (wi * oi));
        return MathF.Sqrt((xr * xr) + (xi * xi));
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
