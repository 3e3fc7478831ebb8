using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Detection;

/// <summary>How the zero-shot detector combines the crying-family class scores into one score.</summary>
public enum CryScoreCombination
{
    /// <summary>The highest of the family's scores: a window is a cry if YAMNet hears any kind of crying.</summary>
    Max = 0,

    /// <summary>Noisy-or, 1 - Π(1 - s): treats the family's sigmoids as independent pieces of evidence; never below <see cref="Max"/>.</summary>
    NoisyOr = 1,

    /// <summary>The mean of the family's scores: the most conservative of the three.</summary>
    Mean = 2,
}

/// <summary>How a <see cref="CryDetector"/> turns its windows into one score for a whole recording.</summary>
public enum CryClipPooling
{
    /// <summary>The mean of the window scores (zero-shot: of each window's family combination). What the leave-one-source-out evaluation measured; the default.</summary>
    MeanOfWindowScores = 0,

    /// <summary>Zero-shot only: the family combination of the window-mean class scores (clip scores as YAMNet's demo computes them). The trained head always uses the mean of its window probabilities.</summary>
    CombinationOfClassMeans = 1,
}

/// <summary>Which detector a <see cref="CryDetector"/> uses.</summary>
public enum CryDetectorMode
{
    /// <summary>YAMNet's own crying-family classes, combined (needs no training). The default.</summary>
    ZeroShot = 0,

    /// <summary>A trained head on YAMNet embeddings (crydetector_head.onnx: input embeddings [N, 1024], output cry probability [N] or [N, 1]).</summary>
    TrainedHead = 1,
}

/// <summary>Options of <see cref="CryDetector"/>. Sealed, init-only, validated on set.</summary>
/// <remarks>
/// Defaults (<see cref="Default"/>): <see cref="Mode"/> <see cref="CryDetectorMode.ZeroShot"/>;
/// <see cref="ClassIndices"/> 19 "Crying, sobbing", 20 "Baby cry, infant cry", 21 "Whimper", 22 "Wail, moan";
/// <see cref="Combination"/> <see cref="CryScoreCombination.Max"/>; <see cref="Pooling"/> <see cref="CryClipPooling.MeanOfWindowScores"/>; <see cref="Threshold"/> 0.22;
/// <see cref="TrainedHeadThreshold"/> 0.5; <see cref="Hop"/> 0.48 s (YAMNet's patch hop).
/// Immutable and thread-safe.
/// </remarks>
public sealed class CryDetectorOptions
{
    private readonly int[] _classIndices = [YamnetClassMap.CryingSobbing, YamnetClassMap.BabyCry, YamnetClassMap.Whimper, YamnetClassMap.WailMoan];
    private readonly CryScoreCombination _combination = CryScoreCombination.Max;
    private readonly CryDetectorMode _mode = CryDetectorMode.ZeroShot;
    private readonly float _threshold = 0.22f;
    private readonly CryClipPooling _pooling = CryClipPooling.MeanOfWindowScores;
    private readonly float _trainedThreshold = 0.5f;
    private readonly TimeSpan _hop = TimeSpan.FromMilliseconds(480);

    /// <summary>The defaults.</summary>
    public static CryDetectorOptions Default { get; } = new();

    /// <summary>Zero-shot or trained head. Default <see cref="CryDetectorMode.ZeroShot"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public CryDetectorMode Mode
    {
        get => _mode;
        init => _mode = Defined(value, nameof(Mode));
    }

    /// <summary>
    /// YAMNet classes that count as crying, 0 to 520, distinct, at least one. Default 19, 20, 21, 22 (the crying
    /// family). On 8 kHz phone recordings YAMNet hears most infant cries as "Crying, sobbing" rather than "Baby cry",
    /// so the family does better than class 20 alone.
    /// </summary>
    /// <exception cref="ArgumentException">The list is null, empty, has duplicates or an index outside 0 to 520.</exception>
    public IReadOnlyList<int> ClassIndices
    {
        get => _classIndices;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(ClassIndices));
            int[] copy = [.. value];
            if (copy.Length == 0 || copy.Any(i => i is < 0 or >= YamnetEmbedder.ClassCount) || copy.Distinct().Count() != copy.Length)
            {
                throw new ArgumentException($"ClassIndices must be 1 or more distinct YAMNet class indices in 0..{YamnetEmbedder.ClassCount - 1}; got [{string.Join(", ", copy)}].", nameof(ClassIndices));
            }

            _classIndices = copy;
        }
    }

    /// <summary>How the windows become one score for a whole recording. Default <see cref="CryClipPooling.MeanOfWindowScores"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public CryClipPooling Pooling
    {
        get => _pooling;
        init => _pooling = Defined(value, nameof(Pooling));
    }

    /// <summary>How the family's scores are combined. Default <see cref="CryScoreCombination.Max"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public CryScoreCombination Combination
    {
        get => _combination;
        init => _combination = Defined(value, nameof(Combination));
    }

    /// <summary>
    /// Zero-shot score at or above which audio counts as a cry, in (0, 1). Default 0.22: the threshold the
    /// leave-one-source-out evaluation chose on training sources only (the smallest keeping the mean false-positive
    /// rate over training negative sources at or below 1%). With it, on sources it never saw: 49% of donateacry cries
    /// (59 of 120) and 85% of ESC-50's infant cries (34 of 40) found; no false alarm on 264 household, speech and
    /// music clips; 6 of 16 adult-crying clips called a cry. A lower threshold finds more cries and raises more false
    /// alarms (0.1: 69% and 98% found, 8 of 16 adult cries called a cry). The models package's settings file carries
    /// the value of its own evaluation.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1).</exception>
    public float Threshold
    {
        get => _threshold;
        init => _threshold = OpenUnit(value, nameof(Threshold));
    }

    /// <summary>Trained-head probability at or above which audio counts as a cry, in (0, 1). Default 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1).</exception>
    public float TrainedHeadThreshold
    {
        get => _trainedThreshold;
        init => _trainedThreshold = OpenUnit(value, nameof(TrainedHeadThreshold));
    }

    /// <summary>
    /// Time between the starts of analysed windows (each 0.96 s long), a whole number of 10 ms frames from 10 ms to
    /// 960 ms. Default 480 ms, YAMNet's own patch hop; smaller hops give a finer timeline at proportionally more
    /// inference.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a multiple of 10 ms in 10 to 960 ms.</exception>
    public TimeSpan Hop
    {
        get => _hop;
        init
        {
            if (value.Ticks % TimeSpan.FromMilliseconds(10).Ticks != 0 || value < TimeSpan.FromMilliseconds(10) || value > TimeSpan.FromMilliseconds(960))
            {
                throw new ArgumentOutOfRangeException(nameof(Hop), value, "Hop must be a whole number of 10 ms frames from 10 ms to 960 ms.");
            }

            _hop = value;
        }
    }

    /// <summary>The threshold of the active <see cref="Mode"/>.</summary>
    public float ActiveThreshold => Mode == CryDetectorMode.ZeroShot ? Threshold : TrainedHeadThreshold;

    /// <summary>The hop in 10 ms frames.</summary>
    internal int HopFrames => (int)(Hop.Ticks / TimeSpan.FromMilliseconds(10).Ticks);

    private static T Defined<T>(T value, string name)
        where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"Not a defined {typeof(T).Name}.");

    private static float OpenUnit(float value, string name) =>
        value is > 0f and < 1f ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in (0, 1).");
}
