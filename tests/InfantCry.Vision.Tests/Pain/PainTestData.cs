using System.Diagnostics;
using System.Drawing;
using System.Globalization;
using System.Text.Json;

using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Tests.Landmarks;

namespace InfantCry.Vision.Tests.Pain;

/// <summary>
/// The pain models and the synthetic dataset made by scripts/setup.d/40-pain.sh (artifacts/models, artifacts/data),
/// frames decoded with ffmpeg.
/// </summary>
internal static class PainTestData
{
    public const string SetupHint = "run scripts/setup.sh (its step scripts/setup.d/40-pain.sh trains the pain models into artifacts/models and renders artifacts/data/pain-synth-small)";

    public static string ModelsFolder => Path.Combine(LandmarkTestData.ArtifactsDirectory, "models");

    public static string DatasetFolder => Path.Combine(LandmarkTestData.ArtifactsDirectory, "data", "pain-synth-small");

    public static string UltraFacePath => Path.Combine(LandmarkTestData.AssetsDirectory, "models", "face", "ultraface", "version-RFB-320.onnx");

    public static string YuNetPath => Path.Combine(LandmarkTestData.AssetsDirectory, "models", "face", "yunet", "yunet_s_dynamic.onnx");

    /// <summary>A file of the set-up's output; fails the test with the set-up hint when it is absent.</summary>
    public static string Artifact(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: {SetupHint}.");
        }

        return path;
    }

    public static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(Artifact(path))).RootElement.Clone();

    public static float[] Floats(JsonElement array)
    {
        var r = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            r[i++] = e.GetSingle();
        }

        return r;
    }

    public static long[] Shape(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>Decodes an image, or a numbered sequence (ffmpeg pattern such as <c>%05d.png</c>), to packed rgb24 frames.</summary>
    public static List<byte[]> DecodeRgb(string input, int width, int height)
    {
        var psi = new ProcessStartInfo("ffmpeg", $"-v error -i \"{input}\" -f rawvideo -pix_fmt rgb24 pipe:1")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start ffmpeg (installed by scripts/setup.sh).");
        Task<string> err = p.StandardError.ReadToEndAsync();
        var frames = new List<byte[]>();
        int size = width * height * 3;
        Stream s = p.StandardOutput.BaseStream;
        while (true)
        {
            var f = new byte[size];
            if (s.ReadAtLeast(f, size, throwOnEndOfStream: false) != size)
            {
                break;
            }

            frames.Add(f);
        }

        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"ffmpeg failed to decode {input}: {err.Result}");
        return frames;
    }

    /// <summary>One clip of the synthetic dataset: rgb24 frames, ground-truth landmarks and labels per frame.</summary>
    public sealed record Clip(string Name, string Subject, int Width, int Height, List<byte[]> Frames, PointF[][] Landmarks, int[] Cry, int[] Pain)
    {
        public ImageBuffer Image(int i) => new(Frames[i], Width, Height, PixelFormat.Rgb24);
    }

    private static readonly Lazy<Dictionary<string, (string Subject, List<(int Frame, int Cry, int Pain)> Rows)>> s_labels = new(ReadLabels);
    private static readonly Lazy<Dictionary<(string, int), PointF[]>> s_landmarks = new(ReadLandmarks);

    public static IReadOnlyCollection<string> ClipNames => s_labels.Value.Keys;

    public static string SubjectOf(string clip) => s_labels.Value[clip].Subject;

    public static Clip LoadClip(string name)
    {
        JsonElement synth = Json(Path.Combine(DatasetFolder, "synth.json"));
        int w = synth.GetProperty("width").GetInt32(), h = synth.GetProperty("height").GetInt32();
        (string subject, List<(int Frame, int Cry, int Pain)> rows) = s_labels.Value[name];
        List<byte[]> frames = DecodeRgb(Path.Combine(DatasetFolder, "clips", name, "%05d.png"), w, h);
        Assert.That(frames, Has.Count.EqualTo(rows.Count), $"frames of clip {name}");
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.That(rows[i].Frame, Is.EqualTo(i), $"clip {name}: frames are numbered from 0 without gaps");
        }

        return new Clip(name, subject, w, h, frames, rows.Select(r => s_landmarks.Value[(name, r.Frame)]).ToArray(), rows.Select(r => r.Cry).ToArray(), rows.Select(r => r.Pain).ToArray());
    }

    private static Dictionary<string, (string, List<(int, int, int)>)> ReadLabels()
    {
        string[] levels = ["none", "moderate", "severe"];
        var d = new Dictionary<string, (string, List<(int, int, int)>)>();
        foreach (string line in File.ReadLines(Artifact(Path.Combine(DatasetFolder, "labels.csv"))).Skip(1))
        {
            string[] c = line.Split(',');
            if (!d.TryGetValue(c[0], out var e))
            {
                e = (c[2], new List<(int, int, int)>());
                d[c[0]] = e;
            }

            e.Item2.Add((int.Parse(c[1], CultureInfo.InvariantCulture), int.Parse(c[3], CultureInfo.InvariantCulture), Array.IndexOf(levels, c[4].Trim())));
        }

        foreach ((string, List<(int Frame, int, int)> Rows) e in d.Values)
        {
            e.Rows.Sort((a, b) => a.Frame.CompareTo(b.Frame));
        }

        return d;
    }

    private static Dictionary<(string, int), PointF[]> ReadLandmarks()
    {
        var d = new Dictionary<(string, int), PointF[]>();
        foreach (string line in File.ReadLines(Artifact(Path.Combine(DatasetFolder, "landmarks.csv"))).Skip(1))
        {
            string[] c = line.Split(',');
            var p = new PointF[68];
            for (int i = 0; i < 68; i++)
            {
                p[i] = new PointF(float.Parse(c[2 + (2 * i)], CultureInfo.InvariantCulture), float.Parse(c[3 + (2 * i)], CultureInfo.InvariantCulture));
            }

            d[(c[0], int.Parse(c[1], CultureInfo.InvariantCulture))] = p;
        }

        return d;
    }
}
