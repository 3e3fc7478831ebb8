namespace InfantCry.Abstractions.Inference;

/// <summary>Describes one input or output of an inference session: its name, element type and shape.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TensorInfo
{
    /// <summary>Creates a description.</summary>
    /// <param name="name">The tensor's name in the model.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The dimensions; -1 marks a dimension that is not fixed by the model.</param>
    /// <param name="symbolicDimensions">For each dimension its symbolic name (for example <c>"batch"</c>), or an empty string; <see langword="null"/> means none are named.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="symbolicDimensions"/> does not have one entry per dimension.</exception>
    public TensorInfo(string name, TensorElementType elementType, IReadOnlyList<long> shape, IReadOnlyList<string>? symbolicDimensions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        symbolicDimensions ??= Enumerable.Repeat(string.Empty, shape.Count).ToArray();
        if (symbolicDimensions.Count != shape.Count)
        {
            throw new ArgumentException($"Tensor '{name}' has {shape.Count} dimensions but {symbolicDimensions.Count} symbolic dimension names.", nameof(symbolicDimensions));
        }

        Name = name;
        ElementType = elementType;
        Shape = shape.ToArray();
        SymbolicDimensions = symbolicDimensions.ToArray();
    }

    /// <summary>The tensor's name in the model.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions; -1 marks a dimension the model leaves free (see <see cref="SymbolicDimensions"/>).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>For each dimension its symbolic name, or an empty string when it has none.</summary>
    public IReadOnlyList<string> SymbolicDimensions { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {ElementType}[{string.Join(", ", Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : (SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "?")))}]";
}
