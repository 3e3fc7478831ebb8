using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;
using InfantCry.Audio.Reasons;
using InfantCry.Audio.Wav;
using InfantCry.Audio.Yamnet;
using InfantCry.Onnx.Sessions;

namespace InfantCry.Evaluation;

/// <summary>The C# figures of one fold beside the Python ones.</summary>
/// <param name="Fold">The fold.</param>
/// <param name="Metrics">The figures the C# pipeline measures.</param>
public sealed record CryReasonFoldEvaluation(CryReasonFold Fold, ClassificationMetrics Metrics);

/// <summary>The C# figures of one protocol: per fold, and mean and population std over folds (NaN folds skipped).</summary>
/// <param name="Protocol">The protocol.</param>
/// <param name="Folds">Per-fold figures.</param>
/// <param name="MeanMacroF1">Mean macro-F1.</param>
/// <param name="StdMacroF1">Std of macro-F1.</param>
/// <param name="MeanMacroRocAuc">Mean macro ROC AUC.</param>
/// <param name="StdMacroRocAuc">Std of macro ROC AUC.</param>
/// <param name="MeanAccuracy">Mean accuracy.</param>
public sealed record CryReasonProtocolEvaluation(CryReasonProtocol Protocol, IReadOnlyList<CryReasonFoldEvaluation> Folds,
    double MeanMacroF1, double StdMacroF1, double MeanMacroRocAuc, double StdMacroRocAuc, double MeanAccuracy);

/// <summary>
/// Recomputes the cry-reason evaluation in C#: for every fold of a protocol, embeds the fold's test clips with the C#
/// pipeline (WAV → 16 kHz → frontend → YAMNet, first <see cref="CryReasonFoldManifest.SequenceLength"/> patches,
/// zero rows after the last) and scores them with the fold's ONNX head.
/// </summary>
/// <remarks>Each clip is embedded once per evaluator (cached by path). Not thread-safe (the cache); use one per thread.</remarks>
public sealed class CryReasonEvaluator
{
    private readonly YamnetEmbedder _embedder;
    private readonly Dictionary<string, float[]> _sequences = new(StringComparer.Ordinal);

    /// <summary>Creates an evaluator.</summary>
    /// <param name="embedder">The YAMNet embedder.</param>
    /// <exception cref="ArgumentNullException"><paramref name="embedder"/> is null.</exception>
    public CryReasonEvaluator(YamnetEmbedder embedder) => _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));

    /// <summary>Evaluates one protocol.</summary>
    /// <param name="manifest">The fold manifest.</param>
    /// <param name="protocol">The protocol name, for example "paper" or "grouped".</param>
    /// <param name="dataFolder">The corpus root holding <c>&lt;label&gt;/&lt;file&gt;.wav</c>.</param>
    /// <param name="openHead">Opens a fold's head; ONNX Runtime with default options when null.</param>
    /// <param name="progress">Receives a line per fold.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="ArgumentException">The protocol is not in the manifest.</exception>
    /// <exception cref="FileNotFoundException">A test clip is not in the data folder.</exception>
    /// <exception cref="InvalidModelException">A fold head is missing or does not fit.</exception>
    public CryReasonProtocolEvaluation Evaluate(CryReasonFoldManifest manifest, string protocol, string dataFolder,
        Func<string, IInferenceSession>? openHead = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        if (!manifest.Protocols.TryGetValue(protocol, out CryReasonProtocol? p))
        {
            throw new ArgumentException($"Protocol '{protocol}' is not in {manifest.ManifestPath} (it has {string.Join(", ", manifest.Protocols.Keys)}).", nameof(protocol));
        }

        openHead ??= path => File.Exists(path)
            ? OnnxInferenceSession.Create(path)
            : throw new InvalidModelException($"Fold head '{path}' not found; scripts/setup.d/50-cryreason.sh writes it.");
        int rowLength = manifest.SequenceLength * YamnetEmbedder.EmbeddingSize;
        var folds = new List<CryReasonFoldEvaluation>(p.Folds.Count);
        foreach (CryReasonFold fold in p.Folds)
        {
            int n = fold.TestFiles.Count;
            var input = new float[n * rowLength];
            for (int i = 0; i < n; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Sequence(Path.Combine(dataFolder, CryReasonFoldManifest.Labels[(int)fold.TestLabels[i]], fold.TestFiles[i]), manifest.SequenceLength, cancellationToken)
                    .CopyTo(input, i * rowLength);
            }

            var probabilities = new float[n * CryReasonHead.ReasonCount];
            using (IInferenceSession session = openHead(fold.ModelPath))
            {
                var head = new CryReasonHead(session);
                if (head.SequenceLength != manifest.SequenceLength)
                {
                    throw new InvalidModelException($"Fold head '{fold.ModelPath}' reads {head.SequenceLength} patches; the manifest says {manifest.SequenceLength}.");
                }

                head.PredictSequences(input, n, probabilities, cancellationToken);
            }

            ClassificationMetrics metrics = ClassificationMetrics.Compute(fold.TestLabels.Select(l => (int)l).ToArray(), probabilities, CryReasonHead.ReasonCount);
            folds.Add(new CryReasonFoldEvaluation(fold, metrics));
            progress?.Report(FormattableString.Invariant($"{p.Name} seed {fold.SeedIndex} fold {fold.Fold}: macro-F1 {metrics.MacroF1:F4} (Python {fold.PythonMacroF1:F4}), AUC {metrics.MacroRocAuc:F4} (Python {fold.PythonMacroRocAuc:F4}), {n} clips"));
        }

        (double f1, double f1Std) = MeanStd(folds.Select(f => f.Metrics.MacroF1));
        (double auc, double aucStd) = MeanStd(folds.Select(f => f.Metrics.MacroRocAuc));
        (double accuracy, _) = MeanStd(folds.Select(f => f.Metrics.Accuracy));
        return new CryReasonProtocolEvaluation(p, folds, f1, f1Std, auc, aucStd, accuracy);
    }

    private float[] Sequence(string path, int length, CancellationToken cancellationToken)
    {
        if (_sequences.TryGetValue(path, out float[]? cached))
        {
            return cached;
        }

        AudioClip clip = WavReader.Read(path);
        YamnetResult yamnet = _embedder.Embed(clip.Samples, clip.SampleRate, cancellationToken);
        var sequence = new float[length * YamnetEmbedder.EmbeddingSize];
        int used = Math.Min(length, yamnet.PatchCount) * YamnetEmbedder.EmbeddingSize;
        yamnet.Embeddings.AsSpan(0, used).CopyTo(sequence);
        _sequences[path] = sequence;
        return sequence;
    }

    private static (double Mean, double Std) MeanStd(IEnumerable<double> values)
    {
        double[] v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        double mean = v.Average();
        return (mean, Math.Sqrt(v.Average(x => (x - mean) * (x - mean))));
    }
}
