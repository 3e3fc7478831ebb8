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
    private const int SymmetryCrop = 48, SymmetrySteps = 4;
    private const float SymmetryStep = 3f;

    private const double BoxOffsetX = -0.029, BoxOffsetY = -0.207, BoxSide = 2.879;

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
        return Fit(image, face, face.Roll, landmarks);
    }

    /// <summary>As <see cref="Fit(in ImageBuffer, FaceDetection, Span{PointF})"/>, the frame kept within <see cref="FaceLandmarkerOptions.MaxRollChange"/> of <paramref name="anchor"/> instead of the face's roll.</summary>
    internal float Fit(in ImageBuffer image, FaceDetection face, float anchor, Span<PointF> landmarks)
    {
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
        // The box the fits start from came from a detector; its size and place depend a little on the roll the detector
        // saw the face at, and dlib's points follow the box. With ReboxSteps the box is redrawn from the points
        // themselves (dlib's own box convention, BoxFromLandmarks), fitted again and levelled again, so that box and
        // frame converge together to the face's, at any roll.
        for (int step = 0; ; step++)
        {
            frame = Level(image, box, frame, anchor, landmarks);
            if (Options.SymmetryRoll)
            {
                // dlib's eyes come out level in any frame within a few degrees of the face's roll, so the frame the
                // refits stop at depends on where they started; the face's mirror symmetry does not.
                float symmetric = Bound(SymmetricRoll(image, landmarks, frame), anchor);
                if (MathF.Abs(Difference(symmetric, frame)) > Options.RefitTolerance)
                {
                    frame = symmetric;
                    Predict(image, box, frame, landmarks);
                }
            }

            if (step == Options.ReboxSteps)
            {
                return frame;
            }

            box = BoxFromLandmarks(landmarks, frame);
            Predict(image, box, frame, landmarks);
        }
    }

    /// <summary>Refits in the frame of the fitted eyes until they agree with it (secant steps after the first), at most <see cref="FaceLandmarkerOptions.MaxRefits"/> times; returns the final frame.</summary>
    private float Level(in ImageBuffer image, RectangleF box, float frame, float anchor, Span<PointF> landmarks)
    {
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
            float bounded = Bound(next, anchor);
            if (MathF.Abs(Difference(bounded, frame)) < 1e-4f)
            {
                break;
            }

            frame = Snap(bounded);
            Predict(image, box, frame, landmarks);
        }

        return frame;
    }

    /// <summary>
    /// The roll, near <paramref name="frame"/>, about which the face is most nearly mirror-symmetric: a gray crop of
    /// the face (centred on the points' mean, 2.4 outer-eye distances wide) is turned in steps of
    /// <see cref="SymmetryStep"/> degrees up to <see cref="SymmetrySteps"/> steps either side, each scored by the mean
    /// absolute difference between its left and right halves mirrored, and a parabola through the best step and its
    /// neighbours gives the minimum.
    /// </summary>
    private static float SymmetricRoll(in ImageBuffer image, ReadOnlySpan<PointF> landmarks, float frame)
    {
        (float mx, float my) = Mean(landmarks);
        float iod = MathF.Sqrt(((landmarks[45].X - landmarks[36].X) * (landmarks[45].X - landmarks[36].X)) + ((landmarks[45].Y - landmarks[36].Y) * (landmarks[45].Y - landmarks[36].Y)));
        if (!(iod > 1f))
        {
            return frame;
        }

        const int n = SymmetryCrop;
        int bpp = image.Format.BytesPerPixel();
        Span<float> scores = stackalloc float[(2 * SymmetrySteps) + 1];
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(n * n * bpp);
        try
        {
            for (int k = -SymmetrySteps; k <= SymmetrySteps; k++)
            {
                var cut = new Faces.LevelledCrop(mx, my, frame + (k * SymmetryStep), n / (2.4 * iod), n, n);
                Span<byte> px = buffer.AsSpan(0, n * n * bpp);
                cut.Render(image, px);
                double sum = 0;
                for (int y = 0; y < n; y++)
                {
                    for (int x = 0; x < n / 2; x++)
                    {
                        sum += MathF.Abs(GrayAt(px, (y * n) + x, bpp) - GrayAt(px, (y * n) + (n - 1 - x), bpp));
                    }
                }

                scores[k + SymmetrySteps] = (float)sum;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] < scores[best])
            {
                best = i;
            }
        }

        float offset = best - SymmetrySteps;
        if (best > 0 && best < scores.Length - 1)
        {
            float a = scores[best - 1], b = scores[best], c = scores[best + 1], den = a - (2 * b) + c;
            if (den > 0)
            {
                offset += 0.5f * (a - c) / den;
            }
        }

        return frame + (offset * SymmetryStep);
    }

    private static float GrayAt(ReadOnlySpan<byte> px, int pixel, int bpp) =>
        bpp == 1 ? px[pixel] : (px[pixel * bpp] + px[(pixel * bpp) + 1] + px[(pixel * bpp) + 2]) / 3f;

    /// <summary>
    /// The square box dlib's HOG detector would draw around a face whose 68 points these are, in the frame at
    /// <paramref name="roll"/>: centred 0.029 (left) and 0.207 (up) RMS radii from the points' mean, 2.879 RMS radii
    /// wide, where the RMS radius is the root mean square distance of the points from their mean (medians over the 68
    /// faces dlib finds in its example photos, its boxes against its own landmarks).
    /// </summary>
    private static RectangleF BoxFromLandmarks(ReadOnlySpan<PointF> landmarks, float roll)
    {
        (float mx, float my) = Mean(landmarks);
        double sum = 0;
        foreach (PointF p in landmarks)
        {
            sum += ((p.X - mx) * (p.X - mx)) + ((p.Y - my) * (p.Y - my));
        }

        double rms = Math.Sqrt(sum / landmarks.Length);
        double r = roll * (Math.PI / 180), c = Math.Cos(r), s = Math.Sin(r);
        double ox = BoxOffsetX * rms, oy = BoxOffsetY * rms;
        double cx = mx + (c * ox) - (s * oy), cy = my + (s * ox) + (c * oy);
        float side = (float)(BoxSide * rms);
        return new RectangleF((float)cx - (side / 2), (float)cy - (side / 2), side, side);
    }

    /// <summary>
    /// One fit in the frame at <paramref name="roll"/>: dlib's nearest-pixel sampling, or with
    /// <see cref="FaceLandmarkerOptions.BilinearSampling"/> bilinear sampling.
    /// </summary>
    private void Predict(in ImageBuffer image, RectangleF box, float roll, Span<PointF> landmarks)
    {
        if (Options.BilinearSampling)
        {
            Predictor.PredictBilinear(image, box, roll, landmarks);
        }
        else
        {
            Predictor.Predict(image, box, roll, landmarks);
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

    /// <summary>A frame at most <see cref="FaceLandmarkerOptions.MaxRollChange"/> degrees from the detection's roll.</summary>
    private float Bound(float frame, float anchor)
    {
        float limit = Options.MaxRollChange;
        float d = Difference(frame, anchor);
        return limit >= 180f || MathF.Abs(d) <= limit ? frame : anchor + MathF.CopySign(limit, d);
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
