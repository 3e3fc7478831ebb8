namespace InfantCry.Abstractions.Inference;

/// <summary>Helpers for tensor shapes given as spans of dimensions.</summary>
public static class TensorShape
{
    /// <summary>The number of elements of a tensor with the given dimensions (1 for a scalar).</summary>
    /// <param name="shape">The dimensions; each must be zero or positive.</param>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    /// <exception cref="OverflowException">The product does not fit in 64 bits.</exception>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"Dimension {i} of shape [{Format(shape)}] is negative; concrete tensors need every dimension >= 0.", nameof(shape));
            }

            count = checked(count * shape[i]);
        }

        return count;
    }

    /// <summary>Formats dimensions as <c>"1, 96, 64"</c>.</summary>
    /// <param name="shape">The dimensions.</param>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return string.Join(", ", parts);
    }
}
