namespace InfantCry.Vision.Tests.Landmarks;

/// <summary>
/// Writes dlib's serialization format (dlib/serialize.h) for synthetic test models: integers as a control byte (byte
/// count, bit 7 = sign) and little-endian magnitude bytes; floats as mantissa and exponent integers (or, for the old
/// format, ASCII text ended by a space).
/// </summary>
internal sealed class DlibModelWriter
{
    private readonly MemoryStream _out = new();

    public bool TextFloats { get; init; }

    public byte[] ToArray() => _out.ToArray();

    public DlibModelWriter Raw(params byte[] bytes)
    {
        _out.Write(bytes);
        return this;
    }

    public DlibModelWriter Signed(long value)
    {
        ulong magnitude = value < 0 ? (ulong)(-value) : (ulong)value;
        return Integer(magnitude, value < 0 ? (byte)0x80 : (byte)0);
    }

    public DlibModelWriter Unsigned(ulong value) => Integer(value, 0);

    public DlibModelWriter Float(float value)
    {
        if (TextFloats)
        {
            string text = float.IsPositiveInfinity(value) ? "inf" : float.IsNegativeInfinity(value) ? "ninf" : float.IsNaN(value) ? "NaN"
                : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            _out.Write(System.Text.Encoding.ASCII.GetBytes(text + " "));
            return this;
        }

        if (value == 0)
        {
            return Signed(0).Signed(0);
        }

        // value = mantissa * 2^exponent with the 24-bit significand as mantissa.
        int bits = BitConverter.SingleToInt32Bits(value);
        int biased = (bits >> 23) & 0xFF;
        long mantissa = biased == 0 ? bits & 0x7FFFFF : (bits & 0x7FFFFF) | 0x800000;
        int exponent = (biased == 0 ? 1 : biased) - 127 - 23;
        return Signed(bits < 0 ? -mantissa : mantissa).Signed(exponent);
    }

    /// <summary>A <c>dlib::matrix&lt;float,0,1&gt;</c> in the newer format (negated dimensions).</summary>
    public DlibModelWriter Column(params float[] values)
    {
        Signed(-values.Length).Signed(-1);
        foreach (float v in values)
        {
            Float(v);
        }

        return this;
    }

    private DlibModelWriter Integer(ulong magnitude, byte sign)
    {
        Span<byte> buf = stackalloc byte[9];
        int size = 0;
        do
        {
            buf[++size] = (byte)(magnitude & 0xFF);
            magnitude >>= 8;
        }
        while (magnitude != 0);
        buf[0] = (byte)(size | sign);
        _out.Write(buf[..(size + 1)]);
        return this;
    }
}

/// <summary>A synthetic shape predictor: the fields dlib serializes, in memory.</summary>
internal sealed class SyntheticModel
{
    public int Version { get; init; } = 1;

    public required float[] InitialShape { get; init; }

    public required List<Cascade> Cascades { get; init; }

    public byte[] Serialize(bool textFloats = false)
    {
        var w = new DlibModelWriter { TextFloats = textFloats };
        w.Signed(Version).Column(InitialShape);
        w.Unsigned((ulong)Cascades.Count);
        foreach (Cascade c in Cascades)
        {
            w.Unsigned((ulong)c.Trees.Count);
            foreach (Tree t in c.Trees)
            {
                w.Unsigned((ulong)t.Splits.Count);
                foreach ((int i1, int i2, float th) in t.Splits)
                {
                    w.Unsigned((ulong)i1).Unsigned((ulong)i2).Float(th);
                }

                w.Unsigned((ulong)t.Leaves.Count);
                foreach (float[] leaf in t.Leaves)
                {
                    w.Column(leaf);
                }
            }
        }

        w.Unsigned((ulong)Cascades.Count);
        foreach (Cascade c in Cascades)
        {
            w.Unsigned((ulong)c.Features.Count);
            foreach ((int anchor, _, _) in c.Features)
            {
                w.Unsigned((ulong)anchor);
            }
        }

        w.Unsigned((ulong)Cascades.Count);
        foreach (Cascade c in Cascades)
        {
            w.Unsigned((ulong)c.Features.Count);
            foreach ((_, float dx, float dy) in c.Features)
            {
                w.Float(dx).Float(dy);
            }
        }

        return w.ToArray();
    }

    internal sealed record Cascade(List<(int Anchor, float Dx, float Dy)> Features, List<Tree> Trees);

    internal sealed record Tree(List<(int Feature1, int Feature2, float Threshold)> Splits, List<float[]> Leaves);
}
