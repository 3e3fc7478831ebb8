using System.Drawing;

namespace InfantCry.Vision.Faces;

/// <summary>
/// Converts UltraFace and YuNet boxes into the box dlib's HOG detector would give for the same face. dlib's
/// 68-point shape predictor starts from its mean shape placed in the detector's box, so it needs boxes drawn the
/// way dlib draws them: square, from the eyebrows to the chin. The constants are the medians over the 68 faces of
/// dlib's example images (../shared/data/faces) matched against dlib 19.24's own boxes: dlib's box is centred
/// 2% of the width left of and 4% (UltraFace) or 3.5% (YuNet) of the height below the detector's centre, and its
/// side is 1.13 (1.11) x the detector's width and 0.81 (0.84) x its height.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class DlibFaceBox
{
    /// <summary>dlib-style square box for an <see cref="UltraFaceDetector"/> box.</summary>
    /// <param name="box">The UltraFace box.</param>
    public static RectangleF FromUltraFace(RectangleF box) => Convert(box, -0.019f, 0.047f, 1.133f, 0.812f);

    /// <summary>dlib-style square box for a <see cref="YuNetDetector"/> box.</summary>
    /// <param name="box">The YuNet box.</param>
    public static RectangleF FromYuNet(RectangleF box) => Convert(box, -0.025f, 0.036f, 1.109f, 0.836f);

    private static RectangleF Convert(RectangleF box, float dx, float dy, float sideOverWidth, float sideOverHeight)
    {
        float cx = box.X + (box.Width * (0.5f + dx));
        float cy = box.Y + (box.Height * (0.5f + dy));
        float side = ((box.Width * sideOverWidth) + (box.Height * sideOverHeight)) / 2;
        return new RectangleF(cx - (side / 2), cy - (side / 2), side, side);
    }
}
