using InfantCry.Abstractions.Inference;

namespace InfantCry.Abstractions.Tests.Inference;

public sealed class TensorInputTests
{
    [Test]
    public void Float32_KeepsCallerMemoryWithoutCopy()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        var input = TensorInput.Float32("x", data, new long[] { 2, 3 });

        Assert.Multiple(() =>
        {
            Assert.That(input.ElementType, Is.EqualTo(TensorElementType.Float32));
            Assert.That(input.Float32Data.Span.Overlaps(data), Is.True, "the input must view the caller's array, not a copy");
            Assert.That(input.Int64Data.IsEmpty, Is.True);
            Assert.That(input.Shape.ToArray(), Is.EqualTo(new long[] { 2, 3 }));
        });
    }

    [Test]
    public void Int64_KeepsCallerMemory()
    {
        long[] data = [7, 8];
        var input = TensorInput.Int64("ids", data, new long[] { 1, 2 });
        Assert.That(input.ElementType, Is.EqualTo(TensorElementType.Int64));
        Assert.That(input.Int64Data.Span.Overlaps(data), Is.True);
    }

    [Test]
    public void LengthNotMatchingShape_SaysBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => TensorInput.Float32("patches", new float[10], new long[] { 1, 96, 64 }));
        Assert.That(ex!.Message, Does.Contain("patches").And.Contain("1, 96, 64").And.Contain("6144").And.Contain("10"));
    }

    [Test]
    public void NegativeDimension_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => TensorOutput.Float32("y", new float[1], new long[] { -1, 1 }));
        Assert.That(ex!.Message, Does.Contain("negative"));
    }

    [Test]
    public void EmptyName_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => TensorInput.Float32("", new float[1], new long[] { 1 }));
    }

    [Test]
    public void ScalarShape_HasOneElement()
    {
        Assert.That(TensorShape.ElementCount(ReadOnlySpan<long>.Empty), Is.EqualTo(1));
        Assert.DoesNotThrow(() => TensorInput.Float32("s", new float[1], ReadOnlyMemory<long>.Empty));
    }

    [Test]
    public void HugeShape_Overflows_InsteadOfWrapping()
    {
        Assert.Throws<OverflowException>(() => TensorShape.ElementCount(new long[] { long.MaxValue, 2 }));
    }

    [Test]
    public void NamedTensor_TypedAccessors()
    {
        var t = new NamedTensor("scores", [1, 2], new float[] { 0.25f, 0.75f });
        Assert.Multiple(() =>
        {
            Assert.That(t.AsFloat32Span().ToArray(), Is.EqualTo(new[] { 0.25f, 0.75f }));
            var ex = Assert.Throws<InvalidOperationException>(() => t.AsInt64Span());
            Assert.That(ex!.Message, Does.Contain("scores").And.Contain("Float32"));
        });
    }

    [Test]
    public void TensorInfo_FormatsSymbolicDimensions()
    {
        var info = new TensorInfo("patches", TensorElementType.Float32, [-1, 96, 64], ["N", "", ""]);
        Assert.That(info.ToString(), Is.EqualTo("patches: Float32[N, 96, 64]"));
        Assert.Throws<ArgumentException>(() => new TensorInfo("p", TensorElementType.Float32, [1, 2], ["a"]));
    }
}
