using System.Runtime.InteropServices;
using System.Text.Json;
using InfantCry.Abstractions.Inference;

namespace InfantCry.Onnx.Tests.Support;

/// <summary>One tensor of a golden model: its description and its data (float32 or int64).</summary>
public sealed record GoldenTensor(string Name, TensorElementType Type, long[] Shape, float[]? Float32, long[]? Int64, IReadOnlyDictionary<int, string> Symbolic)
{
    public TensorInput ToInput() => Type == TensorElementType.Float32
        ? TensorInput.Float32(Name, Float32!, Shape)
        : TensorInput.Int64(Name, Int64!, Shape);

    public override string ToString() => $"{Name} {Type}[{string.Join(", ", Shape)}]";
}

/// <summary>A model from Golden/manifest.json (written by training/onnx_fixtures/make_tiny_models.py).</summary>
public sealed record GoldenModel(string Name, string Path, IReadOnlyList<GoldenTensor> Inputs, IReadOnlyList<GoldenTensor> Outputs)
{
    public TensorInput[] ToInputs() => Inputs.Select(t => t.ToInput()).ToArray();

    public override string ToString() => Name;
}

/// <summary>Reads the golden models and their tensors from the test output's Golden/ folder.</summary>
public static class GoldenModels
{
    private static readonly Lazy<IReadOnlyList<GoldenModel>> s_all = new(Load);

    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "Golden");

    public static IReadOnlyList<GoldenModel> All => s_all.Value;

    public static GoldenModel Get(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new InvalidOperationException($"Golden model '{name}' is missing from {Directory}/manifest.json; regenerate with training/onnx_fixtures/make_tiny_models.py.");

    /// <summary>Model names for NUnit's TestCaseSource.</summary>
    public static IEnumerable<string> Names => All.Select(m => m.Name);

    private static IReadOnlyList<GoldenModel> Load()
    {
        string manifestPath = System.IO.Path.Combine(Directory, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"Golden manifest not found at {manifestPath}; it is committed under tests/InfantCry.Onnx.Tests/Golden (regenerate with training/onnx_fixtures/make_tiny_models.py).", manifestPath);
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        var models = new List<GoldenModel>();
        foreach (JsonElement model in document.RootElement.GetProperty("models").EnumerateArray())
        {
            models.Add(new GoldenModel(
                model.GetProperty("name").GetString()!,
                System.IO.Path.Combine(Directory, model.GetProperty("file").GetString()!),
                model.GetProperty("inputs").EnumerateArray().Select(ReadTensor).ToArray(),
                model.GetProperty("outputs").EnumerateArray().Select(ReadTensor).ToArray()));
        }

        return models;
    }

    private static GoldenTensor ReadTensor(JsonElement element)
    {
        string name = element.GetProperty("name").GetString()!;
        long[] shape = element.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var symbolic = element.GetProperty("symbolic").EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetString()!);
        byte[] bytes = File.ReadAllBytes(System.IO.Path.Combine(Directory, element.GetProperty("file").GetString()!));
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Golden .bin files are little-endian.");
        }

        return element.GetProperty("type").GetString() switch
        {
            "float32" => new GoldenTensor(name, TensorElementType.Float32, shape, MemoryMarshal.Cast<byte, float>(bytes).ToArray(), null, symbolic),
            "int64" => new GoldenTensor(name, TensorElementType.Int64, shape, null, MemoryMarshal.Cast<byte, long>(bytes).ToArray(), symbolic),
            var other => throw new InvalidDataException($"Unknown golden element type '{other}'."),
        };
    }
}
