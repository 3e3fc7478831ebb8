namespace InfantCry.Vision.Pain;

/// <summary>
/// Hysteresis of a <see cref="PainStateTracker"/>: a state changes when at least <see cref="EnterCount"/> of the last
/// <see cref="Window"/> per-frame estimates agree on the new value; crying stops only when at least
/// <see cref="EnterCount"/> of them say calm and at most <see cref="ExitCount"/> still say crying.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Every setter validates its value. With the defaults (window 10, enter 7, exit 3,
/// threshold 0.5, gap 30) a burst of up to 6 crying frames among calm ones never starts crying; a sustained change
/// is reported at its 7th consecutive estimate (about 0.23 s at 30 frames/s, counted in frames that carry an
/// estimate), and crying stops at the 7th consecutive calm estimate.
/// </remarks>
public sealed class PainStateOptions
{
    private readonly int _window = 10;
    private readonly int _enterCount = 7;
    private readonly int _exitCount = 3;
    private readonly float _cryingThreshold = 0.5f;
    private readonly int _maxGap = 30;

    /// <summary>Window 10, enter 7, exit 3, crying threshold 0.5, gap 30 frames.</summary>
    public static PainStateOptions Default { get; } = new();

    /// <summary>How many of the latest per-frame estimates are counted, 1..1000. Default 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..1000.</exception>
    public int Window
    {
        get => _window;
        init => _window = value is >= 1 and <= 1000 ? value : throw new ArgumentOutOfRangeException(nameof(Window), value, "The window must be 1 to 1000 estimates.");
    }

    /// <summary>
    /// Estimates of the window that must agree for crying to start or the pain level to change, 1..<see cref="Window"/>
    /// (checked when the tracker is built). Default 7.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int EnterCount
    {
        get => _enterCount;
        init => _enterCount = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EnterCount), value, "The enter count must be at least 1.");
    }

    /// <summary>
    /// Crying stops when at most this many estimates of the window still say crying (and at least
    /// <see cref="EnterCount"/> say calm), 0..<see cref="EnterCount"/> - 1
    /// (checked when the tracker is built). Default 3.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ExitCount
    {
        get => _exitCount;
        init => _exitCount = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(ExitCount), value, "The exit count must be 0 or more.");
    }

    /// <summary>A per-frame estimate says "crying" when its crying probability reaches this, 0..1. Default 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..1.</exception>
    public float CryingThreshold
    {
        get => _cryingThreshold;
        init => _cryingThreshold = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(CryingThreshold), value, "The crying threshold must be 0 to 1.");
    }

    /// <summary>
    /// After this many frames in a row without an estimate, the window is emptied and the state is no longer current
    /// (it keeps its last values and raises no event: not seeing the face is not evidence of calm), 1..100000. Default 30.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..100000.</exception>
    public int MaxGap
    {
        get => _maxGap;
        init => _maxGap = value is >= 1 and <= 100000 ? value : throw new ArgumentOutOfRangeException(nameof(MaxGap), value, "The gap must be 1 to 100000 frames.");
    }
}
