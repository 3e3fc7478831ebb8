using System.Text.Json;

namespace InfantCry.Audio.Tests;

/// <summary>Reads the golden files written by training/golden/make_audio_golden.py (manifest.json + raw little-endian float32).</summary>
internal static class GoldenData
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden", "audio");

    public static JsonElement Manifest
    {
        get
        {
            string path = Path.Combine(Folder, "manifest.json");
            if (!File.Exists(path))
            {
                Assert.Fail($"Golden manifest missing at {path}; regenerate with /usr/bin/python3 training/golden/make_audio_golden.py");
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.Clone();
        }
    }

    public static IEnumerable<TestCaseData> Cases(string section)
    {
        foreach (JsonElement c in Manifest.GetProperty(section).EnumerateArray())
        {
            yield return new TestCaseData(c).SetName($"{{m}}({c.GetProperty("name").GetString()})");
        }
    }

    public static float[] ReadF32(string fileName)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder, fileName));
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToSingle(bytes, 4 * i);
        }

        return values;
    }
}
