using System.Drawing;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;

namespace InfantCry.Vision.Landmarks;

/// <summary>
/// dlib's 68 landmarks for a detected face at any roll: the detector's box becomes a dlib-style box in the face's
/// upright frame, the <see cref="ShapePredictor"/> runs in that frame (turned by the face's roll) and the points are
/// mapped back to the image; when the fitted eyes show a roll that differs from the frame's by more than
/// <see cref="FaceLandmarkerOptions.RefitTolerance"/>, the face is fitted again at the eyes' roll (at most <see cref="FaceLandmarkerOptions.MaxRefits"/> times).
/// </summary>
/// <remarks>
/// An upright face (roll within <see cref="FaceLandmarkerOptions.UprightTolerance"/>) is fitted exactly as
/// <see cref="ShapePredictor.Predict(in ImageBuffer, RectangleF, Span{PointF})"/> on the converted box. Immutable and
/// thread-safe; a call allocates nothing.
/// </remarks>
public sealed class FaceLandmarker
{
    /// <summary>Side of a crop over the side of the dlib box in it: dlib's features reach a little outside the box.</summary>
    private const float CropMargin = 1.6f;

    /// <summary>Largest turn, in degrees, a secant refit may make (beyond it the plain step is taken).</summary>
    private const float MaxSecantStep = 45f;

    private readonly Func<RectangleF, RectangleF> _toDlibBox;

    /// <summary>Creates a landmarker.</summary>
    /// <param name="predictor">dlib's 68-point predictor.</param>
    /// <param name="toDlibBox">Maps a detector's (upright-frame) box to the box dlib's predictor expects, for example
    /// <see cref="Faces.DlibFaceBox.FromUltraFace"/>; <see langword="null"/> for the identity.</param>
    /// <param name="options">Settings; <see langword="null"/> for <see cref="FaceLandmarkerOptions.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="predictor"/> is null.</exception>
    public FaceLandmarker(ShapePredictor predictor, Func<RectangleF, RectangleF>? toDlibBox = null, FaceLandmarkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        Predictor = predictor;
        _toDlibBox = toDlibBox ?? (static b => b);
        Options = options ?? FaceLandmarkerOptions.Default;
    }

    /// <summary>The predictor.</summary>
    public ShapePredictor Predictor { get; }

    /// <summary>The settings.</summary>
    public FaceLandmarkerOptions Options { get; }

    /// <summary>Places the landmarks of <paramref name="face"/>.</summary>
    /// <param name="image">The image the face was found in.</param>
    /// <param name="face">The detection; its <see cref="FaceDetection.Roll"/> gives the first frame.</param>
    /// <param name="landmarks">Receives <see cref="ShapePredictor.PartCount"/> points in image pixels.</param>
    /// <returns>The roll, in degrees, of the frame the landmarks were finally fitted in (0 for an upright fit).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="face"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="landmarks"/> is too short or <paramref name="image"/> is a default buffer.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The face box is not finite or smaller than one pixel.</exception>
    public float Fit(in ImageBuffer image, FaceDetection face, Span<PointF> landmarks)
    {
        ArgumentNullException.ThrowIfNull(face);
        float frame = Snap(face.Roll);
        RectangleF box = DlibBox(face.Box, face.Roll);
        Predict(image, box, frame, landmarks);
        if (Predictor.PartCount != 68)
        {
            return frame;
        }

        // Refits look for the frame where the fitted eyes are level: the root of d(f) = eyes(f) - f. dlib's fit follows
        // a face's tilt only in part (often a quarter of it), so a plain step f + d stops short of the root; after the
        // first step the secant through the last two fits is used, which lands on it when d is close to linear.
        float previousFrame = float.NaN, previousResidual = float.NaN;
        for (int refit = 0; refit < Options.MaxRefits; refit++)
        {
            float residual = Difference(EyeRoll(landmarks), frame);
            if (!(MathF.Abs(residual) > Options.RefitTolerance))
            {
                break;
            }

            float next = frame + residual;
            if (float.IsFinite(previousResidual) && MathF.Abs(residual - previousResidual) > 1e-3f)
            {
                float secant = frame - (residual * Difference(frame, previousFrame) / (residual - previousResidual));
                if (MathF.Abs(Difference(secant, frame)) <= MaxSecantStep)
                {
                    next = secant;
                }
            }

            (previousFrame, previousResidual) = (frame, residual);
            frame = Snap(next);
            Predict(image, box, frame, landmarks);
        }

        return frame;
    }

    /// <summary>
    /// One fit in the frame at <paramref name="roll"/>: on the image itself (dlib's nearest-pixel sampling), or with
    /// <see cref="FaceLandmarkerOptions.CropFaceSide"/> on a bilinear crop of the face levelled by the roll and scaled
    /// up to that size, the points mapped back.
    /// </summary>
    private void Predict(in ImageBuffer image, RectangleF box, float roll, Span<PointF> landmarks)
    {
        float target = Options.CropFaceSide;
        if (target <= 0f)
        {
            Predictor.Predict(image, box, roll, landmarks);
            return;
        }

        double scale = Math.Max(1.0, target / box.Width);
        int side = (int)Math.Ceiling(box.Width * scale * CropMargin);
        int bpp = image.Format.BytesPerPixel();
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(side * side * bpp);
        try
        {
            var cut = new Faces.LevelledCrop(box.X + (box.Width / 2.0), box.Y + (box.Height / 2.0), roll, scale, side, side);
            cut.Render(image, buffer.AsSpan(0, side * side * bpp));
            var crop = new ImageBuffer(buffer.AsMemory(0, side * side * bpp), side, side, image.Format);
            float inner = (float)(box.Width * scale), mid = (side - 1) / 2f;
            Predictor.Predict(crop, new RectangleF(mid - (inner / 2), mid - (inner / 2), inner, inner), landmarks);
            for (int i = 0; i < Predictor.PartCount; i++)
            {
                landmarks[i] = cut.ToImage(landmarks[i]);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The roll (degrees, -180..180) of the line from the centre of landmarks 36-41 (the subject's right eye) to that of 42-47.</summary>
    /// <param name="landmarks">68 iBUG points.</param>
    /// <returns>The eyes' roll.</returns>
    /// <exception cref="ArgumentException">Fewer than 48 points.</exception>
    public static float EyeRoll(ReadOnlySpan<PointF> landmarks)
    {
        if (landmarks.Length < 48)
        {
            throw new ArgumentException($"Expected 68 iBUG points, got {landmarks.Length}.", nameof(landmarks));
        }

        (float rx, float ry) = Mean(landmarks.Slice(36, 6));
        (float lx, float ly) = Mean(landmarks.Slice(42, 6));
        return (float)(Math.Atan2(ly - ry, lx - rx) * (180 / Math.PI));
    }

    private static (float X, float Y) Mean(ReadOnlySpan<PointF> p)
    {
        float x = 0, y = 0;
        foreach (PointF q in p)
        {
            x += q.X;
            y += q.Y;
        }

        return (x / p.Length, y / p.Length);
    }

    private static float Difference(float a, float b)
    {
        float d = (a - b) % 360f;
        return d > 180f ? d - 360f : d <= -180f ? d + 360f : d;
    }

    /// <summary>
    /// The roll itself, or the nearest quarter turn when it is within <see cref="FaceLandmarkerOptions.UprightTolerance"/>
    /// of one (a face turned by a whole quarter is fitted exactly as the upright face), in -180..180.
    /// </summary>
    private float Snap(float roll)
    {
        float quarter = MathF.Round(roll / 90f) * 90f;
        float r = MathF.Abs(Difference(roll, quarter)) <= Options.UprightTolerance ? quarter : roll;
        return Difference(r, 0f) is var d && d == -180f ? 180f : d;
    }

    /// <summary>The dlib box in the face's upright frame: the conversion's centre shift is turned by the face's roll.</summary>
    private RectangleF DlibBox(RectangleF box, float roll)
    {
        RectangleF d = _toDlibBox(box);
        if (roll == 0f)
        {
            return d;
        }

        double r = roll * (Math.PI / 180), c = Math.Cos(r), s = Math.Sin(r);
        double sx = (d.X + (d.Width / 2.0)) - (box.X + (box.Width / 2.0)), sy = (d.Y + (d.Height / 2.0)) - (box.Y + (box.Height / 2.0));
        double cx = box.X + (box.Width / 2.0) + (c * sx) - (s * sy), cy = box.Y + (box.Height / 2.0) + (s * sx) + (c * sy);
        return new RectangleF((float)(cx - (d.Width / 2.0)), (float)(cy - (d.Height / 2.0)), d.Width, d.Height);
    }
}
