using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Alignment;

/// <summary>How <see cref="FaceAligner"/> resamples the face box onto the output grid.</summary>
public enum AlignmentSampling
{
    /// <summary>
    /// The convention the pain models are trained with (<c>training/pain/align.py</c>): the continuous box is
    /// stretched onto the output, each output pixel centre is mapped back through the rotation and sampled once,
    /// bilinearly, from the gray image; samples outside the image take the nearest edge pixel (border replicate).
    /// No anti-alias pre-filter.
    /// </summary>
    Direct = 0,

    /// <summary>
    /// Literal "rotate, crop, resize": the rotated image (constant 0 outside the source) is cropped to the box
    /// widened to whole pixels (<see cref="AlignmentGeometry.PixelCrop"/>), then resized with the area-aware
    /// bilinear filter of <see cref="Imaging.Resize"/> (anti-aliased when shrinking).
    /// </summary>
    RotateCropResize = 1,
}

/// <summary>Output of <see cref="FaceAligner"/>: size and value scale of the aligned gray face.</summary>
/// <remarks>Immutable and thread-safe. Every setter validates its value.</remarks>
public sealed class AlignmentOptions
{
    private readonly int _width = 64;
    private readonly int _height = 64;
    private readonly float _scale = 1f / 255f;
    private readonly AlignmentSampling _sampling = AlignmentSampling.Direct;

    /// <summary>The study's settings: 64 x 64, values scaled by 1/255 to 0..1, <see cref="AlignmentSampling.Direct"/> sampling (as the pain models' training).</summary>
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

    /// <summary>Resampling convention. Default <see cref="AlignmentSampling.Direct"/>, the one the pain models are trained with.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="AlignmentSampling"/>.</exception>
    public AlignmentSampling Sampling
    {
        get => _sampling;
        init => _sampling = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Sampling), value, "Unknown alignment sampling.");
    }
}
