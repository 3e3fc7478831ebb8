using InfantCry.Audio.Detection;
using InfantCry.Audio.Monitoring;

namespace InfantCry.Audio.Tests.Monitoring;

/// <summary>The monitor's hysteresis on scripted window sequences (the detector's 0.96 s windows every 0.48 s).</summary>
public sealed class CryMonitorTests
{
    private static readonly TimeSpan Hop = TimeSpan.FromMilliseconds(480);
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(960);

    /// <summary>Windows from a pattern: '#' a cry window (score 0.9), '.' a quiet one (score 0.02).</summary>
    private static CryDetection[] Windows(string pattern) =>
        pattern.Select((c, i) => new CryDetection(i, i * Hop, Window, c == '#' ? 0.9f : 0.02f, c == '#')).ToArray();

    private static List<CryEvent> Run(string pattern, CryMonitorOptions? options = null, bool flush = true)
    {
        var monitor = new CryMonitor(options);
        var events = new List<CryEvent>();
        foreach (CryDetection w in Windows(pattern))
        {
            monitor.Process(w, events);
        }

        if (flush)
        {
            monitor.Flush(events);
        }

        return events;
    }

    [Test]
    public void Silence_gives_no_event()
    {
        Assert.That(Run(new string('.', 200)), Is.Empty);
    }

    [Test]
    public void Isolated_cry_windows_do_not_start_a_cry()
    {
        // Two cry windows in every four never reach 3 of 4.
        Assert.That(Run(string.Concat(Enumerable.Repeat("#..#", 40))), Is.Empty);
        Assert.That(Run("..#....#....##.....#"), Is.Empty);
    }

    [Test]
    public void A_sustained_cry_starts_once_and_ends_once_with_its_true_span()
    {
        // 10 quiet windows, 20 cry windows (indices 10..29), 20 quiet.
        List<CryEvent> events = Run(new string('.', 10) + new string('#', 20) + new string('.', 20));
        Assert.That(events.Select(e => e.Kind), Is.EqualTo(new[] { CryEventKind.Started, CryEventKind.Ended }));
        CryEvent started = events[0], ended = events[1];
        Assert.That(started.Start, Is.EqualTo(10 * Hop));
        // 3 of 4 cry windows at window 12, lasting 12*0.48+0.96-4.8 = 1.92 s >= 1.5 s: decided at the end of window 12.
        Assert.That(started.DecidedAt, Is.EqualTo(12 * Hop + Window));
        Assert.That(started.DecidedAt - started.Start, Is.EqualTo(TimeSpan.FromMilliseconds(1920)));
        Assert.That(ended.Start, Is.EqualTo(10 * Hop));
        Assert.That(ended.End, Is.EqualTo(29 * Hop + Window));
        // The hold (3 s) has passed once a quiet window starts 3 s after the last cry window's end (window 29 ends at 14.88 s).
        Assert.That(ended.DecidedAt, Is.EqualTo(38 * Hop));
        Assert.That(ended.PeakScore, Is.EqualTo(0.9f));
        Assert.That(ended.Windows, Is.GreaterThanOrEqualTo(20));
    }

    [Test]
    public void A_pause_shorter_than_the_hold_does_not_split_a_cry()
    {
        // 12 cry windows, a 2.4 s pause (5 windows: the gap from the last cry end to the next cry start is < 3 s), 12 cry windows.
        List<CryEvent> events = Run(new string('#', 12) + new string('.', 5) + new string('#', 12) + new string('.', 20));
        Assert.That(events.Count(e => e.Kind == CryEventKind.Started), Is.EqualTo(1));
        Assert.That(events.Count(e => e.Kind == CryEventKind.Ended), Is.EqualTo(1));
    }

    [Test]
    public void A_pause_longer_than_the_hold_splits_a_cry_in_two()
    {
        List<CryEvent> events = Run(new string('#', 12) + new string('.', 15) + new string('#', 12) + new string('.', 20));
        Assert.That(events.Select(e => e.Kind), Is.EqualTo(new[] { CryEventKind.Started, CryEventKind.Ended, CryEventKind.Started, CryEventKind.Ended }));
    }

    [Test]
    public void Flush_ends_a_cry_in_progress_and_every_start_has_one_end()
    {
        List<CryEvent> unflushed = Run(new string('.', 5) + new string('#', 10), flush: false);
        Assert.That(unflushed.Select(e => e.Kind), Is.EqualTo(new[] { CryEventKind.Started }));
        List<CryEvent> flushed = Run(new string('.', 5) + new string('#', 10));
        Assert.That(flushed.Select(e => e.Kind), Is.EqualTo(new[] { CryEventKind.Started, CryEventKind.Ended }));
        Assert.That(flushed[1].End, Is.EqualTo(14 * Hop + Window));
    }

    [Test]
    public void Minimum_duration_suppresses_short_runs()
    {
        var options = new CryMonitorOptions { MinimumDuration = TimeSpan.FromSeconds(5) };
        Assert.That(Run(new string('#', 6) + new string('.', 30), options), Is.Empty);           // 6 windows span 3.36 s
        Assert.That(Run(new string('#', 10) + new string('.', 30), options), Has.Count.EqualTo(2)); // 10 windows span 5.28 s
    }

    [Test]
    public void Its_own_threshold_overrides_the_windows_verdict()
    {
        CryDetection[] windows = Enumerable.Range(0, 30).Select(i => new CryDetection(i, i * Hop, Window, 0.3f, false)).ToArray();
        var strict = new CryMonitor();
        var loose = new CryMonitor(new CryMonitorOptions { Threshold = 0.25f });
        var a = new List<CryEvent>();
        var b = new List<CryEvent>();
        foreach (CryDetection w in windows)
        {
            strict.Process(w, a);
            loose.Process(w, b);
        }

        Assert.That(a, Is.Empty);
        Assert.That(b, Has.Count.EqualTo(1));
        Assert.That(loose.IsCrying, Is.True);
    }

    [Test]
    public void Windows_out_of_order_and_bad_options_are_rejected()
    {
        var monitor = new CryMonitor();
        var events = new List<CryEvent>();
        monitor.Process(new CryDetection(5, 5 * Hop, Window, 0.1f, false), events);
        Assert.That(() => monitor.Process(new CryDetection(5, 5 * Hop, Window, 0.1f, false), events), Throws.ArgumentException.With.Message.Contains("time order"));
        Assert.That(() => new CryMonitor(new CryMonitorOptions { StartWindows = 5, StartWindowSpan = 4 }), Throws.ArgumentException);
        Assert.That(() => new CryMonitorOptions { Threshold = 1.5f }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CryMonitorOptions { Hold = TimeSpan.FromSeconds(-1) }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        monitor.Reset();
        Assert.That(() => monitor.Process(new CryDetection(0, TimeSpan.Zero, Window, 0.1f, false), events), Throws.Nothing);
    }

    [Test]
    public void Steady_state_allocates_nothing()
    {
        CryDetection[] windows = Windows(string.Concat(Enumerable.Repeat(new string('#', 20) + new string('.', 20), 10)));
        var monitor = new CryMonitor();
        var events = new List<CryEvent>(64);
        long bytes = Allocations.PerPass(() =>
        {
            events.Clear();
            monitor.Reset();
            foreach (CryDetection w in windows)
            {
                monitor.Process(w, events);
            }

            monitor.Flush(events);
        });
        Assert.That(bytes, Is.Zero);
        Assert.That(events, Has.Count.EqualTo(20));
    }

    [Test]
    public void Calibration_proposes_the_lowest_threshold_without_false_alarms_in_the_room()
    {
        // 10 minutes of a room: low scores, with a loud stretch (scores 0.3) of 8 windows, e.g. a dog barking.
        var rng = new Random(3);
        CryDetection[] room = Enumerable.Range(0, 1250).Select(i =>
        {
            float s = i is >= 600 and < 608 ? 0.3f : (float)(rng.NextDouble() * 0.05);
            return new CryDetection(i, i * Hop, Window, s, s >= 0.1f);
        }).ToArray();
        CryCalibration c = CryThresholdCalibrator.Calibrate(room, falseAlarmsPerHour: 0);
        Assert.That(c.FalseAlarms, Is.Zero);
        Assert.That(c.AllowedFalseAlarms, Is.Zero);
        Assert.That(c.Threshold, Is.GreaterThan(0.3f).And.LessThan(0.31f));
        Assert.That(c.Listened.TotalMinutes, Is.EqualTo(1249 * 0.48 / 60 + 0.96 / 60).Within(1e-9));
        Assert.That(c.HighestScore, Is.EqualTo(0.3f));
        Assert.That(c.Statement, Does.Contain("0 false alarm(s)"));

        // Allowing 6 alarms an hour (1 over these 10 minutes) lets the bark through and goes down to the room's noise.
        CryCalibration loose = CryThresholdCalibrator.Calibrate(room, falseAlarmsPerHour: 6);
        Assert.That(loose.AllowedFalseAlarms, Is.EqualTo(1));
        Assert.That(loose.FalseAlarms, Is.LessThanOrEqualTo(1));
        Assert.That(loose.Threshold, Is.LessThan(0.06f));
        Assert.That(() => CryThresholdCalibrator.Calibrate([], 1), Throws.ArgumentException);
        Assert.That(() => CryThresholdCalibrator.Calibrate(room, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
