using FsCheck;
using FsCheck.Fluent;
using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Tests.Wav;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Decoding;

/// <summary>
/// FsCheck properties for every format <see cref="AudioReader"/> decodes: damaged, truncated and random input never
/// escapes as anything but <see cref="InvalidAudioException"/> naming the source, memory stays bounded, and reading ends.
/// </summary>
public class AudioReaderPropertyTests
{
    // Streaming reads into one fixed buffer: what is allocated is decoder state, not output. Measured on the valid seeds
    // (2-5 KB files): NVorbis about N KB for its codebooks and buffers; NLayer about N KB. Damaged headers must not make
    // a decoder allocate what they declare: the bound is a fixed budget plus a multiple of the input.
    private const long AllocationBudgetBytes = 4L * 1024 * 1024;
    private const int AllocationBytesPerInputByte = 64;

    private const int MaxTests = 300;

    // ReadAll's first buffer when a compressed file declares more (it grows by doubling from there).
    private const int InitialReadAllFrames = 1 << 20;
    private const string Name = "fuzz";

    private static readonly string[] Prefixes = ["WAV 'fuzz': ", "Ogg Vorbis 'fuzz': ", "MP3 'fuzz': ", "Audio 'fuzz': "];

    private static readonly byte[][] Seeds =
    [
        .. DecodingGolden.Cases().Select(c => DecodingGolden.Bytes(((DecodingGolden.Case)c.Arguments[0]!).File)),
        WavBuilder.Simple([0.1, -0.2, 0.3, -0.4, 0.5, -0.6], AudioSampleFormat.Pcm16, 2, 16000),
        WavBuilder.Simple([0.1, -0.2, 0.3, 0.4], AudioSampleFormat.Float32, 2, 44100, extensible: true),
    ];

    private static Gen<byte[]> Mutated =>
        from seed in Gen.Elements(Seeds)
        from edits in Gen.ListOf(Gen.Zip(Gen.Choose(0, seed.Length - 1), Gen.Choose(0, 255)))
        from truncate in Gen.Frequency((2, Gen.Constant(-1)), (1, Gen.Choose(0, seed.Length)))
        select Mutate(seed, edits, truncate);

    private static Gen<byte[]> RandomWithMagic =>
        from magic in Gen.Elements<byte[]>([], "OggS"u8.ToArray(), "ID3\u0004\0\0"u8.ToArray(), [0xFF, 0xFB, 0x90, 0x00], [0xFF, 0xE3, 0x18, 0xC4],
            [.. "RIFF"u8, 0xFF, 0xFF, 0xFF, 0x7F, .. "WAVE"u8], [.. "RF64"u8, 0xFF, 0xFF, 0xFF, 0xFF, .. "WAVEds64"u8])
        from tail in Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v))
        select (byte[])[.. magic, .. tail];

    [Test]
    public void Mutated_and_truncated_files_only_raise_InvalidAudioException_and_stay_bounded()
    {
        Prop.ForAll(Arb.From(Gen.Zip(Mutated, Gen.Elements(false, true))), c => OnlyInvalidAudioEscapes(c.Item1, c.Item2))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(MaxTests).WithQuietOnSuccess(true));
    }

    [Test]
    public void Random_bytes_behind_each_magic_only_raise_InvalidAudioException_and_stay_bounded()
    {
        Prop.ForAll(Arb.From(Gen.Zip(RandomWithMagic, Gen.Elements(false, true))), c => OnlyInvalidAudioEscapes(c.Item1, c.Item2))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(MaxTests).WithQuietOnSuccess(true));
    }

    [Test]
    public void Every_truncation_of_the_compressed_seeds_only_raises_InvalidAudioException()
    {
        // Deterministic sweep: every 37th cut of each Ogg and MP3 seed (page, packet and frame boundaries included by chance).
        foreach (byte[] seed in Seeds.Where(s => !s.AsSpan().StartsWith("RIFF"u8)))
        {
            for (int cut = 0; cut < seed.Length; cut += 37)
            {
                Assert.That(OnlyInvalidAudioEscapes(seed[..cut], forwardOnly: false), $"cut at {cut} of {seed.Length}");
            }
        }
    }

    [Test]
    public void ReadAll_of_mutated_files_allocates_in_proportion_to_its_output()
    {
        Prop.ForAll(Arb.From(Mutated), bytes =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long frames = 0;
            try
            {
                frames = AudioReader.ReadAll(new MemoryStream(bytes), Name).Samples.Length;
            }
            catch (InvalidAudioException ex) when (Prefixes.Any(p => ex.Message.StartsWith(p, StringComparison.Ordinal)))
            {
            }

            // The output buffer doubles and is trimmed once: at most about 3 floats of allocation per frame kept.
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return allocated <= AllocationBudgetBytes + (AllocationBytesPerInputByte * (long)bytes.Length) + (3 * sizeof(float) * frames) + (4L * InitialReadAllFrames);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(MaxTests / 3).WithQuietOnSuccess(true));
    }

    [Test]
    public void Valid_seeds_decode()
    {
        foreach (byte[] seed in Seeds)
        {
            Assert.That(ReadThrough(new MemoryStream(seed)), Is.Positive);
        }
    }

    private static bool OnlyInvalidAudioEscapes(byte[] bytes, bool forwardOnly)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            ReadThrough(forwardOnly ? new NonSeekableStream(bytes) : new MemoryStream(bytes));
        }
        catch (InvalidAudioException ex) when (Prefixes.Any(p => ex.Message.StartsWith(p, StringComparison.Ordinal)))
        {
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        bool bounded = allocated <= AllocationBudgetBytes + (AllocationBytesPerInputByte * (long)bytes.Length);
        if (!bounded)
        {
            TestContext.Out.WriteLine($"{allocated} B allocated for {bytes.Length} input bytes starting {Convert.ToHexString(bytes.AsSpan(0, Math.Min(16, bytes.Length)))} (forward-only: {forwardOnly})");
        }

        return bounded;
    }

    private static byte[] Mutate(byte[] seed, IEnumerable<(int Position, int Value)> edits, int truncate)
    {
        byte[] b = (byte[])seed.Clone();
        foreach (var (position, value) in edits)
        {
            b[position] = (byte)value;
        }

        return truncate >= 0 ? b[..truncate] : b;
    }

    private static long ReadThrough(Stream stream)
    {
        using AudioReader reader = AudioReader.Open(stream, Name);
        var buffer = new float[1024];
        long total = 0;
        int n;
        while ((n = reader.Read(buffer)) > 0)
        {
            total += n;
        }

        return total;
    }
}
