namespace InfantCry.Vision.Pain;

/// <summary>
/// One video frame as <see cref="AudioVisualCryFusion"/> sees it: the face's crying probability, the audio cry score
/// covering the frame's time, their fusion and the fused crying state.
/// </summary>
/// <remarks>Immutable. A value type, so that fusing a frame allocates nothing.</remarks>
public readonly record struct AudioVisualCryFrame
{
    /// <summary>Index of the frame in the stream, from 0.</summary>
    public required long FrameIndex { get; init; }

    /// <summary>The frame's timestamp.</summary>
    public required TimeSpan Timestamp { get; init; }

    /// <summary>The face's crying probability, 0..1; <see langword="null"/> when the frame has no face estimate.</summary>
    public float? FaceCryingProbability { get; init; }

    /// <summary>
    /// The cry score of the audio window covering the frame's time (the one whose centre is nearest, or the latest
    /// window within <see cref="AudioVisualCryFusionOptions.AudioHold"/>), 0..1; <see langword="null"/> when no audio
    /// covers the frame.
    /// </summary>
    public float? AudioScore { get; init; }

    /// <summary>
    /// The fused crying probability, 0..1 (see <see cref="AudioVisualCryFusion"/> for the rule);
    /// <see langword="null"/> when the frame has neither a face estimate nor audio.
    /// </summary>
    public float? CryingProbability { get; init; }

    /// <summary>The fused crying state after this frame, with hysteresis (<see cref="AudioVisualCryFusionOptions.States"/>).</summary>
    public required bool Crying { get; init; }

    /// <summary>
    /// Whether <see cref="Crying"/> rests on recent evidence; <see langword="false"/> before the first frame with a
    /// source and after <see cref="PainStateOptions.MaxGap"/> frames in a row without one (the state is then the last
    /// one known).
    /// </summary>
    public required bool IsCurrent { get; init; }
}
