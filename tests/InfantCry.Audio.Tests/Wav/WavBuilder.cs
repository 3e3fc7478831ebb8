using System.Buffers.Binary;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Wav;

/// <summary>Writes WAV files for tests: any encoding, channel count, extra chunks before/after data, odd sizes.</summary>
internal sealed class WavBuilder
{
    private readonly List<(string Id, byte[] Body)> _chunks = [];

    public static byte[] Encode(ReadOnlySpan<double> interleaved, AudioSampleFormat format)
    {
        int bytes = format.BytesPerSample();
        var data = new byte[interleaved.Length * bytes];
        for (int i = 0; i < interleaved.Length; i++)
        {
            Span<byte> s = data.AsSpan(i * bytes, bytes);
            double v = interleaved[i];
            switch (format)
            {
                case AudioSampleFormat.Pcm8: s[0] = (byte)Math.Clamp(Math.Round((v * 128) + 128), 0, 255); break;
                case AudioSampleFormat.Pcm16: BinaryPrimitives.WriteInt16LittleEndian(s, (short)Math.Clamp(Math.Round(v * 32768), short.MinValue, short.MaxValue)); break;
                case AudioSampleFormat.Pcm24:
                    int i24 = (int)Math.Clamp(Math.Round(v * 8388608), -8388608, 8388607);
                    s[0] = (byte)i24; s[1] = (byte)(i24 >> 8); s[2] = (byte)(i24 >> 16);
                    break;
                case AudioSampleFormat.Pcm32: BinaryPrimitives.WriteInt32LittleEndian(s, (int)Math.Clamp(Math.Round(v * 2147483648.0), int.MinValue, int.MaxValue)); break;
                case AudioSampleFormat.Float32: BinaryPrimitives.WriteSingleLittleEndian(s, (float)v); break;
                default: BinaryPrimitives.WriteDoubleLittleEndian(s, v); break;
            }
        }

        return data;
    }

    public static byte[] Fmt(AudioSampleFormat format, int channels, int rate, bool extensible = false)
    {
        int bytes = format.BytesPerSample();
        ushort tag = format is AudioSampleFormat.Float32 or AudioSampleFormat.Float64 ? (ushort)3 : (ushort)1;
        var fmt = new byte[extensible ? 40 : 16];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, extensible ? (ushort)0xFFFE : tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(4), rate);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(8), rate * channels * bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)(channels * bytes));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)(bytes * 8));
        if (extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)(bytes * 8));
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), channels == 2 ? 3u : 0u);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), tag);
            byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            tail.CopyTo(fmt.AsSpan(26));
        }

        return fmt;
    }

    public WavBuilder Chunk(string id, byte[] body)
    {
        _chunks.Add((id, body));
        return this;
    }

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        ms.Write("RIFF"u8);
        ms.Write(new byte[4]);
        ms.Write("WAVE"u8);
        Span<byte> size = stackalloc byte[4];
        foreach (var (id, body) in _chunks)
        {
            ms.Write(System.Text.Encoding.ASCII.GetBytes(id));
            BinaryPrimitives.WriteInt32LittleEndian(size, body.Length);
            ms.Write(size);
            ms.Write(body);
            if ((body.Length & 1) != 0)
            {
                ms.WriteByte(0);
            }
        }

        byte[] file = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);
        return file;
    }

    public static byte[] Simple(ReadOnlySpan<double> interleaved, AudioSampleFormat format, int channels, int rate, bool extensible = false) =>
        new WavBuilder().Chunk("fmt ", Fmt(format, channels, rate, extensible)).Chunk("data", Encode(interleaved, format)).Build();
}
