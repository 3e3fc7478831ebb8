namespace InfantCry.Audio.Monitoring;

/// <summary>Options of <see cref="CryMonitor"/>: when a run of cry windows becomes a cry event. Sealed, init-only, validated on set.</summary>
/// <remarks>
/// Defaults (<see cref="Default"/>), for the detector's 0.96 s windows every 0.48 s: a cry starts when
/// <see cref="StartWindows"/> 3 of the last <see cref="StartWindowSpan"/> 4 windows are cry windows and the run has
/// lasted <see cref="MinimumDuration"/> 1.5 s; it ends once no cry window has been heard for <see cref="Hold"/> 3 s;
/// <see cref="Threshold"/> null (each window's own verdict, the detector's threshold). With these defaults a cry is
/// reported about 2 s after it starts (the third cry window's end), and a pause of up to 3 s (a breath, a sob) does
/// not split it. Immutable and thread-safe.
/// </remarks>
public sealed class CryMonitorOptions
{
    private readonly int _startWindows = 3;
    private readonly int _startSpan = 4;
    private readonly TimeSpan _hold = TimeSpan.FromSeconds(3);
    private readonly TimeSpan _minimum = TimeSpan.FromSeconds(1.5);
    private readonly float? _threshold;

    /// <summary>The defaults.</summary>
    public static CryMonitorOptions Default { get; } = new();

    /// <summary>Cry windows needed among the last <see cref="StartWindowSpan"/> windows to start a cry. Default 3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int StartWindows
    {
        get => _startWindows;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(StartWindows));
            _startWindows = value;
        }
    }

    /// <summary>How many recent windows <see cref="StartWindows"/> counts over (M of "N of M"); at least <see cref="StartWindows"/> when used. Default 4.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 1,000.</exception>
    public int StartWindowSpan
    {
        get => _startSpan;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(StartWindowSpan));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000, nameof(StartWindowSpan));
            _startSpan = value;
        }
    }

    /// <summary>A cry ends once no cry window has been heard for this long after the last one. Default 3 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above one hour.</exception>
    public TimeSpan Hold
    {
        get => _hold;
        init => _hold = Duration(value, nameof(Hold));
    }

    /// <summary>A cry is reported only once it has lasted this long (from its first cry window's start to its latest cry window's end). Default 1.5 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above one hour.</exception>
    public TimeSpan MinimumDuration
    {
        get => _minimum;
        init => _minimum = Duration(value, nameof(MinimumDuration));
    }

    /// <summary>
    /// The score from which a window counts as crying; <see langword="null"/> to use each window's own verdict
    /// (<see cref="Detection.CryDetection.IsCry"/>, the detector's threshold). A per-room value comes from
    /// <see cref="CryThresholdCalibrator"/>. Default <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in 0..1.</exception>
    public float? Threshold
    {
        get => _threshold;
        init
        {
            if (value is { } t && !(t is >= 0f and <= 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(Threshold), value, "Threshold must be in 0..1 (or null for the detector's own verdict).");
            }

            _threshold = value;
        }
    }

    private static TimeSpan Duration(TimeSpan value, string name) =>
        value >= TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 0 and 1 hour.");
}
