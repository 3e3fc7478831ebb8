using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using InfantCry.Audio.Wav;

namespace InfantCry.Benchmarks.Audio;

/// <summary>Decoding an 8 kHz mono PCM16 WAV (the donateacry format) held in memory, against the raw-PCM entry point.</summary>
[MemoryDiagnoser]
public class WavDecodeBenchmarks
{
    private byte[] _wav = [];
    private short[] _pcm = [];

    /// <summary>Clip length in milliseconds: a 10 ms capture block, 1 s, a 7 s donateacry clip.</summary>
    [Params(10, 1000, 7000)]
    public int DurationMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = 8000 * DurationMs / 1000;
        var rng = new Random(1);
        _pcm = new short[n];
        for (int i = 0; i < n; i++)
        {
            _pcm[i] = (short)rng.Next(short.MinValue, short.MaxValue);
        }

        _wav = new byte[44 + (2 * n)];
        "RIFF"u8.CopyTo(_wav);
        BinaryPrimitives.WriteInt32LittleEndian(_wav.AsSpan(4), _wav.Length - 8);
        "WAVEfmt "u8.CopyTo(_wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(_wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(_wav.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(_wav.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(_wav.AsSpan(24), 8000);
        BinaryPrimitives.WriteInt32LittleEndian(_wav.AsSpan(28), 16000);
        BinaryPrimitives.WriteInt16LittleEndian(_wav.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(_wav.AsSpan(34), 16);
        "data"u8.CopyTo(_wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(_wav.AsSpan(40), 2 * n);
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(_wav.AsSpan(44 + (2 * i)), _pcm[i]);
        }
    }

    [Benchmark(Baseline = true)]
    public AudioClip RawPcm16() => AudioClip.FromPcm16(_pcm, 8000);

    [Benchmark]
    public AudioClip WavBytes() => WavReader.Read(_wav, "bench.wav");

    [Benchmark]
    public AudioClip WavStream()
    {
        using var stream = new MemoryStream(_wav, writable: false);
        return WavReader.Read(stream, "bench.wav");
    }
}
