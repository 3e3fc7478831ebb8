using System.Buffers;
using System.Globalization;

using InfantCry.Abstractions.Errors;

namespace InfantCry.Vision.Landmarks;

/// <summary>
/// Reads values in dlib's portable serialization format (<c>dlib/serialize.h</c>) from a stream, through a pooled
/// buffer, counting bytes so that errors can say where the data went wrong.
/// </summary>
/// <remarks>
/// The format, as dlib 19.24 writes it:
/// <list type="bullet">
/// <item>An integer is a control byte followed by 1..8 little-endian magnitude bytes. The low 4 bits of the control
/// byte give the byte count (never 0); for signed types bit 7 is the sign. For unsigned types a control byte with
/// bit 7 set, or a count above the type's size, is an error (dlib's <c>unpack_int</c>).</item>
/// <item>A float is an <c>int64</c> mantissa then an <c>int16</c> exponent, both as integers above, with value
/// mantissa x 2^exponent; exponents 32000, 32001 and 32002 mean +infinity, -infinity and NaN
/// (<c>float_details</c>). Files from before dlib 18.x wrote floats as ASCII text ended by a space ("inf", "ninf",
/// "NaN" or a decimal number); such a float is recognised by a first byte with any of the bits 0x70 set.</item>
/// <item>A <c>std::vector</c> is its element count (unsigned) then the elements; a <c>dlib::matrix</c> is its row and
/// column counts (signed, negated by newer versions) then the elements row by row; a <c>dlib::vector&lt;T,2&gt;</c> is
/// x then y.</item>
/// </list>
/// Not thread-safe: one reader per load.
/// </remarks>
internal sealed class DlibSerializationReader : IDisposable
{
    private const int BufferSize = 1 << 16;
    private const short ExponentInfinity = 32000;
    private const short ExponentNegativeInfinity = 32001;
    private const short ExponentNaN = 32002;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly CancellationToken _cancellationToken;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _consumedBefore;

    /// <summary>Creates a reader.</summary>
    /// <param name="stream">The data, read from its current position.</param>
    /// <param name="source">The name errors use for the data (a path or "stream").</param>
    /// <param name="cancellationToken">Checked at every buffer refill.</param>
    public DlibSerializationReader(Stream stream, string source, CancellationToken cancellationToken)
    {
        _stream = stream;
        _source = source;
        _cancellationToken = cancellationToken;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>Bytes consumed so far.</summary>
    public long Position => _consumedBefore + _start;

    /// <summary>Bytes left in the stream if it can tell (seekable), otherwise null.</summary>
    public long? Remaining => _stream.CanSeek ? _stream.Length - _stream.Position + (_end - _start) : null;

    /// <summary>What the reader is inside of, for messages ("forest 3, tree 17").</summary>
    public string Context { get; set; } = string.Empty;

    /// <summary>Reads a signed integer of <paramref name="maxBytes"/> bytes at most (4 for C++ <c>int</c>, 8 for <c>long</c>).</summary>
    public long ReadSigned(int maxBytes, string what)
    {
        long at = Position;
        int control = ReadByte(what);
        bool negative = (control & 0x80) != 0;
        int size = control & 0x0F;
        if (size == 0 || size > maxBytes)
        {
            throw Corrupt(at, what, $"integer control byte 0x{control:X2} declares {size} bytes (1..{maxBytes} allowed)");
        }

        ulong magnitude = ReadMagnitude(size, what);
        if (magnitude > long.MaxValue)
        {
            throw Corrupt(at, what, "integer does not fit in 64 bits");
        }

        long value = (long)magnitude;
        return negative ? -value : value;
    }

    /// <summary>Reads an unsigned integer of <paramref name="maxBytes"/> bytes at most (8 for C++ <c>unsigned long</c>).</summary>
    public ulong ReadUnsigned(int maxBytes, string what)
    {
        long at = Position;
        int control = ReadByte(what);
        int size = control & 0x8F;
        if (size == 0 || size > maxBytes)
        {
            throw Corrupt(at, what, $"unsigned integer control byte 0x{control:X2} is invalid (1..{maxBytes} bytes, no sign bit)");
        }

        return ReadMagnitude(size, what);
    }

    /// <summary>Reads a <c>std::vector</c> element count and checks it against the bytes left (each element takes at least <paramref name="minBytesPerElement"/>).</summary>
    public int ReadCount(string what, int minBytesPerElement)
    {
        long at = Position;
        ulong count = ReadUnsigned(8, what);
        long? remaining = Remaining;
        if (count > int.MaxValue || (remaining is long r && count * (ulong)minBytesPerElement > (ulong)r))
        {
            throw Corrupt(at, what, $"declares {count} elements but the data cannot hold them");
        }

        return (int)count;
    }

    /// <summary>Reads a float in either of dlib's float formats.</summary>
    public float ReadSingle(string what)
    {
        long at = Position;
        if ((PeekByte(what) & 0x70) != 0)
        {
            return ReadAsciiSingle(at, what);
        }

        long mantissa = ReadSigned(8, what);
        long exponent = ReadSigned(2, what);
        return exponent switch
        {
            < ExponentInfinity => MathF.ScaleB(mantissa, (int)exponent),
            ExponentInfinity => float.PositiveInfinity,
            ExponentNegativeInfinity => float.NegativeInfinity,
            _ => float.NaN,
        };
    }

    /// <summary>Reads a <c>dlib::matrix&lt;float,0,1&gt;</c> (a column vector) into <paramref name="destination"/>, which must have the declared length.</summary>
    public void ReadColumnVector(Span<float> destination, string what)
    {
        long at = Position;
        (long rows, long cols) = ReadMatrixHeader(what);
        if (cols != 1 || rows != destination.Length)
        {
            throw Corrupt(at, what, $"a {rows}x{cols} matrix where a {destination.Length}x1 column vector was expected");
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = ReadSingle(what);
        }
    }

    /// <summary>Reads a <c>dlib::matrix</c> header: row and column counts, made positive.</summary>
    public (long Rows, long Cols) ReadMatrixHeader(string what)
    {
        long at = Position;
        long rows = ReadSigned(8, what);
        long cols = ReadSigned(8, what);
        rows = Math.Abs(rows);
        cols = Math.Abs(cols);
        if (rows > int.MaxValue || cols > int.MaxValue || (Remaining is long r && rows * cols > r))
        {
            throw Corrupt(at, what, $"declares a {rows}x{cols} matrix that the data cannot hold");
        }

        return (rows, cols);
    }

    /// <summary>An <see cref="InvalidModelException"/> naming the source, the byte offset and the context.</summary>
    public InvalidModelException Corrupt(long at, string what, string problem)
    {
        string where = Context.Length == 0 ? what : $"{what} ({Context})";
        return new InvalidModelException($"dlib shape predictor '{_source}': {where} at byte {at}: {problem}.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ulong ReadMagnitude(int size, string what)
    {
        ulong value = 0;
        for (int i = 0; i < size; i++)
        {
            value |= (ulong)ReadByte(what) << (8 * i);
        }

        return value;
    }

    private float ReadAsciiSingle(long at, string what)
    {
        Span<char> text = stackalloc char[64];
        int length = 0;
        while (true)
        {
            int b = ReadByte(what);
            if (b == ' ')
            {
                break;
            }

            if (length == text.Length)
            {
                throw Corrupt(at, what, "text float longer than 64 characters");
            }

            text[length++] = (char)b;
        }

        ReadOnlySpan<char> token = text[..length];
        if (token.SequenceEqual("inf"))
        {
            return float.PositiveInfinity;
        }

        if (token.SequenceEqual("ninf"))
        {
            return float.NegativeInfinity;
        }

        if (token.SequenceEqual("NaN"))
        {
            return float.NaN;
        }

        return float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            ? value
            : throw Corrupt(at, what, $"'{token.ToString()}' is neither a binary nor a text float");
    }

    private int PeekByte(string what)
    {
        if (_start == _end)
        {
            Fill(what);
        }

        return _buffer[_start];
    }

    private int ReadByte(string what)
    {
        if (_start == _end)
        {
            Fill(what);
        }

        return _buffer[_start++];
    }

    private void Fill(string what)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        _consumedBefore += _end;
        _start = 0;
        _end = 0;
        int read;
        try
        {
            read = _stream.Read(_buffer, 0, BufferSize);
        }
        catch (IOException e)
        {
            throw new InvalidModelException($"dlib shape predictor '{_source}': reading failed at byte {Position}: {e.Message}", e);
        }

        if (read == 0)
        {
            throw Corrupt(Position, what, "the data ends here (truncated file?)");
        }

        _end = read;
    }
}
