namespace InfantCry.Cli;

/// <summary>
/// The reference assets (face detector models, see ../shared/ASSETS.md): <c>$INFANTCRY_ASSETS</c>, else
/// <c>../shared</c> from the working directory.
/// </summary>
internal static class SharedAssets
{
    /// <summary>The environment variable that names the assets folder.</summary>
    public const string Variable = "INFANTCRY_ASSETS";

    /// <summary>The assets folder (it may not exist).</summary>
    public static string Folder => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } a ? a : Path.GetFullPath("../shared");

    /// <summary>The default face detector model: YuNet's dynamic-size model or UltraFace RFB-320.</summary>
    public static string FaceDetector(bool yunet) =>
        Path.Combine(Folder, "models", "face", yunet ? "yunet/yunet_s_dynamic.onnx" : "ultraface/version-RFB-320.onnx");
}
