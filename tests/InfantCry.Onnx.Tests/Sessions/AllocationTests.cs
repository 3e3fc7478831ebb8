
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>A steady-state Run into preallocated outputs allocates no managed memory.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AllocationTests
{
    private const int MeasuredRuns = 200;

    [TestCase("gemm")]
    [TestCase("lstm")]
    [TestCase("embed")]
    [TestCase("mlp_batch")]
    public void Run_into_preallocated_outputs_allocates_nothing(string modelName)
    {
        GoldenModel model = GoldenModels.Get(modelName);
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        TensorInput[] inputs = model.ToInputs();
        TensorOutput[] outputs = model.Outputs.Select(o => o.Type == TensorElementType.Float32
            ? TensorOutput.Float32(o.Name, new float[o.Float32!.Length], o.Shape)
            : TensorOutput.Int64(o.Name, new long[o.Int64!.Length], o.Shape)).ToArray();
        long allocated = Allocations.PerPass(() =>
        {
            for (int i = 0; i < MeasuredRuns; i++)
            {
                session.Run(inputs, outputs);
            }
        });
        TestContext.Out.WriteLine($"{modelName}: {allocated} managed bytes over {MeasuredRuns} runs (least of {Allocations.DefaultPasses} passes)");
        Assert.That(allocated, Is.Zero);
    }
}
