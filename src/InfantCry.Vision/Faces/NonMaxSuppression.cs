using System.Drawing;

namespace InfantCry.Vision.Faces;

/// <summary>A scored box before suppression; <see cref="Index"/> points back to the decoder's own data (key points).</summary>
internal struct Candidate
{
    public float X1, Y1, X2, Y2, Score;
    public int Index;

    public readonly float Area => Math.Max(0f, X2 - X1) * Math.Max(0f, Y2 - Y1);
}

/// <summary>Greedy (hard) non-maximum suppression as UltraFace's and OpenCV's reference code: most confident first, drop
/// any box whose IoU with a kept box exceeds the threshold.</summary>
internal static class NonMaxSuppression
{
    /// <summary>Sorts <paramref name="candidates"/> by score (descending) in place and compacts the kept ones to the front.</summary>
    /// <returns>How many were kept (at most <paramref name="maxKeep"/>).</returns>
    public static int Apply(Span<Candidate> candidates, float iouThreshold, int maxKeep)
    {
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        int kept = 0;
        for (int i = 0; i < candidates.Length && kept < maxKeep; i++)
        {
            Candidate c = candidates[i];
            bool keep = true;
            for (int k = 0; k < kept; k++)
            {
                if (IoU(candidates[k], c) > iouThreshold)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                candidates[kept++] = c;
            }
        }

        return kept;
    }

    public static float IoU(in Candidate a, in Candidate b)
    {
        float iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        float ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (iw <= 0 || ih <= 0)
        {
            return 0;
        }

        float inter = iw * ih;
        return inter / (a.Area + b.Area - inter);
    }

    public static float IoU(RectangleF a, RectangleF b)
    {
        var ca = new Candidate { X1 = a.Left, Y1 = a.Top, X2 = a.Right, Y2 = a.Bottom };
        var cb = new Candidate { X1 = b.Left, Y1 = b.Top, X2 = b.Right, Y2 = b.Bottom };
        return IoU(ca, cb);
    }
}
