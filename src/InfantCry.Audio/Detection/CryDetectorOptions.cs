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
/// <see cref="Combination"/> <see cref="CryScoreCombination.Max"/>; <see cref="Threshold"/> 0.1;
/// <see cref="TrainedHeadThreshold"/> 0.5; <see cref="Hop"/> 0.48 s (YAMNet's patch hop).
/// Immutable and thread-safe.
/// </remarks>
public sealed class CryDetectorOptions
{
    private readonly int[] _classIndices = [YamnetClassMap.CryingSobbing, YamnetClassMap.BabyCry, YamnetClassMap.Whimper, YamnetClassMap.WailMoan];
    private readonly CryScoreCombination _combination = CryScoreCombination.Max;
    private readonly CryDetectorMode _mode = CryDetectorMode.ZeroShot;
    private readonly float _threshold = 0.1f;
    private readonly float _trainedThreshold = 0.5f;
    private readonly TimeSpan _hop = TimeSpan.FromMilliseconds(480);

    /// <summary>The defaults.</summary>
    public static CryDetectorOptions Default { get; } = new();

    /// <summary>Zero-shot or trained head. Default <see cref="CryDetectorMode.ZeroShot"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public CryDetectorMode Mode
    {
        get => _mode;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Mode), value, "Not a defined CryDetectorMode.");
            }

            _mode = value;
        }
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

    /// <summary>How the family's scores are combined. Default <see cref="CryScoreCombination.Max"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public CryScoreCombination Combination
    {
        get => _combination;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Combination), value, "Not a defined CryScoreCombination.");
            }

            _combination = value;
        }
    }

    /// <summary>
    /// Zero-shot score at or above which audio counts as a cry, in (0, 1). Default 0.1. Measured with the default
    /// family and <see cref="CryScoreCombination.Max"/> (clip scores): 73.5% of the 457 donateacry cries reach it
    /// (58% reach 0.2, 84% reach 0.05), while 99 synthetic negatives (espeak-ng speech, babble, noise colours, tones,
    /// silence, household-like sounds) all score at most 0.014. Synthetic negatives are easy: real rooms (television,
    /// adults crying or laughing, pets) will score higher, so raise the threshold where false alarms cost more than
    /// missed cries.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1).</exception>
    public float Threshold
    {
        get => _threshold;
        init
        {
            if (!(value is > 0f and < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(Threshold), value, "Threshold must be in (0, 1).");
            }

            _threshold = value;
        }
    }

    /// <summary>Trained-head probability at or above which audio counts as a cry, in (0, 1). Default 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1).</exception>
    public float TrainedHeadThreshold
    {
        get => _trainedThreshold;
        init
        {
            if (!(value is > 0f and < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(TrainedHeadThreshold), value, "TrainedHeadThreshold must be in (0, 1).");
            }

            _trainedThreshold = value;
        }
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
}
