namespace InfantCry.Abstractions.Pain;

/// <summary>
/// The smoothed state of a stream after a frame: whether the infant is crying and its pain level, changed only after
/// consistent evidence (unlike the per-frame values of <see cref="PainFrameResult"/>, which flicker).
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed record PainState
{
    /// <summary>Whether the infant is crying.</summary>
    public required bool Crying { get; init; }

    /// <summary>The pain level.</summary>
    public required PainLevel Level { get; init; }

    /// <summary>How many per-frame estimates the state's window holds now (0 right after a start or a long gap).</summary>
    public required int Evidence { get; init; }

    /// <summary>Whether the state rests on recent estimates; <see langword="false"/> before the first ones and after a long stretch without an estimate (no face, or a face not seen well), when the state is only the last one known.</summary>
    public required bool IsCurrent { get; init; }
}

/// <summary>A change of <see cref="PainState"/>.</summary>
/// <param name="FrameIndex">The frame at which the state changed.</param>
/// <param name="Timestamp">That frame's time.</param>
/// <param name="Previous">The state before.</param>
/// <param name="Current">The state after.</param>
public sealed record PainStateChange(long FrameIndex, TimeSpan Timestamp, PainState Previous, PainState Current);
