using InfantCry.Abstractions.Errors;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Landmarks;

/// <summary>An append-only array that doubles when full; used while loading, then trimmed once.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <remarks>Not thread-safe (load-time only).</remarks>
internal struct GrowableArray<T>
{
    private T[] _items;

    /// <summary>Creates an empty array with room for <paramref name="capacity"/> items.</summary>
    public GrowableArray(int capacity) => _items = new T[Math.Max(capacity, 4)];

    /// <summary>Items appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>Appends <paramref name="count"/> default items and returns them for filling.</summary>
    /// <exception cref="InvalidModelException">The total would exceed the largest .NET array.</exception>
    public Span<T> Append(int count, string what)
    {
        long needed = (long)Count + count;
        if (needed > Array.MaxLength)
        {
            throw new InvalidModelException($"dlib shape predictor: {what} needs {needed} elements, more than an array can hold.");
        }

        if (needed > _items.Length)
        {
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _items.Length)));
        }

        Span<T> span = _items.AsSpan(Count, count);
        Count = (int)needed;
        return span;
    }

    /// <summary>Appends one item.</summary>
    public void Add(T item, string what) => Append(1, what)[0] = item;

    /// <summary>The items, trimmed to <see cref="Count"/> (the builder must not be used afterwards).</summary>
    public T[] ToTrimmedArray()
    {
        if (_items.Length != Count)
        {
            Array.Resize(ref _items, Count);
        }

        return _items;
    }
}
