using System.Text.Json;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Landmarks;

namespace InfantCry.Vision.Tests.Landmarks;

/// <summary>
/// Locates the real model and the dlib oracle's outputs (scripts/setup.d/30-dlib-oracle.sh) and loads them once for
/// every landmark test.
/// </summary>
internal static class LandmarkTestData
{
    private const string SetupHint = "run scripts/setup.sh (its step scripts/setup.d/30-dlib-oracle.sh builds the dlib oracle and writes artifacts/oracle)";

    private static readonly Lazy<ShapePredictor> s_model = new(() => ShapePredictor.Load(ModelPath));
    private static readonly Lazy<OracleImage[]> s_oracle = new(ReadOracle);

    public static string RepositoryRoot
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable("INFANTCRY_ROOT");
            if (!string.IsNullOrEmpty(root))
            {
                return root;
            }

            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "InfantCry.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find the repository root (InfantCry.sln) above the test directory; set INFANTCRY_ROOT.");
        }
    }

    public static string ArtifactsDirectory =>
        Environment.GetEnvironmentVariable("INFANTCRY_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(RepositoryRoot, "artifacts");

    public static string AssetsDirectory =>
        Environment.GetEnvironmentVariable("INFANTCRY_ASSETS") is { Length: > 0 } a ? a : Path.Combine(RepositoryRoot, "..", "shared");

    /// <summary>Debian's libdlib-data model (or DLIB_SHAPE_MODEL).</summary>
    public static string ModelPath =>
        Environment.GetEnvironmentVariable("DLIB_SHAPE_MODEL") is { Length: > 0 } m ? m : "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

    public static string OracleDirectory => Path.Combine(ArtifactsDirectory, "oracle");

    /// <summary>The 68-landmark model; fails the test with a hint when it is not installed.</summary>
    public static ShapePredictor Model
    {
        get
        {
            if (!File.Exists(ModelPath))
            {
                Assert.Fail($"The dlib model {ModelPath} is missing: install the Debian package libdlib-data ({SetupHint}).");
            }

            return s_model.Value;
        }
    }

    /// <summary>The oracle's images with dlib's boxes and landmarks; fails the test with a hint when absent.</summary>
    public static IReadOnlyList<OracleImage> Oracle
    {
        get
        {
            if (!File.Exists(Path.Combine(OracleDirectory, "faces.json")))
            {
                Assert.Fail($"{Path.Combine(OracleDirectory, "faces.json")} is missing: {SetupHint}.");
            }

            return s_oracle.Value;
        }
    }

    /// <summary>The image names in ../shared/data/faces (the golden test's cases).</summary>
    public static IEnumerable<string> FaceImageNames()
    {
        string dir = Path.Combine(AssetsDirectory, "data", "faces");
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*.jpg").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : ["(missing ../shared/data/faces)"];
    }

    private static OracleImage[] ReadOracle()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OracleDirectory, "faces.json")));
        var images = new List<OracleImage>();
        foreach (JsonElement image in doc.RootElement.GetProperty("images").EnumerateArray())
        {
            int width = image.GetProperty("width").GetInt32();
            int height = image.GetProperty("height").GetInt32();
            byte[] rgb = File.ReadAllBytes(Path.Combine(OracleDirectory, image.GetProperty("pixels").GetString()!));
            var faces = new List<OracleFace>();
            foreach (JsonElement face in image.GetProperty("faces").EnumerateArray())
            {
                faces.Add(new OracleFace(
                    face.GetProperty("left").GetInt32(),
                    face.GetProperty("top").GetInt32(),
                    face.GetProperty("right").GetInt32(),
                    face.GetProperty("bottom").GetInt32(),
                    face.GetProperty("score").GetDouble(),
                    Points(face.GetProperty("points")),
                    Points(face.GetProperty("points_subpixel")),
                    File.ReadAllText(Path.Combine(OracleDirectory, face.GetProperty("leaves").GetString()!))
                        .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray()));
            }

            images.Add(new OracleImage(image.GetProperty("name").GetString()!, new ImageBuffer(rgb, width, height, PixelFormat.Rgb24), faces));
        }

        return [.. images];
    }

    private static (double X, double Y)[] Points(JsonElement array) =>
        [.. array.EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble()))];
}

/// <summary>An image as dlib decoded it (RGB) and the faces dlib found in it.</summary>
internal sealed record OracleImage(string Name, ImageBuffer Image, IReadOnlyList<OracleFace> Faces);

/// <summary>A dlib HOG box (right and bottom inclusive) with dlib's landmarks and the leaves its trees chose.</summary>
internal sealed record OracleFace(int Left, int Top, int Right, int Bottom, double Score,
    (double X, double Y)[] Points, (double X, double Y)[] SubpixelPoints, int[] Leaves)
{
    public System.Drawing.RectangleF Box => ShapePredictor.FromDlibRectangle(Left, Top, Right, Bottom);
}
