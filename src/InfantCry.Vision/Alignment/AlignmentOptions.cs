namespace InfantCry.Alignment;

/// <summary>Output of <see cref="FaceAligner"/>: size and value scale of the aligned gray face.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class AlignmentOptions
{
    private readonly int _width = 64;
    private readonly int _height = 64;
    private readonly float _scale = 1f / 255f;

    /// <summary>The study's settings: 64 x 64, values scaled by 1/255 to 0..1.</summary>
    public static AlignmentOptions Default { get; } = new();

    /// <summary>Width of the aligned face in pixels, 1..4096. Default 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..4096.</exception>
    public int Width
    {
        get => _width;
        init => _width = value is >= 1 and <= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(Width), value, "The aligned width must be 1 to 4096 pixels.");
    }

    /// <summary>Height of the aligned face in pixels, 1..4096. Default 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..4096.</exception>
    public int Height
    {
        get => _height;
        init => _height = value is >= 1 and <= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(Height), value, "The aligned height must be 1 to 4096 pixels.");
    }

    /// <summary>Factor applied to the BT.601 gray values (0..255): 1/255 (default) gives 0..1, 1 keeps 0..255.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive finite number.</exception>
    public float Scale
    {
        get => _scale;
        init => _scale = value > 0 && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Scale), value, "The scale must be a positive finite number.");
    }
}
