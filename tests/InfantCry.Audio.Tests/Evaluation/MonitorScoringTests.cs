using InfantCry.Audio.Monitoring;
using InfantCry.Evaluation.Monitoring;

namespace InfantCry.Audio.Tests.Evaluation;

public class MonitorScoringTests
{
    /// <summary>Sums of a few doubles: only rounding differs from the exact value.</summary>
    private const double Exact = 1e-12;

    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(3);

    [Test]
    public void Every_start_in_a_stream_without_crying_is_a_false_alarm()
    {
        CryEvent[] events = [Started(10, 12), Ended(10, 15), Started(40, 42), Ended(40, 44), Started(90, 92)];

        Assert.That(MonitorScoring.CountStarts(events), Is.EqualTo(3));
        Assert.That(MonitorScoring.CountStarts([]), Is.Zero);
    }

    [Test]
    public void A_start_decided_between_onset_and_end_plus_hold_detects_the_cry_with_its_latency()
    {
        PlacedCry[] cries = [Cry(10, 15), Cry(35, 40), Cry(60, 65)];
        CryEvent[] events =
        [
            Started(2, 4), Ended(2, 8),             // before any cry: a false alarm
            Started(10.5, 12.4), Ended(10.5, 18),   // first cry, 2.4 s after its onset
            Started(42, 42.9), Ended(42, 46),       // after the second cry's end but within the hold: counts for it
            // third cry: nothing; then a start long after it
            Started(69.5, 70.0), Ended(69.5, 73),   // 5 s after the third cry's end > hold: a false alarm
        ];

        MonitorScore score = MonitorScoring.Score(cries, events, Hold);

        Assert.That(score.Cries.Select(c => c.Detected), Is.EqualTo(new[] { true, true, false }));
        Assert.That(score.Cries[0].Latency!.Value.TotalSeconds, Is.EqualTo(2.4).Within(Exact));
        Assert.That(score.Cries[1].Latency!.Value.TotalSeconds, Is.EqualTo(7.9).Within(Exact));
        Assert.That(score.Detected, Is.EqualTo(2));
        Assert.That(score.FalseAlarms, Is.EqualTo(2));
        Assert.That(score.LatencySeconds, Is.EqualTo(new[] { 2.4, 7.9 }).Within(Exact));
    }

    [Test]
    public void One_start_detects_at_most_one_cry()
    {
        // Two cries close together, one start inside both matching windows: it goes to the first.
        PlacedCry[] cries = [Cry(10, 12), Cry(13, 15)];

        MonitorScore score = MonitorScoring.Score(cries, [Started(10, 13.5)], Hold);

        Assert.That(score.Cries.Select(c => c.Detected), Is.EqualTo(new[] { true, false }));
        Assert.That(score.FalseAlarms, Is.Zero);
    }

    [Test]
    public void Percentile_interpolates_between_order_statistics_like_numpy()
    {
        double[] v = [4, 1, 3, 2, 5];   // numpy.percentile: 50 -> 3, 95 -> 4.8, 0 -> 1, 100 -> 5, 10 -> 1.4

        Assert.That(MonitorScoring.Percentile(v, 50), Is.EqualTo(3).Within(Exact));
        Assert.That(MonitorScoring.Percentile(v, 95), Is.EqualTo(4.8).Within(Exact));
        Assert.That(MonitorScoring.Percentile(v, 0), Is.EqualTo(1).Within(Exact));
        Assert.That(MonitorScoring.Percentile(v, 100), Is.EqualTo(5).Within(Exact));
        Assert.That(MonitorScoring.Percentile(v, 10), Is.EqualTo(1.4).Within(Exact));
        Assert.That(MonitorScoring.Percentile([7.0], 95), Is.EqualTo(7));
        Assert.That(MonitorScoring.Percentile([], 50), Is.NaN);
    }

    [Test]
    public void Active_span_runs_from_the_first_to_the_last_frame_within_the_floor_of_the_peak()
    {
        // 10 frames of 4 samples: silence, a quiet frame (-30 dB), loud frames 3..6, a -10 dB frame 7, silence.
        var x = new float[40];
        Fill(x, 1, 0.0316f);   // -30 dB: below a 20 dB floor
        for (int f = 3; f <= 6; f++)
        {
            Fill(x, f, 1f);
        }

        Fill(x, 7, 0.316f);    // -10 dB: above it

        Assert.That(MonitorScoring.ActiveSpan(x, 4, 20), Is.EqualTo((12, 32)));
        Assert.That(MonitorScoring.ActiveSpan(x, 4, 40), Is.EqualTo((4, 32)));
        Assert.That(MonitorScoring.ActiveSpan(new float[8], 4, 20), Is.Null);
        Assert.That(MonitorScoring.ActiveSpan([], 4, 20), Is.Null);
    }

    [Test]
    public void Gain_for_snr_sets_the_power_ratio()
    {
        float[] cry = [0.5f, -0.5f, 0.5f, -0.5f];      // power 0.25
        float[] noise = [0.1f, -0.1f, 0.1f, -0.1f];    // power 0.01

        double gain = MonitorScoring.GainForSnr(cry, noise, 10);

        // (g^2 * 0.25) / 0.01 = 10  =>  g^2 = 0.4
        // float inputs: 0.1f is 0.1 to 1.5e-8 relative, so the power ratio is exact to ~3e-8 relative
        Assert.That(gain * gain, Is.EqualTo(0.4).Within(1e-7));
        Assert.That(MonitorScoring.GainForSnr(cry, new float[4], 10), Is.NaN);
    }

    [Test]
    public void Poisson_interval_matches_the_exact_garwood_bounds()
    {
        // Garwood 95% bounds (chi-square quantiles / 2): 0 -> (0, 3.6889), 1 -> (0.0253, 5.5716), 10 -> (4.7954, 18.3904).
        const double Tabulated = 1e-4;   // the reference values are given to 4 decimals
        Assert.That(MonitorScoring.PoissonInterval(0, 0.95).Lower, Is.Zero);
        Assert.That(MonitorScoring.PoissonInterval(0, 0.95).Upper, Is.EqualTo(-Math.Log(0.025)).Within(1e-9));
        Assert.That(MonitorScoring.PoissonInterval(1, 0.95).Lower, Is.EqualTo(0.0253).Within(Tabulated));
        Assert.That(MonitorScoring.PoissonInterval(1, 0.95).Upper, Is.EqualTo(5.5716).Within(Tabulated));
        Assert.That(MonitorScoring.PoissonInterval(10, 0.95).Lower, Is.EqualTo(4.7954).Within(Tabulated));
        Assert.That(MonitorScoring.PoissonInterval(10, 0.95).Upper, Is.EqualTo(18.3904).Within(Tabulated));
    }

    private static void Fill(float[] x, int frame, float value)
    {
        for (int i = 0; i < 4; i++)
        {
            x[(frame * 4) + i] = i % 2 == 0 ? value : -value;
        }
    }

    private static PlacedCry Cry(double onset, double end) => new(TimeSpan.FromSeconds(onset), TimeSpan.FromSeconds(end));

    private static CryEvent Started(double start, double decided) =>
        new(CryEventKind.Started, TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(decided), TimeSpan.FromSeconds(decided), 0.5f, 0.4f, 3);

    private static CryEvent Ended(double start, double decided) =>
        new(CryEventKind.Ended, TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(decided - 3), TimeSpan.FromSeconds(decided), 0.5f, 0.4f, 5);
}
