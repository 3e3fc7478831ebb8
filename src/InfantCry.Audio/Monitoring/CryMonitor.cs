using InfantCry.Audio.Detection;

namespace InfantCry.Audio.Monitoring;

/// <summary>Whether a <see cref="CryEvent"/> opens or closes a cry.</summary>
public enum CryEventKind
{
    /// <summary>A cry began: enough cry windows, for long enough (<see cref="CryMonitorOptions"/>).</summary>
    Started = 0,

    /// <summary>The cry ended: no cry window for <see cref="CryMonitorOptions.Hold"/>, or the stream ended.</summary>
    Ended = 1,
}

/// <summary>A cry starting or ending in a monitored stream.</summary>
/// <param name="Kind">Started or ended.</param>
/// <param name="Start">Stream time at which the cry began (the start of its first cry window).</param>
/// <param name="End">Stream time at which it ended (the end of its last cry window); for <see cref="CryEventKind.Started"/>, the end of the latest cry window so far.</param>
/// <param name="DecidedAt">Stream time of the audio that decided the event (the end of the window that triggered it): for a start, <c>DecidedAt - Start</c> is the onset latency.</param>
/// <param name="PeakScore">Highest window score from <paramref name="Start"/> to <paramref name="End"/>.</param>
/// <param name="MeanScore">Mean window score over the same windows (including quieter windows inside the cry).</param>
/// <param name="Windows">Windows from <paramref name="Start"/> to <paramref name="End"/>.</param>
public readonly record struct CryEvent(CryEventKind Kind, TimeSpan Start, TimeSpan End, TimeSpan DecidedAt, float PeakScore, float MeanScore, int Windows)
{
    /// <summary>How long the cry lasted (so far, for a start event).</summary>
    public TimeSpan Duration => End - Start;
}

/// <summary>
/// Turns a detector's per-window verdicts into cry events with hysteresis: a cry starts after
/// <see cref="CryMonitorOptions.StartWindows"/> of the last <see cref="CryMonitorOptions.StartWindowSpan"/> windows are
/// cry windows and the run has lasted <see cref="CryMonitorOptions.MinimumDuration"/>; it ends when no cry window has
/// been heard for <see cref="CryMonitorOptions.Hold"/>. Every <see cref="CryEventKind.Started"/> is followed by exactly
/// one <see cref="CryEventKind.Ended"/> (at the latest from <see cref="Flush"/>).
/// </summary>
/// <remarks>
/// Feed it the windows of a <see cref="StreamingCryDetector"/> (or of a whole-clip <see cref="CryDetectionResult"/>) in
/// time order. Memory: a ring of <see cref="CryMonitorOptions.StartWindowSpan"/> windows; allocates nothing after
/// construction except the events it adds to the caller's collection. One stream per instance; not thread-safe.
/// </remarks>
public sealed class CryMonitor
{
    private readonly CryDetection[] _recent;   // ring of the last StartWindowSpan windows
    private int _recentCount;
    private int _recentNext;
    private bool _crying;
    private bool _started;                       // a Started event was emitted for the current run
    private TimeSpan _runStart;
    private TimeSpan _lastCryEnd;
    private TimeSpan _lastWindowEnd;
    private float _peak;
    private double _sum;
    private int _windows;
    private long _lastIndex = -1;

    /// <summary>Creates a monitor.</summary>
    /// <param name="options">Options; <see cref="CryMonitorOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException"><see cref="CryMonitorOptions.StartWindows"/> exceeds <see cref="CryMonitorOptions.StartWindowSpan"/>.</exception>
    public CryMonitor(CryMonitorOptions? options = null)
    {
        Options = options ?? CryMonitorOptions.Default;
        if (Options.StartWindows > Options.StartWindowSpan)
        {
            throw new ArgumentException($"StartWindows ({Options.StartWindows}) cannot exceed StartWindowSpan ({Options.StartWindowSpan}).", nameof(options));
        }

        _recent = new CryDetection[Options.StartWindowSpan];
    }

    /// <summary>The options in use.</summary>
    public CryMonitorOptions Options { get; }

    /// <summary>Whether a cry is in progress (a <see cref="CryEventKind.Started"/> event was reported and its end not yet).</summary>
    public bool IsCrying => _started;

    /// <summary>Adds the next window and reports the events it decides.</summary>
    /// <param name="window">The next window, in time order (its <see cref="CryDetection.Index"/> above the previous one's).</param>
    /// <param name="events">Receives the events, in time order.</param>
    /// <returns>The number of events added (0, 1 or 2).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is null.</exception>
    /// <exception cref="ArgumentException">The window is not after the previous one.</exception>
    public int Process(in CryDetection window, ICollection<CryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (window.Index <= _lastIndex)
        {
            throw new ArgumentException($"Windows must come in time order: window {window.Index} after window {_lastIndex}.", nameof(window));
        }

        _lastIndex = window.Index;
        int added = 0;
        bool cry = IsCry(window);
        TimeSpan end = window.Start + window.Duration;
        if (_crying && !cry && window.Start - _lastCryEnd >= Options.Hold)
        {
            added += EndRun(events, window.Start);
        }

        _recent[_recentNext] = window;
        _recentNext = (_recentNext + 1) % _recent.Length;
        _recentCount = Math.Min(_recentCount + 1, _recent.Length);
        _lastWindowEnd = end;

        if (_crying)
        {
            Accumulate(window);
            if (cry)
            {
                _lastCryEnd = end;
            }
        }
        else if (cry && CountRecentCries(out TimeSpan firstCryStart) >= Options.StartWindows)
        {
            _crying = true;
            _runStart = firstCryStart;
            _lastCryEnd = end;
            _peak = 0f;
            _sum = 0;
            _windows = 0;
            int oldest = _recentCount < _recent.Length ? 0 : _recentNext;
            for (int k = 0; k < _recentCount; k++)
            {
                CryDetection w = _recent[(oldest + k) % _recent.Length];
                if (w.Start >= firstCryStart)
                {
                    Accumulate(w);
                }
            }
        }

        if (_crying && !_started && _lastCryEnd - _runStart >= Options.MinimumDuration)
        {
            _started = true;
            events.Add(new CryEvent(CryEventKind.Started, _runStart, _lastCryEnd, end, _peak, (float)(_sum / _windows), _windows));
            added++;
        }

        return added;
    }

    /// <summary>Ends the stream: reports the end of a cry in progress.</summary>
    /// <param name="events">Receives the event.</param>
    /// <returns>The number of events added (0 or 1).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is null.</exception>
    public int Flush(ICollection<CryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return _crying ? EndRun(events, _lastWindowEnd) : 0;
    }

    /// <summary>Forgets the stream, to start a new one (no event is reported for a cry in progress).</summary>
    public void Reset()
    {
        _recentCount = 0;
        _recentNext = 0;
        _crying = false;
        _started = false;
        _lastIndex = -1;
    }

    private bool IsCry(in CryDetection w) => Options.Threshold is { } t ? w.Score >= t : w.IsCry;

    private void Accumulate(in CryDetection w)
    {
        _peak = Math.Max(_peak, w.Score);
        _sum += w.Score;
        _windows++;
    }

    private int EndRun(ICollection<CryEvent> events, TimeSpan decidedAt)
    {
        bool wasStarted = _started;
        _crying = false;
        _started = false;
        _recentCount = 0;
        _recentNext = 0;
        if (!wasStarted)
        {
            return 0;   // a run too short to report: nothing was started, so nothing ends
        }

        events.Add(new CryEvent(CryEventKind.Ended, _runStart, _lastCryEnd, decidedAt, _peak, (float)(_sum / _windows), _windows));
        return 1;
    }

    /// <summary>Cry windows among the recent ones, and the start of the earliest of them.</summary>
    private int CountRecentCries(out TimeSpan firstCryStart)
    {
        int count = 0;
        firstCryStart = TimeSpan.MaxValue;
        for (int i = 0; i < _recentCount; i++)
        {
            CryDetection w = _recent[i];
            if (IsCry(w))
            {
                count++;
                if (w.Start < firstCryStart)
                {
                    firstCryStart = w.Start;
                }
            }
        }

        return count;
    }
}
