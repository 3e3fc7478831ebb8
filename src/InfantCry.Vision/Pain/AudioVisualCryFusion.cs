using InfantCry.Abstractions.Pain;

namespace InfantCry.Vision.Pain;

/// <summary>
/// Fuses the face's crying (<see cref="PainFrameResult.CryingProbability"/>) with the audio's cry score per video
/// frame, for apps that feed frames and audio from their own sources, and keeps a fused crying state with hysteresis.
/// </summary>
/// <remarks>
/// <para><b>Inputs.</b> Audio arrives as scored windows (<see cref="ProcessAudio"/>: start, length, score 0..1), for
/// example the <c>CryDetection</c> windows of InfantCry.Audio's streaming cry detector (start, 0.96 s, score) on the
/// same clock as the frames. Frames arrive as <see cref="PainFrameResult"/>s (<see cref="Process(PainFrameResult)"/>),
/// or as a face crying probability from any other estimator. A frame's audio is the window covering its time whose
/// centre is nearest; when none covers it, the latest window that ended at most
/// <see cref="AudioVisualCryFusionOptions.AudioHold"/> before it; otherwise the frame has no audio.</para>
/// <para><b>Rule.</b> Each source becomes log-odds centred on its own threshold:
/// A = logit(audio score) − logit(<see cref="AudioVisualCryFusionOptions.AudioThreshold"/>),
/// F = logit(face probability) − logit(<see cref="AudioVisualCryFusionOptions.FaceThreshold"/>).
/// With both, the fused probability is sigmoid(w_a · clamp(A) + w_f · clamp(F)), each clamped to
/// ±<see cref="AudioVisualCryFusionOptions.EvidenceLimit"/>, with w_a = <see cref="AudioVisualCryFusionOptions.AudioWeight"/>
/// (default 1) above w_f = <see cref="AudioVisualCryFusionOptions.FaceWeight"/> (default 0.3): sound decides first, because
/// the audio detector was evaluated on real recordings it never saw while the face model has only seen synthetic infant
/// faces, and a crying face in a silent room is not crying. The face tips the balance only when the audio is near its
/// threshold. With one source, the fused probability is that source's alone, sigmoid(A) or sigmoid(F) (the face's own
/// probability with the default even-odds threshold 0.5). With neither, there is no fused value.</para>
/// <para><b>State.</b> Frames with a fused value vote "crying" when it reaches
/// <see cref="PainStateOptions.CryingThreshold"/>; crying starts and stops by the vote rule of
/// <see cref="PainStateTracker"/> (<see cref="AudioVisualCryFusionOptions.States"/>), with
/// <see cref="CryingStarted"/> and <see cref="CryingStopped"/> raised synchronously from <see cref="Process(PainFrameResult)"/>.</para>
/// <para><b>Threads and memory.</b> Follows one stream; not safe for concurrent calls (an app whose audio and frames
/// arrive on different threads must serialise its calls). Allocates nothing per frame; the audio window queue grows
/// only when more windows are waiting than ever before (audio fed far ahead of the frames), and windows are dropped
/// once the frames have passed them.</para>
/// </remarks>
public sealed class AudioVisualCryFusion
{
    private const float ProbabilityFloor = 1e-6f;

    private readonly float _audioCentre;
    private readonly float _faceCentre;
    private readonly bool[] _votes;
    private long[] _audioStart = new long[16];
    private long[] _audioEnd = new long[16];
    private float[] _audioScore = new float[16];
    private int _audioHead, _audioCount;
    private long _lastAudioStart = long.MinValue;
    private long _lastFrameTime = long.MinValue;
    private int _voteCount, _next, _gap;
    private bool _crying, _isCurrent;

    /// <summary>Creates a fusion in the state "not crying, not current", with no audio.</summary>
    /// <param name="options">Settings; <see langword="null"/> for <see cref="AudioVisualCryFusionOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">The hysteresis needs ExitCount &lt; EnterCount &lt;= Window.</exception>
    public AudioVisualCryFusion(AudioVisualCryFusionOptions? options = null)
    {
        Options = options ?? AudioVisualCryFusionOptions.Default;
        PainStateOptions states = Options.States;
        if (states.EnterCount > states.Window || states.ExitCount >= states.EnterCount)
        {
            throw new ArgumentException($"Need ExitCount < EnterCount <= Window, got {states.ExitCount}, {states.EnterCount}, {states.Window}.", nameof(options));
        }

        _audioCentre = Logit(Options.AudioThreshold);
        _faceCentre = Logit(Options.FaceThreshold);
        _votes = new bool[states.Window];
    }

    /// <summary>Raised with the frame at which the fused state starts crying.</summary>
    public event EventHandler<AudioVisualCryFrame>? CryingStarted;

    /// <summary>Raised with the frame at which the fused state stops crying.</summary>
    public event EventHandler<AudioVisualCryFrame>? CryingStopped;

    /// <summary>The settings.</summary>
    public AudioVisualCryFusionOptions Options { get; }

    /// <summary>
    /// Adds the next scored audio window, on the frames' clock. Feed each window before the frames it covers when
    /// the audio is available ahead (files); live, feed windows as the detector reports them.
    /// </summary>
    /// <param name="start">When the window starts (may be negative if the audio starts before the video).</param>
    /// <param name="duration">The window's length (the cry detector's: 0.96 s).</param>
    /// <param name="score">The window's cry score, 0..1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is not positive, or <paramref name="score"/> is not in 0..1.</exception>
    /// <exception cref="ArgumentException"><paramref name="start"/> is before the previous window's start.</exception>
    public void ProcessAudio(TimeSpan start, TimeSpan duration, float score)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        if (!(score is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "The audio score must be 0 to 1.");
        }

        if (start.Ticks < _lastAudioStart)
        {
            throw new ArgumentException($"Audio windows must come in time order: {start} is before the previous window's start {TimeSpan.FromTicks(_lastAudioStart)}.", nameof(start));
        }

        _lastAudioStart = start.Ticks;
        if (_audioCount == _audioStart.Length)
        {
            Grow();
        }

        int slot = (_audioHead + _audioCount) % _audioStart.Length;
        _audioStart[slot] = start.Ticks;
        _audioEnd[slot] = start.Ticks + duration.Ticks;
        _audioScore[slot] = score;
        _audioCount++;
    }

    /// <summary>Fuses the next frame's face estimate with the audio covering it and updates the fused state.</summary>
    /// <param name="frame">The frame's result, in stream order; its <see cref="PainFrameResult.CryingProbability"/> counts only when <see cref="PainFrameResult.HasEstimate"/>.</param>
    /// <returns>The frame's face, audio and fused values and the state after it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
    /// <exception cref="ArgumentException">The frame's timestamp is before the previous frame's.</exception>
    public AudioVisualCryFrame Process(PainFrameResult frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Process(frame.FrameIndex, frame.Timestamp, frame.HasEstimate ? frame.CryingProbability : null);
    }

    /// <summary>Fuses the next frame's face crying probability (from any estimator) with the audio covering it and updates the fused state.</summary>
    /// <param name="frameIndex">The frame's index in the stream.</param>
    /// <param name="timestamp">The frame's time, on the audio windows' clock; not before the previous frame's.</param>
    /// <param name="faceCryingProbability">The face's crying probability, 0..1; <see langword="null"/> when the frame has no face estimate.</param>
    /// <returns>The frame's face, audio and fused values and the state after it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="faceCryingProbability"/> is not in 0..1.</exception>
    /// <exception cref="ArgumentException"><paramref name="timestamp"/> is before the previous frame's.</exception>
    public AudioVisualCryFrame Process(long frameIndex, TimeSpan timestamp, float? faceCryingProbability)
    {
        if (faceCryingProbability is float f && !(f is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(faceCryingProbability), f, "The face crying probability must be 0 to 1.");
        }

        if (timestamp.Ticks < _lastFrameTime)
        {
            throw new ArgumentException($"Frames must come in time order: {timestamp} is before the previous frame's {TimeSpan.FromTicks(_lastFrameTime)}.", nameof(timestamp));
        }

        _lastFrameTime = timestamp.Ticks;
        float? audio = FindAudio(timestamp.Ticks);
        float? fused = Fuse(audio, faceCryingProbability);
        bool wasCrying = _crying;
        Vote(fused);
        var result = new AudioVisualCryFrame
        {
            FrameIndex = frameIndex,
            Timestamp = timestamp,
            FaceCryingProbability = faceCryingProbability,
            AudioScore = audio,
            CryingProbability = fused,
            Crying = _crying,
            IsCurrent = _isCurrent,
        };
        if (_crying != wasCrying)
        {
            (_crying ? CryingStarted : CryingStopped)?.Invoke(this, result);
        }

        return result;
    }

    /// <summary>The fusion rule alone (see the class remarks), without the state.</summary>
    /// <param name="audioScore">The audio cry score, 0..1, or <see langword="null"/> for no audio.</param>
    /// <param name="faceCryingProbability">The face's crying probability, 0..1, or <see langword="null"/> for no face estimate.</param>
    /// <returns>The fused crying probability; <see langword="null"/> when both are null.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is not in 0..1.</exception>
    public float? Fuse(float? audioScore, float? faceCryingProbability)
    {
        if (audioScore is float checkAudio && !(checkAudio is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(audioScore), checkAudio, "The audio score must be 0 to 1.");
        }

        if (faceCryingProbability is float checkFace && !(checkFace is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(faceCryingProbability), checkFace, "The face crying probability must be 0 to 1.");
        }

        float limit = Options.EvidenceLimit;
        float logOdds;
        if (audioScore is float a && faceCryingProbability is float f)
        {
            logOdds = (Options.AudioWeight * Math.Clamp(Logit(a) - _audioCentre, -limit, limit))
                + (Options.FaceWeight * Math.Clamp(Logit(f) - _faceCentre, -limit, limit));
        }
        else if (audioScore is float audioOnly)
        {
            logOdds = Logit(audioOnly) - _audioCentre;
        }
        else if (faceCryingProbability is float faceOnly)
        {
            logOdds = Logit(faceOnly) - _faceCentre;
        }
        else
        {
            return null;
        }

        return 1f / (1f + MathF.Exp(-logOdds));
    }

    /// <summary>Forgets the audio and the state, to start a new stream, without raising events.</summary>
    public void Reset()
    {
        _audioHead = 0;
        _audioCount = 0;
        _lastAudioStart = long.MinValue;
        _lastFrameTime = long.MinValue;
        _voteCount = 0;
        _next = 0;
        _gap = 0;
        _crying = false;
        _isCurrent = false;
    }

    private static float Logit(float p)
    {
        p = Math.Clamp(p, ProbabilityFloor, 1f - ProbabilityFloor);
        return MathF.Log(p / (1f - p));
    }

    private float? FindAudio(long t)
    {
        int capacity = _audioStart.Length;
        long hold = Options.AudioHold.Ticks;
        while (_audioCount > 0 && _audioEnd[_audioHead] + hold < t)
        {
            _audioHead = (_audioHead + 1) % capacity;
            _audioCount--;
        }

        int covering = -1, ended = -1;
        long nearest = long.MaxValue;
        for (int k = 0; k < _audioCount; k++)
        {
            int i = (_audioHead + k) % capacity;
            if (_audioStart[i] > t)
            {
                break;
            }

            if (t < _audioEnd[i])
            {
                long distance = Math.Abs((2 * t) - _audioStart[i] - _audioEnd[i]);
                if (distance <= nearest)
                {
                    nearest = distance;
                    covering = i;
                }
            }
            else
            {
                ended = i;
            }
        }

        return covering >= 0 ? _audioScore[covering] : ended >= 0 ? _audioScore[ended] : null;
    }

    private void Vote(float? fused)
    {
        PainStateOptions states = Options.States;
        if (fused is not float p)
        {
            if (++_gap >= states.MaxGap && (_voteCount > 0 || _isCurrent))
            {
                _voteCount = 0;
                _next = 0;
                _isCurrent = false;
            }

            return;
        }

        _gap = 0;
        _votes[_next] = p >= states.CryingThreshold;
        _next = (_next + 1) % _votes.Length;
        _voteCount = Math.Min(_voteCount + 1, _votes.Length);
        int crying = 0;
        for (int i = 0; i < _voteCount; i++)
        {
            crying += _votes[i] ? 1 : 0;
        }

        _crying = _crying
            ? !(crying <= states.ExitCount && _voteCount - crying >= states.EnterCount)
            : crying >= states.EnterCount;
        _isCurrent = true;
    }

    private void Grow()
    {
        int capacity = _audioStart.Length, grown = capacity * 2;
        var start = new long[grown];
        var end = new long[grown];
        var score = new float[grown];
        for (int k = 0; k < _audioCount; k++)
        {
            int i = (_audioHead + k) % capacity;
            start[k] = _audioStart[i];
            end[k] = _audioEnd[i];
            score[k] = _audioScore[i];
        }

        _audioStart = start;
        _audioEnd = end;
        _audioScore = score;
        _audioHead = 0;
    }
}
