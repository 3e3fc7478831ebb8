using System.Drawing;
using System.Text.Json;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Alignment;

namespace InfantCry.Vision.Tests.Pain;

/// <summary>The exported pain models and the alignment against the Python side's check files (artifacts/models).</summary>
[Category("Models")]
[TestFixture]
public sealed class PainModelTests
{
    // pain_align_check.json's landmarks are float64; the C# aligner reads them as float32 PointF (rounding up to
    // ~8e-6 px at x = 240). Through the ~1.5 px-per-output-pixel crop that moves a bilinear sample by < 2e-5 px,
    // and the gray image changes by at most ~1 (of 1.0) per pixel, so values move by < 2e-5; the float32 gray and
    // 1/255 scale add < 1e-7 (see FaceAlignerTests.DirectTolerance). 3e-5 bounds the sum.
    private const double AlignCheckTolerance = 3e-5;

    [Test]
    public void OnnxRuntime_reproduces_torch_outputs_within_the_check_files_tolerance()
    {
        JsonElement check = PainTestData.Json(Path.Combine(PainTestData.ModelsFolder, "pain_check.json"));

        // The file's own tolerance (training/pain/export.py: torch vs ONNX Runtime, float32 on CPU).
        double tolerance = check.GetProperty("tolerance").GetDouble();

        JsonElement enc = check.GetProperty("encoder");
        using (var session = OnnxInferenceSession.Create(PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, enc.GetProperty("file").GetString()!))))
        {
            float[] input = PainTestData.Floats(enc.GetProperty("input"));
            IReadOnlyList<NamedTensor> outs = session.Run([TensorInput.Float32(enc.GetProperty("input_name").GetString()!, input, PainTestData.Shape(enc.GetProperty("input_shape")))]);
            float[] expected = PainTestData.Floats(enc.GetProperty("output"));
            Assert.That(outs[0].Shape, Is.EqualTo(PainTestData.Shape(enc.GetProperty("output_shape"))));
            AssertClose(outs[0].AsFloat32Span(), expected, tolerance, "encoder latent");
        }

        JsonElement seq = check.GetProperty("sequence");
        using (var session = OnnxInferenceSession.Create(PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, seq.GetProperty("file").GetString()!))))
        {
            float[] input = PainTestData.Floats(seq.GetProperty("input"));
            foreach (JsonProperty output in seq.GetProperty("outputs").EnumerateObject())
            {
                IReadOnlyList<NamedTensor> outs = session.Run([TensorInput.Float32(seq.GetProperty("input_name").GetString()!, input, PainTestData.Shape(seq.GetProperty("input_shape")))], [output.Name]);
                JsonElement exp = output.Value.GetProperty("values");
                Assert.That(outs[0].Shape, Is.EqualTo(PainTestData.Shape(output.Value.GetProperty("shape"))), $"shape of {output.Name}");
                AssertClose(outs[0].AsFloat32Span(), PainTestData.Floats(exp), tolerance, $"sequence output {output.Name}");
            }
        }
    }

    [Test]
    public void Alignment_reproduces_the_python_crop()
    {
        JsonElement check = PainTestData.Json(Path.Combine(PainTestData.ModelsFolder, "pain_align_check.json"));
        string png = PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, check.GetProperty("image").GetString()!));
        (int w, int h) = PngSize(png);
        byte[] rgb = PainTestData.DecodeRgb(png, w, h).Single();
        PointF[] landmarks = check.GetProperty("landmarks").EnumerateArray()
            .Select(p => new PointF((float)p[0].GetDouble(), (float)p[1].GetDouble())).ToArray();
        int size = check.GetProperty("size").GetInt32();
        float[] expected = PainTestData.Floats(check.GetProperty("crop"));

        var aligner = new FaceAligner(new AlignmentOptions { Width = size, Height = size });
        var crop = new float[aligner.OutputLength];
        aligner.Align(new ImageBuffer(rgb, w, h, PixelFormat.Rgb24), landmarks, crop);

        AssertClose(crop, expected, AlignCheckTolerance, "aligned crop");
    }

    private static (int Width, int Height) PngSize(string path)
    {
        byte[] head = File.ReadAllBytes(path).AsSpan(16, 8).ToArray();
        return ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3], (head[4] << 24) | (head[5] << 16) | (head[6] << 8) | head[7]);
    }

    private static void AssertClose(ReadOnlySpan<float> actual, float[] expected, double tolerance, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        double max = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            if (d > max)
            {
                max = d;
                at = i;
            }
        }

        TestContext.Out.WriteLine($"{what}: max |difference| {max:E2} at {at} (tolerance {tolerance:E0})");
        Assert.That(max, Is.LessThanOrEqualTo(tolerance), $"{what}: value {at} is {actual[at]}, expected {expected[at]}");
    }
}
