namespace InfantCry.Vision.Pain;

/// <summary>
/// Settings of <see cref="AudioVisualCryFusion"/>: how much the audio cry score and the face's crying probability
/// weigh, the thresholds that centre each of them, and the hysteresis of the fused state.
/// </summary>
/// <remarks>
/// <para>Defaults (<see cref="Default"/>): <see cref="AudioWeight"/> 1, <see cref="FaceWeight"/> 0.3,
/// <see cref="AudioThreshold"/> 0.22 (the zero-shot cry detector's default threshold), <see cref="FaceThreshold"/> 0.5,
/// <see cref="EvidenceLimit"/> 4, <see cref="AudioHold"/> 1 s, <see cref="States"/> <see cref="PainStateOptions.Default"/>.</para>
/// <para>With these defaults, when a frame has both sources, a face at its most confident moves the fused log-odds
/// by at most 0.3 · 4 = 1.2: audio window scores below 0.078 stay "not crying" whatever the face says, scores of
/// 0.484 or more stay "crying", and only scores in between (around the detector's threshold) can be tipped by the face.</para>
/// <para>Immutable and thread-safe. Every setter validates its value.</para>
/// </remarks>
public sealed class AudioVisualCryFusionOptions
{
    private readonly float _audioWeight = 1f;
    private readonly float _faceWeight = 0.3f;
    private readonly float _audioThreshold = 0.22f;
    private readonly float _faceThreshold = 0.5f;
    private readonly float _evidenceLimit = 4f;
    private readonly TimeSpan _audioHold = TimeSpan.FromSeconds(1);
    private readonly PainStateOptions _states = PainStateOptions.Default;

    /// <summary>Audio weight 1, face weight 0.3, thresholds 0.22 and 0.5, evidence limit 4, audio hold 1 s, default hysteresis.</summary>
    public static AudioVisualCryFusionOptions Default { get; } = new();

    /// <summary>
    /// Weight of the audio's log-odds when a frame has both sources, above 0 and at most 10. Default 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 10].</exception>
    public float AudioWeight
    {
        get => _audioWeight;
        init => _audioWeight = value is > 0f and <= 10f ? value : throw new ArgumentOutOfRangeException(nameof(AudioWeight), value, "The audio weight must be above 0 and at most 10.");
    }

    /// <summary>
    /// Weight of the face's log-odds when a frame has both sources, 0 to 10 (0: the audio alone decides whenever it
    /// covers the frame). Default 0.3: the audio detector was evaluated on real recordings it never saw, while the face
    /// model was trained and tested on synthetic infant faces only, so sound decides first and the face supports.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in [0, 10].</exception>
    public float FaceWeight
    {
        get => _faceWeight;
        init => _faceWeight = value is >= 0f and <= 10f ? value : throw new ArgumentOutOfRangeException(nameof(FaceWeight), value, "The face weight must be 0 to 10.");
    }

    /// <summary>
    /// The audio cry score that counts as even odds, in (0, 1): pass the threshold of the detector that produced the
    /// scores (for the cry detector, its options' active threshold). Default 0.22, the zero-shot detector's default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1).</exception>
    public float AudioThreshold
    {
        get => _audioThreshold;
        init => _audioThreshold = value is > 0f and < 1f ? value : throw new ArgumentOutOfRangeException(nameof(AudioThreshold), value, "The audio threshold must be in (0, 1).");
    }

    /// <summary>The face crying probability that counts as even odds, in (0, 1). Default 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1).</exception>
    public float FaceThreshold
    {
        get => _faceThreshold;
        init => _faceThreshold = value is > 0f and < 1f ? value : throw new ArgumentOutOfRangeException(nameof(FaceThreshold), value, "The face threshold must be in (0, 1).");
    }

    /// <summary>
    /// When a frame has both sources, each one's centred log-odds is clamped to ±this before weighting, so that no
    /// over-confident score (a probability of 0.9999 is log-odds 9.2) outweighs the other source by itself; above 0 and
    /// at most 20. Default 4 (a probability of about 0.018 or 0.982 at an even-odds threshold).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 20].</exception>
    public float EvidenceLimit
    {
        get => _evidenceLimit;
        init => _evidenceLimit = value is > 0f and <= 20f ? value : throw new ArgumentOutOfRangeException(nameof(EvidenceLimit), value, "The evidence limit must be above 0 and at most 20.");
    }

    /// <summary>
    /// How long after an audio window's end its score still stands for frames that no window covers yet, 0 to 60 s.
    /// Default 1 s: a live detector reports a window only once its 0.96 s of audio has arrived, so the window covering
    /// the newest frame comes later than the frame; the latest window (at most a hop, 0.48 s, plus the detector's
    /// latency behind) stands for it. Offline, where the audio is fed ahead of the frames, it only matters past the end
    /// of the audio.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0 to 60 s.</exception>
    public TimeSpan AudioHold
    {
        get => _audioHold;
        init => _audioHold = value >= TimeSpan.Zero && value <= TimeSpan.FromSeconds(60) ? value : throw new ArgumentOutOfRangeException(nameof(AudioHold), value, "The audio hold must be 0 to 60 s.");
    }

    /// <summary>
    /// Hysteresis of the fused crying state, the same rule as <see cref="PainStateTracker"/>'s crying state, applied to
    /// the fused probability (<see cref="PainStateOptions.CryingThreshold"/>) of the frames that have at least one source;
    /// the pain-level settings are not used. Default <see cref="PainStateOptions.Default"/> (7 of the last 10 such frames).
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public PainStateOptions States
    {
        get => _states;
        init => _states = value ?? throw new ArgumentNullException(nameof(States));
    }
}
