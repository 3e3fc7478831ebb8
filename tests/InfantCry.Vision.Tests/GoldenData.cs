using System.Runtime.InteropServices;
using System.Text.Json;

namespace InfantCry.Vision.Tests;

/// <summary>Reads the files written by training/golden/make_vision_golden.py (copied to the test output folder).</summary>
internal static class GoldenData
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden", "vision");

    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        string path = Path.Combine(Folder, "manifest.json");
        Assert.That(File.Exists(path), Is.True, $"{path} is missing; regenerate with /usr/bin/python3 training/golden/make_vision_golden.py");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    });

    public static IEnumerable<JsonElement> Cases(string group) => Root.Value.GetProperty(group).EnumerateArray();

    public static IEnumerable<TestCaseData> CaseData(string group) =>
        Cases(group).Select(c => new TestCaseData(c.GetProperty("name").GetString()).SetName($"{group}:{c.GetProperty("name").GetString()}"));

    public static JsonElement Case(string group, string name) => Cases(group).Single(c => c.GetProperty("name").GetString() == name);

    public static float[] Float32(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, file))).ToArray();

    public static double[] Float64(string file) => MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(Path.Combine(Folder, file))).ToArray();

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Folder, file));
}
