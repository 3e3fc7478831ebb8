
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>Input and output descriptions read from the models.</summary>
[TestFixture]
public sealed class MetadataTests
{
    [TestCaseSource(typeof(GoldenModels), nameof(GoldenModels.Names))]
    public void Signature_matches_the_exported_model(string modelName)
    {
        GoldenModel model = GoldenModels.Get(modelName);
        using var session = OnnxInferenceSession.Create(model.Path);

        AssertSignature(session.Inputs, model.Inputs);
        AssertSignature(session.Outputs, model.Outputs);
    }

    [Test]
    public void Symbolic_batch_dimension_is_minus_one_with_its_name()
    {
        using var session = OnnxInferenceSession.Create(GoldenModels.Get("mlp_batch").Path);

        TensorInfo x = session.Inputs.Single();
        Assert.That(x.Name, Is.EqualTo("x"));
        Assert.That(x.ElementType, Is.EqualTo(TensorElementType.Float32));
        Assert.That(x.Shape, Is.EqualTo(new long[] { -1, 8 }));
        Assert.That(x.SymbolicDimensions, Is.EqualTo(new[] { "batch", "" }));
        Assert.That(x.ToString(), Is.EqualTo("x: Float32[batch, 8]"));
    }

    [Test]
    public void Int64_input_and_two_outputs_of_different_types()
    {
        using var session = OnnxInferenceSession.Create(GoldenModels.Get("embed").Path);

        Assert.That(session.Inputs.Select(t => t.ToString()), Is.EqualTo(new[] { "tokens: Int64[1, 6]" }));
        Assert.That(session.Outputs.Select(t => t.ToString()), Is.EqualTo(new[] { "embedded: Float32[1, 6, 4]", "argmax: Int64[1, 6]" }));
    }

    private static void AssertSignature(IReadOnlyList<TensorInfo> actual, IReadOnlyList<GoldenTensor> golden)
    {
        Assert.That(actual.Select(t => t.Name), Is.EqualTo(golden.Select(t => t.Name)));
        for (int i = 0; i < actual.Count; i++)
        {
            GoldenTensor g = golden[i];
            long[] expectedShape = g.Shape.Select((d, axis) => g.Symbolic.ContainsKey(axis) ? -1 : d).ToArray();
            string[] expectedSymbols = g.Shape.Select((_, axis) => g.Symbolic.TryGetValue(axis, out string? s) ? s : "").ToArray();
            Assert.That(actual[i].ElementType, Is.EqualTo(g.Type), g.Name);
            Assert.That(actual[i].Shape, Is.EqualTo(expectedShape), g.Name);
            Assert.That(actual[i].SymbolicDimensions, Is.EqualTo(expectedSymbols), g.Name);
        }
    }
}
