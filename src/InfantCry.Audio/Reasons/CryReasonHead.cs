using System.Buffers;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Reasons;

/// <summary>
/// A cry-reason head over YAMNet patch embeddings: input [N, T, 1024] (one clip per row: its first T patch embeddings,
/// zero rows after the last real patch), output probabilities [N, 5] in <see cref="CryReason"/> order. T comes from
/// the model (14 for cryreason_head.onnx, 7 s of audio).
/// </summary>
/// <remarks>Immutable apart from the session; thread-safe when the session is (every <see cref="IInferenceSession"/> must be).</remarks>
public sealed class CryReasonHead : IDisposable
{
    /// <summary>The shipped head's file name in a models folder.</summary>
    public const string FileName = "cryreason_head.onnx";

    /// <summary>Reasons the head scores.</summary>
    public const int ReasonCount = 5;

    private const int Batch = 16;
    private readonly IInferenceSession _session;
    private readonly bool _ownsSession;
    private readonly string _input;
    private readonly string _output;
    private readonly long[][] _inputShapes;
    private readonly long[][] _outputShapes;

    /// <summary>Wraps a head session, checking its signature.</summary>
    /// <param name="session">The head.</param>
    /// <param name="inputName">Its input, [N, T, 1024] float32 with T fixed.</param>
    /// <param name="outputName">Its output, [N, 5] float32 probabilities.</param>
    /// <param name="ownsSession">Whether <see cref="Dispose"/> disposes the session.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="InvalidModelException">The signature does not fit; the message says how.</exception>
    public CryReasonHead(IInferenceSession session, string inputName = "embeddings", string outputName = "probabilities", bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        TensorInfo input = session.Inputs.FirstOrDefault(t => t.Name == inputName)
            ?? throw new InvalidModelException($"The cry-reason head has no input '{inputName}' (it has {string.Join(", ", session.Inputs)}).");
        TensorInfo output = session.Outputs.FirstOrDefault(t => t.Name == outputName)
            ?? throw new InvalidModelException($"The cry-reason head has no output '{outputName}' (it has {string.Join(", ", session.Outputs)}).");
        if (input.ElementType != TensorElementType.Float32 || input.Shape.Count != 3 || input.Shape[1] <= 0 || (input.Shape[2] >= 0 && input.Shape[2] != YamnetEmbedder.EmbeddingSize))
        {
            throw new InvalidModelException($"The cry-reason head's input is {input}; expected float32 [N, T, {YamnetEmbedder.EmbeddingSize}] with a fixed sequence length T.");
        }

        if (output.ElementType != TensorElementType.Float32 || output.Shape.Count != 2 || (output.Shape[1] >= 0 && output.Shape[1] != ReasonCount))
        {
            throw new InvalidModelException($"The cry-reason head's output is {output}; expected float32 [N, {ReasonCount}] probabilities.");
        }

        _session = session;
        _ownsSession = ownsSession;
        _input = inputName;
        _output = outputName;
        SequenceLength = checked((int)input.Shape[1]);
        _inputShapes = new long[Batch][];
        _outputShapes = new long[Batch][];
        for (int b = 1; b <= Batch; b++)
        {
            _inputShapes[b - 1] = [b, SequenceLength, YamnetEmbedder.EmbeddingSize];
            _outputShapes[b - 1] = [b, ReasonCount];
        }
    }

    /// <summary>T: patches per clip the head reads (later patches are ignored, missing ones are zero rows).</summary>
    public int SequenceLength { get; }

    /// <summary>Reason probabilities of one clip from its patch embeddings (the first T are used).</summary>
    /// <param name="embeddings">patchCount · 1024 floats.</param>
    /// <param name="patchCount">Patches, 1 or more.</param>
    /// <param name="probabilities">Receives 5 probabilities.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    public void PredictClip(ReadOnlySpan<float> embeddings, int patchCount, Span<float> probabilities, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patchCount, 1);
        Check(embeddings, patchCount, probabilities, 1);
        int rowLength = SequenceLength * YamnetEmbedder.EmbeddingSize;
        float[] input = ArrayPool<float>.Shared.Rent(rowLength);
        try
        {
            int used = Math.Min(patchCount, SequenceLength) * YamnetEmbedder.EmbeddingSize;
            embeddings[..used].CopyTo(input);
            input.AsSpan(used, rowLength - used).Clear();
            Run(input, 1, probabilities, cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>Reason probabilities of each patch on its own (a one-patch sequence, zero rows after it).</summary>
    /// <param name="embeddings">patchCount · 1024 floats.</param>
    /// <param name="patchCount">Patches, zero or more.</param>
    /// <param name="probabilities">Receives patchCount · 5 probabilities.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    public void PredictPatches(ReadOnlySpan<float> embeddings, int patchCount, Span<float> probabilities, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patchCount);
        Check(embeddings, patchCount, probabilities, patchCount);
        int rowLength = SequenceLength * YamnetEmbedder.EmbeddingSize;
        float[] input = ArrayPool<float>.Shared.Rent(Batch * rowLength);
        try
        {
            for (int start = 0; start < patchCount; start += Batch)
            {
                int b = Math.Min(Batch, patchCount - start);
                input.AsSpan(0, b * rowLength).Clear();
                for (int i = 0; i < b; i++)
                {
                    embeddings.Slice((start + i) * YamnetEmbedder.EmbeddingSize, YamnetEmbedder.EmbeddingSize).CopyTo(input.AsSpan(i * rowLength));
                }

                Run(input, b, probabilities.Slice(start * ReasonCount, b * ReasonCount), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>Reason probabilities of clips given as ready-made head input (for evaluation).</summary>
    /// <param name="sequences">clipCount · T · 1024 floats.</param>
    /// <param name="clipCount">Clips.</param>
    /// <param name="probabilities">Receives clipCount · 5 probabilities.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    public void PredictSequences(float[] sequences, int clipCount, Span<float> probabilities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int rowLength = SequenceLength * YamnetEmbedder.EmbeddingSize;
        if (sequences.Length < (long)clipCount * rowLength || probabilities.Length < (long)clipCount * ReasonCount)
        {
            throw new ArgumentException($"{clipCount} clips need {(long)clipCount * rowLength} input and {clipCount * ReasonCount} output floats.");
        }

        for (int start = 0; start < clipCount; start += Batch)
        {
            int b = Math.Min(Batch, clipCount - start);
            float[] chunk = ArrayPool<float>.Shared.Rent(b * rowLength);
            try
            {
                sequences.AsSpan(start * rowLength, b * rowLength).CopyTo(chunk);
                Run(chunk, b, probabilities.Slice(start * ReasonCount, b * ReasonCount), cancellationToken);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(chunk);
            }
        }
    }

    /// <summary>Disposes the session if the head owns it.</summary>
    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }

    private void Run(float[] input, int rows, Span<float> probabilities, CancellationToken cancellationToken)
    {
        float[] output = ArrayPool<float>.Shared.Rent(rows * ReasonCount);
        try
        {
            TensorInput tensor = TensorInput.Float32(_input, input.AsMemory(0, rows * SequenceLength * YamnetEmbedder.EmbeddingSize), _inputShapes[rows - 1]);
            TensorOutput result = TensorOutput.Float32(_output, output.AsMemory(0, rows * ReasonCount), _outputShapes[rows - 1]);
            _session.Run(new ReadOnlySpan<TensorInput>(in tensor), new ReadOnlySpan<TensorOutput>(in result), cancellationToken);
            output.AsSpan(0, rows * ReasonCount).CopyTo(probabilities);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(output);
        }
    }

    private static void Check(ReadOnlySpan<float> embeddings, int patchCount, Span<float> probabilities, int rows)
    {
        if (embeddings.Length < (long)patchCount * YamnetEmbedder.EmbeddingSize)
        {
            throw new ArgumentException($"{patchCount} patches need {(long)patchCount * YamnetEmbedder.EmbeddingSize} embedding floats; got {embeddings.Length}.", nameof(embeddings));
        }

        if (probabilities.Length < rows * ReasonCount)
        {
            throw new ArgumentException($"Need {rows * ReasonCount} floats for the probabilities; got {probabilities.Length}.", nameof(probabilities));
        }
    }
}
