using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Reasons;

/// <summary>Options of <see cref="CryReasonClassifier"/>. Sealed, init-only, validated on set.</summary>
/// <remarks>
/// Defaults (<see cref="Default"/>): <see cref="Detector"/> <see cref="CryDetectorOptions.Default"/> (zero-shot,
/// crying family, max, threshold 0.1); <see cref="Yamnet"/> <see cref="YamnetEmbedderOptions.Default"/>;
/// <see cref="AlwaysEstimateReasons"/> false; head tensors <c>embeddings</c> and <c>probabilities</c> (those of
/// cryreason_head.onnx of the <c>InfantCry.Models.CryReason</c> package). Immutable and thread-safe.
/// </remarks>
public sealed class CryReasonClassifierOptions
{
    private readonly CryDetectorOptions _detector = CryDetectorOptions.Default;
    private readonly YamnetEmbedderOptions _yamnet = YamnetEmbedderOptions.Default;
    private readonly string _inputName = "embeddings";
    private readonly string _outputName = "probabilities";

    /// <summary>The defaults.</summary>
    public static CryReasonClassifierOptions Default { get; } = new();

    /// <summary>
    /// The cry detector that decides <see cref="CryReasonResult.IsCry"/>. Default <see cref="CryDetectorOptions.Default"/>,
    /// which a classifier loaded from a models folder replaces with the folder's <c>crydetector.json</c> settings when it
    /// has them (the detector that won the cry detector's evaluation).
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public CryDetectorOptions Detector
    {
        get => _detector;
        init => _detector = value ?? throw new ArgumentNullException(nameof(Detector));
    }

    /// <summary>YAMNet batching and resampling. Default <see cref="YamnetEmbedderOptions.Default"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public YamnetEmbedderOptions Yamnet
    {
        get => _yamnet;
        init => _yamnet = value ?? throw new ArgumentNullException(nameof(Yamnet));
    }

    /// <summary>
    /// Whether reasons are estimated for audio the detector does not hear as crying. Default false: non-cry audio gets
    /// no probabilities and no top reason (nothing is invented). True is for evaluation and parity checks.
    /// </summary>
    public bool AlwaysEstimateReasons { get; init; }

    /// <summary>The reason head's input, patch embeddings [N, T, 1024]. Default <c>"embeddings"</c>.</summary>
    /// <exception cref="ArgumentException">The value is null or empty.</exception>
    public string HeadInputName
    {
        get => _inputName;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value, nameof(HeadInputName));
            _inputName = value;
        }
    }

    /// <summary>The reason head's output, probabilities [N, 5] in <see cref="CryReason"/> order. Default <c>"probabilities"</c>.</summary>
    /// <exception cref="ArgumentException">The value is null or empty.</exception>
    public string HeadOutputName
    {
        get => _outputName;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value, nameof(HeadOutputName));
            _outputName = value;
        }
    }
}
