using System.Drawing;
using InfantCry.Abstractions.Imaging;

namespace InfantCry.Vision.Faces;

/// <summary>
/// A crop of an image around a point, turned so that a direction at a roll of r degrees in the image runs along
/// the crop's x axis, and scaled: crop pixel q shows image point p = centre + R(roll) (q - crop centre) / scale, with
/// R = [cos -sin; sin cos] (y down, so a positive roll is clockwise on screen). A face whose eye line has roll r stands
/// upright, eyes level, in the crop at roll r.
/// </summary>
internal readonly struct LevelledCrop : ITurnedView
{
    private readonly double _cos, _sin, _cx, _cy, _qx, _qy;

    /// <summary>A crop of <paramref name="width"/> x <paramref name="height"/> pixels centred on (<paramref name="centerX"/>, <paramref name="centerY"/>).</summary>
    public LevelledCrop(double centerX, double centerY, double rollDegrees, double scale, int width, int height)
    {
        Scale = scale;
        Width = width;
        Height = height;
        double r = rollDegrees * (Math.PI / 180);
        (_cos, _sin) = (Math.Cos(r), Math.Sin(r));
        (_cx, _cy) = (centerX, centerY);
        (_qx, _qy) = ((width - 1) / 2.0, (height - 1) / 2.0);
    }

    /// <summary>Crop pixels per image pixel.</summary>
    public double Scale { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The image point a crop point shows.</summary>
    public PointF ToImage(PointF q)
    {
        double dx = (q.X - _qx) / Scale, dy = (q.Y - _qy) / Scale;
        return new PointF((float)(_cx + (_cos * dx) - (_sin * dy)), (float)(_cy + (_sin * dx) + (_cos * dy)));
    }

    /// <summary>Renders the crop bilinearly in the image's pixel format, rows packed; pixels from outside the image are black.</summary>
    public void Render(in ImageBuffer image, Span<byte> crop)
    {
        int bpp = image.Format.BytesPerPixel();
        int stride = Width * bpp;
        if (crop.Length < stride * Height)
        {
            throw new ArgumentException($"The crop needs {stride * Height} bytes, got {crop.Length}.", nameof(crop));
        }

        ReadOnlySpan<byte> src = image.Pixels.Span;
        int srcStride = image.Stride, w = image.Width, h = image.Height;
        double inv = 1 / Scale, cos = _cos * inv, sin = _sin * inv;
        for (int y = 0; y < Height; y++)
        {
            Span<byte> row = crop.Slice(y * stride, stride);
            double dy = y - _qy;
            double sx = _cx - (sin * dy) - (cos * _qx), sy = _cy + (cos * dy) - (sin * _qx);
            for (int x = 0; x < Width; x++, sx += cos, sy += sin)
            {
                int o = x * bpp;
                if (!(sx >= 0 && sy >= 0 && sx < w - 1 && sy < h - 1))
                {
                    row.Slice(o, bpp).Clear();
                    continue;
                }

                int x0 = (int)sx, y0 = (int)sy;
                float ax = (float)(sx - x0), ay = (float)(sy - y0);
                int o00 = (y0 * srcStride) + (x0 * bpp), o01 = o00 + srcStride;
                for (int k = 0; k < bpp; k++)
                {
                    float top = src[o00 + k] + (ax * (src[o00 + bpp + k] - src[o00 + k]));
                    float bottom = src[o01 + k] + (ax * (src[o01 + bpp + k] - src[o01 + k]));
                    row[o + k] = (byte)(top + (ay * (bottom - top)) + 0.5f);
                }
            }
        }
    }
}
