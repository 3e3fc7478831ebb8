using InfantCry.Abstractions.Imaging;

namespace InfantCry.Abstractions.Tests.Imaging;

public sealed class ImageBufferTests
{
    [Test]
    public void PackedStrideIsDefault()
    {
        var image = new ImageBuffer(new byte[4 * 3 * 2], 4, 2, PixelFormat.Rgb24);
        Assert.That(image.Stride, Is.EqualTo(12));
        Assert.That(image.GetRow(1).Length, Is.EqualTo(12));
    }

    [Test]
    public void LastRowMayEndAfterItsPixels()
    {
        // 3 rows, stride 8, row bytes 5: needs 2*8 + 5 = 21 bytes, not 24.
        Assert.DoesNotThrow(() => _ = new ImageBuffer(new byte[21], 5, 3, PixelFormat.Gray8, stride: 8));
    }

    [TestCase(0, 1)]
    [TestCase(1, 0)]
    [TestCase(-3, 2)]
    public void ZeroOrNegativeSize_IsRejected(int width, int height)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ImageBuffer(new byte[16], width, height, PixelFormat.Gray8));
    }

    [Test]
    public void StrideSmallerThanRow_SaysSo()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ImageBuffer(new byte[100], 10, 2, PixelFormat.Bgr24, stride: 20));
        Assert.That(ex!.Message, Does.Contain("smaller than a row").And.Contain("30 bytes"));
    }

    [Test]
    public void ShortBuffer_SaysHowManyBytesAreNeeded()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new ImageBuffer(new byte[10], 4, 4, PixelFormat.Gray8));
        Assert.That(ex!.Message, Does.Contain("needs 16 bytes").And.Contain("holds 10"));
    }

    [Test]
    public void RowOutsideImage_Throws()
    {
        var image = new ImageBuffer(new byte[4], 2, 2, PixelFormat.Gray8);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetRow(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetRow(-1));
    }

    [TestCase(PixelFormat.Gray8, 1)]
    [TestCase(PixelFormat.Rgb24, 3)]
    [TestCase(PixelFormat.Bgr24, 3)]
    [TestCase(PixelFormat.Rgba32, 4)]
    [TestCase(PixelFormat.Bgra32, 4)]
    public void BytesPerPixel(PixelFormat format, int expected) => Assert.That(format.BytesPerPixel(), Is.EqualTo(expected));

    [Test]
    public void UnknownFormat_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((PixelFormat)99).BytesPerPixel());
}
