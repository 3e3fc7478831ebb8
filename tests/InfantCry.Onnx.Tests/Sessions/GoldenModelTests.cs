
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>ONNX Runtime reproduces torch's outputs for the tiny models of training/onnx_fixtures.</summary>
[TestFixture]
public sealed class GoldenModelTests
{
    private static readonly OnnxSessionOptions SingleThread = new() { IntraOpThreads = 1 };

    private static IEnumerable<string> ModelNames => GoldenModels.Names;

    [TestCaseSource(nameof(ModelNames))]
    public void Owned_outputs_match_torch(string modelName)
    {
        GoldenModel model = GoldenModels.Get(modelName);
        using var session = OnnxInferenceSession.Create(model.Path, SingleThread);

        IReadOnlyList<NamedTensor> outputs = session.Run(model.ToInputs());

        Assert.That(outputs.Select(o => o.Name), Is.EqualTo(model.Outputs.Select(o => o.Name)));
        for (int i = 0; i < outputs.Count; i++)
        {
            AssertMatches(model.Outputs[i], outputs[i]);
        }
    }

    [TestCaseSource(nameof(ModelNames))]
    public void Caller_buffers_match_torch(string modelName)
    {
        GoldenModel model = GoldenModels.Get(modelName);
        using var session = OnnxInferenceSession.Create(model.Path, SingleThread);
        var outputs = model.Outputs.Select(o => o.Type == TensorElementType.Float32
            ? TensorOutput.Float32(o.Name, new float[o.Float32!.Length], o.Shape)
            : TensorOutput.Int64(o.Name, new long[o.Int64!.Length], o.Shape)).ToArray();

        session.Run(model.ToInputs(), outputs);

        for (int i = 0; i < outputs.Length; i++)
        {
            GoldenTensor expected = model.Outputs[i];
            if (expected.Type == TensorElementType.Float32)
            {
                TensorAssert.Close($"{model.Name}.{expected.Name}", outputs[i].Float32Buffer.Span, expected.Float32);
            }
            else
            {
                Assert.That(outputs[i].Int64Buffer.ToArray(), Is.EqualTo(expected.Int64), $"{model.Name}.{expected.Name}");
            }
        }
    }

    [TestCaseSource(nameof(ModelNames))]
    public void Model_from_bytes_matches_model_from_path(string modelName)
    {
        GoldenModel model = GoldenModels.Get(modelName);
        using var fromPath = OnnxInferenceSession.Create(model.Path, SingleThread);
        using var fromBytes = OnnxInferenceSession.Create(File.ReadAllBytes(model.Path), SingleThread);

        var a = fromPath.Run(model.ToInputs());
        var b = fromBytes.Run(model.ToInputs());

        Assert.That(fromBytes.ModelName, Is.EqualTo("<bytes>"));
        for (int i = 0; i < a.Count; i++)
        {
            // Same runtime, same graph, same inputs: bit-identical results.
            Assert.That(b[i].Shape, Is.EqualTo(a[i].Shape));
            Assert.That(b[i].Float32Data, Is.EqualTo(a[i].Float32Data));
            Assert.That(b[i].Int64Data, Is.EqualTo(a[i].Int64Data));
        }
    }

    [Test]
    public void Symbolic_batch_accepts_other_batch_sizes_row_by_row()
    {
        // The batch rows are independent, so running each golden row alone must give that row of the golden output.
        GoldenModel model = GoldenModels.Get("mlp_batch");
        GoldenTensor x = model.Inputs[0], y = model.Outputs[0];
        int rows = (int)x.Shape[0], inWidth = (int)x.Shape[1], outWidth = (int)y.Shape[1];
        using var session = OnnxInferenceSession.Create(model.Path, SingleThread);
        float[] output = new float[outWidth];
        for (int r = 0; r < rows; r++)
        {
            var input = TensorInput.Float32("x", x.Float32.AsMemory(r * inWidth, inWidth), new long[] { 1, inWidth });
            session.Run([input], [TensorOutput.Float32("y", output, new long[] { 1, outWidth })]);
            TensorAssert.Close($"mlp_batch row {r}", output, y.Float32.AsSpan(r * outWidth, outWidth));
        }
    }

    private static void AssertMatches(GoldenTensor expected, NamedTensor actual)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{expected.Name} shape");
        Assert.That(actual.ElementType, Is.EqualTo(expected.Type), $"{expected.Name} element type");
        if (expected.Type == TensorElementType.Float32)
        {
            TensorAssert.Close(expected.Name, actual.AsFloat32Span(), expected.Float32);
        }
        else
        {
            // Integer outputs (argmax) are exact.
            Assert.That(actual.Int64Data, Is.EqualTo(expected.Int64), expected.Name);
        }
    }
}
