using System.Buffers;
using System.Drawing;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Faces;

/// <summary>
/// Finds faces at any roll with an upright detector: the image is turned by each of
/// <see cref="RotationSearchOptions.Angles"/> (by default every 20 degrees) so that faces at that roll stand upright,
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
    private readonly bool _ownsDetector, _ownsRefiner;

    /// <summary>Wraps an upright face detector.</summary>
    /// <param name="detector">The upright detector, for example <see cref="UltraFaceDetector"/> or <see cref="YuNetDetector"/>.</param>
    /// <param name="options">Angles and merging; <see langword="null"/> for <see cref="RotationSearchOptions.Default"/>.</param>
    /// <param name="ownsDetector">Whether <see cref="Dispose"/> disposes <paramref name="detector"/>.</param>
    /// <param name="refiner">
    /// A detector with eye key points (YuNet, made with an input of <see cref="RotationSearchOptions.RefineCropSize"/>
    /// square) that settles every face's roll, up/down and box on crops of the face itself (see <see cref="Refine"/>);
    /// <see langword="null"/> to keep the passes' faces as they are.
    /// </param>
    /// <param name="ownsRefiner">Whether <see cref="Dispose"/> disposes <paramref name="refiner"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="detector"/> is null.</exception>
    public RotatingFaceDetector(IFaceDetector detector, RotationSearchOptions? options = null, bool ownsDetector = false, IFaceDetector? refiner = null, bool ownsRefiner = false)
    {
        ArgumentNullException.ThrowIfNull(detector);
        Inner = detector;
        Options = options ?? RotationSearchOptions.Default;
        _ownsDetector = ownsDetector;
        Refiner = refiner;
        _ownsRefiner = ownsRefiner;
    }

    /// <summary>The upright detector that runs on every turned copy.</summary>
    public IFaceDetector Inner { get; }

    /// <summary>The detector that refines each face on levelled crops (YuNet), or <see langword="null"/>.</summary>
    public IFaceDetector? Refiner { get; }

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
        var all = new List<FaceDetection>();
        DetectPasses(image, 0, Options.Angles.Count, all, cancellationToken);
        return Settle(image, all, expectedRoll, cancellationToken);
    }

    /// <summary>
    /// Runs some of the passes of <see cref="RotationSearchOptions.Angles"/> (a search spread over video frames; see
    /// <see cref="Settle"/>): for each, the image turned so that a face at that roll stands upright goes through
    /// <see cref="Inner"/>, and its faces are added to <paramref name="candidates"/> in the image's coordinates, each with its roll.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="first">The index of the first pass in <see cref="RotationSearchOptions.Angles"/>.</param>
    /// <param name="count">How many passes to run from <paramref name="first"/> (fewer when the list ends first).</param>
    /// <param name="candidates">Receives the passes' faces (not merged, not refined).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="ArgumentException">The image is a default view.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="candidates"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="first"/> is outside the list of angles, or <paramref name="count"/> is negative.</exception>
    public void DetectPasses(in ImageBuffer image, int first, int count, ICollection<FaceDetection> candidates, CancellationToken cancellationToken = default)
    {
        ImageGuard.NotEmpty(image, nameof(image));
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(first, Options.Angles.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int bpp = image.Format.BytesPerPixel();
        byte[]? canvas = null;
        try
        {
            for (int p = first; p < Math.Min(Options.Angles.Count, first + count); p++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int angle = Options.Angles[p];
                if (angle == 0)
                {
                    foreach (FaceDetection f in Inner.Detect(image, cancellationToken))
                    {
                        candidates.Add(Options.RollFromKeyPoints && f.KeyPoints.Count >= 2 ? f with { Roll = RollOf(f.KeyPoints[0], f.KeyPoints[1]) } : f);
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
                    candidates.Add(ToImage(f, turn));
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
    }

    /// <summary>
    /// Turns the passes' faces into the search's result: faces of different passes that overlap are merged
    /// (<see cref="RotationSearchOptions.MergeIoU"/>; near-ties go to <paramref name="expectedRoll"/>) and, with a
    /// <see cref="Refiner"/>, each is settled on crops of <paramref name="image"/> (<see cref="Refine"/>); faces the refiner
    /// does not confirm are dropped. The passes may have run on earlier frames of a video: the refiner finds the face
    /// in this one near where they saw it.
    /// </summary>
    /// <param name="image">The image the result is for.</param>
    /// <param name="candidates">Faces of <see cref="DetectPasses"/>.</param>
    /// <param name="expectedRoll">The roll, in degrees, that wins among near-tied passes.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The faces, most confident first.</returns>
    /// <exception cref="ArgumentException">The image is a default view.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="candidates"/> is null.</exception>
    public IReadOnlyList<FaceDetection> Settle(in ImageBuffer image, IEnumerable<FaceDetection> candidates, float expectedRoll, CancellationToken cancellationToken = default)
    {
        ImageGuard.NotEmpty(image, nameof(image));
        ArgumentNullException.ThrowIfNull(candidates);
        List<FaceDetection> merged = Merge([.. candidates], Options.MergeIoU, Options.AmbiguityMargin, expectedRoll);
        if (Refiner is null)
        {
            return merged;
        }

        // Each candidate settled on crops of itself; candidates that converge on one face are merged again, and
        // candidates the refiner does not confirm (the passes' false alarms) are dropped.
        var refined = new List<FaceDetection>(merged.Count);
        foreach (FaceDetection candidate in merged)
        {
            if (Refine(image, candidate, tryQuarterTurns: true, cancellationToken) is { } face)
            {
                refined.Add(face);
            }
        }

        return Merge(refined, Options.MergeIoU, 0f, expectedRoll);
    }

    /// <summary>
    /// Settles a face's roll, up/down and box on crops of the face itself, with <see cref="Refiner"/>: the face is cut
    /// out turned by its roll (and, with <paramref name="tryQuarterTurns"/>, by that roll plus every multiple of 360 /
    /// <see cref="RotationSearchOptions.RefineTurns"/> degrees), scaled so that it fills <see cref="RotationSearchOptions.RefineFaceShare"/> of a square of
    /// <see cref="RotationSearchOptions.RefineCropSize"/> pixels; the turn where the refiner is most confident wins
    /// (upright detectors score a face upright clearly higher than the same face sideways or upside down when the crop
    /// is levelled by its eyes); the face is then cut out again, centred, scaled and levelled by the refiner's box and
    /// eyes, and the refiner's box and key points on that canonical crop, mapped back, are the result. A face turned
    /// by any angle therefore reaches the same canonical crop, and the same box and landmarks.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="face">A face of this image (a pass's detection, or the previous video frame's refined face).</param>
    /// <param name="tryQuarterTurns">Whether to try <see cref="RotationSearchOptions.RefineTurns"/> turns (a new face) or only the face's own roll (tracking a face from the previous frame).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The refined face (box in its upright frame, roll from the refiner's eyes, key points in the image), or <see langword="null"/> when the refiner does not find it with at least <see cref="RotationSearchOptions.MinRefinedConfidence"/>.</returns>
    /// <exception cref="InvalidOperationException">The detector has no <see cref="Refiner"/>, or it gives no eye key points.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="face"/> is null.</exception>
    public FaceDetection? Refine(in ImageBuffer image, FaceDetection face, bool tryQuarterTurns = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(face);
        IFaceDetector refiner = Refiner ?? throw new InvalidOperationException("This detector has no refiner (pass a YuNet detector to the constructor).");
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CropBytes(image));
        try
        {
            (FaceDetection Face, LevelledCrop Crop)? best = null;
            int turns = tryQuarterTurns ? Options.RefineTurns : 1;
            float spacing = 360f / turns;
            for (int q = 0; q < turns; q++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LevelledCrop cut = CutAround(face.Box, face.Roll + (spacing * q));
                if (Central(refiner, image, cut, buffer, cancellationToken) is { } f && (best is null || f.Confidence > best.Value.Face.Confidence))
                {
                    best = (f, cut);
                }
            }

            if (best is not { } found || found.Face.Confidence < Options.MinRefinedConfidence)
            {
                return null;
            }

            FaceDetection result = InImage(found.Face, found.Crop);
            for (int step = 0; step < Options.RefineSteps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (At(image, result.Box, result.Roll, buffer, cancellationToken) is not { } next)
                {
                    break;
                }

                result = next;
            }

            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// dlib's 68 landmarks of a refined face, in its canonical frame: the landmarker fits the face in its levelled frame
    /// (refitting until the eyes are level), the refiner then draws the face's box again on a crop levelled at that
    /// frame (the refiner follows a face's tilt only in part, so the box it drew at its own roll is not the same at
    /// every roll), and the landmarker fits once more from that box. Without a refiner, only the first fit.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="face">A face from <see cref="Detect(in ImageBuffer, float, CancellationToken)"/> or <see cref="Refine"/>.</param>
    /// <param name="landmarker">The landmarker (use <see cref="Landmarks.FaceLandmarkerOptions.Levelled"/> with a refiner).</param>
    /// <param name="landmarks">Receives the 68 points in image pixels.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The face (its box redrawn, its roll the final frame's) and the roll of the frame the landmarks were fitted in.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="face"/> or <paramref name="landmarker"/> is null.</exception>
    public (FaceDetection Face, float Roll) FitLandmarks(in ImageBuffer image, FaceDetection face, Landmarks.FaceLandmarker landmarker, Span<PointF> landmarks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(face);
        ArgumentNullException.ThrowIfNull(landmarker);
        float roll = landmarker.Fit(image, face, landmarks);
        if (Refiner is null || Reframe(image, face, roll, cancellationToken) is not { } reframed)
        {
            return (face with { Roll = roll }, roll);
        }

        // The second fit starts at the first one's roll but stays as near the refined face's roll as the first.
        roll = landmarker.Fit(image, reframed, face.Roll, landmarks);
        return (reframed with { Roll = roll }, roll);
    }

    /// <summary>The refiner's box for the face on a crop levelled at <paramref name="roll"/>, the roll kept; <see langword="null"/> when the refiner does not find it there.</summary>
    private FaceDetection? Reframe(in ImageBuffer image, FaceDetection face, float roll, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CropBytes(image));
        try
        {
            return At(image, face.Box, roll, buffer, cancellationToken) is { } f ? f with { Roll = roll } : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The refiner's face on the crop cut around <paramref name="box"/> at <paramref name="roll"/>, in the image (its roll
    /// from the eyes); <see langword="null"/> when the refiner does not find it there with at least
    /// <see cref="RotationSearchOptions.MinRefinedConfidence"/>.
    /// </summary>
    private FaceDetection? At(in ImageBuffer image, RectangleF box, float roll, byte[] buffer, CancellationToken cancellationToken)
    {
        LevelledCrop cut = CutAround(box, roll);
        return Central(Refiner!, image, cut, buffer, cancellationToken) is { } f && f.Confidence >= Options.MinRefinedConfidence
            ? InImage(f, cut)
            : null;
    }

    /// <summary>Disposes the inner detector and the refiner when this detector owns them.</summary>
    public void Dispose()
    {
        if (_ownsDetector && Inner is IDisposable d)
        {
            d.Dispose();
        }

        if (_ownsRefiner && Refiner is IDisposable r)
        {
            r.Dispose();
        }
    }

    /// <summary>Bytes of one refine crop in the image's pixel format.</summary>
    private int CropBytes(in ImageBuffer image) => Options.RefineCropSize * Options.RefineCropSize * image.Format.BytesPerPixel();

    /// <summary>The refine crop around a face's box, turned by <paramref name="roll"/> and scaled so that the box's longer side fills <see cref="RotationSearchOptions.RefineFaceShare"/> of it.</summary>
    private LevelledCrop CutAround(RectangleF box, float roll)
    {
        int n = Options.RefineCropSize;
        return new LevelledCrop(box.X + (box.Width / 2), box.Y + (box.Height / 2), roll, n * Options.RefineFaceShare / MathF.Max(box.Width, box.Height), n, n);
    }

    /// <summary>The most confident refiner face whose centre is within a quarter of the crop of the crop's centre (the face the crop was cut around), in crop pixels; the crop is rendered into <paramref name="buffer"/>.</summary>
    private static FaceDetection? Central(IFaceDetector refiner, in ImageBuffer image, in LevelledCrop cut, byte[] buffer, CancellationToken cancellationToken)
    {
        int length = cut.Width * cut.Height * image.Format.BytesPerPixel();
        cut.Render(image, buffer.AsSpan(0, length));
        var crop = new ImageBuffer(buffer.AsMemory(0, length), cut.Width, cut.Height, image.Format);
        float mid = (cut.Width - 1) / 2f, reach = cut.Width / 4f;
        FaceDetection? best = null;
        foreach (FaceDetection f in refiner.Detect(crop, cancellationToken))
        {
            if (f.KeyPoints.Count < 2)
            {
                throw new InvalidOperationException("The refiner must give eye key points (right eye, left eye first), as YuNet does.");
            }

            float dx = f.Box.X + (f.Box.Width / 2) - mid, dy = f.Box.Y + (f.Box.Height / 2) - mid;
            if (MathF.Abs(dx) <= reach && MathF.Abs(dy) <= reach && (best is null || f.Confidence > best.Confidence))
            {
                best = f;
            }
        }

        return best;
    }

    /// <summary>A refiner face on a crop, in the image (see <see cref="MapBack{TView}"/>), its roll from the eyes.</summary>
    private static FaceDetection InImage(FaceDetection f, in LevelledCrop cut)
    {
        FaceDetection mapped = MapBack(f, cut);
        return mapped with { Roll = RollOf(mapped.KeyPoints[0], mapped.KeyPoints[1]) };
    }

    /// <summary>
    /// A face found on a turned view, in the image: its box centre and key points mapped back, its box size unscaled
    /// (the box stays in the face's upright frame); roll and confidence as found.
    /// </summary>
    private static FaceDetection MapBack<TView>(FaceDetection f, in TView view)
        where TView : struct, ITurnedView
    {
        PointF c = view.ToImage(new PointF(f.Box.X + (f.Box.Width / 2), f.Box.Y + (f.Box.Height / 2)));
        float w = (float)(f.Box.Width / view.Scale), h = (float)(f.Box.Height / view.Scale);
        var points = new PointF[f.KeyPoints.Count];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = view.ToImage(f.KeyPoints[i]);
        }

        return new FaceDetection(new RectangleF(c.X - (w / 2), c.Y - (h / 2), w, h), f.Confidence, points) { Roll = f.Roll };
    }

    /// <summary>The roll of the line from the first to the second point (YuNet: right eye, left eye), degrees -180..180.</summary>
    internal static float RollOf(PointF rightEye, PointF leftEye) =>
        (float)(Math.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X) * (180 / Math.PI));

    /// <summary>A pass's face in the image (see <see cref="MapBack{TView}"/>), its roll from the eyes or the pass's angle.</summary>
    private FaceDetection ToImage(FaceDetection f, in RotatedCanvas turn)
    {
        FaceDetection mapped = MapBack(f, turn);
        IReadOnlyList<PointF> p = mapped.KeyPoints;
        return mapped with { Roll = Options.RollFromKeyPoints && p.Count >= 2 ? RollOf(p[0], p[1]) : Normalize(turn.Angle + f.Roll) };
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
