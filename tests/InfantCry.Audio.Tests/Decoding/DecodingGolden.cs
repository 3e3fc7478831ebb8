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
                c.GetProperty("channels").GetInt32());
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
    public sealed record Case(string Name, string File, AudioContainerFormat Format, int SampleRate, int Channels)
    {
        public string Path => System.IO.Path.Combine(Folder, File);

        public override string ToString() => Name;
    }
}
