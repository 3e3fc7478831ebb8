namespace InfantCry.Evaluation;

/// <summary>
/// Figures of one set of predictions, with scikit-learn's conventions (as training/cryreason/metrics.py): macro
/// averages over all classes; a class never predicted has precision 0, a class absent from the truth recall 0, F1 0
/// where precision + recall is 0; ROC AUC one-vs-rest per class (Mann-Whitney, ties count one half), averaged over
/// the classes that have both positives and negatives (NaN if none).
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed record ClassificationMetrics
{
    /// <summary>Examples scored.</summary>
    public required int Count { get; init; }

    /// <summary>Fraction predicted correctly.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Mean precision over classes.</summary>
    public required double MacroPrecision { get; init; }

    /// <summary>Mean recall over classes.</summary>
    public required double MacroRecall { get; init; }

    /// <summary>Mean F1 over classes.</summary>
    public required double MacroF1 { get; init; }

    /// <summary>Mean one-vs-rest ROC AUC over the classes with positives and negatives; NaN if none.</summary>
    public required double MacroRocAuc { get; init; }

    /// <summary>Recall per class.</summary>
    public required IReadOnlyList<double> PerClassRecall { get; init; }

    /// <summary>Counts [true class][predicted class].</summary>
    public required IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; init; }

    /// <summary>Computes the figures of probabilities against true labels; the prediction is the arg-max (first on ties).</summary>
    /// <param name="labels">True class per example, 0 to classCount - 1.</param>
    /// <param name="probabilities">labels.Length · classCount scores, row-major.</param>
    /// <param name="classCount">Classes.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="ArgumentException">The lengths do not match or a label is out of range.</exception>
    public static ClassificationMetrics Compute(ReadOnlySpan<int> labels, ReadOnlySpan<float> probabilities, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (probabilities.Length != (long)labels.Length * classCount)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * classCount} probabilities; got {probabilities.Length}.", nameof(probabilities));
        }

        int n = labels.Length;
        var cm = new int[classCount, classCount];
        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} at {i} is outside 0..{classCount - 1}.", nameof(labels));
            }

            ReadOnlySpan<float> row = probabilities.Slice(i * classCount, classCount);
            int predicted = 0;
            for (int c = 1; c < classCount; c++)
            {
                if (row[c] > row[predicted])
                {
                    predicted = c;
                }
            }

            cm[labels[i], predicted]++;
        }

        var precision = new double[classCount];
        var recall = new double[classCount];
        var f1 = new double[classCount];
        int correct = 0;
        for (int c = 0; c < classCount; c++)
        {
            int tp = cm[c, c], predictedC = 0, actualC = 0;
            for (int k = 0; k < classCount; k++)
            {
                predictedC += cm[k, c];
                actualC += cm[c, k];
            }

            correct += tp;
            precision[c] = predictedC == 0 ? 0 : (double)tp / predictedC;
            recall[c] = actualC == 0 ? 0 : (double)tp / actualC;
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }

        var aucs = new List<double>(classCount);
        var scores = new double[n];
        var positive = new bool[n];
        for (int c = 0; c < classCount; c++)
        {
            for (int i = 0; i < n; i++)
            {
                scores[i] = probabilities[(i * classCount) + c];
                positive[i] = labels[i] == c;
            }

            double auc = BinaryRocAuc(positive, scores);
            if (!double.IsNaN(auc))
            {
                aucs.Add(auc);
            }
        }

        var matrix = new IReadOnlyList<int>[classCount];
        for (int t = 0; t < classCount; t++)
        {
            var row = new int[classCount];
            for (int p = 0; p < classCount; p++)
            {
                row[p] = cm[t, p];
            }

            matrix[t] = row;
        }

        return new ClassificationMetrics
        {
            Count = n,
            Accuracy = n == 0 ? 0 : (double)correct / n,
            MacroPrecision = precision.Average(),
            MacroRecall = recall.Average(),
            MacroF1 = f1.Average(),
            MacroRocAuc = aucs.Count == 0 ? double.NaN : aucs.Average(),
            PerClassRecall = recall,
            ConfusionMatrix = matrix,
        };
    }

    /// <summary>ROC AUC of scores for binary labels: P(score⁺ &gt; score⁻) + ½ P(equal), from mid-ranks; NaN if a side is empty.</summary>
    /// <param name="positive">Whether each example is positive.</param>
    /// <param name="scores">One score per example.</param>
    /// <returns>The AUC or NaN.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double BinaryRocAuc(ReadOnlySpan<bool> positive, ReadOnlySpan<double> scores)
    {
        if (positive.Length != scores.Length)
        {
            throw new ArgumentException("One score per label is needed.", nameof(scores));
        }

        int n = scores.Length;
        long nPos = 0;
        foreach (bool p in positive)
        {
            nPos += p ? 1 : 0;
        }

        long nNeg = n - nPos;
        if (nPos == 0 || nNeg == 0)
        {
            return double.NaN;
        }

        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        double[] s = scores.ToArray();
        Array.Sort(s.ToArray(), order);
        double rankSum = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && s[order[j + 1]] == s[order[i]])
            {
                j++;
            }

            double midRank = ((i + 1) + (j + 1)) / 2.0;
            for (int k = i; k <= j; k++)
            {
                if (positive[order[k]])
                {
                    rankSum += midRank;
                }
            }

            i = j + 1;
        }

        return (rankSum - (nPos * (nPos + 1) / 2.0)) / ((double)nPos * nNeg);
    }
}
