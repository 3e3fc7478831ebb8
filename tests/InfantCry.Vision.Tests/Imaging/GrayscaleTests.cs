using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Tests.Imaging;

public class GrayscaleTests
{
    // Float BT.601 of bytes: three products and two adds in float32, each rounding by <= 0.5 ulp of values <= 255
    // (ulp 2^-16 = 1.5e-5); 1e-4 bounds the accumulated rounding against an exact double computation.
    private const double Float32Rounding = 1e-4;

    private static byte[] RandomBytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [TestCase(PixelFormat.Rgb24)]
    [TestCase(PixelFormat.Bgr24)]
    [TestCase(PixelFormat.Rgba32)]
    [TestCase(PixelFormat.Bgra32)]
    [TestCase(PixelFormat.Gray8)]
    public void Vector_path_equals_scalar_path_for_every_row_length(PixelFormat format)
    {
        int bpp = format.BytesPerPixel();
        for (int n = 0; n <= 67; n++)
        {
            byte[] row = RandomBytes(n * bpp, n);
            var scalar = new float[n];
            var vector = new float[n];
            Grayscale.ConvertRowScalar(row, format, scalar);
            int done = Grayscale.ConvertRowVector128(row, format, vector);
            Grayscale.ConvertRowScalar(row, format, vector, done);
            Assert.That(vector, Is.EqualTo(scalar), $"{n} pixels");
        }
    }

    [Test]
    public void Matches_bt601_and_respects_stride_and_channel_order()
    {
        const int w = 7, h = 3, stride = (w * 3) + 5;
        byte[] px = RandomBytes(stride * h, 1);
        var rgb = new ImageBuffer(px, w, h, PixelFormat.Rgb24, stride);
        GrayImage g = Grayscale.Convert(rgb);

        // The same bytes read as BGR swap red and blue.
        GrayImage gb = Grayscale.Convert(new ImageBuffer(px, w, h, PixelFormat.Bgr24, stride));
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int o = (y * stride) + (x * 3);
                double expected = (0.299 * px[o]) + (0.587 * px[o + 1]) + (0.114 * px[o + 2]);
                double swapped = (0.299 * px[o + 2]) + (0.587 * px[o + 1]) + (0.114 * px[o]);
                Assert.That(g[x, y], Is.EqualTo(expected).Within(Float32Rounding));
                Assert.That(gb[x, y], Is.EqualTo(swapped).Within(Float32Rounding));
            }
        }
    }

    [Test]
    public void Short_destination_says_how_much_is_needed()
    {
        var img = new ImageBuffer(new byte[12], 2, 2, PixelFormat.Rgb24);
        var ex = Assert.Throws<ArgumentException>(() => Grayscale.Convert(img, new float[3]));
        Assert.That(ex!.Message, Does.Contain("needs 4"));
    }

    [Test]
    public void Default_image_view_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Grayscale.Convert(default(ImageBuffer), new float[1]));
    }

    [Test]
    public void Image_buffer_rejects_zero_size_small_stride_and_short_buffers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ImageBuffer(new byte[10], 0, 2, PixelFormat.Gray8));
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ImageBuffer(new byte[100], 4, 2, PixelFormat.Rgb24, stride: 11));
        Assert.That(stride!.Message, Does.Contain("smaller than a row"));
        var shortBuf = Assert.Throws<ArgumentException>(() => _ = new ImageBuffer(new byte[10], 4, 2, PixelFormat.Rgb24));
        Assert.That(shortBuf!.Message, Does.Contain("needs 24 bytes"));
    }
}
