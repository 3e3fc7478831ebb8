using InfantCry.Abstractions.Pain;

namespace InfantCry.Vision.Pain;

/// <summary>
/// Turns per-frame estimates into states with hysteresis (see <see cref="PainStateOptions"/> for the rule and its
/// latency) and raises <see cref="CryingStarted"/>, <see cref="CryingStopped"/> and <see cref="PainLevelChanged"/>
/// when they change.
/// </summary>
/// <remarks>
/// Follows one stream; not safe for concurrent calls. <see cref="Update"/> allocates only the new state when it changes.
/// Events are raised synchronously from <see cref="Update"/>, after <see cref="Current"/> is updated.
/// </remarks>
public sealed class PainStateTracker
{
    private static readonly PainState Initial = new() { Crying = false, Level = PainLevel.None, Evidence = 0, IsCurrent = false };

    private readonly bool[] _crying;
    private readonly PainLevel[] _levels;
    private int _count, _next, _gap;

    /// <summary>Creates a tracker in the state "not crying, no pain, not current".</summary>
    /// <param name="options">Hysteresis; <see langword="null"/> for <see cref="PainStateOptions.Default"/>.</param>
    /// <exception cref="ArgumentException"><see cref="PainStateOptions.EnterCount"/> exceeds the window, or <see cref="PainStateOptions.ExitCount"/> is not below it.</exception>
    public PainStateTracker(PainStateOptions? options = null)
    {
        Options = options ?? PainStateOptions.Default;
        if (Options.EnterCount > Options.Window || Options.ExitCount >= Options.EnterCount)
        {
            throw new ArgumentException($"Need ExitCount < EnterCount <= Window, got {Options.ExitCount}, {Options.EnterCount}, {Options.Window}.", nameof(options));
        }

        _crying = new bool[Options.Window];
        _levels = new PainLevel[Options.Window];
    }

    /// <summary>Raised when crying starts.</summary>
    public event EventHandler<PainStateChange>? CryingStarted;

    /// <summary>Raised when crying stops.</summary>
    public event EventHandler<PainStateChange>? CryingStopped;

    /// <summary>Raised when the pain level changes.</summary>
    public event EventHandler<PainStateChange>? PainLevelChanged;

    /// <summary>The hysteresis settings.</summary>
    public PainStateOptions Options { get; }

    /// <summary>The state after the last frame.</summary>
    public PainState Current { get; private set; } = Initial;

    /// <summary>Takes the next frame's result (with or without an estimate) and returns the state after it.</summary>
    /// <param name="frame">The frame's result, in stream order.</param>
    /// <returns>The state after the frame (the same instance as before when nothing changed).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
    public PainState Update(PainFrameResult frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        PainState previous = Current;
        if (!frame.HasEstimate || frame.Level is not PainLevel level)
        {
            if (++_gap >= Options.MaxGap && (_count > 0 || previous.IsCurrent))
            {
                _count = 0;
                _next = 0;
                Current = previous with { Evidence = 0, IsCurrent = false };
            }

            return Current;
        }

        _gap = 0;
        _crying[_next] = frame.CryingProbability >= Options.CryingThreshold;
        _levels[_next] = level;
        _next = (_next + 1) % _crying.Length;
        _count = Math.Min(_count + 1, _crying.Length);

        int cryingVotes = 0;
        Span<int> levelVotes = stackalloc int[3];
        for (int i = 0; i < _count; i++)
        {
            cryingVotes += _crying[i] ? 1 : 0;
            levelVotes[Math.Clamp((int)_levels[i], 0, 2)]++;
        }

        bool crying = previous.Crying
            ? !(cryingVotes <= Options.ExitCount && _count - cryingVotes >= Options.EnterCount)
            : cryingVotes >= Options.EnterCount;
        PainLevel newLevel = previous.Level;
        for (int l = 0; l < 3; l++)
        {
            if (l != (int)previous.Level && levelVotes[l] >= Options.EnterCount)
            {
                newLevel = (PainLevel)l;
            }
        }

        if (crying == previous.Crying && newLevel == previous.Level && previous.IsCurrent && previous.Evidence == _count)
        {
            return previous;
        }

        Current = new PainState { Crying = crying, Level = newLevel, Evidence = _count, IsCurrent = true };
        if (crying != previous.Crying)
        {
            (crying ? CryingStarted : CryingStopped)?.Invoke(this, new PainStateChange(frame.FrameIndex, frame.Timestamp, previous, Current));
        }

        if (newLevel != previous.Level)
        {
            PainLevelChanged?.Invoke(this, new PainStateChange(frame.FrameIndex, frame.Timestamp, previous, Current));
        }

        return Current;
    }

    /// <summary>Returns to the initial state ("not crying, no pain, not current") without raising events.</summary>
    public void Reset()
    {
        _count = 0;
        _next = 0;
        _gap = 0;
        Current = Initial;
    }
}
