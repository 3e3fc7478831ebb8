using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Tests.Yamnet;
using InfantCry.Evaluation;

namespace InfantCry.Audio.Tests.Evaluation;

public class EvaluationTests
{
    /// <summary>Figures computed by hand below are exact ratios; double arithmetic leaves only rounding.</summary>
    private const double Exact = 1e-12;

    /// <summary>
    /// C# and Python fold figures. The two pipelines' probabilities differ by ~2e-5 (see the parity test), so every
    /// arg-max agrees and macro-F1 and accuracy match exactly unless two reasons are within 2e-5 of each other for a
    /// clip; AUC is rank-based and matches unless two clips' scores for a class are within 2e-5. We require agreement
    /// to 1e-9, i.e. no such near-tie flipped anywhere.
    /// </summary>
    private const double PythonFigures = 1e-9;

    [Test]
    public void Metrics_follow_scikit_learn_conventions()
    {
        int[] labels = [0, 0, 1, 1, 2];
        float[] p =
        [
            0.8f, 0.1f, 0.1f,   // 0 -> 0
            0.3f, 0.6f, 0.1f,   // 0 -> 1
            0.2f, 0.7f, 0.1f,   // 1 -> 1
            0.5f, 0.4f, 0.1f,   // 1 -> 0
            0.5f, 0.4f, 0.1f,   // 2 -> 0 (class 2 never predicted: precision 0)
        ];

        ClassificationMetrics m = ClassificationMetrics.Compute(labels, p, 3);

        Assert.That(m.Accuracy, Is.EqualTo(2.0 / 5).Within(Exact));
        // precision: 0 -> 1/3, 1 -> 1/2, 2 -> 0; recall: 1/2, 1/2, 0; F1: 0.4, 0.5, 0
        Assert.That(m.MacroPrecision, Is.EqualTo(((1.0 / 3) + 0.5) / 3).Within(Exact));
        Assert.That(m.MacroRecall, Is.EqualTo(1.0 / 3).Within(Exact));
        Assert.That(m.MacroF1, Is.EqualTo((0.4 + 0.5) / 3).Within(Exact));
        // AUC class 0: positives {0.8, 0.3}, negatives {0.2, 0.5, 0.5}: pairs won 3 + 1 = 4 of 6.
        // class 1: positives {0.7, 0.4}, negatives {0.1, 0.6, 0.4}: 3 + (1 + 0.5) = 4.5 of 6.
        // class 2: positive {0.1}, negatives all 0.1: ties 0.5.
        Assert.That(m.MacroRocAuc, Is.EqualTo(((4.0 / 6) + (4.5 / 6) + 0.5) / 3).Within(Exact));
        Assert.That(m.ConfusionMatrix[2], Is.EqualTo(new[] { 1, 0, 0 }));
    }

    [Test]
    public void Auc_is_nan_without_both_classes()
    {
        Assert.That(ClassificationMetrics.BinaryRocAuc([true, true], [0.1, 0.2]), Is.NaN);
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Csharp_recomputes_the_python_paper_protocol_figures_from_the_fold_heads()
    {
        var manifest = CryReasonFoldManifest.Load(Artifacts.Require(CryReasonFoldManifest.RelativePath, "50-cryreason.sh"));
        var lines = new List<string>();

        CryReasonProtocolEvaluation e = new CryReasonEvaluator(YamnetFixture.Embedder)
            .Evaluate(manifest, "paper", Artifacts.DonateACry, progress: new SyncProgress(lines));

        lines.ForEach(l => TestContext.Out.WriteLine(l));
        foreach (CryReasonFoldEvaluation fold in e.Folds)
        {
            Assert.That(fold.Metrics.MacroF1, Is.EqualTo(fold.Fold.PythonMacroF1).Within(PythonFigures));
            Assert.That(fold.Metrics.Accuracy, Is.EqualTo(fold.Fold.PythonAccuracy).Within(PythonFigures));
            Assert.That(fold.Metrics.MacroRocAuc, Is.EqualTo(fold.Fold.PythonMacroRocAuc).Within(PythonFigures));
        }

        Assert.That(e.MeanMacroF1, Is.EqualTo(e.Protocol.PythonMeanMacroF1).Within(PythonFigures));
        Assert.That(e.MeanMacroRocAuc, Is.EqualTo(e.Protocol.PythonMeanMacroRocAuc).Within(PythonFigures));
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
