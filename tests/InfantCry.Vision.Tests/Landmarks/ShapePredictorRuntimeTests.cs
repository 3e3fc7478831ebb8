using System.Drawing;
using InfantCry.Abstractions.Errors;
using InfantCry.Vision.Landmarks;

namespace InfantCry.Vision.Tests.Landmarks;

/// <summary>The real 68-landmark model: its layout, steady-state allocations and concurrent use.</summary>
[TestFixture]
public sealed class ShapePredictorRuntimeTests
{
    [Category("MachineTools")]
    [Test]
    public void RealModel_HasDlibs68PointLayout()
    {
        // shape_predictor_68_face_landmarks.dat: 68 parts, 15 cascade levels of 500 depth-4 trees.
        ShapePredictor model = LandmarkTestData.Model;
        Assert.That((model.PartCount, model.CascadeCount, model.TreeCount), Is.EqualTo((68, 15, 7500)));
    }

    [Category("MachineTools")]
    [Test]
    public void RealModel_Truncated_IsAnInvalidModelThatSaysWhere()
    {
        byte[] head = new byte[1 << 20];
        using (FileStream file = File.OpenRead(LandmarkTestData.ModelPath))
        {
            file.ReadExactly(head);
        }

        Assert.That(() => ShapePredictor.Load(new MemoryStream(head)),
            Throws.TypeOf<InvalidModelException>().With.Message.Contains("truncated").And.Message.Contains("forest"));
    }

    /// <summary>dlib's path, and <see cref="ShapePredictor.PredictBilinear"/> on a turned frame (issue 14's front end).</summary>
    [Category("MachineTools")]
    [Category("Models")]
    [TestCase(false)]
    [TestCase(true)]
    public void Predict_AllocatesNothing_InSteadyState(bool bilinear)
    {
        ShapePredictor model = LandmarkTestData.Model;
        OracleImage image = LandmarkTestData.Oracle.First(i => i.Faces.Count > 0);
        RectangleF box = image.Faces[0].Box;
        var points = new PointF[model.PartCount];
        long allocated = Allocations.PerPass(() =>
        {
            for (int i = 0; i < 4; i++)
            {
                if (bilinear)
                {
                    model.PredictBilinear(image.Image, box, 17f, points);
                }
                else
                {
                    model.Predict(image.Image, box, points);
                }
            }
        });
        Assert.That(allocated, Is.Zero);
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Test]
    public void Predict_FromManyThreads_EqualsSequential()
    {
        ShapePredictor model = LandmarkTestData.Model;
        var jobs = LandmarkTestData.Oracle.SelectMany(i => i.Faces.Select(f => (i.Image, f.Box))).ToArray();
        PointF[][] sequential = [.. jobs.Select(j => model.Predict(j.Image, j.Box))];

        // Every face four times over, in parallel, interleaved.
        var parallel = new PointF[jobs.Length * 4][];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var (image, box) = jobs[k % jobs.Length];
            parallel[k] = model.Predict(image, box);
        });

        for (int k = 0; k < parallel.Length; k++)
        {
            Assert.That(parallel[k], Is.EqualTo(sequential[k % jobs.Length]), $"job {k}");
        }
    }
}
