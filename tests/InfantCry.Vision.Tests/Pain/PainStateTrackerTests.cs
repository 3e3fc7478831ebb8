using InfantCry.Abstractions.Pain;
using InfantCry.Vision.Pain;

namespace InfantCry.Vision.Tests.Pain;

/// <summary>The hysteresis of <see cref="PainStateTracker"/> on made-up per-frame sequences (no models).</summary>
[TestFixture]
public sealed class PainStateTrackerTests
{
    private static PainFrameResult Frame(long i, float crying, PainLevel level) => new()
    {
        FrameIndex = i, Timestamp = TimeSpan.FromSeconds(i / 30.0), FaceFound = true, HasEstimate = true,
        CryingProbability = crying, PainProbabilities = [0, 0, 0], Level = level,
    };

    private static PainFrameResult Nothing(long i) => new() { FrameIndex = i, Timestamp = TimeSpan.FromSeconds(i / 30.0), FaceFound = false, HasEstimate = false };

    private static (List<PainState> States, List<string> Events) Run(PainStateTracker tracker, IEnumerable<PainFrameResult> frames)
    {
        var events = new List<string>();
        tracker.CryingStarted += (_, c) => events.Add($"CryingStarted@{c.FrameIndex}");
        tracker.CryingStopped += (_, c) => events.Add($"CryingStopped@{c.FrameIndex}");
        tracker.PainLevelChanged += (_, c) => events.Add($"PainLevelChanged@{c.FrameIndex}:{c.Previous.Level}->{c.Current.Level}");
        return ([.. frames.Select(tracker.Update)], events);
    }

    [Test]
    public void Bursts_shorter_than_the_enter_count_never_change_the_state()
    {
        // The failure mode of issue 14: crying > 0.5 and severe pain in short bursts on a calm infant. Bursts of 6
        // (EnterCount - 1) among at least 4 calm frames: the window of 10 never holds 7 agreeing estimates.
        var frames = new List<PainFrameResult>();
        for (int i = 0; i < 300; i++)
        {
            bool burst = i % 10 >= 4;
            frames.Add(Frame(i, burst ? 0.9f : 0.1f, burst ? PainLevel.Severe : PainLevel.None));
        }

        (List<PainState> states, List<string> events) = Run(new PainStateTracker(), frames);
        Assert.That(events, Is.Empty);
        Assert.That(states.All(s => !s.Crying && s.Level == PainLevel.None), Is.True);
        Assert.That(frames.Count(f => f.CryingProbability >= 0.5f), Is.EqualTo(180), "the raw values flicker");
    }

    [Test]
    public void A_sustained_change_is_reported_at_its_seventh_estimate_and_ends_at_the_seventh_calm_one()
    {
        var frames = new List<PainFrameResult>();
        for (int i = 0; i < 60; i++)
        {
            bool crying = i is >= 20 and < 40;
            frames.Add(Frame(i, crying ? 0.8f : 0.2f, crying ? PainLevel.Moderate : PainLevel.None));
        }

        (List<PainState> states, List<string> events) = Run(new PainStateTracker(), frames);

        // Documented latency: EnterCount (7) consecutive estimates to start (frames 20..26), and crying stops when at
        // most ExitCount (3) of the last 10 say crying: the 7th calm estimate (frames 40..46).
        Assert.That(events, Is.EqualTo(new[]
        {
            "CryingStarted@26", "PainLevelChanged@26:None->Moderate", "CryingStopped@46", "PainLevelChanged@46:Moderate->None",
        }));
        Assert.That(states[25].Crying, Is.False);
        Assert.That(states[26].Crying, Is.True);
        Assert.That(states[45].Crying, Is.True);
        Assert.That(states[46].Crying, Is.False);
    }

    [Test]
    public void Frames_without_estimates_are_not_evidence_and_a_long_gap_makes_the_state_not_current()
    {
        var tracker = new PainStateTracker(new PainStateOptions { MaxGap = 5 });
        var frames = new List<PainFrameResult>();
        for (int i = 0; i < 10; i++)
        {
            frames.Add(Frame(i, 0.9f, PainLevel.Severe));
        }

        for (int i = 10; i < 20; i++)
        {
            frames.Add(Nothing(i));
        }

        (List<PainState> states, List<string> events) = Run(tracker, frames);
        Assert.That(events, Is.EqualTo(new[] { "CryingStarted@6", "PainLevelChanged@6:None->Severe" }));
        Assert.That(states[13], Is.SameAs(states[9]), "a few frames without a face change nothing");
        Assert.That(states[14], Is.EqualTo(states[9] with { Evidence = 0, IsCurrent = false }), "after MaxGap frames: same values, not current, no event");
        Assert.That(tracker.Update(Frame(20, 0.1f, PainLevel.None)), Has.Property(nameof(PainState.Crying)).True, "one calm estimate after the gap is not enough");
    }

    [Test]
    public void Reset_returns_to_the_initial_state_without_events()
    {
        var tracker = new PainStateTracker();
        (_, List<string> events) = Run(tracker, Enumerable.Range(0, 10).Select(i => Frame(i, 0.9f, PainLevel.None)));
        tracker.Reset();
        Assert.That(events, Is.EqualTo(new[] { "CryingStarted@6" }));
        Assert.That(tracker.Current, Is.EqualTo(new PainState { Crying = false, Level = PainLevel.None, Evidence = 0, IsCurrent = false }));
    }

    [Test]
    public void Options_validate_their_values()
    {
        Assert.That(PainStateOptions.Default.Window, Is.EqualTo(10));
        Assert.That(PainStateOptions.Default.EnterCount, Is.EqualTo(7));
        Assert.That(PainStateOptions.Default.ExitCount, Is.EqualTo(3));
        Assert.That(PainStateOptions.Default.CryingThreshold, Is.EqualTo(0.5f));
        Assert.That(PainStateOptions.Default.MaxGap, Is.EqualTo(30));
        Assert.That(() => new PainStateOptions { Window = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new PainStateOptions { CryingThreshold = 2 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new PainStateTracker(new PainStateOptions { Window = 5, EnterCount = 6 }), Throws.ArgumentException);
        Assert.That(() => new PainStateTracker(new PainStateOptions { EnterCount = 3, ExitCount = 3 }), Throws.ArgumentException);
    }
}
