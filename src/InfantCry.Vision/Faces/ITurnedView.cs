using System.Drawing;

namespace InfantCry.Vision.Faces;

/// <summary>A turned and scaled view of an image (<see cref="RotatedCanvas"/>, <see cref="LevelledCrop"/>): where its points lie in the image.</summary>
internal interface ITurnedView
{
    /// <summary>View pixels per image pixel.</summary>
    double Scale { get; }

    /// <summary>The image point a view point shows.</summary>
    PointF ToImage(PointF q);
}
