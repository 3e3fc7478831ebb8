using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace InfantCry.Audio.Tests.Support;

/// <summary>A minimal reader of numpy .npz archives (a zip of .npy files): little-endian f4, f8, i8 arrays, C order.</summary>
public sealed class Npz
{
    private readonly Dictionary<string, (int[] Shape, double[] Data)> _arrays = new();

    public Npz(string path)
    {
        using ZipArchive zip = ZipFile.OpenRead(path);
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            if (!entry.Name.EndsWith(".npy", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = entry.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            byte[] bytes = memory.ToArray();
            string? parsed = TryParse(bytes, out int[] shape, out double[] data);
            if (parsed is null)
            {
                _arrays[entry.Name[..^4]] = (shape, data);
            }
        }
    }

    public int[] Shape(string name) => Get(name).Shape;

    public double[] Doubles(string name) => Get(name).Data;

    public float[] Floats(string name) => Get(name).Data.Select(v => (float)v).ToArray();

    private (int[] Shape, double[] Data) Get(string name) =>
        _arrays.TryGetValue(name, out var a) ? a : throw new KeyNotFoundException($"npz has no numeric array '{name}' (has {string.Join(", ", _arrays.Keys)}).");

    // Returns null on success, else why the entry was skipped (for example a unicode string array).
    private static string? TryParse(byte[] bytes, out int[] shape, out double[] data)
    {
        shape = [];
        data = [];
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int offset = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        string descr = Between(header, "'descr': '", "'");
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            return "fortran order";
        }

        string shapeText = Between(header, "'shape': (", ")");
        shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        int count = shape.Aggregate(1, (a, b) => a * b);
        ReadOnlySpan<byte> body = bytes.AsSpan(offset + headerLength);
        data = new double[count];
        switch (descr)
        {
            case "<f8":
                for (int i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadDoubleLittleEndian(body[(8 * i)..]);
                return null;
            case "<f4":
                for (int i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(body[(4 * i)..]);
                return null;
            case "<i8":
                for (int i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadInt64LittleEndian(body[(8 * i)..]);
                return null;
            default:
                return descr;
        }
    }

    private static string Between(string text, string start, string end)
    {
        int a = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        int b = text.IndexOf(end, a, StringComparison.Ordinal);
        return text[a..b];
    }
}
