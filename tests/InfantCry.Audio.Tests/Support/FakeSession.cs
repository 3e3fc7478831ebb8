using InfantCry.Abstractions.Inference;

namespace InfantCry.Audio.Tests.Support;

/// <summary>
/// An <see cref="IInferenceSession"/> computed by a C# function, for unit tests of pipelines: float32 inputs in,
/// float32 outputs whose leading dimension follows the first input's.
/// </summary>
public sealed class FakeSession : IInferenceSession
{
    private readonly Func<IReadOnlyDictionary<string, (long[] Shape, float[] Data)>, IReadOnlyDictionary<string, float[]>> _compute;
    private int _runs;

    public FakeSession(IReadOnlyList<TensorInfo> inputs, IReadOnlyList<TensorInfo> outputs,
        Func<IReadOnlyDictionary<string, (long[] Shape, float[] Data)>, IReadOnlyDictionary<string, float[]>> compute)
    {
        Inputs = inputs;
        Outputs = outputs;
        _compute = compute;
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public int Runs => _runs;

    public bool Disposed { get; private set; }

    public void Run(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<TensorOutput> outputs, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _runs);
        var map = new Dictionary<string, (long[], float[])>();
        foreach (TensorInput input in inputs)
        {
            map[input.Name] = (input.Shape.ToArray(), input.Float32Data.ToArray());
        }

        IReadOnlyDictionary<string, float[]> result = _compute(map);
        foreach (TensorOutput output in outputs)
        {
            float[] data = result[output.Name];
            if (data.Length != output.Float32Buffer.Length)
            {
                throw new ArgumentException($"Fake output '{output.Name}' has {data.Length} values; the buffer has {output.Float32Buffer.Length}.");
            }

            data.CopyTo(output.Float32Buffer);
        }
    }

    public IReadOnlyList<NamedTensor> Run(ReadOnlySpan<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        Interlocked.Increment(ref _runs);
        var map = new Dictionary<string, (long[], float[])>();
        long batch = inputs[0].Shape.Span[0];
        foreach (TensorInput input in inputs)
        {
            map[input.Name] = (input.Shape.ToArray(), input.Float32Data.ToArray());
        }

        IReadOnlyDictionary<string, float[]> result = _compute(map);
        var names = outputNames ?? Outputs.Select(o => o.Name).ToList();
        return names.Select(n =>
        {
            float[] data = result[n];
            long[] shape = Outputs.First(o => o.Name == n).Shape.Select((d, i) => i == 0 ? batch : d).ToArray();
            if (shape.Length == 1)
            {
                shape[0] = data.Length;
            }

            return new NamedTensor(n, shape, data);
        }).ToList();
    }

    public void Dispose() => Disposed = true;
}
