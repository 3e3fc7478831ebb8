
using InfantCry.Onnx.Runtime;
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
        Assert.That(d.ExecutionProvider, Is.EqualTo(OnnxExecutionProvider.Cpu));
        Assert.That(d.DeviceId, Is.Zero);
        Assert.That(d.AllowSpinning, Is.True);
    }

    [Test]
    public void A_pool_that_does_not_spin_reproduces_torch([Values("conv", "lstm")] string modelName)
    {
        // allow_spinning = 0 only changes how the pool's threads wait between runs: results stay torch's, run after run.
        GoldenModel model = GoldenModels.Get(modelName);
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 2, AllowSpinning = false });

        for (int run = 0; run < 3; run++)
        {
            var outputs = session.Run(model.ToInputs());
            for (int i = 0; i < outputs.Count; i++)
            {
                TensorAssert.Close($"{modelName}.{outputs[i].Name} (no spinning, run {run})", outputs[i].AsFloat32Span(), model.Outputs[i].Float32);
            }
        }
    }

    [Test]
    public void Explicit_cpu_provider_reproduces_torch()
    {
        GoldenModel model = GoldenModels.Get("conv");
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { ExecutionProvider = OnnxExecutionProvider.Cpu, IntraOpThreads = 1 });

        var outputs = session.Run(model.ToInputs());

        TensorAssert.Close("conv (Cpu provider)", outputs[0].AsFloat32Span(), model.Outputs[0].Float32);
    }

    [TestCase(OnnxExecutionProvider.Cuda, "CUDAExecutionProvider", "Microsoft.ML.OnnxRuntime.Gpu")]
    [TestCase(OnnxExecutionProvider.DirectMl, "DmlExecutionProvider", "Microsoft.ML.OnnxRuntime.DirectML")]
    [TestCase(OnnxExecutionProvider.CoreMl, "CoreMLExecutionProvider", "macOS or iOS")]
    [TestCase(OnnxExecutionProvider.Nnapi, "NnapiExecutionProvider", "Android")]
    public void A_provider_the_runtime_lacks_is_named_with_the_available_ones_and_its_package(OnnxExecutionProvider provider, string nativeName, string package)
    {
        Assume.That(OnnxRuntime.IsAvailable(provider), Is.False, $"{nativeName} is available in this runtime");
        GoldenModel model = GoldenModels.Get("gemm");

        var ex = Assert.Throws<OnnxExecutionProviderUnavailableException>(() => OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { ExecutionProvider = provider }));

        TestContext.Out.WriteLine(ex!.Message);
        Assert.That(ex.Provider, Is.EqualTo(provider));
        Assert.That(ex.AvailableProviders, Does.Contain("CPUExecutionProvider"));
        Assert.That(ex.Message, Does.Contain(nativeName).And.Contain("CPUExecutionProvider").And.Contain(package));
        Assert.That(ex, Is.InstanceOf<InfantCry.Abstractions.Errors.InferenceException>());
    }

    [Test]
    public void Options_reject_undefined_providers_and_negative_devices()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OnnxSessionOptions { ExecutionProvider = (OnnxExecutionProvider)99 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OnnxSessionOptions { DeviceId = -1 });
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
