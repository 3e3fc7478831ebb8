namespace InfantCry.Abstractions.Inference;

/// <summary>An output tensor owned by the caller after <c>Run</c>: a name, a shape and managed data.</summary>
/// <remarks>Immutable after construction apart from the data arrays, which the caller owns.</remarks>
public sealed class NamedTensor
{
    /// <summary>Creates a float32 tensor.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="shape">Dimensions; their product must equal <paramref name="data"/>'s length.</param>
    /// <param name="data">Elements in row-major order; the tensor keeps the array (no copy).</param>
    /// <exception cref="ArgumentException">The name is empty or the length does not match the shape.</exception>
    public NamedTensor(string name, long[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        TensorInput.CheckLength(name, data.Length, shape);
        Name = name;
        Shape = shape;
        ElementType = TensorElementType.Float32;
        Float32Data = data;
    }

    /// <summary>Creates an int64 tensor.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="shape">Dimensions; their product must equal <paramref name="data"/>'s length.</param>
    /// <param name="data">Elements in row-major order; the tensor keeps the array (no copy).</param>
    /// <exception cref="ArgumentException">The name is empty or the length does not match the shape.</exception>
    public NamedTensor(string name, long[] shape, long[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        TensorInput.CheckLength(name, data.Length, shape);
        Name = name;
        Shape = shape;
        ElementType = TensorElementType.Int64;
        Int64Data = data;
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The elements of a float32 tensor; <see langword="null"/> for other types.</summary>
    public float[]? Float32Data { get; }

    /// <summary>The elements of an int64 tensor; <see langword="null"/> for other types.</summary>
    public long[]? Int64Data { get; }

    /// <summary>The float32 elements.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not float32.</exception>
    public ReadOnlySpan<float> AsFloat32Span() =>
        Float32Data ?? throw new InvalidOperationException($"Tensor '{Name}' holds {ElementType}, not Float32.");

    /// <summary>The int64 elements.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not int64.</exception>
    public ReadOnlySpan<long> AsInt64Span() =>
        Int64Data ?? throw new InvalidOperationException($"Tensor '{Name}' holds {ElementType}, not Int64.");
}
