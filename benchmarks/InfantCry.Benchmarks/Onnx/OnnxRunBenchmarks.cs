using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;

namespace InfantCry.Benchmarks.Onnx;

/// <summary>
/// One <c>Run</c> of a tiny model from tests/InfantCry.Onnx.Tests/Golden: outputs written into preallocated caller
/// buffers (the zero-allocation path, baseline) against outputs returned as new owned tensors.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/InfantCry.Benchmarks -- --filter '*OnnxRunBenchmarks*' --job short</c>.
/// One intra-op thread, so the figure is the per-call cost of the binding plus the kernels, not thread-pool hand-off.
/// </remarks>
[MemoryDiagnoser]
public class OnnxRunBenchmarks
{
    private OnnxInferenceSession _session = null!;
    private TensorInput[] _inputs = null!;
    private TensorOutput[] _outputs = null!;

    /// <summary>The model: a Gemm on [1, 8]; a 3x3 Conv+Relu on a [1, 3, 8, 8] image; an LSTM over 7 steps of 5 features.</summary>
    [Params("gemm 1x8", "conv 1x3x8x8", "lstm 7x1x5")]
    public string Model { get; set; } = "gemm 1x8";

    [GlobalSetup]
    public void Setup()
    {
        string name = Model.Split(' ')[0];
        string path = Path.Combine(RepositoryPaths.Root, "tests", "InfantCry.Onnx.Tests", "Golden", name + ".onnx");
        _session = OnnxInferenceSession.Create(path, new OnnxSessionOptions { IntraOpThreads = 1 });
        var random = new Random(1);
        _inputs = _session.Inputs.Select(info =>
        {
            long[] shape = info.Shape.ToArray();
            int count = (int)TensorShape.ElementCount(shape);
            return info.ElementType == TensorElementType.Int64
                ? TensorInput.Int64(info.Name, Enumerable.Range(0, count).Select(i => (long)(i % 10)).ToArray(), shape)
                : TensorInput.Float32(info.Name, Enumerable.Range(0, count).Select(_ => random.NextSingle() - 0.5f).ToArray(), shape);
        }).ToArray();
        IReadOnlyList<NamedTensor> shapes = _session.Run(_inputs);
        _outputs = shapes.Select(t => t.ElementType == TensorElementType.Int64
            ? TensorOutput.Int64(t.Name, new long[t.Int64Data!.Length], t.Shape.ToArray())
            : TensorOutput.Float32(t.Name, new float[t.Float32Data!.Length], t.Shape.ToArray())).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    /// <summary>Outputs into preallocated caller buffers: no managed allocation per call.</summary>
    [Benchmark(Baseline = true)]
    public void RunIntoPreallocatedOutputs() => _session.Run(_inputs, _outputs);

    /// <summary>Outputs returned as new owned tensors (arrays and NamedTensor objects per call).</summary>
    [Benchmark]
    public IReadOnlyList<NamedTensor> RunIntoOwnedOutputs() => _session.Run(_inputs);
}
