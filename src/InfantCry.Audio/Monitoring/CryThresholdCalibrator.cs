using InfantCry.Audio.Detection;

namespace InfantCry.Audio.Monitoring;

/// <summary>What <see cref="CryThresholdCalibrator.Calibrate"/> proposes for a room, and what it is based on.</summary>
/// <param name="Threshold">The proposed <see cref="CryMonitorOptions.Threshold"/>: the lowest score at which the room's own sound gives no more false alarms than asked.</param>
/// <param name="FalseAlarms">False alarms (cry events) the room's recording gives at <paramref name="Threshold"/>.</param>
/// <param name="Listened">How much of the room was heard.</param>
/// <param name="AllowedFalseAlarms">The false alarms the target rate allows over <paramref name="Listened"/> (rounded down).</param>
/// <param name="HighestScore">The highest window score heard in the room.</param>
public sealed record CryCalibration(float Threshold, int FalseAlarms, TimeSpan Listened, int AllowedFalseAlarms, float HighestScore)
{
    /// <summary>
    /// How far the proposal can be trusted: a rate can only be checked over the time listened, so a proposal from a
    /// few minutes says nothing about rare sounds (a door, a dog, the television) that did not happen then.
    /// </summary>
    public string Statement =>
        $"Threshold {Threshold:0.###} gave {FalseAlarms} false alarm(s) over {Listened.TotalMinutes:0.#} min of this room without crying " +
        $"(allowed {AllowedFalseAlarms}); sounds that did not occur while listening are not covered.";
}

/// <summary>
/// Proposes a per-room threshold from minutes of the room without crying: the lowest threshold at which a
/// <see cref="CryMonitor"/> with the given options raises no more false alarms than a chosen rate allows.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class CryThresholdCalibrator
{
    /// <summary>The step added above a score so that the window scoring exactly that no longer counts as a cry.</summary>
    private const float Above = 1e-4f;

    /// <summary>Proposes a threshold.</summary>
    /// <param name="quietRoom">The detector's windows over a recording of the room without crying, in time order (for example the <see cref="CryDetectionResult.Windows"/> of the recording).</param>
    /// <param name="falseAlarmsPerHour">The false-alarm rate to allow, 0 or more; 0 asks for none over the recording.</param>
    /// <param name="options">The monitor's other options (hysteresis); their <see cref="CryMonitorOptions.Threshold"/> is ignored. <see cref="CryMonitorOptions.Default"/> when null.</param>
    /// <returns>The proposal with its basis.</returns>
    /// <exception cref="ArgumentException"><paramref name="quietRoom"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="falseAlarmsPerHour"/> is negative or not finite.</exception>
    public static CryCalibration Calibrate(IReadOnlyList<CryDetection> quietRoom, double falseAlarmsPerHour, CryMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(quietRoom);
        if (quietRoom.Count == 0)
        {
            throw new ArgumentException("The room recording has no windows.", nameof(quietRoom));
        }

        if (!double.IsFinite(falseAlarmsPerHour) || falseAlarmsPerHour < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(falseAlarmsPerHour), falseAlarmsPerHour, "The false-alarm rate must be 0 or more.");
        }

        options ??= CryMonitorOptions.Default;
        CryDetection last = quietRoom[^1];
        TimeSpan listened = last.Start + last.Duration - quietRoom[0].Start;
        int allowed = (int)Math.Floor(falseAlarmsPerHour * listened.TotalHours);

        // Candidates: just above each distinct score (and 0). False alarms fall as the threshold rises, so the lowest
        // candidate that keeps within the allowance is found by bisection over the sorted candidates.
        float[] candidates = [0f, .. quietRoom.Select(w => Math.Min(1f, w.Score + Above)).Distinct().Order()];
        int lo = 0, hi = candidates.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (CountAlarms(quietRoom, candidates[mid], options) <= allowed)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        float threshold = candidates[lo];
        return new CryCalibration(threshold, CountAlarms(quietRoom, threshold, options), listened, allowed, quietRoom.Max(w => w.Score));
    }

    private static int CountAlarms(IReadOnlyList<CryDetection> windows, float threshold, CryMonitorOptions options)
    {
        var monitor = new CryMonitor(new CryMonitorOptions
        {
            StartWindows = options.StartWindows,
            StartWindowSpan = options.StartWindowSpan,
            Hold = options.Hold,
            MinimumDuration = options.MinimumDuration,
            Threshold = threshold,
        });
        var events = new List<CryEvent>();
        foreach (CryDetection w in windows)
        {
            monitor.Process(w, events);
        }

        monitor.Flush(events);
        return events.Count(e => e.Kind == CryEventKind.Started);
    }
}
