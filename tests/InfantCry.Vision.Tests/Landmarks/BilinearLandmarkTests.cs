using System.Drawing;
using InfantCry.Vision.Landmarks;

namespace InfantCry.Vision.Tests.Landmarks;

/// <summary>
/// <see cref="ShapePredictor.PredictBilinear"/> and the landmarker options that use it (issue 14's rotation front end):
/// their validation, the presets' documented values, and agreement with dlib's own points (no allocation: ShapePredictorRuntimeTests).
/// </summary>
[TestFixture]
public sealed class BilinearLandmarkTests
{
    /// <summary>
    /// Largest mean distance, over dlib's 68 faces of its example photos, between the bilinear fit (roll 0, dlib's own
    /// box) and dlib's points, as a share of the outer-eye-corner distance: reading pixels between their centres
    /// instead of at the nearest one moves each feature by at most half a pixel, which the 300-W model answers with
    /// landmark moves of the order of its own error on these faces (a few % of the eye distance).
    /// </summary>
    private const double MaximumMeanDifference = 0.03;

    [Test]
    public void Options_validate_their_values_and_the_presets_are_as_documented()
    {
        Assert.That(() => new FaceLandmarkerOptions { MaxRollChange = -1 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FaceLandmarkerOptions { MaxRollChange = 181 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FaceLandmarkerOptions { MaxRollChange = float.NaN }, Throws.TypeOf<ArgumentOutOfRangeException>());
        FaceLandmarkerOptions d = FaceLandmarkerOptions.Default, l = FaceLandmarkerOptions.Levelled, f = FaceLandmarkerOptions.Following;
        Assert.That((d.BilinearSampling, d.MaxRollChange), Is.EqualTo((false, 180f)));
        Assert.That((l.UprightTolerance, l.RefitTolerance, l.MaxRefits, l.BilinearSampling, l.ReboxSteps, l.SymmetryRoll, l.MaxRollChange), Is.EqualTo((0f, 0.2f, 5, true, 3, true, 20f)));
        Assert.That((f.UprightTolerance, f.RefitTolerance, f.MaxRefits, f.BilinearSampling, f.ReboxSteps, f.SymmetryRoll, f.MaxRollChange), Is.EqualTo((0f, 0.5f, 2, true, 1, true, 20f)));
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Test]
    public void PredictBilinear_rejects_a_roll_that_is_not_finite()
    {
        OracleImage image = LandmarkTestData.Oracle.First(i => i.Faces.Count > 0);
        var points = new PointF[68];
        Assert.That(() => LandmarkTestData.Model.PredictBilinear(image.Image, image.Faces[0].Box, float.NaN, points), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Category("MachineTools")]
    [Category("Models")]
    [Test]
    public void PredictBilinear_upright_stays_near_dlibs_points()
    {
        ShapePredictor model = LandmarkTestData.Model;
        var points = new PointF[68];
        var differences = new List<double>();
        foreach (OracleImage image in LandmarkTestData.Oracle)
        {
            foreach (OracleFace face in image.Faces)
            {
                model.PredictBilinear(image.Image, face.Box, 0f, points);
                double iod = Math.Sqrt(Math.Pow(face.SubpixelPoints[45].X - face.SubpixelPoints[36].X, 2) + Math.Pow(face.SubpixelPoints[45].Y - face.SubpixelPoints[36].Y, 2));
                double sum = 0;
                for (int k = 0; k < 68; k++)
                {
                    sum += Math.Sqrt(Math.Pow(points[k].X - face.SubpixelPoints[k].X, 2) + Math.Pow(points[k].Y - face.SubpixelPoints[k].Y, 2));
                }

                differences.Add(sum / 68 / iod);
            }
        }

        double[] sorted = [.. differences.Order()];
        TestContext.Out.WriteLine(FormattableString.Invariant($"{sorted.Length} faces: mean {100 * sorted.Average():F2}% of the eye distance, median {100 * sorted[sorted.Length / 2]:F2}%, max {100 * sorted[^1]:F2}%"));
        Assert.That(sorted, Has.Length.EqualTo(68));
        Assert.That(sorted.Average(), Is.LessThanOrEqualTo(MaximumMeanDifference));
    }
}
