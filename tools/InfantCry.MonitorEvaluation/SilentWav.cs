using System.Buffers.Binary;
using System.Text;

namespace InfantCry.MonitorEvaluation;

/// <summary>A long 48 kHz stereo 16-bit RF64 WAV of digital silence: the header, then the file extended (sparse on Linux file systems).</summary>
internal static class SilentWav
{
    private const int Rate = 48000;
    private const int Channels = 2;
    private const int BytesPerFrame = Channels * 2;

    public static void Write(string path, double hours)
    {
        long frames = (long)(hours * 3600 * Rate);
        long dataBytes = frames * BytesPerFrame;
        var header = new byte[12 + 36 + 24 + 8];
        Span<byte> h = header;
        Encoding.ASCII.GetBytes("RF64").CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], uint.MaxValue);
        Encoding.ASCII.GetBytes("WAVE").CopyTo(h[8..]);
        Encoding.ASCII.GetBytes("ds64").CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 28);
        BinaryPrimitives.WriteInt64LittleEndian(h[20..], header.Length - 8 + dataBytes);   // RIFF size
        BinaryPrimitives.WriteInt64LittleEndian(h[28..], dataBytes);
        BinaryPrimitives.WriteInt64LittleEndian(h[36..], frames);
        BinaryPrimitives.WriteUInt32LittleEndian(h[44..], 0);                              // table length
        Encoding.ASCII.GetBytes("fmt ").CopyTo(h[48..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[52..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[56..], 1);                              // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(h[58..], Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[60..], Rate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[64..], Rate * BytesPerFrame);
        BinaryPrimitives.WriteUInt16LittleEndian(h[68..], BytesPerFrame);
        BinaryPrimitives.WriteUInt16LittleEndian(h[70..], 16);
        Encoding.ASCII.GetBytes("data").CopyTo(h[72..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[76..], uint.MaxValue);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(header);
        file.SetLength(header.Length + dataBytes);
    }
}
