using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Models;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;
using InfantCry.Audio.Yamnet;
using InfantCry.Onnx.Sessions;
using InfantCry.Shared;

namespace InfantCry.Audio.Detection;

/// <summary>
/// Tells whether audio holds infant crying, per 0.96 s window and per recording, from YAMNet: by default zero-shot
/// from YAMNet's crying-family classes (no training needed), optionally with a trained head on YAMNet embeddings.
/// Works on whole recordings (<see cref="Detect(ReadOnlySpan{float}, int, CancellationToken)"/>) and on live PCM
/// (<see cref="DetectAsync(IAsyncEnumerable{ReadOnlyMemory{float}}, int, CancellationToken)"/>,
/// <see cref="CreateStreaming"/>); both give the same windows and scores.
/// </summary>
/// <remarks>
/// <para>Windows start every <see cref="CryDetectorOptions.Hop"/> (default 0.48 s) and span 0.96 s of 16 kHz audio;
/// a recording of n samples (after resampling to 16 kHz) gets 1 window if n ≤ 15600, else 1 + ⌈(n − 15600) / hop⌉,
/// zero-padded at the end (YAMNet's pad_waveform for the default hop).</para>
/// <para>Thread-safety: every method may be called concurrently; each <see cref="StreamingCryDetector"/> belongs to one
/// consumer. Must be disposed when it owns its sessions (<see cref="Create"/>).</para>
/// </remarks>
public sealed class CryDetector : IDisposable
{
    /// <summary>The optional trained head's file name in a models folder.</summary>
    public const string TrainedHeadFileName = "crydetector_head.onnx";

    private const int WholeClipBlock = 64;    // windows per block when analysing a whole recording

    private readonly YamnetEmbedder _embedder;
    private readonly IInferenceSession? _head;
    private readonly string _headInput = string.Empty;
    private readonly string _headOutput = string.Empty;
    private readonly bool _headRank2;
    private readonly long[][] _headInputShapes = [];
    private readonly long[][] _headOutputShapes = [];
    private readonly bool _ownsSessions;
    private readonly ResamplerPool _resamplers;

    /// <summary>Creates a detector over an embedder and, for <see cref="CryDetectorMode.TrainedHead"/>, a head session.</summary>
    /// <param name="embedder">The YAMNet embedder.</param>
    /// <param name="options">Options; <see cref="CryDetectorOptions.Default"/> when null.</param>
    /// <param name="trainedHead">The trained head (input embeddings [N, 1024], output [N] or [N, 1] probability); required for <see cref="CryDetectorMode.TrainedHead"/>, ignored otherwise (and then disposed at once if <paramref name="ownsSessions"/>).</param>
    /// <param name="ownsSessions">Whether <see cref="Dispose"/> disposes <paramref name="embedder"/> and <paramref name="trainedHead"/>.</param>
    /// <param name="settings">What the detector's evaluation shipped (calibration, reliability statement), attached to every result; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="embedder"/> is null.</exception>
    /// <exception cref="InvalidModelException">The trained head is required but missing, or its signature does not fit.</exception>
    public CryDetector(YamnetEmbedder embedder, CryDetectorOptions? options = null, IInferenceSession? trainedHead = null, bool ownsSessions = false, CryDetectorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        Options = options ?? settings?.Options ?? CryDetectorOptions.Default;
        Settings = settings;
        _embedder = embedder;
        _ownsSessions = ownsSessions;
        _resamplers = new ResamplerPool(embedder.Options.Resampler);
        if (Options.Mode == CryDetectorMode.TrainedHead)
        {
            _head = trainedHead ?? throw new InvalidModelException($"CryDetectorMode.TrainedHead needs the trained head ({TrainedHeadFileName}); pass its session, or use CryDetectorMode.ZeroShot (the default), which needs none.");
            (_headInput, _headOutput, _headRank2) = CheckHead(trainedHead);
            int batch = embedder.BatchSize;
            _headInputShapes = new long[batch][];
            _headOutputShapes = new long[batch][];
            for (int b = 1; b <= batch; b++)
            {
                _headInputShapes[b - 1] = [b, YamnetEmbedder.EmbeddingSize];
                _headOutputShapes[b - 1] = _headRank2 ? [b, 1] : [b];
            }
        }
        else if (ownsSessions)
        {
            trainedHead?.Dispose();
        }
    }

    /// <summary>The options in use.</summary>
    public CryDetectorOptions Options { get; }

    /// <summary>The evaluation's settings (calibration, reliability statement) when the detector was loaded with them; otherwise null.</summary>
    public CryDetectorSettings? Settings { get; }

    /// <summary>The YAMNet embedder the detector runs.</summary>
    public YamnetEmbedder Embedder => _embedder;

    /// <summary>Loads YAMNet (and, for <see cref="CryDetectorMode.TrainedHead"/>, the trained head) from a models folder with ONNX Runtime; must be disposed.</summary>
    /// <param name="modelsFolder">Folder holding yamnet.onnx (and crydetector_head.onnx for the trained mode).</param>
    /// <param name="options">Options; <see cref="CryDetectorOptions.Default"/> when null.</param>
    /// <param name="sessionOptions">ONNX Runtime options; <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <returns>The detector.</returns>
    /// <exception cref="InvalidModelException">A model is missing (the message names the file and the step that makes it) or does not fit.</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed to load a model or was not found.</exception>
    public static CryDetector Create(string modelsFolder, CryDetectorOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelsFolder);
        CryDetectorSettings? settings = LoadSettings(modelsFolder);
        options ??= settings?.Options ?? CryDetectorOptions.Default;
        using var opened = new DisposeOnFailure();
        YamnetEmbedder embedder = opened.Add(YamnetEmbedder.Create(Path.Combine(modelsFolder, YamnetEmbedder.ModelFileName), null, sessionOptions));
        OnnxInferenceSession? head = OpenTrainedHead(modelsFolder, options, sessionOptions, opened);
        return opened.HandOver(new CryDetector(embedder, options, head, ownsSessions: true, settings));
    }

    /// <summary>
    /// Loads YAMNet (and the trained head when the options ask for it) from the model packages installed in the app
    /// (<c>InfantCry.Models.Yamnet</c>, <c>InfantCry.Models.CryDetector</c>, copied to <see cref="PackagedModels.Folder"/>);
    /// must be disposed.
    /// </summary>
    /// <param name="options">Options; <see cref="CryDetectorOptions.Default"/> when null.</param>
    /// <param name="sessionOptions">ONNX Runtime options; <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <returns>The detector.</returns>
    /// <exception cref="InvalidModelException">A package's model is not beside the app (the message names the package to add) or does not fit.</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed to load a model.</exception>
    public static CryDetector CreateDefault(CryDetectorOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        PackagedModels.GetPath(YamnetEmbedder.ModelFileName, PackagedModels.YamnetPackage);
        return Create(PackagedModels.Folder, options, sessionOptions);
    }

    /// <summary>The folder's <see cref="CryDetectorSettings.FileName"/> when it has one; otherwise null.</summary>
    internal static CryDetectorSettings? LoadSettings(string modelsFolder)
    {
        string path = Path.Combine(modelsFolder, CryDetectorSettings.FileName);
        return File.Exists(path) ? CryDetectorSettings.Load(path) : null;
    }

    /// <summary>Opens <see cref="TrainedHeadFileName"/> when the options ask for the trained mode; otherwise null.</summary>
    internal static OnnxInferenceSession? OpenTrainedHead(string modelsFolder, CryDetectorOptions options, OnnxSessionOptions? sessionOptions, DisposeOnFailure opened)
    {
        if (options.Mode != CryDetectorMode.TrainedHead)
        {
            return null;
        }

        string headPath = Path.Combine(modelsFolder, TrainedHeadFileName);
        if (!File.Exists(headPath))
        {
            throw new InvalidModelException($"Trained cry-detector head '{headPath}' not found. The NuGet package {PackagedModels.CryDetectorPackage} carries it; or use CryDetectorMode.ZeroShot, which needs only yamnet.onnx.");
        }

        return opened.Add(OnnxInferenceSession.Create(headPath, sessionOptions));
    }

    /// <summary>The zero-shot score of one window's 521 YAMNet class scores: the configured combination of the configured classes.</summary>
    /// <param name="classScores">521 scores.</param>
    /// <returns>The score, 0..1.</returns>
    /// <exception cref="ArgumentException"><paramref name="classScores"/> does not have 521 values.</exception>
    public float ScoreZeroShot(ReadOnlySpan<float> classScores)
    {
        if (classScores.Length != YamnetEmbedder.ClassCount)
        {
            throw new ArgumentException($"Expected {YamnetEmbedder.ClassCount} class scores, got {classScores.Length}.", nameof(classScores));
        }

        IReadOnlyList<int> classes = Options.ClassIndices;
        switch (Options.Combination)
        {
            case CryScoreCombination.Max:
                float max = 0f;
                for (int i = 0; i < classes.Count; i++)
                {
                    max = MathF.Max(max, classScores[classes[i]]);
                }

                return max;
            case CryScoreCombination.NoisyOr:
                double none = 1.0;
                for (int i = 0; i < classes.Count; i++)
                {
                    none *= 1.0 - Math.Clamp(classScores[classes[i]], 0f, 1f);
                }

                return (float)(1.0 - none);
            default:
                double sum = 0;
                for (int i = 0; i < classes.Count; i++)
                {
                    sum += classScores[classes[i]];
                }

                return (float)(sum / classes.Count);
        }
    }

    /// <summary>Detects crying in a whole recording.</summary>
    /// <param name="samples">Mono samples in [-1, 1].</param>
    /// <param name="sampleRate">Sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The clip verdict and the per-window timeline.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is out of range.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public CryDetectionResult Detect(ReadOnlySpan<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        ResamplerPool.ValidateRate(sampleRate, nameof(sampleRate));
        int hopFrames = Options.HopFrames;
        int hopSamples = hopFrames * YamnetFrontend.HopLength;
        float[] wave = ArrayPool<float>.Shared.Rent(Math.Max(1, _resamplers.RequiredCapacity(samples.Length, sampleRate)));
        float[] patches = ArrayPool<float>.Shared.Rent(WholeClipBlock * YamnetFrontend.PatchLength);
        float[] frames = ArrayPool<float>.Shared.Rent((((WholeClipBlock - 1) * hopFrames) + YamnetFrontend.PatchFrames) * YamnetFrontend.MelBands);
        float[] embeddings = ArrayPool<float>.Shared.Rent(WholeClipBlock * YamnetEmbedder.EmbeddingSize);
        float[] scores = ArrayPool<float>.Shared.Rent(WholeClipBlock * YamnetEmbedder.ClassCount);
        var classSums = new double[YamnetEmbedder.ClassCount];
        try
        {
            int length = _resamplers.Resample(samples, sampleRate, wave);
            ReadOnlySpan<float> wave16k = wave.AsSpan(0, length);
            long windowCount = GetWindowCount(length, hopSamples);
            var windows = new CryDetection[windowCount];
            double probabilitySum = 0;
            Span<float> windowScores = stackalloc float[WholeClipBlock];
            for (long k0 = 0; k0 < windowCount; k0 += WholeClipBlock)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = (int)Math.Min(WholeClipBlock, windowCount - k0);
                long firstFrame = k0 * hopFrames;
                int frameCount = ((n - 1) * hopFrames) + YamnetFrontend.PatchFrames;
                for (int f = 0; f < frameCount; f++)
                {
                    YamnetFrontend.Shared.ComputeFrameAt(wave16k, checked((int)((firstFrame + f) * YamnetFrontend.HopLength)), frames.AsSpan(f * YamnetFrontend.MelBands, YamnetFrontend.MelBands));
                }

                for (int w = 0; w < n; w++)
                {
                    frames.AsSpan(w * hopFrames * YamnetFrontend.MelBands, YamnetFrontend.PatchLength).CopyTo(patches.AsSpan(w * YamnetFrontend.PatchLength));
                }

                ScoreBlock(patches.AsMemory(0, n * YamnetFrontend.PatchLength), n, embeddings, scores, windowScores[..n], cancellationToken);
                for (int w = 0; w < n; w++)
                {
                    AddClassScores(scores.AsSpan(w * YamnetEmbedder.ClassCount, YamnetEmbedder.ClassCount), classSums);
                    probabilitySum += windowScores[w];
                    windows[k0 + w] = MakeDetection(k0 + w, hopSamples, windowScores[w]);
                }
            }

            return Conclude(classSums, probabilitySum, windows, TimeSpan.FromSeconds((double)samples.Length / sampleRate));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<float>.Shared.Return(embeddings);
            ArrayPool<float>.Shared.Return(frames);
            ArrayPool<float>.Shared.Return(patches);
            ArrayPool<float>.Shared.Return(wave);
        }
    }

    /// <summary>Detects crying in a whole recording on the thread pool.</summary>
    /// <param name="samples">Mono samples in [-1, 1]; must not change until the task completes.</param>
    /// <param name="sampleRate">Sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The clip verdict and the per-window timeline.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is out of range.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<CryDetectionResult> DetectAsync(ReadOnlyMemory<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        ResamplerPool.ValidateRate(sampleRate, nameof(sampleRate));
        return Task.Run(() => Detect(samples.Span, sampleRate, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The detector's verdict from YAMNet output already computed (YAMNet's own patches, 0.48 s hop, whatever
    /// <see cref="CryDetectorOptions.Hop"/> says): lets a pipeline that needs the embeddings anyway run YAMNet once.
    /// </summary>
    /// <param name="yamnet">Embeddings and scores of the recording.</param>
    /// <param name="cancellationToken">Cancels the trained head's run.</param>
    /// <returns>The clip verdict and one window per patch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="yamnet"/> is null.</exception>
    /// <exception cref="InferenceException">The trained head failed.</exception>
    public CryDetectionResult Detect(YamnetResult yamnet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(yamnet);
        int n = yamnet.PatchCount;
        var windowScores = new float[n];
        ScoreWindows(yamnet.Embeddings, yamnet.Scores, n, windowScores, cancellationToken);
        var classSums = new double[YamnetEmbedder.ClassCount];
        double probabilitySum = 0;
        var windows = new CryDetection[n];
        for (int p = 0; p < n; p++)
        {
            AddClassScores(yamnet.GetScores(p), classSums);
            probabilitySum += windowScores[p];
            windows[p] = MakeDetection(p, YamnetFrontend.PatchHopSamples, windowScores[p]);
        }

        return Conclude(classSums, probabilitySum, windows, yamnet.Duration);
    }

    /// <summary>
    /// Detects crying in a recording read in chunks from <paramref name="reader"/> (WAV, Ogg Vorbis, MP3 of any length):
    /// the audio goes through the streaming resampler, frontend and YAMNet block by block, so memory stays flat; only the
    /// per-window timeline grows (one <see cref="CryDetection"/> per window, about 75,000 for 10 hours). The verdict and
    /// the windows equal <see cref="Detect(ReadOnlySpan{float}, int, CancellationToken)"/> on the whole recording.
    /// </summary>
    /// <param name="reader">The open reader, positioned where detection should start; it is read to its end and not disposed.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The clip verdict and the per-window timeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="InvalidAudioException">The audio is damaged.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public CryDetectionResult Detect(AudioReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using StreamingCryDetector stream = CreateStreaming(reader.SampleRate);
        var windows = new List<CryDetection>();
        float[] buffer = ArrayPool<float>.Shared.Rent(16384);
        long samples = 0;
        try
        {
            int n;
            while ((n = reader.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                samples += n;
                stream.Process(buffer.AsSpan(0, n), windows, cancellationToken);
            }

            stream.Flush(windows, cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        (double[] classSums, double scoreSum) = stream.Totals;
        return Conclude(classSums, scoreSum, [.. windows], TimeSpan.FromSeconds((double)samples / reader.SampleRate));
    }

    /// <summary>Starts a push-style stream: write PCM chunks as they arrive and collect the windows they complete.</summary>
    /// <param name="sampleRate">The stream's sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <returns>A stream for one consumer; dispose it when done.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is out of range.</exception>
    public StreamingCryDetector CreateStreaming(int sampleRate)
    {
        ResamplerPool.ValidateRate(sampleRate, nameof(sampleRate));
        return new StreamingCryDetector(this, _resamplers, sampleRate);
    }

    /// <summary>
    /// Detects crying in live PCM: consumes mono chunks (any sizes) as they arrive and yields each window as soon as
    /// its audio is complete; the last windows, zero-padded, come when the source ends.
    /// </summary>
    /// <param name="chunks">Mono chunks in [-1, 1] at <paramref name="sampleRate"/>; each chunk is read before the next is requested.</param>
    /// <param name="sampleRate">Sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <param name="cancellationToken">Stops reading and inference.</param>
    /// <returns>The windows in time order, with timestamps from the start of the stream.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is out of range (when enumeration starts).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async IAsyncEnumerable<CryDetection> DetectAsync(IAsyncEnumerable<ReadOnlyMemory<float>> chunks, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        using StreamingCryDetector stream = CreateStreaming(sampleRate);
        var ready = new List<CryDetection>();
        await foreach (ReadOnlyMemory<float> chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ready.Clear();
            stream.Process(chunk.Span, ready, cancellationToken);
            foreach (CryDetection detection in ready)
            {
                yield return detection;
            }
        }

        ready.Clear();
        stream.Flush(ready, cancellationToken);
        foreach (CryDetection detection in ready)
        {
            yield return detection;
        }
    }

    /// <summary>Detects crying in live PCM read from a channel (for example filled by a microphone callback) until the channel completes.</summary>
    /// <param name="chunks">Mono chunks in [-1, 1] at <paramref name="sampleRate"/>; a writer must not reuse a chunk's memory after writing it.</param>
    /// <param name="sampleRate">Sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <param name="cancellationToken">Stops reading and inference.</param>
    /// <returns>The windows in time order.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IAsyncEnumerable<CryDetection> DetectAsync(ChannelReader<ReadOnlyMemory<float>> chunks, int sampleRate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return DetectAsync(chunks.ReadAllAsync(cancellationToken), sampleRate, cancellationToken);
    }

    /// <summary>Disposes the embedder and trained head when the detector owns them.</summary>
    public void Dispose()
    {
        if (_ownsSessions)
        {
            _head?.Dispose();
            _embedder.Dispose();
        }
    }

    /// <summary>Windows for <paramref name="samples16k"/> samples at <paramref name="hopSamples"/>.</summary>
    internal static long GetWindowCount(long samples16k, int hopSamples) =>
        samples16k <= YamnetFrontend.MinimumSamples ? 1 : 1 + ((samples16k - YamnetFrontend.MinimumSamples + hopSamples - 1) / hopSamples);

    internal static CryDetection MakeDetection(long index, int hopSamples, float score, float threshold) =>
        new(index, TimeSpan.FromSeconds((double)index * hopSamples / YamnetFrontend.SampleRate), YamnetResult.PatchDuration, score, score >= threshold);

    /// <summary>Runs YAMNet on <paramref name="n"/> patches and scores each window.</summary>
    internal void ScoreBlock(ReadOnlyMemory<float> patches, int n, float[] embeddings, float[] scores, Span<float> windowScores, CancellationToken cancellationToken)
    {
        bool trained = _head is not null;
        _embedder.EmbedPatches(patches, n, trained ? embeddings : Span<float>.Empty, scores, cancellationToken);
        ScoreWindows(embeddings, scores, n, windowScores, cancellationToken);
    }

    private CryDetection MakeDetection(long index, int hopSamples, float score) => MakeDetection(index, hopSamples, score, Options.ActiveThreshold);

    private void ScoreWindows(ReadOnlySpan<float> embeddings, ReadOnlySpan<float> scores, int n, Span<float> windowScores, CancellationToken cancellationToken)
    {
        if (_head is null)
        {
            for (int w = 0; w < n; w++)
            {
                windowScores[w] = ScoreZeroShot(scores.Slice(w * YamnetEmbedder.ClassCount, YamnetEmbedder.ClassCount));
            }

            return;
        }

        int batch = _headInputShapes.Length;
        float[] input = ArrayPool<float>.Shared.Rent(batch * YamnetEmbedder.EmbeddingSize);
        float[] output = ArrayPool<float>.Shared.Rent(batch);
        try
        {
            for (int start = 0; start < n; start += batch)
            {
                int b = Math.Min(batch, n - start);
                embeddings.Slice(start * YamnetEmbedder.EmbeddingSize, b * YamnetEmbedder.EmbeddingSize).CopyTo(input);
                TensorInput tensor = TensorInput.Float32(_headInput, input.AsMemory(0, b * YamnetEmbedder.EmbeddingSize), _headInputShapes[b - 1]);
                TensorOutput result = TensorOutput.Float32(_headOutput, output.AsMemory(0, b), _headOutputShapes[b - 1]);
                _head.Run(new ReadOnlySpan<TensorInput>(in tensor), new ReadOnlySpan<TensorOutput>(in result), cancellationToken);
                output.AsSpan(0, b).CopyTo(windowScores[start..]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(output);
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>Adds one window's 521 class scores to the running per-class sums of a clip.</summary>
    internal static void AddClassScores(ReadOnlySpan<float> scores, double[] sums)
    {
        for (int c = 0; c < scores.Length; c++)
        {
            sums[c] += scores[c];
        }
    }

    /// <summary>The clip verdict from the per-class score sums and head probability sum over all windows.</summary>
    private CryDetectionResult Conclude(double[] classSums, double probabilitySum, CryDetection[] windows, TimeSpan duration)
    {
        float clipScore = ClipScore(classSums, probabilitySum, windows.LongLength);
        return new CryDetectionResult
        {
            IsCry = clipScore >= Options.ActiveThreshold,
            Score = clipScore,
            Probability = Settings is { } s && s.Options.Mode == Options.Mode ? s.Calibrate(clipScore) : null,
            Reliability = Settings?.Reliability,
            Threshold = Options.ActiveThreshold,
            Mode = Options.Mode,
            Windows = windows,
            Duration = duration,
        };
    }

    private float ClipScore(double[] classSums, double probabilitySum, long windows)
    {
        if (windows == 0)
        {
            return 0f;
        }

        if (_head is not null || Options.Pooling == CryClipPooling.MeanOfWindowScores)
        {
            return (float)(probabilitySum / windows);
        }

        Span<float> mean = stackalloc float[YamnetEmbedder.ClassCount];
        for (int c = 0; c < mean.Length; c++)
        {
            mean[c] = (float)(classSums[c] / windows);
        }

        return ScoreZeroShot(mean);
    }

    private static (string Input, string Output, bool Rank2) CheckHead(IInferenceSession head)
    {
        if (head.Inputs.Count != 1 || head.Outputs.Count < 1)
        {
            throw new InvalidModelException($"The trained cry-detector head must have one input (embeddings [N, {YamnetEmbedder.EmbeddingSize}]) and an output (probability [N] or [N, 1]); it has inputs {string.Join(", ", head.Inputs)} and outputs {string.Join(", ", head.Outputs)}.");
        }

        TensorInfo input = head.Inputs[0];
        TensorInfo output = head.Outputs[0];
        if (input.ElementType != TensorElementType.Float32 || input.Shape.Count != 2 || (input.Shape[1] >= 0 && input.Shape[1] != YamnetEmbedder.EmbeddingSize))
        {
            throw new InvalidModelException($"The trained cry-detector head's input is {input}; expected float32 [N, {YamnetEmbedder.EmbeddingSize}] YAMNet embeddings.");
        }

        bool rank2 = output.Shape.Count == 2;
        if (output.ElementType != TensorElementType.Float32 || output.Shape.Count is < 1 or > 2 || (rank2 && output.Shape[1] >= 0 && output.Shape[1] != 1))
        {
            throw new InvalidModelException($"The trained cry-detector head's output is {output}; expected a float32 probability [N] or [N, 1].");
        }

        return (input.Name, output.Name, rank2);
    }
}
