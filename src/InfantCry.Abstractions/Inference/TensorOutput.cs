namespace InfantCry.Abstractions.Inference;

/// <summary>
/// A named output written by the session into caller-owned memory of a known shape. Reusing the same buffers
/// across calls is what lets a steady-state <c>Run</c> allocate nothing.
/// </summary>
public readonly struct TensorOutput
{
    private TensorOutput(string name, TensorElementType elementType, ReadOnlyMemory<long> shape, Memory<float> float32, Memory<long> int64)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Float32Buffer = float32;
        Int64Buffer = int64;
    }

    /// <summary>The output's name in the model.</summary>
    public string Name { get; }

    /// <summary>The element type: <see cref="TensorElementType.Float32"/> or <see cref="TensorElementType.Int64"/>.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions the output must have; a model producing another shape makes <c>Run</c> throw.</summary>
    public ReadOnlyMemory<long> Shape { get; }

    /// <summary>Destination when <see cref="ElementType"/> is <see cref="TensorElementType.Float32"/>; empty otherwise.</summary>
    public Memory<float> Float32Buffer { get; }

    /// <summary>Destination when <see cref="ElementType"/> is <see cref="TensorElementType.Int64"/>; empty otherwise.</summary>
    public Memory<long> Int64Buffer { get; }

    /// <summary>A float32 output written into <paramref name="buffer"/>.</summary>
    /// <param name="name">The output's name in the model.</param>
    /// <param name="buffer">Destination; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions the model produces.</param>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative or the buffer length does not match the shape.</exception>
    public static TensorOutput Float32(string name, Memory<float> buffer, ReadOnlyMemory<long> shape)
    {
        TensorInput.CheckLength(name, buffer.Length, shape.Span);
        return new TensorOutput(name, TensorElementType.Float32, shape, buffer, default);
    }

    /// <summary>An int64 output written into <paramref name="buffer"/>.</summary>
    /// <param name="name">The output's name in the model.</param>
    /// <param name="buffer">Destination; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions the model produces.</param>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative or the buffer length does not match the shape.</exception>
    public static TensorOutput Int64(string name, Memory<long> buffer, ReadOnlyMemory<long> shape)
    {
        TensorInput.CheckLength(name, buffer.Length, shape.Span);
        return new TensorOutput(name, TensorElementType.Int64, shape, default, buffer);
    }
}
