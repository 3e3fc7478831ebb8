namespace InfantCry.Onnx.Tests.Support;

/// <summary>Named tolerances for comparing ONNX Runtime's float32 results with golden references.</summary>
public static class Tolerances
{
    /// <summary>
    /// Absolute part of |ort - torch| &lt;= Absolute + Relative * |torch| against the torch float64 golden outputs.
    /// The references are exact up to one float32 rounding; ONNX Runtime computes in float32, so each output is a
    /// dot product of at most K = 27 terms (Conv 3x3x3; Gemm 8-64, LSTM 5+6 per gate and step) with values of
    /// order 1. The classic bound for a float32 dot product is K * u * sum|a_i b_i| with u = 2^-24 = 6e-8, i.e.
    /// about 64 * 6e-8 * 4 = 1.5e-5 for the widest Gemm; LSTM's 7 recurrent steps pass errors through
    /// sigmoid/tanh whose derivatives are &lt;= 1, and MLAS's rational tanh/logistic approximations are accurate to
    /// a few float32 ulps. 3e-5 absolute covers that bound with a factor-of-two margin.
    /// </summary>
    public const float Absolute = 3e-5f;

    /// <summary>Relative part: 1e-5, about 170 float32 ulps (2^-23 = 1.2e-7), for the few outputs larger than 1.</summary>
    public const float Relative = 1e-5f;

    /// <summary>Largest |actual - expected| - (Absolute + Relative * |expected|) over the elements; &lt;= 0 means within tolerance.</summary>
    public static (float WorstExcess, int Index, float MaxAbsError) Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"Lengths differ: {actual.Length} vs {expected.Length}.");
        }

        float worst = float.NegativeInfinity;
        float maxAbs = 0;
        int index = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            float error = MathF.Abs(actual[i] - expected[i]);
            float excess = error - (Absolute + Relative * MathF.Abs(expected[i]));
            if (float.IsNaN(error))
            {
                excess = float.PositiveInfinity;
            }

            maxAbs = MathF.Max(maxAbs, error);
            if (excess > worst)
            {
                worst = excess;
                index = i;
            }
        }

        return (worst, index, maxAbs);
    }
}

/// <summary>Assertions over whole tensors.</summary>
public static class TensorAssert
{
    /// <summary>Asserts |actual - expected| &lt;= Tolerances.Absolute + Tolerances.Relative * |expected| element by element.</summary>
    public static void Close(string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: element count");
        var (_, _, maxAbs) = Tolerances.Compare(actual, expected);
        TestContext.Out.WriteLine($"{what}: max |ort - torch| = {maxAbs:E2} over {actual.Length} elements");
        for (int i = 0; i < actual.Length; i++)
        {
            float tolerance = Tolerances.Absolute + Tolerances.Relative * MathF.Abs(expected[i]);
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(tolerance), $"{what}[{i}]");
        }
    }
}
