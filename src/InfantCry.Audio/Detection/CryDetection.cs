// Namespace InfantCry.Audio.Detection (folder CryDetection/): a namespace named CryDetection would hide the CryDetection
// type from every caller inside InfantCry.Audio.*.
namespace InfantCry.Audio.Detection;

/// <summary>The detector's verdict on one analysed window (0.96 s of audio).</summary>
/// <param name="Index">Window number from the start of the recording or stream (0, 1, ...).</param>
/// <param name="Start">When the window starts: <paramref name="Index"/> · hop.</param>
/// <param name="Duration">The window's length, 0.96 s.</param>
/// <param name="Score">Cry score 0..1 (zero-shot combination or trained-head probability).</param>
/// <param name="IsCry">Whether <paramref name="Score"/> reached the threshold.</param>
public readonly record struct CryDetection(long Index, TimeSpan Start, TimeSpan Duration, float Score, bool IsCry);

/// <summary>The detector's verdict on a whole recording.</summary>
/// <remarks>Immutable.</remarks>
public sealed record CryDetectionResult
{
    /// <summary>Whether the recording holds crying: <see cref="Score"/> reached the threshold.</summary>
    public required bool IsCry { get; init; }

    /// <summary>
    /// The recording's cry score, 0..1: the mean of the window scores (<see cref="CryClipPooling.MeanOfWindowScores"/>,
    /// the default), or, zero-shot with <see cref="CryClipPooling.CombinationOfClassMeans"/>, the combination of the
    /// window-mean class scores.
    /// </summary>
    public required float Score { get; init; }

    /// <summary>
    /// The calibrated probability that the recording holds crying (<see cref="CryDetectorSettings.Calibrate"/>), when the
    /// detector was loaded with its evaluation's settings; otherwise null. Fitted where about a quarter of the clips
    /// were cries: in a home, where cries are rarer, read it as a ranking, not a frequency.
    /// </summary>
    public float? Probability { get; init; }

    /// <summary>How far the verdict can be trusted (the evaluation's statement: recall per cry source and false alarms per category of real sound), when known; otherwise null.</summary>
    public string? Reliability { get; init; }

    /// <summary>The threshold <see cref="Score"/> was compared with.</summary>
    public required float Threshold { get; init; }

    /// <summary>The detector that produced the scores.</summary>
    public required CryDetectorMode Mode { get; init; }

    /// <summary>One entry per window, in time order.</summary>
    public required IReadOnlyList<CryDetection> Windows { get; init; }

    /// <summary>The length of the analysed audio.</summary>
    public required TimeSpan Duration { get; init; }
}
