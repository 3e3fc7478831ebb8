using System.Drawing;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Quality;

/// <summary>
/// Measures how well a face is seen (<see cref="FaceQuality"/>: detector score, roll, size, agreement of the landmarks
/// with the detector's key points, profile asymmetry, sharpness, contrast of eyes and mouth, detail of the eyes) and decides whether an
/// estimate may be made from it, with the reason when not.
/// </summary>
/// <remarks>Immutable and thread-safe; <see cref="Measure"/> allocates only its result.</remarks>
public sealed class FaceQualityGate
{
    private const int LandmarkCount = 68;

    /// <summary>Creates a gate.</summary>
    /// <param name="options">Thresholds; <see langword="null"/> for <see cref="FaceQualityOptions.Default"/>.</param>
    public FaceQualityGate(FaceQualityOptions? options = null) => Options = options ?? FaceQualityOptions.Default;

    /// <summary>The thresholds.</summary>
    public FaceQualityOptions Options { get; }

    /// <summary>Measures a face.</summary>
    /// <param name="image">The frame.</param>
    /// <param name="face">The detection (score, key points).</param>
    /// <param name="landmarks">Its 68 iBUG landmarks in the frame's pixels.</param>
    /// <param name="roll">The face's roll in degrees.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="face"/> is null.</exception>
    /// <exception cref="ArgumentException">Not 68 landmarks, or the image is a default buffer.</exception>
    public static FaceQuality Measure(in ImageBuffer image, FaceDetection face, ReadOnlySpan<PointF> landmarks, float roll)
    {
        ArgumentNullException.ThrowIfNull(face);
        if (landmarks.Length != LandmarkCount)
        {
            throw new ArgumentException($"Expected {LandmarkCount} landmarks (iBUG 300-W order), got {landmarks.Length}.", nameof(landmarks));
        }

        ImageGuard.NotEmpty(image, nameof(image));

        float iod = Distance(landmarks[36], landmarks[45]);
        PointF rightEye = Mean(landmarks.Slice(36, 6)), leftEye = Mean(landmarks.Slice(42, 6));
        float disagreement = float.NaN;
        if (face.KeyPoints.Count >= 5)
        {
            ReadOnlySpan<PointF> ours = [rightEye, leftEye, landmarks[30], landmarks[48], landmarks[54]];
            float sum = 0;
            for (int i = 0; i < 5; i++)
            {
                sum += Distance(ours[i], face.KeyPoints[i]);
            }

            disagreement = sum / 5 / Math.Max(iod, 1e-3f);
        }

        float a = Distance(landmarks[30], landmarks[0]), b = Distance(landmarks[30], landmarks[16]);
        float asymmetry = a + b > 0 ? MathF.Abs(a - b) / (a + b) : 1f;
        float contrast = MathF.Min(MathF.Min(Contrast(image, landmarks.Slice(36, 6)), Contrast(image, landmarks.Slice(42, 6))), Contrast(image, landmarks.Slice(48, 12)));
        (float x0, float y0, float x1, float y1) = Bounds(landmarks);
        float eye = iod / 6, step = MathF.Max(1f, iod / 48);
        float whole = MathF.Max(Gradient(image, x0, y0, x1, y1, step), 1e-6f);
        float detail = MathF.Min(Gradient(image, rightEye, eye, step), Gradient(image, leftEye, eye, step));
        if (face.KeyPoints.Count >= 2)
        {
            // The detector's eyes too (YuNet's): over a covered eye both models can guess an eye from the rest of the
            // face, and the landmarks' guess may land beside the cover where the detector's does not.
            detail = MathF.Min(detail, MathF.Min(Gradient(image, face.KeyPoints[0], eye, step), Gradient(image, face.KeyPoints[1], eye, step)));
        }

        detail /= whole;

        return new FaceQuality
        {
            DetectorScore = face.Confidence,
            Roll = roll,
            InterOcularDistance = iod,
            KeyPointDisagreement = disagreement,
            Asymmetry = asymmetry,
            Sharpness = Sharpness(image, landmarks, iod),
            RegionContrast = contrast,
            EyeDetail = detail,
        };
    }

    /// <summary>Whether an estimate may be made from a face of this quality.</summary>
    /// <param name="quality">The measurements.</param>
    /// <returns><see langword="null"/> when the face is seen well enough; otherwise why not (the first threshold missed), for example "face too small (inter-ocular 9.1 px &lt; 14 px)".</returns>
    /// <exception cref="ArgumentNullException"><paramref name="quality"/> is null.</exception>
    public string? Check(FaceQuality quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        FaceQualityOptions o = Options;
        return quality switch
        {
            { DetectorScore: var s } when s < o.MinDetectorScore => FormattableString.Invariant($"face not clearly detected (score {s:F2} < {o.MinDetectorScore:F2})"),
            { InterOcularDistance: var d } when d < o.MinInterOcularDistance => FormattableString.Invariant($"face too small (inter-ocular {d:F1} px < {o.MinInterOcularDistance:F0} px)"),
            { KeyPointDisagreement: var k } when k > o.MaxKeyPointDisagreement => FormattableString.Invariant($"landmarks disagree with the detector's key points ({k:F2} > {o.MaxKeyPointDisagreement:F2} of the eye distance)"),
            { Asymmetry: var y } when y > o.MaxAsymmetry => FormattableString.Invariant($"face turned towards profile (asymmetry {y:F2} > {o.MaxAsymmetry:F2})"),
            { RegionContrast: var c } when c < o.MinRegionContrast => FormattableString.Invariant($"eyes or mouth hidden (contrast {c:F3} < {o.MinRegionContrast:F3})"),
            { EyeDetail: var e } when e < o.MinEyeDetail => FormattableString.Invariant($"eyes hidden (eye detail {e:F2} < {o.MinEyeDetail:F2} of the face's)"),
            { Sharpness: var p } when p < o.MinSharpness => FormattableString.Invariant($"face blurred (sharpness {p:F4} < {o.MinSharpness:F4})"),
            _ => null,
        };
    }

    private static float Distance(PointF a, PointF b) => MathF.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private static PointF Mean(ReadOnlySpan<PointF> p)
    {
        float x = 0, y = 0;
        foreach (PointF q in p)
        {
            x += q.X;
            y += q.Y;
        }

        return new PointF(x / p.Length, y / p.Length);
    }

    private static (float X0, float Y0, float X1, float Y1) Bounds(ReadOnlySpan<PointF> points)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        foreach (PointF p in points)
        {
            x0 = MathF.Min(x0, p.X);
            y0 = MathF.Min(y0, p.Y);
            x1 = MathF.Max(x1, p.X);
            y1 = MathF.Max(y1, p.Y);
        }

        return (x0, y0, x1, y1);
    }

    /// <summary>Gray intensity 0..1 of the nearest pixel ((r + g + b) / 3 for colour), or -1 outside the image.</summary>
    private static float Gray(in ImageBuffer image, float x, float y)
    {
        int ix = (int)MathF.Floor(x + 0.5f), iy = (int)MathF.Floor(y + 0.5f);
        if (ix < 0 || iy < 0 || ix >= image.Width || iy >= image.Height)
        {
            return -1f;
        }

        int bpp = image.Format.BytesPerPixel();
        ReadOnlySpan<byte> px = image.GetRow(iy).Slice(ix * bpp, bpp);
        return bpp == 1 ? px[0] / 255f : (px[0] + px[1] + px[2]) / (3 * 255f);
    }

    /// <summary>Standard deviation of the pixels inside the points' box grown by a third of its size on each side.</summary>
    private static float Contrast(in ImageBuffer image, ReadOnlySpan<PointF> points)
    {
        (float x0, float y0, float x1, float y1) = Bounds(points);

        float gx = (x1 - x0) / 3, gy = MathF.Max((y1 - y0) / 3, gx / 2);
        double sum = 0, sum2 = 0;
        int n = 0;
        for (int y = (int)MathF.Floor(y0 - gy); y <= (int)MathF.Ceiling(y1 + gy); y++)
        {
            for (int x = (int)MathF.Floor(x0 - gx); x <= (int)MathF.Ceiling(x1 + gx); x++)
            {
                float v = Gray(image, x, y);
                if (v >= 0)
                {
                    sum += v;
                    sum2 += v * v;
                    n++;
                }
            }
        }

        return n < 2 ? 0f : (float)Math.Sqrt(Math.Max(0, (sum2 / n) - ((sum / n) * (sum / n))));
    }

    /// <summary>Mean gray gradient magnitude per pixel (central differences <paramref name="step"/> apart) on a grid of that step over a box; 0 when no grid point has its four neighbours inside the image.</summary>
    private static float Gradient(in ImageBuffer image, float x0, float y0, float x1, float y1, float step)
    {
        double sum = 0;
        int n = 0;
        for (float y = y0; y <= y1; y += step)
        {
            for (float x = x0; x <= x1; x += step)
            {
                float l = Gray(image, x - step, y), r = Gray(image, x + step, y), u = Gray(image, x, y - step), d = Gray(image, x, y + step);
                if (l >= 0 && r >= 0 && u >= 0 && d >= 0)
                {
                    sum += MathF.Sqrt(((r - l) * (r - l)) + ((d - u) * (d - u))) / (2 * step);
                    n++;
                }
            }
        }

        return n == 0 ? 0f : (float)(sum / n);
    }

    /// <summary>Mean gray gradient magnitude over the square of half-side <paramref name="half"/> around <paramref name="centre"/>.</summary>
    private static float Gradient(in ImageBuffer image, PointF centre, float half, float step) =>
        Gradient(image, centre.X - half, centre.Y - half, centre.X + half, centre.Y + half, step);

    /// <summary>Mean |4-neighbour Laplacian| on a grid of step IOD / 24 (at least 1 pixel) over the landmarks' box from the brows to the chin.</summary>
    private static float Sharpness(in ImageBuffer image, ReadOnlySpan<PointF> landmarks, float iod)
    {
        (float x0, float y0, float x1, float y1) = Bounds(landmarks);

        float g = MathF.Max(1f, iod / 24);
        double sum = 0;
        int n = 0;
        for (float y = y0 + g; y <= y1 - g; y += g)
        {
            for (float x = x0 + g; x <= x1 - g; x += g)
            {
                float c = Gray(image, x, y), l = Gray(image, x - g, y), r = Gray(image, x + g, y), u = Gray(image, x, y - g), d = Gray(image, x, y + g);
                if (c >= 0 && l >= 0 && r >= 0 && u >= 0 && d >= 0)
                {
                    sum += MathF.Abs((4 * c) - l - r - u - d);
                    n++;
                }
            }
        }

        return n == 0 ? 0f : (float)(sum / n);
    }
}
