using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Models;
using InfantCry.Audio.Features;
using InfantCry.Audio.Resampling;
using InfantCry.Onnx.Sessions;
using InfantCry.Shared;

namespace InfantCry.Audio.Yamnet;

/// <summary>
/// YAMNet embeddings and AudioSet class scores of mono audio at any rate: resample to 16 kHz (band-limited polyphase),
/// YAMNet's log-mel patches (0.96 s every 0.48 s, as <see cref="YamnetFrontend"/>), then the model in batches of
/// <see cref="YamnetEmbedderOptions.MaxBatchSize"/> patches over any <see cref="IInferenceSession"/> with input
/// patches [N, 96, 64] and outputs embeddings [N, 1024] and scores [N, 521].
/// </summary>
/// <remarks>
/// <para>Thread-safety: every method may be called concurrently from any number of threads (the session is shared,
/// as <see cref="IInferenceSession"/> allows; scratch comes from <see cref="ArrayPool{T}.Shared"/> and a pool of
/// resamplers). <see cref="Dispose"/> must not race with running calls.</para>
/// <para>Allocation: the span overloads rent every buffer, so in steady state (same rates, after the pools warmed up)
/// with a session that runs into caller buffers without allocating (<see cref="OnnxInferenceSession"/> with
/// <see cref="CancellationToken.None"/>) a call allocates no managed memory. The array-returning overloads allocate
/// only their results.</para>
/// <para>Must be disposed when it owns its session (<see cref="Create(string, YamnetEmbedderOptions?, OnnxSessionOptions?)"/>).</para>
/// </remarks>
public sealed class YamnetEmbedder : IDisposable
{
    /// <summary>Embedding size (YAMNet's global average pool over 1024 channels).</summary>
    public const int EmbeddingSize = 1024;

    /// <summary>AudioSet classes YAMNet scores.</summary>
    public const int ClassCount = 521;

    /// <summary>The model's file name in a models folder and in the <c>InfantCry.Models.Yamnet</c> package.</summary>
    public const string ModelFileName = "yamnet.onnx";

    private readonly IInferenceSession _session;
    private readonly bool _ownsSession;
    private readonly int _batch;               // patches per Run
    private readonly bool _fixedBatch;         // the model's batch dimension is fixed: pad the last batch
    private readonly long[][] _inputShapes;    // [b - 1] -> [b, 96, 64]
    private readonly long[][] _embeddingShapes;
    private readonly long[][] _scoreShapes;
    private readonly ResamplerPool _resamplers;
    private int _disposed;

    /// <summary>Wraps a YAMNet session, checking its signature.</summary>
    /// <param name="session">A session of YAMNet: input [N, 96, 64] float32, outputs [N, 1024] and [N, 521] float32 (names in <paramref name="options"/>).</param>
    /// <param name="options">Options; <see cref="YamnetEmbedderOptions.Default"/> when null.</param>
    /// <param name="ownsSession">Whether <see cref="Dispose"/> disposes <paramref name="session"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="InvalidModelException">The session's inputs or outputs are not YAMNet's; the message says which.</exception>
    public YamnetEmbedder(IInferenceSession session, YamnetEmbedderOptions? options = null, bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        Options = options ?? YamnetEmbedderOptions.Default;
        TensorInfo input = Require(session.Inputs, Options.InputName, "input", [-1, YamnetFrontend.PatchFrames, YamnetFrontend.MelBands]);
        Require(session.Outputs, Options.EmbeddingsOutputName, "output", [-1, EmbeddingSize]);
        Require(session.Outputs, Options.ScoresOutputName, "output", [-1, ClassCount]);
        _fixedBatch = input.Shape[0] > 0;
        _batch = _fixedBatch ? checked((int)input.Shape[0]) : Options.MaxBatchSize;
        _inputShapes = new long[_batch][];
        _embeddingShapes = new long[_batch][];
        _scoreShapes = new long[_batch][];
        for (int b = 1; b <= _batch; b++)
        {
            _inputShapes[b - 1] = [b, YamnetFrontend.PatchFrames, YamnetFrontend.MelBands];
            _embeddingShapes[b - 1] = [b, EmbeddingSize];
            _scoreShapes[b - 1] = [b, ClassCount];
        }

        _session = session;
        _ownsSession = ownsSession;
        _resamplers = new ResamplerPool(Options.Resampler);
    }

    /// <summary>The options in use.</summary>
    public YamnetEmbedderOptions Options { get; }

    /// <summary>Patches per inference call: <see cref="YamnetEmbedderOptions.MaxBatchSize"/>, or the model's batch size when it fixes one.</summary>
    public int BatchSize => _batch;

    /// <summary>Loads YAMNet from an ONNX file with ONNX Runtime; the embedder owns the session and must be disposed.</summary>
    /// <param name="modelPath">Path of <c>yamnet.onnx</c>.</param>
    /// <param name="options">Options; <see cref="YamnetEmbedderOptions.Default"/> when null.</param>
    /// <param name="sessionOptions">ONNX Runtime options (threads); <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <returns>The embedder.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="InvalidModelException">The file is missing (the message says where it comes from), or is not YAMNet.</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed to load the model, or its native library was not found.</exception>
    public static YamnetEmbedder Create(string modelPath, YamnetEmbedderOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new InvalidModelException($"YAMNet model '{modelPath}' not found. The NuGet package {PackagedModels.YamnetPackage} carries {ModelFileName} (see CreateDefault), or convert Google's YAMNet to ONNX and pass its path.");
        }

        using var opened = new DisposeOnFailure();
        OnnxInferenceSession session = opened.Add(OnnxInferenceSession.Create(modelPath, sessionOptions));
        return opened.HandOver(new YamnetEmbedder(session, options, ownsSession: true));
    }

    /// <summary>
    /// Loads YAMNet from the <c>InfantCry.Models.Yamnet</c> package installed in the app (its files are copied to
    /// <see cref="PackagedModels.Folder"/>); the embedder owns the session and must be disposed.
    /// </summary>
    /// <param name="options">Options; <see cref="YamnetEmbedderOptions.Default"/> when null.</param>
    /// <param name="sessionOptions">ONNX Runtime options; <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <returns>The embedder.</returns>
    /// <exception cref="InvalidModelException">The package's model is not beside the app (the message names the package to add).</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed to load the model.</exception>
    public static YamnetEmbedder CreateDefault(YamnetEmbedderOptions? options = null, OnnxSessionOptions? sessionOptions = null) =>
        Create(PackagedModels.GetPath(ModelFileName, PackagedModels.YamnetPackage), options, sessionOptions);

    /// <summary>Patches YAMNet makes from <paramref name="sampleCount"/> samples at <paramref name="sampleRate"/> (at least 1).</summary>
    /// <param name="sampleCount">Samples, zero or more.</param>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <returns>N.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static int GetPatchCount(int sampleCount, int sampleRate)
    {
        ResamplerPool.ValidateRate(sampleRate, nameof(sampleRate));
        return YamnetFrontend.GetPatchCount(ResamplerPool.OutputLength(sampleCount, sampleRate));
    }

    /// <summary>Embeddings and scores of a recording into caller-owned buffers; allocation-free in steady state.</summary>
    /// <param name="samples">Mono samples in [-1, 1].</param>
    /// <param name="sampleRate">Sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <param name="embeddings">At least N · 1024 floats (N = <see cref="GetPatchCount"/>), or empty to skip the embeddings.</param>
    /// <param name="scores">At least N · 521 floats, or empty to skip the scores.</param>
    /// <param name="cancellationToken">Cancels between and during inference calls.</param>
    /// <returns>N, the number of patches written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is out of range.</exception>
    /// <exception cref="ArgumentException">A destination is non-empty but too short.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public int Embed(ReadOnlySpan<float> samples, int sampleRate, Span<float> embeddings, Span<float> scores, CancellationToken cancellationToken = default)
    {
        int count = GetPatchCount(samples.Length, sampleRate);
        CheckDestination(embeddings, count, EmbeddingSize, nameof(embeddings));
        CheckDestination(scores, count, ClassCount, nameof(scores));
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        float[] wave = ArrayPool<float>.Shared.Rent(Math.Max(1, _resamplers.RequiredCapacity(samples.Length, sampleRate)));
        float[] patches = ArrayPool<float>.Shared.Rent(count * YamnetFrontend.PatchLength);
        try
        {
            int length = _resamplers.Resample(samples, sampleRate, wave);
            int made = YamnetFrontend.Shared.ComputePatches(wave.AsSpan(0, length), patches);
            cancellationToken.ThrowIfCancellationRequested();
            RunPatches(patches.AsMemory(0, made * YamnetFrontend.PatchLength), made, embeddings, scores, cancellationToken);
            return made;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(patches);
            ArrayPool<float>.Shared.Return(wave);
        }
    }

    /// <summary>Embeddings and scores of a recording.</summary>
    /// <param name="samples">Mono samples in [-1, 1].</param>
    /// <param name="sampleRate">Sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The per-patch embeddings and scores.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is out of range.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public YamnetResult Embed(ReadOnlySpan<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        int count = GetPatchCount(samples.Length, sampleRate);
        var embeddings = new float[count * EmbeddingSize];
        var scores = new float[count * ClassCount];
        Embed(samples, sampleRate, embeddings, scores, cancellationToken);
        return new YamnetResult(count, embeddings, scores, TimeSpan.FromSeconds((double)samples.Length / sampleRate));
    }

    /// <summary>Embeddings and scores of a recording, computed on the thread pool.</summary>
    /// <param name="samples">Mono samples in [-1, 1]; must not change until the task completes.</param>
    /// <param name="sampleRate">Sample rate in Hz, 1 kHz to 768 kHz.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The per-patch embeddings and scores.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is out of range.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<YamnetResult> EmbedAsync(ReadOnlyMemory<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        ResamplerPool.ValidateRate(sampleRate, nameof(sampleRate));
        return Task.Run(() => Embed(samples.Span, sampleRate, cancellationToken), cancellationToken);
    }

    /// <summary>Runs the model on log-mel patches already computed (for example by <see cref="YamnetStreamingFrontend"/>).</summary>
    /// <param name="patches">patchCount · 96 · 64 floats, [N, 96, 64] row-major.</param>
    /// <param name="patchCount">N, zero or more.</param>
    /// <param name="embeddings">At least N · 1024 floats, or empty to skip.</param>
    /// <param name="scores">At least N · 521 floats, or empty to skip.</param>
    /// <param name="cancellationToken">Cancels between and during inference calls.</param>
    /// <exception cref="ArgumentException">A buffer length does not fit <paramref name="patchCount"/>.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public void EmbedPatches(ReadOnlyMemory<float> patches, int patchCount, Span<float> embeddings, Span<float> scores, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patchCount);
        if (patches.Length < (long)patchCount * YamnetFrontend.PatchLength)
        {
            throw new ArgumentException($"{patchCount} patches need {(long)patchCount * YamnetFrontend.PatchLength} floats; got {patches.Length}.", nameof(patches));
        }

        CheckDestination(embeddings, patchCount, EmbeddingSize, nameof(embeddings));
        CheckDestination(scores, patchCount, ClassCount, nameof(scores));
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        RunPatches(patches, patchCount, embeddings, scores, cancellationToken);
    }

    /// <summary>Disposes the session if the embedder owns it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsSession)
        {
            _session.Dispose();
        }
    }

    /// <summary>Mean of <paramref name="rows"/> rows of <paramref name="width"/> values into <paramref name="mean"/>.</summary>
    internal static void MeanRows(ReadOnlySpan<float> data, int rows, int width, Span<float> mean)
    {
        mean[..width].Clear();
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(mean[..width], data.Slice(r * width, width), mean[..width]);
        }

        if (rows > 0)
        {
            TensorPrimitives.Multiply(mean[..width], 1f / rows, mean[..width]);
        }
    }

    private static void CheckDestination(Span<float> destination, int count, int width, string name)
    {
        if (!destination.IsEmpty && destination.Length < (long)count * width)
        {
            throw new ArgumentException($"{count} patches need {(long)count * width} floats in '{name}'; got {destination.Length}.", name);
        }
    }

    private static TensorInfo Require(IReadOnlyList<TensorInfo> infos, string name, string kind, long[] shape)
    {
        TensorInfo? info = null;
        foreach (TensorInfo t in infos)
        {
            if (t.Name == name)
            {
                info = t;
                break;
            }
        }

        if (info is null)
        {
            throw new InvalidModelException($"The YAMNet model has no {kind} '{name}' (it has {string.Join(", ", infos)}); expected {kind} '{name}' float32 [{FormatShape(shape)}].");
        }

        bool ok = info.ElementType == TensorElementType.Float32 && info.Shape.Count == shape.Length;
        for (int d = 1; ok && d < shape.Length; d++)
        {
            ok = info.Shape[d] == shape[d] || info.Shape[d] < 0;
        }

        if (!ok)
        {
            throw new InvalidModelException($"The YAMNet model's {kind} is {info}; expected float32 [{FormatShape(shape)}].");
        }

        return info;
    }

    private static string FormatShape(long[] shape) => string.Join(", ", shape.Select(d => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private void RunPatches(ReadOnlyMemory<float> patches, int count, Span<float> embeddings, Span<float> scores, CancellationToken cancellationToken)
    {
        if (count == 0 || (embeddings.IsEmpty && scores.IsEmpty))
        {
            return;
        }

        float[] embBuffer = ArrayPool<float>.Shared.Rent(_batch * EmbeddingSize);
        float[] scoreBuffer = ArrayPool<float>.Shared.Rent(_batch * ClassCount);
        float[]? padded = _fixedBatch ? ArrayPool<float>.Shared.Rent(_batch * YamnetFrontend.PatchLength) : null;
        try
        {
            for (int start = 0; start < count; start += _batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(_batch, count - start);
                int run = _fixedBatch ? _batch : n;
                ReadOnlyMemory<float> input = patches.Slice(start * YamnetFrontend.PatchLength, n * YamnetFrontend.PatchLength);
                if (padded is not null)
                {
                    input.Span.CopyTo(padded);
                    padded.AsSpan(n * YamnetFrontend.PatchLength, (run - n) * YamnetFrontend.PatchLength).Clear();
                    input = padded.AsMemory(0, run * YamnetFrontend.PatchLength);
                }

                TensorInput tensor = TensorInput.Float32(Options.InputName, input, _inputShapes[run - 1]);
                OutputPair outputs = default;
                int k = 0;
                if (!embeddings.IsEmpty)
                {
                    outputs[k++] = TensorOutput.Float32(Options.EmbeddingsOutputName, embBuffer.AsMemory(0, run * EmbeddingSize), _embeddingShapes[run - 1]);
                }

                if (!scores.IsEmpty)
                {
                    outputs[k++] = TensorOutput.Float32(Options.ScoresOutputName, scoreBuffer.AsMemory(0, run * ClassCount), _scoreShapes[run - 1]);
                }

                ReadOnlySpan<TensorOutput> outputSpan = outputs;
                _session.Run(new ReadOnlySpan<TensorInput>(in tensor), outputSpan[..k], cancellationToken);
                if (!embeddings.IsEmpty)
                {
                    embBuffer.AsSpan(0, n * EmbeddingSize).CopyTo(embeddings.Slice(start * EmbeddingSize));
                }

                if (!scores.IsEmpty)
                {
                    scoreBuffer.AsSpan(0, n * ClassCount).CopyTo(scores.Slice(start * ClassCount));
                }
            }
        }
        finally
        {
            if (padded is not null)
            {
                ArrayPool<float>.Shared.Return(padded);
            }

            ArrayPool<float>.Shared.Return(scoreBuffer);
            ArrayPool<float>.Shared.Return(embBuffer);
        }
    }

    [InlineArray(2)]
    private struct OutputPair
    {
        private TensorOutput _element;
    }
}
