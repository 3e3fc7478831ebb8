using InfantCry.Audio.Monitoring;

namespace InfantCry.Evaluation.Monitoring;

/// <summary>A real cry placed in a monitored stream: when it audibly starts and ends (stream time).</summary>
/// <param name="Onset">The true onset.</param>
/// <param name="End">The true end.</param>
public readonly record struct PlacedCry(TimeSpan Onset, TimeSpan End);

/// <summary>What the monitor did about one <see cref="PlacedCry"/>.</summary>
/// <param name="Cry">The cry.</param>
/// <param name="Latency">The matched <see cref="CryEventKind.Started"/> event's decision time minus the true onset; null when the cry was missed.</param>
public readonly record struct CryOutcome(PlacedCry Cry, TimeSpan? Latency)
{
    /// <summary>Whether a cry event started for this cry.</summary>
    public bool Detected => Latency is not null;
}

/// <summary>A monitored stream's events scored against the cries placed in it.</summary>
/// <param name="Cries">One outcome per placed cry, in time order.</param>
/// <param name="FalseAlarms">Started events matched to no cry.</param>
public sealed record MonitorScore(IReadOnlyList<CryOutcome> Cries, int FalseAlarms)
{
    /// <summary>Cries with a matched start event.</summary>
    public int Detected => Cries.Count(c => c.Detected);

    /// <summary>The latencies of the detected cries, in seconds, in time order.</summary>
    public IReadOnlyList<double> LatencySeconds => [.. Cries.Where(c => c.Detected).Select(c => c.Latency!.Value.TotalSeconds)];
}

/// <summary>
/// The monitor evaluation's counting rules (scripts/eval-monitor.sh): false alarms are <see cref="CryEventKind.Started"/>
/// events; a placed cry is detected by the first unmatched start event decided from its true onset to its true end plus
/// the hold (<see cref="CryMonitorOptions.Hold"/>), and its latency is that event's
/// <see cref="CryEvent.DecidedAt"/> minus the onset. Also the mixing arithmetic (active span, gain for an SNR) and
/// percentiles. Stateless and thread-safe.
/// </summary>
public static class MonitorScoring
{
    /// <summary>The number of <see cref="CryEventKind.Started"/> events: in a stream without crying, every one is a false alarm.</summary>
    /// <param name="events">The monitor's events.</param>
    /// <returns>The count.</returns>
    public static int CountStarts(IEnumerable<CryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Count(e => e.Kind == CryEventKind.Started);
    }

    /// <summary>Matches start events to placed cries (see the type's rules).</summary>
    /// <param name="cries">The cries placed in the stream, in time order, not overlapping.</param>
    /// <param name="events">The monitor's events over the stream.</param>
    /// <param name="hold">How long after a cry's end a start still counts for it (the monitor's hold).</param>
    /// <returns>One outcome per cry and the unmatched starts.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static MonitorScore Score(IReadOnlyList<PlacedCry> cries, IEnumerable<CryEvent> events, TimeSpan hold)
    {
        ArgumentNullException.ThrowIfNull(cries);
        ArgumentNullException.ThrowIfNull(events);
        List<CryEvent> starts = [.. events.Where(e => e.Kind == CryEventKind.Started).OrderBy(e => e.DecidedAt)];
        var used = new bool[starts.Count];
        var outcomes = new CryOutcome[cries.Count];
        for (int c = 0; c < cries.Count; c++)
        {
            PlacedCry cry = cries[c];
            TimeSpan? latency = null;
            for (int s = 0; s < starts.Count; s++)
            {
                TimeSpan t = starts[s].DecidedAt;
                if (!used[s] && t >= cry.Onset && t <= cry.End + hold)
                {
                    used[s] = true;
                    latency = t - cry.Onset;
                    break;
                }
            }

            outcomes[c] = new CryOutcome(cry, latency);
        }

        return new MonitorScore(outcomes, used.Count(u => !u));
    }

    /// <summary>The p-th percentile with linear interpolation between order statistics (numpy's default).</summary>
    /// <param name="values">The values (any order); empty gives NaN.</param>
    /// <param name="p">The percentile, 0 to 100.</param>
    /// <returns>The percentile.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside 0..100.</exception>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100);
        double[] v = [.. values.Order()];
        if (v.Length == 0)
        {
            return double.NaN;
        }

        double rank = p / 100 * (v.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, v.Length - 1);
        return v[lo] + ((rank - lo) * (v[hi] - v[lo]));
    }

    /// <summary>
    /// Where a recording is audible: from the first to the end of the last frame whose RMS is within
    /// <paramref name="belowPeakDb"/> of the loudest frame's (frames of <paramref name="frameLength"/> samples, the last one partial).
    /// </summary>
    /// <param name="samples">The recording.</param>
    /// <param name="frameLength">Samples per frame (10 ms: rate / 100).</param>
    /// <param name="belowPeakDb">How far below the loudest frame a frame still counts, in dB (20 in the evaluation).</param>
    /// <returns>Start (inclusive) and end (exclusive) in samples; null for an all-zero or empty recording.</returns>
    public static (int Start, int End)? ActiveSpan(ReadOnlySpan<float> samples, int frameLength, double belowPeakDb)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, 1);
        int frames = (samples.Length + frameLength - 1) / frameLength;
        if (frames == 0)
        {
            return null;
        }

        var power = new double[frames];
        double peak = 0;
        for (int f = 0; f < frames; f++)
        {
            ReadOnlySpan<float> frame = samples.Slice(f * frameLength, Math.Min(frameLength, samples.Length - (f * frameLength)));
            power[f] = MeanSquare(frame);
            peak = Math.Max(peak, power[f]);
        }

        if (peak <= 0)
        {
            return null;
        }

        double floor = peak * Math.Pow(10, -belowPeakDb / 10);
        int first = Array.FindIndex(power, x => x >= floor);
        int last = Array.FindLastIndex(power, x => x >= floor);
        return (first * frameLength, Math.Min(samples.Length, (last + 1) * frameLength));
    }

    /// <summary>The gain to apply to <paramref name="signal"/> so that its power over the background's equals <paramref name="snrDb"/>.</summary>
    /// <param name="signal">The cry (its active span).</param>
    /// <param name="background">The background under it (same span).</param>
    /// <param name="snrDb">The signal-to-noise ratio in dB.</param>
    /// <returns>The gain; NaN when either part is silent.</returns>
    public static double GainForSnr(ReadOnlySpan<float> signal, ReadOnlySpan<float> background, double snrDb)
    {
        double ps = MeanSquare(signal);
        double pn = MeanSquare(background);
        return ps > 0 && pn > 0 ? Math.Sqrt(pn * Math.Pow(10, snrDb / 10) / ps) : double.NaN;
    }

    /// <summary>
    /// The exact (Garwood) two-sided confidence interval of a Poisson mean from an observed count: how many events per
    /// observation period are compatible with <paramref name="count"/> (divide by the hours for a rate per hour).
    /// </summary>
    /// <param name="count">Events observed, 0 or more.</param>
    /// <param name="confidence">Confidence level in (0, 1), for example 0.95.</param>
    /// <returns>The lower and upper bound of the mean (lower 0 for a count of 0).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static (double Lower, double Upper) PoissonInterval(int count, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(confidence is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must be in (0, 1).");
        }

        double tail = (1 - confidence) / 2;
        // Upper: the mean at which P(X <= count) = tail; lower: the mean at which P(X >= count) = tail. Both monotone in the mean.
        double upper = Bisect(mu => PoissonCdf(count, mu) - tail, count + 1e-12, count + 50 + (10 * Math.Sqrt(count + 1)));
        double lower = count == 0 ? 0 : Bisect(mu => tail - (1 - PoissonCdf(count - 1, mu)), 1e-12, count);
        return (lower, upper);
    }

    /// <summary>Mean of the squared samples (0 for none).</summary>
    /// <param name="samples">The samples.</param>
    /// <returns>The power.</returns>
    public static double MeanSquare(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (float x in samples)
        {
            sum += (double)x * x;
        }

        return sum / samples.Length;
    }

    /// <summary>P(X &lt;= k) for a Poisson mean <paramref name="mu"/>, summed in log space.</summary>
    private static double PoissonCdf(int k, double mu)
    {
        double term = Math.Exp(-mu);
        double sum = term;
        for (int i = 1; i <= k; i++)
        {
            term *= mu / i;
            sum += term;
        }

        return Math.Min(1, sum);
    }

    /// <summary>The root of a function that is positive at <paramref name="lo"/> and negative at <paramref name="hi"/> (decreasing).</summary>
    private static double Bisect(Func<double, double> f, double lo, double hi)
    {
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (f(mid) > 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }
}
