using InfantCry.Abstractions.Imaging;

namespace InfantCry.Vision.Imaging;

/// <summary>Argument checks shared by the imaging kernels; messages say what was wrong.</summary>
internal static class ImageGuard
{
    /// <summary>Checks a tightly packed plane of <paramref name="width"/> x <paramref name="height"/> x <paramref name="channels"/> values.</summary>
    public static void Plane(int length, int width, int height, int channels, string what)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(what, $"The {what} image is {width}x{height}; width and height must be at least 1.");
        }

        long needed = (long)width * height * channels;
        if (length < needed)
        {
            throw new ArgumentException($"The {what} buffer holds {length} values but a {width}x{height} image with {channels} channel(s) needs {needed}.", what);
        }
    }

    /// <summary>Checks that an image is not a default (empty) <see cref="ImageBuffer"/>.</summary>
    public static void NotEmpty(in ImageBuffer image, string what)
    {
        if (image.Width < 1 || image.Height < 1)
        {
            throw new ArgumentException("The image is empty (a default ImageBuffer); construct it with its pixels and size.", what);
        }
    }

    /// <summary>Checks a channel count.</summary>
    public static void Channels(int channels, string what)
    {
        if (channels < 1 || channels > 4)
        {
            throw new ArgumentOutOfRangeException(what, channels, "Channel count must be 1 to 4.");
        }
    }
}
