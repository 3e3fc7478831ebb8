using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Detection;

/// <summary>
/// Streaming cry detection over one live PCM stream (from <see cref="CryDetector.CreateStreaming"/>): <see cref="Process"/>
/// chunks as they arrive and receive the windows they complete; <see cref="Flush"/> pads the end as the whole-clip
/// <see cref="CryDetector.Detect(ReadOnlySpan{float}, int, CancellationToken)"/> does, so a stream yields exactly the
/// whole recording's windows however it is chunked.
/// </summary>
/// <remarks>
/// Latency: a window is reported once the resampler's look-ahead (a few ms) and the window's 0.975 s of audio have
/// arrived. Memory: a resampler, one 400-sample frame, 96 log-mel frames and a batch of patches; allocates nothing
/// after construction except the detections it adds to the caller's collection. One consumer; not thread-safe.
/// </remarks>
public sealed class StreamingCryDetector : IDisposable
{
    private const int InputBlock = 4096;     // input samples resampled at a time

    private readonly CryDetector _detector;
    private readonly ResamplerPool _pool;
    private readonly PolyphaseResampler? _resampler;
    private readonly int _hopSamples;
    private readonly int _batch;
    private readonly float[] _resampled;
    private readonly LogMelPatchFramer _framer;
    private readonly float[] _pending;          // completed patches waiting for inference
    private readonly float[] _embeddings;
    private readonly float[] _scores;
    private readonly float[] _windowScores;
    private readonly double[] _classSums = new double[YamnetEmbedder.ClassCount];   // for the clip verdict of a whole stream
    private double _scoreSum;
    private int _pendingCount;
    private long _samples16k;                    // 16 kHz samples fed to the frontend (without end padding)
    private long _windows;
    private bool _completed;
    private bool _disposed;

    internal StreamingCryDetector(CryDetector detector, ResamplerPool pool, int sampleRate)
    {
        _detector = detector;
        _pool = pool;
        SampleRate = sampleRate;
        _resampler = sampleRate == YamnetFrontend.SampleRate ? null : pool.Rent(sampleRate);
        _framer = new LogMelPatchFramer(YamnetFrontend.Shared, detector.Options.HopFrames);
        _hopSamples = detector.Options.HopFrames * YamnetFrontend.HopLength;
        _batch = detector.Embedder.BatchSize;
        int resampledCapacity = _resampler is null ? 0 : Math.Max(_resampler.GetMaxOutputLength(InputBlock), _resampler.MaxFlushLength);
        _resampled = new float[resampledCapacity];
        _pending = new float[_batch * YamnetFrontend.PatchLength];
        _embeddings = new float[_batch * YamnetEmbedder.EmbeddingSize];
        _scores = new float[_batch * YamnetEmbedder.ClassCount];
        _windowScores = new float[_batch];
    }

    /// <summary>The stream's sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Windows reported so far.</summary>
    public long WindowCount => _windows;

    /// <summary>Adds the next chunk and reports the windows it completes.</summary>
    /// <param name="samples">The next mono samples in [-1, 1] at <see cref="SampleRate"/> (any length).</param>
    /// <param name="detections">Receives the completed windows in time order.</param>
    /// <param name="cancellationToken">Cancels inference.</param>
    /// <returns>The number of windows added.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="detections"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The stream was completed.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public int Process(ReadOnlySpan<float> samples, ICollection<CryDetection> detections, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The stream was completed; create a new stream for new audio.");
        }

        long before = _windows;
        while (!samples.IsEmpty)
        {
            ReadOnlySpan<float> block = samples[..Math.Min(InputBlock, samples.Length)];
            samples = samples[block.Length..];
            if (_resampler is null)
            {
                Feed(block, detections, cancellationToken);
            }
            else
            {
                int n = _resampler.Process(block, _resampled);
                Feed(_resampled.AsSpan(0, n), detections, cancellationToken);
            }
        }

        RunPending(detections, cancellationToken);   // report every completed window now (batches only bound memory)
        return (int)(_windows - before);
    }

    /// <summary>Ends the stream: flushes the resampler, pads with zeros like the whole-clip detector and reports the last windows.</summary>
    /// <param name="detections">Receives the remaining windows in time order.</param>
    /// <param name="cancellationToken">Cancels inference.</param>
    /// <returns>The number of windows added.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="detections"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The stream was already completed.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public int Flush(ICollection<CryDetection> detections, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The stream was already completed.");
        }

        long before = _windows;
        if (_resampler is not null)
        {
            int n = _resampler.Flush(_resampled);
            Feed(_resampled.AsSpan(0, n), detections, cancellationToken);
        }

        _completed = true;
        long windows = CryDetector.GetWindowCount(_samples16k, _hopSamples);
        long padded = YamnetFrontend.MinimumSamples + ((windows - 1) * _hopSamples);
        long missing = padded - _samples16k;
        Span<float> zeros = stackalloc float[YamnetFrontend.HopLength];
        zeros.Clear();
        while (missing > 0)
        {
            int n = (int)Math.Min(missing, zeros.Length);
            FeedFrames(zeros[..n], detections, cancellationToken);
            missing -= n;
        }

        RunPending(detections, cancellationToken);
        return (int)(_windows - before);
    }

    /// <summary>The per-class score sums and the window-score sum over every window reported so far (the clip verdict's inputs).</summary>
    internal (double[] ClassSums, double ScoreSum) Totals => (_classSums, _scoreSum);

    /// <summary>Returns the resampler to the detector's pool.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_resampler is not null)
            {
                _pool.Return(_resampler);
            }
        }
    }

    private void Feed(ReadOnlySpan<float> samples16k, ICollection<CryDetection> detections, CancellationToken cancellationToken)
    {
        _samples16k += samples16k.Length;
        FeedFrames(samples16k, detections, cancellationToken);
    }

    private void FeedFrames(ReadOnlySpan<float> samples, ICollection<CryDetection> detections, CancellationToken cancellationToken)
    {
        while (!samples.IsEmpty)
        {
            samples = samples[_framer.Consume(samples, _pending.AsSpan(_pendingCount * YamnetFrontend.PatchLength), out bool patchReady)..];
            if (patchReady && ++_pendingCount == _batch)
            {
                RunPending(detections, cancellationToken);
            }
        }
    }

    private void RunPending(ICollection<CryDetection> detections, CancellationToken cancellationToken)
    {
        if (_pendingCount == 0)
        {
            return;
        }

        int n = _pendingCount;
        _pendingCount = 0;
        _detector.ScoreBlock(_pending.AsMemory(0, n * YamnetFrontend.PatchLength), n, _embeddings, _scores, _windowScores.AsSpan(0, n), cancellationToken);
        for (int w = 0; w < n; w++)
        {
            CryDetector.AddClassScores(_scores.AsSpan(w * YamnetEmbedder.ClassCount, YamnetEmbedder.ClassCount), _classSums);
            _scoreSum += _windowScores[w];
            detections.Add(CryDetector.MakeDetection(_windows++, _hopSamples, _windowScores[w], _detector.Options.ActiveThreshold));
        }
    }
}
