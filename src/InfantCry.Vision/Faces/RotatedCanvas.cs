using System.Drawing;
using InfantCry.Abstractions.Imaging;

namespace InfantCry.Vision.Faces;

/// <summary>
/// An image turned so that a face at a given roll stands upright: canvas pixel q shows image point
/// p = R(angle) (q - canvas centre) + image centre, R = [cos -sin; sin cos] (clockwise on screen for a positive angle).
/// </summary>
internal readonly struct RotatedCanvas : ITurnedView
{
    private readonly double _cos, _sin, _cix, _ciy, _ccx, _ccy;

    /// <summary>A canvas for the angle; angles that are not multiples of 90 are rendered at most <paramref name="maxSide"/> pixels on the long side.</summary>
    public RotatedCanvas(int imageWidth, int imageHeight, int angleDegrees, int maxSide)
    {
        Angle = angleDegrees;
        bool swap = angleDegrees is 90 or 270;
        Scale = angleDegrees % 90 == 0 ? 1.0 : Math.Min(1.0, (double)maxSide / Math.Max(imageWidth, imageHeight));
        Width = Math.Max(1, (int)Math.Round((swap ? imageHeight : imageWidth) * Scale));
        Height = Math.Max(1, (int)Math.Round((swap ? imageWidth : imageHeight) * Scale));
        (_cos, _sin) = angleDegrees switch
        {
            0 => (1.0, 0.0),
            90 => (0.0, 1.0),
            180 => (-1.0, 0.0),
            270 => (0.0, -1.0),
            _ => (Math.Cos(angleDegrees * Math.PI / 180), Math.Sin(angleDegrees * Math.PI / 180)),
        };
        _cix = (imageWidth - 1) / 2.0;
        _ciy = (imageHeight - 1) / 2.0;
        _ccx = (Width - 1) / 2.0;
        _ccy = (Height - 1) / 2.0;
    }

    public int Angle { get; }

    /// <summary>Canvas pixels per image pixel.</summary>
    public double Scale { get; }

    public int Width { get; }

    public int Height { get; }

    public bool IsExact => Angle % 90 == 0;

    public PointF ToImage(PointF q)
    {
        double dx = (q.X - _ccx) / Scale, dy = (q.Y - _ccy) / Scale;
        return new PointF((float)(_cix + (_cos * dx) - (_sin * dy)), (float)(_ciy + (_sin * dx) + (_cos * dy)));
    }

    /// <summary>Renders the canvas in the image's pixel format, rows packed (stride = width x bytes per pixel).</summary>
    public void Render(in ImageBuffer image, Span<byte> canvas)
    {
        int bpp = image.Format.BytesPerPixel();
        int stride = Width * bpp;
        ReadOnlySpan<byte> src = image.Pixels.Span;
        int srcStride = image.Stride;
        if (IsExact)
        {
            // Whole-pixel rotation: p = (a qx + b qy + e, c qx + d qy + f) with a..d in {-1, 0, 1}.
            int a = (int)_cos, b = -(int)_sin, c = (int)_sin, d = (int)_cos;
            int e = (int)Math.Round(_cix - (a * _ccx) - (b * _ccy)), f = (int)Math.Round(_ciy - (c * _ccx) - (d * _ccy));
            for (int y = 0; y < Height; y++)
            {
                Span<byte> row = canvas.Slice(y * stride, stride);
                int px = (b * y) + e, py = (d * y) + f;
                int step = (c * srcStride) + (a * bpp);
                int o = (py * srcStride) + (px * bpp);
                if (bpp == 3)
                {
                    for (int x = 0; x < Width; x++, o += step)
                    {
                        row[3 * x] = src[o];
                        row[(3 * x) + 1] = src[o + 1];
                        row[(3 * x) + 2] = src[o + 2];
                    }
                }
                else
                {
                    for (int x = 0; x < Width; x++, o += step)
                    {
                        src.Slice(o, bpp).CopyTo(row.Slice(x * bpp, bpp));
                    }
                }
            }

            return;
        }

        // Any other angle: the crop of the whole image about its centre, turned by the angle and scaled.
        new LevelledCrop(_cix, _ciy, Angle, Scale, Width, Height).Render(image, canvas);
    }
}
