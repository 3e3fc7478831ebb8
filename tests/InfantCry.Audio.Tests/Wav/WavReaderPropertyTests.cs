using FsCheck.Fluent;
using FsCheck;
using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Wav;

/// <summary>FsCheck properties: damaged and random input never escapes as anything but InvalidAudioException, and memory stays bounded.</summary>
public class WavReaderPropertyTests
{
    // Input bytes become at most 4 bytes of float each (8-bit PCM is the worst case); a message and a few small objects
    // cost well under 64 KB. Anything beyond means a declared size was trusted.
    private const int AllocationBytesPerInputByte = 4;
    private const long AllocationOverheadBytes = 64 * 1024;

    private const int MaxTests = 400;

    private static readonly byte[][] Seeds =
    [
        WavBuilder.Simple([0.1, -0.2, 0.3, -0.4, 0.5, -0.6], AudioSampleFormat.Pcm16, 2, 16000),
        WavBuilder.Simple([0.1, -0.2, 0.3], AudioSampleFormat.Pcm8, 1, 8000),
        WavBuilder.Simple([0.1, -0.2, 0.3, 0.4], AudioSampleFormat.Float32, 2, 44100, extensible: true),
        WavBuilder.Simple([0.1, -0.2, 0.3], AudioSampleFormat.Pcm24, 3, 48000),
        new WavBuilder().Chunk("LIST", [1, 2, 3]).Chunk("data", WavBuilder.Encode([0.5, 0.25], AudioSampleFormat.Float64))
            .Chunk("fmt ", WavBuilder.Fmt(AudioSampleFormat.Float64, 1, 22050)).Build(),
    ];

    private static bool OnlyInvalidAudioEscapes(byte[] bytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            AudioClip clip = WavReader.Read(bytes, "fuzz.wav");
            if (clip.Samples.Length * (long)clip.Channels > bytes.Length)
            {
                return false;   // more samples than bytes can hold
            }
        }
        catch (InvalidAudioException ex) when (ex.Message.StartsWith("WAV 'fuzz.wav': ", StringComparison.Ordinal))
        {
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return allocated <= (AllocationBytesPerInputByte * (long)bytes.Length) + AllocationOverheadBytes;
    }

    private static Gen<byte[]> Mutated =>
        from seed in Gen.Elements(Seeds)
        from edits in Gen.ListOf(Gen.Zip(Gen.Choose(0, 60), Gen.Choose(0, 255)))
        from truncate in Gen.Frequency((3, Gen.Constant(-1)), (1, Gen.Choose(0, 80)))
        select Mutate(seed, edits, truncate);

    private static byte[] Mutate(byte[] seed, IEnumerable<(int Position, int Value)> edits, int truncate)
    {
        byte[] b = (byte[])seed.Clone();
        foreach (var (position, value) in edits)
        {
            if (position < b.Length)
            {
                b[position] = (byte)value;
            }
        }

        return truncate >= 0 && truncate < b.Length ? b[..truncate] : b;
    }

    [Test]
    public void Mutated_headers_only_raise_InvalidAudioException_and_stay_bounded()
    {
        Prop.ForAll(Arb.From(Mutated), OnlyInvalidAudioEscapes)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(MaxTests).WithQuietOnSuccess(true));
    }

    [Test]
    public void Random_bytes_only_raise_InvalidAudioException_and_stay_bounded()
    {
        Gen<byte[]> random = Gen.Frequency(
            (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v))),
            (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v)).Select(tail => (byte[])[.. "RIFF"u8, 0xFF, 0xFF, 0xFF, 0x7F, .. "WAVE"u8, .. tail])));
        Prop.ForAll(Arb.From(random), OnlyInvalidAudioEscapes)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(MaxTests).WithQuietOnSuccess(true));
    }

    [Test]
    public void Valid_seeds_decode()
    {
        foreach (byte[] seed in Seeds)
        {
            Assert.That(WavReader.Read(seed).Samples, Is.Not.Empty);
        }
    }
}
