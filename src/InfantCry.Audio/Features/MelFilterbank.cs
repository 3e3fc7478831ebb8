using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfantCry.Audio.Features;

/// <summary>
/// A mel filterbank stored sparse: for every band the first FFT bin with a non-zero weight, the number of such bins and
/// the weights, all weights of all bands in one contiguous array. Built as tf.signal.linear_to_mel_weight_matrix
/// (HTK mel 1127 ln(1 + f/700), band edges linear in mel, triangles in the mel domain with peak 1, no area normalisation,
/// DC bin weight 0), computed in double and stored as float.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class MelFilterbank
{
    private readonly int[] _start;
    private readonly int[] _count;
    private readonly int[] _offset;
    private readonly int[] _stride;
    private readonly float[] _weights;

    /// <summary>Rows are padded with zero weights to a multiple of this many floats (one Vector256).</summary>
    public const int RowAlignment = 8;

    public MelFilterbank(int bands, int spectrumBins, double sampleRate, double lowerHz, double upperHz)
    {
        Bands = bands;
        double nyquist = sampleRate / 2.0;
        double lowerMel = HzToMel(lowerHz), upperMel = HzToMel(upperHz);
        var edges = new double[bands + 2];
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = lowerMel + ((upperMel - lowerMel) * i / (bands + 1));
        }

        _start = new int[bands];
        _count = new int[bands];
        _offset = new int[bands];
        _stride = new int[bands];
        var weights = new List<float>();
        for (int b = 0; b < bands; b++)
        {
            double lo = edges[b], centre = edges[b + 1], hi = edges[b + 2];
            int first = -1, last = -1;
            var row = new List<float>();
            for (int k = 1; k < spectrumBins; k++)   // bin 0 (DC) always has weight 0
            {
                double mel = HzToMel(nyquist * k / (spectrumBins - 1));
                double w = Math.Max(0.0, Math.Min((mel - lo) / (centre - lo), (hi - mel) / (hi - centre)));
                if (w > 0.0)
                {
                    if (first < 0)
                    {
                        first = k;
                    }

                    last = k;
                }

                if (first >= 0 && last == k)
                {
                    row.Add((float)w);
                }
            }

            _start[b] = Math.Max(first, 0);
            _count[b] = first < 0 ? 0 : last - first + 1;
            _offset[b] = weights.Count;
            weights.AddRange(row.GetRange(0, _count[b]));
            int padded = (_count[b] + RowAlignment - 1) / RowAlignment * RowAlignment;
            for (int i = _count[b]; i < padded; i++)
            {
                weights.Add(0f);   // rows padded with zeros to whole vectors: no tail loop
            }

            _stride[b] = padded;
            NonZeroCount += _count[b];
        }

        _weights = [.. weights];
        FirstBin = int.MaxValue;
        LastBin = 0;
        for (int b = 0; b < bands; b++)
        {
            if (_count[b] > 0)
            {
                FirstBin = Math.Min(FirstBin, _start[b]);
                LastBin = Math.Max(LastBin, _start[b] + _count[b] - 1);
            }
        }
    }

    /// <summary>Number of bands.</summary>
    public int Bands { get; }

    /// <summary>Lowest FFT bin any band uses.</summary>
    public int FirstBin { get; }

    /// <summary>Highest FFT bin any band uses.</summary>
    public int LastBin { get; }

    /// <summary>Non-zero weights (the stored rows add zero padding).</summary>
    public int NonZeroCount { get; }

    /// <summary>Magnitudes <see cref="Apply"/> reads: bins FirstBin..LastBin plus room for the padding of the last rows.</summary>
    public int InputLength => LastBin - FirstBin + 1 + RowAlignment;

    /// <summary>HTK mel: 1127 ln(1 + f / 700).</summary>
    public static double HzToMel(double hz) => 1127.0 * Math.Log(1.0 + (hz / 700.0));

    /// <summary>The weight of bin k in band b (0 outside the band): for tests and the dense export.</summary>
    public float Weight(int bin, int band)
    {
        int i = bin - _start[band];
        return i >= 0 && i < _count[band] ? _weights[_offset[band] + i] : 0f;
    }

    /// <summary>mel[b] = sum_k weight[b, k] · magnitude[k - <see cref="FirstBin"/>].</summary>
    /// <param name="magnitude"><see cref="InputLength"/> values: magnitudes of bins FirstBin..LastBin, then anything finite (zeros).</param>
    /// <param name="mel">Receives <see cref="Bands"/> values.</param>
    public void Apply(ReadOnlySpan<float> magnitude, Span<float> mel)
    {
        ReadOnlySpan<float> weights = _weights;
        ref float pw = ref MemoryMarshal.GetReference(weights);
        ref float px = ref MemoryMarshal.GetReference(magnitude);
        if (magnitude.Length < InputLength)
        {
            throw new ArgumentException($"Need {InputLength} magnitudes.", nameof(magnitude));
        }

        for (int b = 0; b < _start.Length; b++)
        {
            int offset = _offset[b], start = _start[b] - FirstBin, stride = _stride[b];
            if (Vector256.IsHardwareAccelerated)
            {
                var acc = Vector256<float>.Zero;
                for (int i = 0; i < stride; i += RowAlignment)
                {
                    acc += Vector256.LoadUnsafe(ref pw, (nuint)(offset + i)) * Vector256.LoadUnsafe(ref px, (nuint)(start + i));
                }

                mel[b] = Vector256.Sum(acc);
            }
            else
            {
                float sum = 0f;
                for (int i = 0; i < stride; i++)
                {
                    sum += Unsafe.Add(ref pw, offset + i) * Unsafe.Add(ref px, start + i);
                }

                mel[b] = sum;
            }
        }
    }
}
