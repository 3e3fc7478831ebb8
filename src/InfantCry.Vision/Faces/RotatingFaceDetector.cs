using System.Buffers;
using System.Drawing;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;

namespace InfantCry.Vision.Faces;

/// <summary>
/// Finds faces at any roll with an upright detector: the image is turned by each of
/// <see cref="RotationSearchOptions.Angles"/> (by default every 45 degrees) so that faces at that roll stand upright,
/// the inner detector runs on each turned copy, and the faces are mapped back to the image and merged (the most
/// confident of overlapping faces is kept). Each face carries its <see cref="FaceDetection.Roll"/> (the pass's
/// angle, or with key points the angle of the line through the eyes) and its box in the face's upright frame.
/// </summary>
/// <remarks>
/// <para>Babies in cots and incubators are filmed from above at any roll; upright face detectors (UltraFace, YuNet)
/// find faces only within about 25 degrees of upright. The 0-degree pass is the inner detector on the image itself, so
/// an upright face is found exactly as the inner detector finds it.</para>
/// <para>Thread-safe when the inner detector is (InfantCry's are): each call rents its canvases. Cost: one inner
/// detection per angle plus the turned copies. Dispose it to dispose an inner detector it owns.</para>
/// </remarks>
public sealed class RotatingFaceDetector : IFaceDetector, IDisposable
{
    private readonly bool _ownsDetector;

    /// <summary>Wraps an upright face detector.</summary>
    /// <param name="detector">The upright detector, for example <see cref="UltraFaceDetector"/> or <see cref="YuNetDetector"/>.</param>
    /// <param name="options">Angles and merging; <see langword="null"/> for <see cref="RotationSearchOptions.Default"/>.</param>
    /// <param name="ownsDetector">Whether <see cref="Dispose"/> disposes <paramref name="detector"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="detector"/> is null.</exception>
    public RotatingFaceDetector(IFaceDetector detector, RotationSearchOptions? options = null, bool ownsDetector = false)
    {
        ArgumentNullException.ThrowIfNull(detector);
        Inner = detector;
        Options = options ?? RotationSearchOptions.Default;
        _ownsDetector = ownsDetector;
    }

    /// <summary>The upright detector that runs on every turned copy.</summary>
    public IFaceDetector Inner { get; }

    /// <summary>The options.</summary>
    public RotationSearchOptions Options { get; }

    /// <inheritdoc />
    /// <remarks>Faces are expected upright: among near-tied passes (<see cref="RotationSearchOptions.AmbiguityMargin"/>) the one nearest 0 degrees wins.</remarks>
    /// <exception cref="ArgumentException">The image is a default view.</exception>
    public IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, CancellationToken cancellationToken = default) =>
        Detect(image, 0f, cancellationToken);

    /// <summary>Detects faces at any roll, most confident first, expecting them near <paramref name="expectedRoll"/> (for example the roll of the face in the previous video frame).</summary>
    /// <param name="image">The image.</param>
    /// <param name="expectedRoll">The roll, in degrees, that wins among passes whose confidences are within <see cref="RotationSearchOptions.AmbiguityMargin"/> of the best (upright detectors also fire on faces upside down).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The faces, each with its <see cref="FaceDetection.Roll"/> and its box in its upright frame.</returns>
    /// <exception cref="ArgumentException">The image is a default view.</exception>
    public IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, float expectedRoll, CancellationToken cancellationToken = default)
    {
        if (image.Width < 1 || image.Height < 1)
        {
            throw new ArgumentException("The image is empty (a default ImageBuffer); construct it with its pixels and size.", nameof(image));
        }

        var all = new List<FaceDetection>();
        int bpp = image.Format.BytesPerPixel();
        byte[]? canvas = null;
        try
        {
            foreach (int angle in Options.Angles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (angle == 0)
                {
                    foreach (FaceDetection f in Inner.Detect(image, cancellationToken))
                    {
                        all.Add(Options.RollFromKeyPoints && f.KeyPoints.Count >= 2 ? f with { Roll = RollOf(f.KeyPoints[0], f.KeyPoints[1]) } : f);
                    }

                    continue;
                }

                var turn = new RotatedCanvas(image.Width, image.Height, angle, Options.CanvasMaxSide);
                int length = turn.Width * turn.Height * bpp;
                canvas ??= ArrayPool<byte>.Shared.Rent(image.Width * image.Height * bpp);
                turn.Render(image, canvas.AsSpan(0, length));
                var turned = new ImageBuffer(canvas.AsMemory(0, length), turn.Width, turn.Height, image.Format);
                foreach (FaceDetection f in Inner.Detect(turned, cancellationToken))
                {
                    all.Add(ToImage(f, turn));
                }
            }
        }
        finally
        {
            if (canvas is not null)
            {
                ArrayPool<byte>.Shared.Return(canvas);
            }
        }

        return Merge(all, Options.MergeIoU, Options.AmbiguityMargin, expectedRoll);
    }

    /// <summary>Disposes the inner detector when this detector owns it.</summary>
    public void Dispose()
    {
        if (_ownsDetector && Inner is IDisposable d)
        {
            d.Dispose();
        }
    }

    /// <summary>The roll of the line from the first to the second point (YuNet: right eye, left eye), degrees -180..180.</summary>
    internal static float RollOf(PointF rightEye, PointF leftEye) =>
        (float)(Math.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X) * (180 / Math.PI));

    private FaceDetection ToImage(FaceDetection f, in RotatedCanvas turn)
    {
        RectangleF b = f.Box;
        PointF c = turn.ToImage(new PointF(b.X + (b.Width / 2), b.Y + (b.Height / 2)));
        var points = new PointF[f.KeyPoints.Count];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = turn.ToImage(f.KeyPoints[i]);
        }

        float roll = Options.RollFromKeyPoints && points.Length >= 2 ? RollOf(points[0], points[1]) : Normalize(turn.Angle + f.Roll);
        return new FaceDetection(new RectangleF(c.X - (b.Width / 2), c.Y - (b.Height / 2), b.Width, b.Height), f.Confidence, points) { Roll = roll };
    }

    private static float Normalize(float degrees)
    {
        float d = degrees % 360f;
        return d > 180f ? d - 360f : d <= -180f ? d + 360f : d;
    }

    /// <summary>
    /// Groups the faces of all passes by overlap (the most confident face of a group first, as in NMS) and keeps, per
    /// group, the face of the pass with the highest confidence; among faces within <paramref name="margin"/> of each
    /// other's confidence, the one whose roll is nearest <paramref name="expected"/> wins. Upright detectors also fire,
    /// often as confidently, on faces turned by 45 to 180 degrees (UltraFace on upside-down faces), so the confidence
    /// alone cannot tell a face from the same face upside down; the expected roll settles it. The group's confidence
    /// is its highest.
    /// </summary>
    private static List<FaceDetection> Merge(List<FaceDetection> all, float iou, float margin, float expected)
    {
        int n = all.Count;
        int[] order = [.. Enumerable.Range(0, n).OrderByDescending(i => all[i].Confidence)];
        var taken = new bool[n];
        var result = new List<FaceDetection>();
        foreach (int seed in order)
        {
            if (taken[seed])
            {
                continue;
            }

            int best = seed;
            foreach (int j in order)
            {
                if (!taken[j] && (j == seed || NonMaxSuppression.IoU(all[seed].Box, all[j].Box) > iou))
                {
                    taken[j] = true;
                    if (Better(all[j], all[best], margin, expected))
                    {
                        best = j;
                    }
                }
            }

            result.Add(all[best] with { Confidence = all[seed].Confidence });
        }

        return result;
    }

    private static bool Better(FaceDetection a, FaceDetection b, float margin, float expected)
    {
        if (MathF.Abs(a.Confidence - b.Confidence) > margin)
        {
            return a.Confidence > b.Confidence;
        }

        float da = MathF.Abs(Normalize(a.Roll - expected)), db = MathF.Abs(Normalize(b.Roll - expected));
        return da != db ? da < db : a.Confidence > b.Confidence;
    }

}
