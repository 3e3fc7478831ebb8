using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Tests.Imaging;

public class GeometryTests
{
    // Resize runs in float32 with weights rounded to float32 (relative 6e-8) over <= ~30 taps of values <= 255;
    // the float64 reference differs by at most ~30 * 255 * 1.2e-7 = 1e-3. Half of that is typical; 1e-3 is the bound.
    private const double ResizeFloat32Tolerance = 1e-3;

    // Exact-arithmetic cases (weights 0 or 1, integer coordinates) still pass through float64 sin/cos of 90 degrees
    // (cos(pi/2) = 6e-17), which moves samples by ~1e-14 px: 1e-9 is far above that and far below any real error.
    private const double ExactTolerance = 1e-9;

    private static float[] Ramp(int w, int h) => Enumerable.Range(0, w * h).Select(i => (float)((i % w * 3) + (i / w * 17) % 251)).ToArray();

    [TestCaseSource(typeof(GoldenData), nameof(GoldenData.CaseData), new object[] { "resize" })]
    public void Resize_matches_numpy_reference(string name)
    {
        var c = GoldenData.Case("resize", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32(), ch = c.GetProperty("channels").GetInt32();
        int ow = c.GetProperty("out_width").GetInt32(), oh = c.GetProperty("out_height").GetInt32();
        float[] src = GoldenData.Float32(c.GetProperty("src").GetString()!);
        double[] expected = GoldenData.Float64(c.GetProperty("ref").GetString()!);
        var dst = new float[ow * oh * ch];
        Resize.Bilinear(src, w, h, dst, ow, oh, ch);
        Assert.That(dst.Select(v => (double)v), Is.EqualTo(expected).Within(ResizeFloat32Tolerance));
    }

    [Test]
    public void Resize_to_same_size_is_identity_and_constant_stays_constant()
    {
        float[] src = Ramp(13, 9);
        var same = new float[src.Length];
        Resize.Bilinear(src, 13, 9, same, 13, 9);
        Assert.That(same, Is.EqualTo(src).Within(ExactTolerance * 255));

        float[] flat = Enumerable.Repeat(42.5f, 31 * 17).ToArray();
        var shrunk = new float[5 * 4];
        Resize.Bilinear(flat, 31, 17, shrunk, 5, 4);
        Assert.That(shrunk, Is.All.EqualTo(42.5f).Within(ResizeFloat32Tolerance));
    }

    [Test]
    public void Resize_rejects_overlap_and_bad_sizes()
    {
        var buf = new float[100];
        Assert.Throws<ArgumentException>(() => Resize.Bilinear(buf, 5, 5, buf.AsSpan(25), 5, 5));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Resize.Bilinear(buf, 0, 5, new float[4], 2, 2));
        Assert.That(ex!.Message, Does.Contain("0x5"));
        Assert.Throws<ArgumentException>(() => Resize.Bilinear(buf, 11, 10, new float[4], 2, 2));
    }

    [Test]
    public void Rotation_by_90_degrees_about_the_centre_permutes_pixels()
    {
        const int n = 9; // odd: the centre (4, 4) is a pixel centre, so a quarter turn maps pixels onto pixels
        float[] src = Ramp(n, n);
        var dst = new float[n * n];
        AffineTransform rot = AffineTransform.Rotation(Math.PI / 2, 4, 4);
        Warp.Affine(src, n, n, dst, n, n, rot.Invert());
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                // dst(p) = src(R^-1 p): R^-1 rotates by -90 degrees: (x, y) -> (y, 8 - x) about (4, 4).
                Assert.That(dst[(y * n) + x], Is.EqualTo(src[((n - 1 - x) * n) + y]).Within(ExactTolerance * 255), $"({x},{y})");
            }
        }
    }

    [TestCase(0.3, 1.0, 0.0, 0.0)]
    [TestCase(-1.1, 0.7, 5.5, -3.25)]
    [TestCase(2.0, 1.6, -20.0, 10.0)]
    public void Warp_equals_bilinear_sampling_at_the_mapped_points_inside_and_outside(double angle, double scale, double dx, double dy)
    {
        const int w = 23, h = 17;
        float[] src = Ramp(w, h);
        var dst = new float[31 * 19];
        AffineTransform m = AffineTransform.Translation(dx, dy).After(new AffineTransform(scale * Math.Cos(angle), -scale * Math.Sin(angle), scale * Math.Sin(angle), scale * Math.Cos(angle), 0, 0));
        Warp.Affine(src, w, h, dst, 31, 19, m, fill: -1);
        for (int y = 0; y < 19; y++)
        {
            for (int x = 0; x < 31; x++)
            {
                (double sx, double sy) = m.Apply(x, y);
                // The warp adds the same terms in another order: coordinates may differ in the last bit.
                Assert.That(dst[(y * 31) + x], Is.EqualTo(Bilinear.Sample(src, w, h, sx, sy, fill: -1)).Within(ExactTolerance * 255), $"({x},{y})");
            }
        }

        Assert.That(dst, Has.Some.EqualTo(-1f), "some samples fall outside");
    }

    [Test]
    public void Bilinear_interpolates_and_uses_the_fill_outside()
    {
        float[] p = [0, 10, 20, 30]; // 2x2: row 0 = 0, 10; row 1 = 20, 30
        Assert.That(Bilinear.Sample(p, 2, 2, 0.5, 0.5), Is.EqualTo(15f).Within(ExactTolerance));
        Assert.That(Bilinear.Sample(p, 2, 2, 0.25, 0), Is.EqualTo(2.5f).Within(ExactTolerance));
        Assert.That(Bilinear.Sample(p, 2, 2, 1.5, 0, fill: 100), Is.EqualTo(55f).Within(ExactTolerance)); // half 10, half fill
        Assert.That(Bilinear.Sample(p, 2, 2, -1, 0, fill: 7), Is.EqualTo(7f));
        Assert.That(Bilinear.Sample(p, 2, 2, double.NaN, 0, fill: 7), Is.EqualTo(7f));
    }

    [Test]
    public void Affine_inverse_and_composition_round_trip()
    {
        AffineTransform m = AffineTransform.Rotation(0.3, 12, -4).After(AffineTransform.Translation(5, 7));
        (double x, double y) = m.Invert().Apply(m.Apply(3.5, -2).X, m.Apply(3.5, -2).Y);
        Assert.That(x, Is.EqualTo(3.5).Within(ExactTolerance));
        Assert.That(y, Is.EqualTo(-2).Within(ExactTolerance));
        Assert.Throws<InvalidOperationException>(() => new AffineTransform(0, 0, 0, 0, 1, 1).Invert());
    }

    [Test]
    public void Crop_copies_the_rectangle_and_rejects_rectangles_outside()
    {
        float[] src = Ramp(10, 8);
        var img = new GrayImage(src, 10, 8);
        GrayImage c = Crop.Copy(img, 3, 2, 4, 5);
        Assert.That(c[0, 0], Is.EqualTo(img[3, 2]));
        Assert.That(c[3, 4], Is.EqualTo(img[6, 6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Crop.Copy(img, 7, 2, 4, 5));
        var rgb = Enumerable.Range(0, 4 * 3 * 3).Select(i => (byte)i).ToArray();
        var outRgb = new byte[2 * 1 * 3];
        Crop.Copy<byte>(rgb, 4, 3, 1, 2, 2, 1, outRgb, channels: 3);
        Assert.That(outRgb, Is.EqualTo(new byte[] { 27, 28, 29, 30, 31, 32 }));
    }

    [Test]
    public void Gray_image_rejects_out_of_range_access_and_short_arrays()
    {
        Assert.Throws<ArgumentException>(() => _ = new GrayImage(new float[5], 2, 3));
        var g = new GrayImage(2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = g[2, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GrayImage(0, 3));
    }
}
