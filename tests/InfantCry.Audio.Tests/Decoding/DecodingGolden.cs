using System.Text.Json;
using InfantCry.Audio.Decoding;

namespace InfantCry.Audio.Tests.Decoding;

/// <summary>The encoded inputs and ffmpeg reference decodes written by training/golden/make_decoding_golden.py.</summary>
public static class DecodingGolden
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden", "decoding");

    public static IEnumerable<TestCaseData> Cases()
    {
        string path = Path.Combine(Folder, "manifest.json");
        if (!File.Exists(path))
        {
            Assert.Fail($"Golden manifest missing at {path}; regenerate with /usr/bin/python3 training/golden/make_decoding_golden.py");
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var golden = new Case(
                c.GetProperty("name").GetString()!,
                c.GetProperty("file").GetString()!,
                Enum.Parse<AudioContainerFormat>(c.GetProperty("format").GetString()!),
                c.GetProperty("sampleRate").GetInt32(),
                c.GetProperty("channels").GetInt32(),
                c.GetProperty("inputFrames").GetInt32(),
                c.GetProperty("referenceFrames").GetInt32(),
                c.GetProperty("declaresLength").GetBoolean());
            yield return new TestCaseData(golden).SetName($"{{m}}({golden.Name})");
        }
    }

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Folder, file));

    public static float[] Reference(string name)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder, $"{name}.ref.f32"));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>One golden case.</summary>
    /// <param name="InputFrames">Frames the encoder was given.</param>
    /// <param name="ReferenceFrames">Frames ffmpeg decoded.</param>
    /// <param name="DeclaresLength">The file declares the encoder's input length (Ogg granule position, LAME tag).</param>
    public sealed record Case(string Name, string File, AudioContainerFormat Format, int SampleRate, int Channels, int InputFrames, int ReferenceFrames, bool DeclaresLength)
    {
        /// <summary>The decoded length: the declared input length, else whole frames as ffmpeg decodes them.</summary>
        public int ExpectedFrames => DeclaresLength ? InputFrames : ReferenceFrames;

        public string Path => System.IO.Path.Combine(Folder, File);

        public override string ToString() => Name;
    }
}
