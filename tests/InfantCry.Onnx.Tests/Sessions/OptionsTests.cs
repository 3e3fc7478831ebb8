
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>Every session option is applied and leaves results within tolerance of torch.</summary>
[TestFixture]
public sealed class OptionsTests
{
    [Test]
    public void Defaults_are_the_documented_ones()
    {
        OnnxSessionOptions d = OnnxSessionOptions.Default;

        Assert.That(d.IntraOpThreads, Is.Zero);
        Assert.That(d.InterOpThreads, Is.Zero);
        Assert.That(d.GraphOptimizationLevel, Is.EqualTo(OnnxGraphOptimizationLevel.All));
        Assert.That(d.ExecutionMode, Is.EqualTo(OnnxExecutionMode.Sequential));
    }

    [Test]
    public void Every_combination_of_level_and_mode_reproduces_torch(
        [Values] OnnxGraphOptimizationLevel level,
        [Values] OnnxExecutionMode mode,
        [Values("conv", "lstm")] string modelName)
    {
        GoldenModel model = GoldenModels.Get(modelName);
        var options = new OnnxSessionOptions { IntraOpThreads = 2, InterOpThreads = 2, GraphOptimizationLevel = level, ExecutionMode = mode };
        using var session = OnnxInferenceSession.Create(model.Path, options);

        var outputs = session.Run(model.ToInputs());

        for (int i = 0; i < outputs.Count; i++)
        {
            TensorAssert.Close($"{modelName}.{outputs[i].Name} ({level}, {mode})", outputs[i].AsFloat32Span(), model.Outputs[i].Float32);
        }
    }
}
