using InfantCry.Abstractions.Inference;

namespace InfantCry.Vision.Tests.Faces;

/// <summary>An <see cref="IInferenceSession"/> that returns canned outputs and records the input it was given.</summary>
internal sealed class FakeSession : IInferenceSession
{
    private readonly Dictionary<string, float[]> _outputs;

    public FakeSession(TensorInfo input, IEnumerable<(TensorInfo Info, float[] Data)> outputs)
    {
        Inputs = [input];
        var list = outputs.ToList();
        Outputs = list.Select(o => o.Info).ToArray();
        _outputs = list.ToDictionary(o => o.Info.Name, o => o.Data);
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public float[]? LastInput { get; private set; }

    public long[]? LastInputShape { get; private set; }

    public bool Disposed { get; private set; }

    public void Run(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<TensorOutput> outputs, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        Assert.That(inputs.Length, Is.EqualTo(1));
        Assert.That(inputs[0].Name, Is.EqualTo(Inputs[0].Name));
        LastInput = inputs[0].Float32Data.ToArray();
        LastInputShape = inputs[0].Shape.ToArray();
        foreach (TensorOutput o in outputs)
        {
            float[] data = _outputs[o.Name];
            Assert.That(o.Float32Buffer.Length, Is.EqualTo(data.Length), $"buffer size of {o.Name}");
            data.CopyTo(o.Float32Buffer.Span);
        }
    }

    public IReadOnlyList<NamedTensor> Run(ReadOnlySpan<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The detectors use the caller-buffer overload.");

    public void Dispose() => Disposed = true;
}
