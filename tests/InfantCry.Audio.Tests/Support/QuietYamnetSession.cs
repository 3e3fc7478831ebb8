using InfantCry.Abstractions.Inference;

namespace InfantCry.Audio.Tests.Support;

/// <summary>
/// A YAMNet-shaped session that writes the mean of each patch into its outputs without allocating: lets tests
/// measure the allocations of the C# pipeline alone.
/// </summary>
public sealed class QuietYamnetSession : IInferenceSession
{
    public IReadOnlyList<TensorInfo> Inputs { get; } = [new TensorInfo("patches", TensorElementType.Float32, [-1, 96, 64])];

    public IReadOnlyList<TensorInfo> Outputs { get; } =
        [new TensorInfo("embeddings", TensorElementType.Float32, [-1, 1024]), new TensorInfo("scores", TensorElementType.Float32, [-1, 521])];

    public void Run(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<TensorOutput> outputs, CancellationToken cancellationToken = default)
    {
        ReadOnlySpan<float> patches = inputs[0].Float32Data.Span;
        int n = (int)inputs[0].Shape.Span[0];
        foreach (TensorOutput output in outputs)
        {
            int width = output.Float32Buffer.Length / n;
            for (int p = 0; p < n; p++)
            {
                float mean = System.Numerics.Tensors.TensorPrimitives.Sum(patches.Slice(p * 6144, 6144)) / 6144;
                output.Float32Buffer.Span.Slice(p * width, width).Fill(mean);
            }
        }
    }

    public IReadOnlyList<NamedTensor> Run(ReadOnlySpan<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public void Dispose()
    {
    }
}
