using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Tests.Yamnet;

/// <summary>One YAMNet session (real artifacts/models/yamnet.onnx) shared by the tests of this assembly.</summary>
public static class YamnetFixture
{
    private static readonly Lazy<YamnetEmbedder> s_embedder = new(() =>
        YamnetEmbedder.Create(Artifacts.Require(YamnetEmbedder.ModelFileName, "20-yamnet.sh")));

    private static readonly Lazy<YamnetClassMap> s_classes = new(() =>
        YamnetClassMap.Load(Artifacts.Require(YamnetClassMap.FileName, "20-yamnet.sh")));

    public static YamnetEmbedder Embedder => s_embedder.Value;

    public static YamnetClassMap Classes => s_classes.Value;
}
