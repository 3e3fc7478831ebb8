namespace InfantCry.Abstractions.Inference;

/// <summary>
/// A named input tensor over caller-owned memory. Sessions read the memory during <c>Run</c> without copying it
/// where the runtime allows, so the memory must not change until <c>Run</c> returns.
/// </summary>
/// <remarks>Create it with <see cref="Float32"/> or <see cref="Int64"/>. The length of the data must equal the product of the shape.</remarks>
public readonly struct TensorInput
{
    private TensorInput(string name, TensorElementType elementType, ReadOnlyMemory<long> shape, ReadOnlyMemory<float> float32, ReadOnlyMemory<long> int64)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Float32Data = float32;
        Int64Data = int64;
    }

    /// <summary>The input's name in the model.</summary>
    public string Name { get; }

    /// <summary>The element type: <see cref="TensorElementType.Float32"/> or <see cref="TensorElementType.Int64"/>.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions.</summary>
    public ReadOnlyMemory<long> Shape { get; }

    /// <summary>The elements when <see cref="ElementType"/> is <see cref="TensorElementType.Float32"/>; empty otherwise.</summary>
    public ReadOnlyMemory<float> Float32Data { get; }

    /// <summary>The elements when <see cref="ElementType"/> is <see cref="TensorElementType.Int64"/>; empty otherwise.</summary>
    public ReadOnlyMemory<long> Int64Data { get; }

    /// <summary>A float32 input.</summary>
    /// <param name="name">The input's name in the model.</param>
    /// <param name="data">Elements in row-major order.</param>
    /// <param name="shape">Dimensions; their product must equal <paramref name="data"/>'s length.</param>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative or the data length does not match the shape.</exception>
    public static TensorInput Float32(string name, ReadOnlyMemory<float> data, ReadOnlyMemory<long> shape)
    {
        CheckLength(name, data.Length, shape.Span);
        return new TensorInput(name, TensorElementType.Float32, shape, data, default);
    }

    /// <summary>An int64 input.</summary>
    /// <param name="name">The input's name in the model.</param>
    /// <param name="data">Elements in row-major order.</param>
    /// <param name="shape">Dimensions; their product must equal <paramref name="data"/>'s length.</param>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative or the data length does not match the shape.</exception>
    public static TensorInput Int64(string name, ReadOnlyMemory<long> data, ReadOnlyMemory<long> shape)
    {
        CheckLength(name, data.Length, shape.Span);
        return new TensorInput(name, TensorElementType.Int64, shape, default, data);
    }

    internal static void CheckLength(string name, int length, ReadOnlySpan<long> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        long expected = TensorShape.ElementCount(shape);
        if (expected != length)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{TensorShape.Format(shape)}] ({expected} elements) but its buffer holds {length} elements.", nameof(shape));
        }
    }
}
