using InfantCry.Audio.Resampling;

namespace InfantCry.Audio.Yamnet;

/// <summary>Options for <see cref="YamnetEmbedder"/>. Sealed, init-only, validated on set.</summary>
/// <remarks>
/// Defaults (<see cref="Default"/>): <see cref="MaxBatchSize"/> 16, <see cref="Resampler"/>
/// <see cref="ResamplerOptions.Default"/>, tensor names <c>patches</c>, <c>embeddings</c> and <c>scores</c> (those of
/// the yamnet.onnx of the <c>InfantCry.Models.Yamnet</c> package). Immutable and thread-safe.
/// </remarks>
public sealed class YamnetEmbedderOptions
{
    private readonly int _maxBatchSize = 16;
    private readonly ResamplerOptions _resampler = ResamplerOptions.Default;
    private readonly string _inputName = "patches";
    private readonly string _embeddingsName = "embeddings";
    private readonly string _scoresName = "scores";

    /// <summary>The defaults.</summary>
    public static YamnetEmbedderOptions Default { get; } = new();

    /// <summary>
    /// Most patches per inference call, 1 to 256. Default 16: a 7 s clip (14 patches) runs as one batch; longer
    /// recordings run in batches of 16 (each batch holds 16 · 96 · 64 floats of input, 390 KB).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to 256.</exception>
    public int MaxBatchSize
    {
        get => _maxBatchSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxBatchSize));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 256, nameof(MaxBatchSize));
            _maxBatchSize = value;
        }
    }

    /// <summary>Quality of the resampler that brings other rates to 16 kHz. Default <see cref="ResamplerOptions.Default"/> (120 dB stopband).</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ResamplerOptions Resampler
    {
        get => _resampler;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Resampler));
            value.Validate();
            _resampler = value;
        }
    }

    /// <summary>The model's input, log-mel patches [N, 96, 64]. Default <c>"patches"</c>.</summary>
    /// <exception cref="ArgumentException">The value is null or empty.</exception>
    public string InputName
    {
        get => _inputName;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value, nameof(InputName));
            _inputName = value;
        }
    }

    /// <summary>The model's embeddings output [N, 1024]. Default <c>"embeddings"</c>.</summary>
    /// <exception cref="ArgumentException">The value is null or empty.</exception>
    public string EmbeddingsOutputName
    {
        get => _embeddingsName;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value, nameof(EmbeddingsOutputName));
            _embeddingsName = value;
        }
    }

    /// <summary>The model's class scores output [N, 521]. Default <c>"scores"</c>.</summary>
    /// <exception cref="ArgumentException">The value is null or empty.</exception>
    public string ScoresOutputName
    {
        get => _scoresName;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value, nameof(ScoresOutputName));
            _scoresName = value;
        }
    }
}
