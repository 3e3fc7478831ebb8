namespace InfantCry.Vision.Sequencing;

/// <summary>What <see cref="FrameSequencer"/> does with a frame in which no face was found.</summary>
public enum NoFacePolicy
{
    /// <summary>Ignore the frame: windows are built from the frames that had a face, so a window may span a gap in time.</summary>
    Skip = 0,

    /// <summary>Repeat the last face's features for this frame (a frame with no earlier face is skipped).</summary>
    HoldLast = 1,

    /// <summary>Drop the frames collected so far: the next window starts after the gap (T faces in a row are needed again).</summary>
    Reset = 2,
}

/// <summary>Window length, stride and no-face policy of a <see cref="FrameSequencer"/>.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class SequenceOptions
{
    private readonly int _length = 4;
    private readonly int _stride = 1;
    private readonly NoFacePolicy _noFace = NoFacePolicy.Reset;

    /// <summary>The study's settings: windows of 4 frames, stride 1, <see cref="NoFacePolicy.Reset"/>.</summary>
    public static SequenceOptions Default { get; } = new();

    /// <summary>Frames per window (T), 1..1024. Default 4 (the study's best sequence length).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..1024.</exception>
    public int Length
    {
        get => _length;
        init => _length = value is >= 1 and <= 1024 ? value : throw new ArgumentOutOfRangeException(nameof(Length), value, "A window holds 1 to 1024 frames.");
    }

    /// <summary>Frames between the starts of consecutive windows, 1..1024. Default 1 (a window after every frame once T are collected).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..1024.</exception>
    public int Stride
    {
        get => _stride;
        init => _stride = value is >= 1 and <= 1024 ? value : throw new ArgumentOutOfRangeException(nameof(Stride), value, "The stride must be 1 to 1024 frames.");
    }

    /// <summary>What to do with a frame without a face. Default <see cref="NoFacePolicy.Reset"/>: a window only ever holds consecutive faces.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="NoFacePolicy"/>.</exception>
    public NoFacePolicy NoFace
    {
        get => _noFace;
        init => _noFace = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(NoFace), value, "Unknown no-face policy.");
    }
}
