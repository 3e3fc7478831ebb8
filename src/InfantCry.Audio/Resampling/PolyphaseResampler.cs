namespace InfantCry.Audio.Resampling;

/// <summary>
/// Streaming band-limited resampler between any two integer rates: a polyphase Kaiser-windowed sinc whose phases
/// are precomputed once into one contiguous table (shared by every resampler of the same rates and options).
/// </summary>
/// <remarks>
/// <para>Feed consecutive chunks of one stream to <see cref="Process"/>, then call <see cref="Flush"/> once at the end.
/// Output sample n is the band-limited value of the input at time n · from / to, so the output is aligned with the input
/// (no delay) and has ceil(inputLength · to / from) samples in total. Chunking never changes the result: any split of
/// the input gives output bit-identical to processing it whole. The price is latency: an output is written once the
/// input <see cref="HalfWidth"/> samples past its time has arrived.</para>
/// <para>Quality is set by <see cref="ResamplerOptions"/> (default: >= 120 dB stopband from the lower Nyquist frequency,
/// &lt;= 0.01 dB ripple up to 0.9 of it). Equal rates copy the input unchanged.</para>
/// <para>Computation: where Vector512 is accelerated, integer upsampling (from divides to) and integer decimation by up to 16
/// (to divides from) run across outputs, 64 to 128 outputs in vector lanes, each output an in-order chain of fused
/// multiply-adds; other ratios (and machines without Vector512) take one SIMD dot product per output, visiting the outputs
/// of many-phase decimations by residue so a weight row is reused while it is in cache.</para>
/// <para>Steady state allocates nothing. One instance per stream; not thread-safe (distinct instances are independent).</para>
/// </remarks>
public sealed class PolyphaseResampler
{
    private const int MaxRate = 10_000_000;
    private const long MaxTableLength = 64L << 20;
    private const int ResidueOrderMinPhases = 16;   // rows from which outputs are taken by residue when decimating
    private const int ResidueOrderPeriods = 8;      // periods of L outputs one row serves while it is in L1 (even: taken in pairs)

    private readonly PolyphaseFilter? _filter;
    private readonly float[] _history;   // the last 2H samples of the virtual stream (H zeros, then the input)
    private readonly float[] _scratch;   // history followed by the first up-to-2H samples of the current chunk
    private readonly float[] _zeros;     // H + 1 zeros fed by Flush
    private readonly int _taps;
    private readonly int _stepWhole;     // floor(M / L)
    private readonly int _stepPhase;     // M mod L
    private readonly bool _acrossOutputs; // M = 1 or L = 1 (M <= 16) with Vector512: computed across outputs, else DotProduct per output
    private readonly DecimationKernel? _decimator;   // L = 1 across outputs
    private readonly int _groupOutputs;  // across outputs: outputs sharing one window (L when M = 1, else 1)
    private readonly int _groupStep;     // across outputs: input samples between consecutive windows (1 when M = 1, else M)
    private long _seen;                  // virtual samples seen: H leading zeros + input samples
    private long _windowStart;           // virtual index of the first tap of the next output: floor(n M / L)
    private int _phase;                  // n M mod L
    private long _outputs;
    private bool _flushed;

    /// <summary>Creates a resampler for one stream.</summary>
    /// <param name="fromRate">Input rate in Hz, 1 to 10 MHz.</param>
    /// <param name="toRate">Output rate in Hz, 1 to 10 MHz.</param>
    /// <param name="options">Filter quality; <see cref="ResamplerOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is outside 1 Hz to 10 MHz or an option is out of range.</exception>
    /// <exception cref="ArgumentException">The rates reduce to a ratio whose phase table would exceed 64 M coefficients.</exception>
    public PolyphaseResampler(int fromRate, int toRate, ResamplerOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(toRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromRate, MaxRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(toRate, MaxRate);
        options ??= ResamplerOptions.Default;
        options.Validate();
        FromRate = fromRate;
        ToRate = toRate;
        Options = options;
        if (fromRate == toRate)
        {
            _history = [];
            _scratch = [];
            _zeros = [];
            UpFactor = DownFactor = 1;
            return;
        }

        int g = PolyphaseFilter.Gcd(fromRate, toRate);
        if ((long)(toRate / g) * EstimateTaps(fromRate, toRate, options) > MaxTableLength)
        {
            throw new ArgumentException($"Resampling {fromRate} -> {toRate} Hz reduces to {toRate / g}/{fromRate / g}; its phase table would exceed {MaxTableLength} coefficients. Use rates with a larger common divisor.", nameof(toRate));
        }

        _filter = PolyphaseFilter.Get(fromRate, toRate, options);
        UpFactor = _filter.Up;
        DownFactor = _filter.Down;
        _taps = _filter.TapsPerPhase;
        _stepWhole = DownFactor / UpFactor;
        _stepPhase = DownFactor % UpFactor;
        if (DownFactor == 1 && InterpolationKernel.IsAccelerated)
        {
            _acrossOutputs = true;
            _groupOutputs = UpFactor;
            _groupStep = 1;
        }
        else if (UpFactor == 1 && DownFactor <= DecimationKernel.MaxDown && DecimationKernel.IsAccelerated)
        {
            _acrossOutputs = true;
            _decimator = new DecimationKernel(_filter.Coefficients, DownFactor);
            _groupOutputs = 1;
            _groupStep = DownFactor;
        }

        _history = new float[_taps - 1];
        _scratch = new float[2 * (_taps - 1)];
        _zeros = new float[HalfWidth + 1];
        Reset();
    }

    /// <summary>Input rate in Hz.</summary>
    public int FromRate { get; }

    /// <summary>Output rate in Hz.</summary>
    public int ToRate { get; }

    /// <summary>The filter quality.</summary>
    public ResamplerOptions Options { get; }

    /// <summary>L: the output rate divided by gcd(from, to).</summary>
    public int UpFactor { get; }

    /// <summary>M: the input rate divided by gcd(from, to).</summary>
    public int DownFactor { get; }

    /// <summary>H: input samples on each side of an output's time that contribute to it; also the latency in input samples (0 for equal rates).</summary>
    public int HalfWidth => _filter?.HalfWidth ?? 0;

    /// <summary>Weights applied per output sample (2H + 1; 0 for equal rates).</summary>
    public int TapsPerPhase => _taps;

    /// <summary>Input samples received since construction or <see cref="Reset"/>.</summary>
    public long InputCount => _filter is null ? _seen : _seen - HalfWidth;

    /// <summary>Output samples written since construction or <see cref="Reset"/>.</summary>
    public long OutputCount => _outputs;

    /// <summary>The most samples <see cref="Flush"/> can write.</summary>
    public int MaxFlushLength => _filter is null ? 0 : GetMaxOutputLength(HalfWidth);

    /// <summary>An upper bound of the samples one <see cref="Process"/> call writes for <paramref name="inputLength"/> input samples: ceil(inputLength · to / from).</summary>
    /// <param name="inputLength">Input samples of the call, zero or more.</param>
    /// <returns>The bound.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputLength"/> is negative.</exception>
    /// <exception cref="OverflowException">The bound exceeds <see cref="int.MaxValue"/>.</exception>
    public int GetMaxOutputLength(int inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        return checked((int)((((long)inputLength * UpFactor) + DownFactor - 1) / DownFactor));
    }

    /// <summary>Forgets the stream: the next <see cref="Process"/> call starts a new one. Allocates nothing.</summary>
    public void Reset()
    {
        Array.Clear(_history);
        _seen = HalfWidth;
        _windowStart = 0;
        _phase = 0;
        _outputs = 0;
        _flushed = false;
    }

    /// <summary>Resamples the next chunk of the stream.</summary>
    /// <param name="input">The next input samples (any length, including 0).</param>
    /// <param name="output">Receives the outputs that became complete; at least <see cref="GetMaxOutputLength"/>(input.Length) long.</param>
    /// <returns>The number of samples written to the start of <paramref name="output"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetMaxOutputLength"/>(input.Length), or overlaps <paramref name="input"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Flush"/> was called; call <see cref="Reset"/> to start a new stream.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The stream was flushed; call Reset() before processing a new stream.");
        }

        int max = GetMaxOutputLength(input.Length);
        if (output.Length < max)
        {
            throw new ArgumentException($"Output has {output.Length} samples; {input.Length} input samples at {FromRate} -> {ToRate} Hz can produce up to {max}.", nameof(output));
        }

        if (input.Overlaps(output))
        {
            throw new ArgumentException("Input and output overlap; in-place resampling is not supported (outputs would overwrite input still to be read).", nameof(output));
        }

        return ProcessCore(input, output, long.MaxValue);
    }

    /// <summary>Ends the stream: writes the remaining outputs as if the input continued with zeros, up to a total of ceil(<see cref="InputCount"/> · to / from).</summary>
    /// <param name="output">Receives the last outputs; at least <see cref="MaxFlushLength"/> long.</param>
    /// <returns>The number of samples written.</returns>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="MaxFlushLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The stream was already flushed.</exception>
    public int Flush(Span<float> output)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The stream was already flushed; call Reset() before processing a new stream.");
        }

        if (output.Length < MaxFlushLength)
        {
            throw new ArgumentException($"Output has {output.Length} samples; Flush can write up to {MaxFlushLength}.", nameof(output));
        }

        _flushed = true;
        if (_filter is null)
        {
            return 0;
        }

        long total = ((InputCount * UpFactor) + DownFactor - 1) / DownFactor;
        if (total <= _outputs)
        {
            return 0;
        }

        // The last output's window starts at floor((total - 1) M / L) <= InputCount - 1 + H (virtual index) and spans 2H + 1
        // samples, so at most H zeros are needed; they come from a cleared block allocated once.
        long lastStart = (total - 1) * DownFactor / UpFactor;
        int zeros = (int)Math.Max(0, lastStart + _taps - _seen);
        return ProcessCore(_zeros.AsSpan(0, Math.Min(zeros, _zeros.Length)), output, total);
    }

    private int ProcessCore(ReadOnlySpan<float> input, Span<float> output, long limit)
    {
        if (_filter is null)
        {
            input.CopyTo(output);
            _seen += input.Length;
            _outputs += input.Length;
            return input.Length;
        }

        long available = _seen + input.Length;
        int written = _acrossOutputs ? AcrossOutputs(input, output, limit) : DotPerOutput(input, output, limit);
        int span = _taps - 1;

        // Keep the last 2H samples of the virtual stream.
        if (input.Length >= span)
        {
            input[^span..].CopyTo(_history);
        }
        else if (input.Length > 0)
        {
            _history.AsSpan(input.Length).CopyTo(_history);
            input.CopyTo(_history.AsSpan(span - input.Length));
        }

        _seen = available;
        return written;
    }

    /// <summary>Outputs one at a time, each a <see cref="DotProduct"/> of its phase's weights and its input window.</summary>
    private int DotPerOutput(ReadOnlySpan<float> input, Span<float> output, long limit)
    {
        int span = _taps - 1;
        ReadOnlySpan<float> table = _filter!.Coefficients;
        long chunkStart = _seen;
        long available = _seen + input.Length;
        int written = 0;

        // Outputs whose window starts in the history: read from scratch = history + the chunk's first samples.
        if (_windowStart < chunkStart && _outputs < limit && _windowStart + _taps <= available)
        {
            ReadOnlySpan<float> scratch = FillScratch(input);
            while (_windowStart < chunkStart && _outputs < limit && _windowStart + _taps <= available)
            {
                int offset = (int)(_windowStart - chunkStart + span);
                output[written++] = DotProduct.Simd(table.Slice(_phase * _taps, _taps), scratch.Slice(offset, _taps));
                Advance();
            }
        }

        // Decimating with many phases (44.1 -> 16 kHz: 160 rows of 455 weights, more than the L1 cache holds): outputs are
        // taken by residue, so one row serves the same residue in several consecutive periods while it is in L1. The order of
        // computation changes, not any output's arithmetic.
        if (_stepWhole > 0 && UpFactor >= ResidueOrderMinPhases && available >= _taps)
        {
            long complete = Math.Min(limit, ((((available - _taps + 1) * UpFactor) - 1) / DownFactor) + 1);
            while (complete - _outputs >= (long)ResidueOrderPeriods * UpFactor)
            {
                int phase = _phase;
                long start = _windowStart - chunkStart;
                for (int r = 0; r < UpFactor; r++)
                {
                    ReadOnlySpan<float> row = table.Slice(phase * _taps, _taps);
                    for (int b = 0; b < ResidueOrderPeriods; b += 2)
                    {
                        // Two windows against one row (loaded once): bit-identical to DotProduct.Simd(row, window).
                        DotProduct.SimdPair(
                            input.Slice((int)(start + ((long)b * DownFactor)), _taps),
                            input.Slice((int)(start + ((long)(b + 1) * DownFactor)), _taps),
                            row,
                            out output[written + r + (b * UpFactor)],
                            out output[written + r + ((b + 1) * UpFactor)]);
                    }

                    start += _stepWhole;
                    phase += _stepPhase;
                    if (phase >= UpFactor)
                    {
                        phase -= UpFactor;
                        start++;
                    }
                }

                written += ResidueOrderPeriods * UpFactor;
                _outputs += ResidueOrderPeriods * UpFactor;
                _windowStart += (long)ResidueOrderPeriods * DownFactor;
            }
        }

        // Outputs whose window lies inside the chunk: read the input directly. When upsampling, consecutive outputs often
        // share a window (same start, next phase): SimdPair computes both with one pass over the input, bit-identically.
        while (_outputs < limit && _windowStart + _taps <= available)
        {
            int offset = (int)(_windowStart - chunkStart);
            ReadOnlySpan<float> window = input.Slice(offset, _taps);
            int nextPhase = _phase + _stepPhase;
            if (_stepWhole == 0 && nextPhase < UpFactor && _outputs + 1 < limit)
            {
                DotProduct.SimdPair(table.Slice(_phase * _taps, _taps), table.Slice(nextPhase * _taps, _taps), window, out output[written], out output[written + 1]);
                written += 2;
                Advance();
                Advance();
                continue;
            }

            output[written++] = DotProduct.Simd(table.Slice(_phase * _taps, _taps), window);
            Advance();
        }

        return written;
    }

    /// <summary>
    /// M = 1 or L = 1: groups of outputs (the L outputs sharing one window when M = 1; single outputs whose windows step by M
    /// when L = 1) go through <see cref="InterpolationKernel"/> or <see cref="DecimationKernel"/>, from the scratch copy
    /// while the window starts in the history, then from the input. Every call but Flush's ends on a whole group, so the
    /// phase is 0 on entry; Flush's limit may end inside the last group of L outputs.
    /// </summary>
    private int AcrossOutputs(ReadOnlySpan<float> input, Span<float> output, long limit)
    {
        int span = _taps - 1;
        int size = _groupOutputs, step = _groupStep;
        ReadOnlySpan<float> table = _filter!.Coefficients;
        long chunkStart = _seen;
        long available = _seen + input.Length;
        long ready = available - _taps - _windowStart;   // >= 0: the next window is complete
        long groups = ready < 0 ? 0 : Math.Min((ready / step) + 1, (limit - _outputs) / size);
        int written = 0;
        bool scratchReady = false;
        if (groups > 0 && _windowStart < chunkStart)
        {
            int inHistory = (int)Math.Min(groups, (chunkStart - _windowStart + step - 1) / step);
            ReadOnlySpan<float> scratch = FillScratch(input);
            scratchReady = true;
            int offset = (int)(_windowStart - chunkStart + span);
            Groups(scratch[offset..], inHistory, output);
            written += inHistory * size;
            groups -= inHistory;
        }

        if (groups > 0)
        {
            Groups(input[(int)(_windowStart - chunkStart)..], (int)groups, output[written..]);
            written += (int)groups * size;
        }

        while (_outputs < limit && _windowStart + _taps <= available)
        {
            ReadOnlySpan<float> window = _windowStart >= chunkStart
                ? input.Slice((int)(_windowStart - chunkStart), _taps)
                : (scratchReady ? (ReadOnlySpan<float>)_scratch : FillScratch(input)).Slice((int)(_windowStart - chunkStart + span), _taps);
            scratchReady = true;
            output[written++] = InterpolationKernel.Chain(table.Slice(_phase * _taps, _taps), window);
            Advance();
        }

        return written;
    }

    /// <summary>Computes <paramref name="count"/> whole groups from <paramref name="source"/> (starting at the next window) and advances.</summary>
    private void Groups(ReadOnlySpan<float> source, int count, Span<float> output)
    {
        int length = ((count - 1) * _groupStep) + _taps;
        if (_decimator is null)
        {
            InterpolationKernel.Interpolate(_filter!.Coefficients, _taps, UpFactor, source[..length], count, output);
        }
        else
        {
            _decimator.Decimate(source[..length], count, output);
        }

        _windowStart += (long)count * _groupStep;
        _outputs += (long)count * _groupOutputs;
    }

    /// <summary>Copies the history and the chunk's first up-to-2H samples into the scratch buffer.</summary>
    private ReadOnlySpan<float> FillScratch(ReadOnlySpan<float> input)
    {
        int span = _taps - 1;
        int head = Math.Min(input.Length, span);
        _history.CopyTo(_scratch.AsSpan());
        input[..head].CopyTo(_scratch.AsSpan(span));
        return _scratch.AsSpan(0, span + head);
    }

    private void Advance()
    {
        _outputs++;
        _windowStart += _stepWhole;
        _phase += _stepPhase;
        if (_phase >= UpFactor)
        {
            _phase -= UpFactor;
            _windowStart++;
        }
    }

    private static long EstimateTaps(int fromRate, int toRate, ResamplerOptions options)
    {
        double nyquist = Math.Min(fromRate, toRate) / 2.0;
        double width = (options.StopbandEdge - options.PassbandEdge) * nyquist / fromRate;
        return (long)Math.Ceiling((options.StopbandAttenuationDb + PolyphaseFilter.DesignMarginDb) / (14.36 * width)) + 2;
    }
}
