using System.Buffers;
using System.Drawing;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Imaging;

namespace InfantCry.Vision.Landmarks;

/// <summary>
/// dlib's shape predictor (an ensemble of regression trees, Kazemi and Sullivan 2014) in managed code: reads a model
/// saved by dlib, such as Debian's <c>/usr/share/dlib/shape_predictor_68_face_landmarks.dat</c> (package
/// <c>libdlib-data</c>), and places its landmarks (68 for that model) in a face box, as dlib 19.24's
/// <c>shape_predictor::operator()</c> does.
/// </summary>
/// <remarks>
/// <para>The algorithm is dlib's: start from the model's mean shape in the unit square of the face box; for each
/// cascade level, find the similarity transform from the mean shape to the current shape, place each of the level's
/// feature pixels at its anchor landmark plus its transformed offset, map it into the image through the face box,
/// round to the nearest pixel and read its intensity (0 outside the image); every tree of the level compares pixel
/// pairs down to a leaf whose offsets are added to the shape; finally map the shape to image coordinates. Arithmetic
/// follows dlib's float and double use, so the output equals dlib's sub-pixel landmarks to well under 0.01 pixel
/// (dlib itself returns them rounded to whole pixels).</para>
/// <para>Immutable after <see cref="Load(string, CancellationToken)"/>; safe for concurrent calls from any number of
/// threads. A call allocates nothing in steady state (scratch comes from <see cref="ArrayPool{T}.Shared"/>), apart
/// from the array the allocating overload returns.</para>
/// </remarks>
/// <example>
/// <code>
/// var predictor = ShapePredictor.Load("/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
/// var image = new ImageBuffer(rgbBytes, width, height, PixelFormat.Rgb24);
/// Span&lt;PointF&gt; points = stackalloc PointF[predictor.PartCount];
/// predictor.Predict(image, faceBox, points);   // points[36..41]: one eye, [42..47]: the other, [8]: chin
/// </code>
/// </example>
public sealed class ShapePredictor
{
    private const int SerializationVersion = 1;

    private readonly float[] _initialShape;     // 2 * PartCount: x0, y0, x1, y1, ... in the unit square of the box
    private readonly int[] _featureStart;       // CascadeCount + 1 offsets into the feature arrays
    private readonly int[] _anchorOffset;       // 2 * anchor landmark index of each feature pixel
    private readonly float[] _deltaX;           // offset of each feature pixel from its anchor, mean-shape frame
    private readonly float[] _deltaY;
    private readonly int[] _treeStart;          // CascadeCount + 1 offsets into the tree arrays
    private readonly int[] _splitStart;         // TreeCount + 1 offsets into _splits
    private readonly int[] _leafStart;          // offset of each tree's first leaf vector in _leaves
    private readonly Split[] _splits;
    private readonly float[] _leaves;           // leaf vectors, 2 * PartCount floats each
    private readonly int _maxFeatures;
    private readonly int _maxTreesPerLevel;

    private ShapePredictor(
        float[] initialShape, int[] featureStart, int[] anchorOffset, float[] deltaX, float[] deltaY,
        int[] treeStart, int[] splitStart, int[] leafStart, Split[] splits, float[] leaves)
    {
        _initialShape = initialShape;
        _featureStart = featureStart;
        _anchorOffset = anchorOffset;
        _deltaX = deltaX;
        _deltaY = deltaY;
        _treeStart = treeStart;
        _splitStart = splitStart;
        _leafStart = leafStart;
        _splits = splits;
        _leaves = leaves;
        for (int c = 0; c < CascadeCount; c++)
        {
            _maxFeatures = Math.Max(_maxFeatures, featureStart[c + 1] - featureStart[c]);
            _maxTreesPerLevel = Math.Max(_maxTreesPerLevel, treeStart[c + 1] - treeStart[c]);
        }
    }

    /// <summary>Number of landmarks the model places (68 for <c>shape_predictor_68_face_landmarks.dat</c>).</summary>
    public int PartCount => _initialShape.Length / 2;

    /// <summary>Number of cascade levels (15 for the 68-landmark model).</summary>
    public int CascadeCount => _featureStart.Length - 1;

    /// <summary>Number of regression trees over all levels (7500 for the 68-landmark model).</summary>
    public int TreeCount => _leafStart.Length;

    /// <summary>Reads a model that dlib serialized (<c>dlib::serialize(path) &lt;&lt; shape_predictor</c>).</summary>
    /// <param name="path">The model file, e.g. <c>/usr/share/dlib/shape_predictor_68_face_landmarks.dat</c>.</param>
    /// <param name="cancellationToken">Cancels the load (checked every 64 KiB).</param>
    /// <returns>The predictor.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidModelException">The file is missing, unreadable, truncated, or not a dlib shape predictor; the message says where it went wrong.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static ShapePredictor Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new InvalidModelException($"dlib shape predictor '{path}' cannot be opened: {e.Message} (Debian installs the 68-landmark model with the package libdlib-data).", e);
        }

        using (stream)
        {
            return Read(stream, path, cancellationToken);
        }
    }

    /// <summary>Reads a model that dlib serialized from a stream, starting at its current position.</summary>
    /// <param name="stream">The model bytes; not disposed.</param>
    /// <param name="cancellationToken">Cancels the load (checked every 64 KiB).</param>
    /// <returns>The predictor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
    /// <exception cref="InvalidModelException">The data is truncated or not a dlib shape predictor; the message says where it went wrong.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static ShapePredictor Load(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        return Read(stream, "stream", cancellationToken);
    }

    /// <summary>
    /// A face box in dlib's convention: dlib's <c>rectangle(left, top, right, bottom)</c> includes its right column
    /// and bottom row, so it becomes <c>RectangleF(left, top, right - left + 1, bottom - top + 1)</c>.
    /// </summary>
    /// <param name="left">dlib's <c>left()</c>.</param>
    /// <param name="top">dlib's <c>top()</c>.</param>
    /// <param name="right">dlib's <c>right()</c> (inclusive).</param>
    /// <param name="bottom">dlib's <c>bottom()</c> (inclusive).</param>
    /// <returns>The box as <see cref="Predict(in ImageBuffer, RectangleF, Span{PointF})"/> takes it.</returns>
    public static RectangleF FromDlibRectangle(int left, int top, int right, int bottom) =>
        new(left, top, (float)((long)right - left + 1), (float)((long)bottom - top + 1));

    /// <summary>Places the landmarks of the face in <paramref name="face"/>.</summary>
    /// <param name="image">The image; Gray8 is used as it is, colour formats as dlib's intensity <c>(r + g + b) / 3</c>.</param>
    /// <param name="face">The face box in pixels. As in dlib, the box's top-left pixel and its bottom-right pixel
    /// <c>(X + Width - 1, Y + Height - 1)</c> are the corners of the model's unit square (see <see cref="FromDlibRectangle"/>).</param>
    /// <param name="landmarks">Receives <see cref="PartCount"/> points in image pixel coordinates (sub-pixel).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="face"/> is not finite, or is narrower or lower than one pixel.</exception>
    /// <exception cref="ArgumentException"><paramref name="landmarks"/> is shorter than <see cref="PartCount"/>, or <paramref name="image"/> is a default (empty) buffer.</exception>
    public void Predict(in ImageBuffer image, RectangleF face, Span<PointF> landmarks) =>
        Predict(image, face, landmarks, []);

    /// <summary>Places the landmarks of the face in <paramref name="face"/> into a new array.</summary>
    /// <param name="image">The image (see <see cref="Predict(in ImageBuffer, RectangleF, Span{PointF})"/>).</param>
    /// <param name="face">The face box in pixels (see <see cref="Predict(in ImageBuffer, RectangleF, Span{PointF})"/>).</param>
    /// <returns><see cref="PartCount"/> points in image pixel coordinates (sub-pixel).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="face"/> is not finite, or is narrower or lower than one pixel.</exception>
    /// <exception cref="ArgumentException"><paramref name="image"/> is a default (empty) buffer.</exception>
    public PointF[] Predict(in ImageBuffer image, RectangleF face)
    {
        var landmarks = new PointF[PartCount];
        Predict(image, face, landmarks, []);
        return landmarks;
    }

    /// <summary>
    /// Places the landmarks of a face whose box is turned by <paramref name="rollDegrees"/> about its centre: the
    /// predictor runs in the face's upright frame (the image turned by -<paramref name="rollDegrees"/> about the box
    /// centre, read with dlib's nearest-pixel rule) and the points are mapped back to the image.
    /// </summary>
    /// <param name="image">The image (see <see cref="Predict(in ImageBuffer, RectangleF, Span{PointF})"/>).</param>
    /// <param name="face">The face box in the face's upright frame: its centre is the face's centre in image pixels, its
    /// width and height are measured along the face's own axes (as the box of the upright face would be).</param>
    /// <param name="rollDegrees">The face's roll in degrees: the direction from the subject's right eye to its left eye
    /// makes this angle with the image's x axis, clockwise on screen (y grows downwards). 0 is exactly
    /// <see cref="Predict(in ImageBuffer, RectangleF, Span{PointF})"/>.</param>
    /// <param name="landmarks">Receives <see cref="PartCount"/> points in image pixel coordinates (sub-pixel).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="face"/> is not finite or smaller than one pixel, or <paramref name="rollDegrees"/> is not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="landmarks"/> is shorter than <see cref="PartCount"/>, or <paramref name="image"/> is a default (empty) buffer.</exception>
    public void Predict(in ImageBuffer image, RectangleF face, float rollDegrees, Span<PointF> landmarks)
    {
        Predict(image, face, landmarks, [], Rolled(rollDegrees, face), bilinear: false);
    }

    /// <summary>
    /// As <see cref="Predict(in ImageBuffer, RectangleF, float, Span{PointF})"/>, but every feature pixel is read
    /// bilinearly at its exact place in the image (the face's upright frame mapped in) instead of at the nearest pixel:
    /// small and turned faces then give points that move smoothly with the face instead of jumping by a pixel, as if the
    /// face had been cut out levelled and scaled up, without cutting it out. Not dlib's sampling (that is the overload
    /// above).
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="face">The face box in the face's upright frame, turned by <paramref name="rollDegrees"/> about its centre.</param>
    /// <param name="rollDegrees">The face's roll in degrees.</param>
    /// <param name="landmarks">Receives <see cref="PartCount"/> points in image pixels.</param>
    /// <exception cref="ArgumentException"><paramref name="landmarks"/> is too short or <paramref name="image"/> is a default buffer.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="face"/> is not finite or smaller than one pixel, or <paramref name="rollDegrees"/> is not finite.</exception>
    public void PredictBilinear(in ImageBuffer image, RectangleF face, float rollDegrees, Span<PointF> landmarks)
    {
        Predict(image, face, landmarks, [], Rolled(rollDegrees, face), bilinear: true);
    }

    /// <summary>The turn of a rolled face's upright frame, the public overloads' roll checked.</summary>
    private static Roll Rolled(float rollDegrees, RectangleF face) =>
        float.IsFinite(rollDegrees)
            ? Roll.Create(rollDegrees, face)
            : throw new ArgumentOutOfRangeException(nameof(rollDegrees), rollDegrees, "The roll must be a finite angle in degrees.");

    /// <summary>As the public overload; also reports the leaf reached in every tree when <paramref name="leaves"/> is not empty.</summary>
    internal void Predict(in ImageBuffer image, RectangleF face, Span<PointF> landmarks, Span<int> leaves) =>
        Predict(image, face, landmarks, leaves, default, bilinear: false);

    private void Predict(in ImageBuffer image, RectangleF face, Span<PointF> landmarks, Span<int> leaves, Roll roll, bool bilinear)
    {
        ImageGuard.NotEmpty(image, nameof(image));
        ValidateFace(face);
        if (landmarks.Length < PartCount)
        {
            throw new ArgumentException($"The landmark span holds {landmarks.Length} points but the model places {PartCount}.", nameof(landmarks));
        }

        if (!leaves.IsEmpty && leaves.Length < TreeCount)
        {
            throw new ArgumentException($"The leaf span holds {leaves.Length} entries but the model has {TreeCount} trees.", nameof(leaves));
        }

        int shapeLength = _initialShape.Length;
        float[] scratch = ArrayPool<float>.Shared.Rent(shapeLength + _maxFeatures);
        int[] leafOffsets = ArrayPool<int>.Shared.Rent(_maxTreesPerLevel);
        try
        {
            Span<float> shape = scratch.AsSpan(0, shapeLength);
            Span<float> features = scratch.AsSpan(shapeLength, _maxFeatures);
            _initialShape.CopyTo(shape);

            // dlib's unnormalizing_tform(rect): (0,0) -> top-left corner, (1,1) -> bottom-right corner, both corners
            // being pixel positions (dlib's right() and bottom() are inclusive).
            double left = face.X;
            double top = face.Y;
            double scaleX = (double)face.Width - 1.0;
            double scaleY = (double)face.Height - 1.0;
            var sampler = new IntensitySampler(image);

            for (int cascade = 0; cascade < CascadeCount; cascade++)
            {
                ExtractFeatures(sampler, cascade, shape, features, left, top, scaleX, scaleY, roll, bilinear);

                // The trees of a level read only the level's pixels, so all leaves are found first; then the leaf
                // vectors (scattered over the model's 65 MB) are summed with the next ones already being fetched.
                int firstTree = _treeStart[cascade];
                int trees = _treeStart[cascade + 1] - firstTree;
                Span<int> offsets = leafOffsets.AsSpan(0, trees);
                for (int t = 0; t < trees; t++)
                {
                    int leaf = FindLeaf(firstTree + t, features);
                    offsets[t] = _leafStart[firstTree + t] + (leaf * shapeLength);
                    if (!leaves.IsEmpty)
                    {
                        leaves[firstTree + t] = leaf;
                    }
                }

                LeafAccumulator.AddLeaves(shape, _leaves, offsets);
            }

            for (int i = 0; i < PartCount; i++)
            {
                double x = (scaleX * shape[2 * i]) + left, y = (scaleY * shape[(2 * i) + 1]) + top;
                if (roll.IsRotated)
                {
                    (x, y) = roll.ToImage(x, y);
                }

                landmarks[i] = new PointF((float)x, (float)y);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
            ArrayPool<int>.Shared.Return(leafOffsets);
        }
    }

    private static void ValidateFace(RectangleF face)
    {
        if (!float.IsFinite(face.X) || !float.IsFinite(face.Y) || !float.IsFinite(face.Width) || !float.IsFinite(face.Height))
        {
            throw new ArgumentOutOfRangeException(nameof(face), face, "The face box must have finite coordinates.");
        }

        if (face.Width < 1 || face.Height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(face), face, "The face box must be at least one pixel wide and high.");
        }
    }

    /// <summary>dlib's <c>extract_feature_pixel_values</c> for one cascade level.</summary>
    private void ExtractFeatures(
        in IntensitySampler sampler, int cascade, ReadOnlySpan<float> shape, Span<float> features,
        double left, double top, double scaleX, double scaleY, in Roll roll, bool bilinear)
    {
        // find_tform_between_shapes(initial, current), cast to float as dlib does: m = [[a, -b], [b, a]].
        (double a, double b) = SimilarityFromInitial(shape);
        float m00 = (float)a;
        float m01 = (float)-b;
        float m10 = (float)b;
        float m11 = (float)a;

        int start = _featureStart[cascade];
        int count = _featureStart[cascade + 1] - start;
        ReadOnlySpan<int> anchors = _anchorOffset.AsSpan(start, count);
        ReadOnlySpan<float> deltaX = _deltaX.AsSpan(start, count);
        ReadOnlySpan<float> deltaY = _deltaY.AsSpan(start, count);
        double maxX = sampler.Width - 1;
        double maxY = sampler.Height - 1;
        for (int i = 0; i < count; i++)
        {
            // Float, in dlib's order: (m * delta) + anchor location.
            int anchor = anchors[i];
            float dx = deltaX[i];
            float dy = deltaY[i];
            float px = (m00 * dx) + (m01 * dy) + shape[anchor];
            float py = (m10 * dx) + (m11 * dy) + shape[anchor + 1];

            // Double, to image pixels, rounded as dlib converts to point: floor(v + 0.5). A rolled face's upright
            // frame is mapped into the image first, then rounded once (the nearest pixel of the turned image).
            double vx = (scaleX * px) + left;
            double vy = (scaleY * py) + top;
            if (roll.IsRotated)
            {
                (vx, vy) = roll.ToImage(vx, vy);
            }

            if (bilinear)
            {
                features[i] = sampler.Bilinear(vx, vy);
                continue;
            }

            double x = Math.Floor(vx + 0.5);
            double y = Math.Floor(vy + 0.5);
            features[i] = x >= 0 && x <= maxX && y >= 0 && y <= maxY ? sampler.At((int)x, (int)y) : 0f;
        }
    }

    /// <summary>
    /// The least-squares similarity transform (Umeyama) from the initial shape to <paramref name="shape"/>, as the
    /// rotation-and-scale part <c>[[a, -b], [b, a]]</c>. In 2-D the Umeyama solution that dlib computes with an SVD has
    /// this closed form: with both shapes centred, a = sum(f . t) / sum(|f|^2) and b = sum(f x t) / sum(|f|^2).
    /// </summary>
    private (double A, double B) SimilarityFromInitial(ReadOnlySpan<float> shape)
    {
        ReadOnlySpan<float> from = _initialShape;
        int n = PartCount;
        double meanFromX = 0, meanFromY = 0, meanToX = 0, meanToY = 0;
        for (int i = 0; i < n; i++)
        {
            meanFromX += from[2 * i];
            meanFromY += from[(2 * i) + 1];
            meanToX += shape[2 * i];
            meanToY += shape[(2 * i) + 1];
        }

        meanFromX /= n;
        meanFromY /= n;
        meanToX /= n;
        meanToY /= n;

        double sigmaFrom = 0, dot = 0, cross = 0;
        for (int i = 0; i < n; i++)
        {
            double fx = from[2 * i] - meanFromX;
            double fy = from[(2 * i) + 1] - meanFromY;
            double tx = shape[2 * i] - meanToX;
            double ty = shape[(2 * i) + 1] - meanToY;
            sigmaFrom += (fx * fx) + (fy * fy);
            dot += (fx * tx) + (fy * ty);
            cross += (fx * ty) - (fy * tx);
        }

        // dlib keeps scale 1 when the source shape has no spread (a degenerate model); the rotation then is the
        // identity as well, because every centred point is zero.
        return sigmaFrom == 0 ? (1.0, 0.0) : (dot / sigmaFrom, cross / sigmaFrom);
    }

    /// <summary>Walks one tree (nodes in breadth-first order, children of i at 2i+1 and 2i+2) to its leaf.</summary>
    private int FindLeaf(int tree, ReadOnlySpan<float> features)
    {
        int start = _splitStart[tree];
        int splitCount = _splitStart[tree + 1] - start;
        ReadOnlySpan<Split> splits = _splits.AsSpan(start, splitCount);
        int node = 0;
        while (node < splitCount)
        {
            Split s = splits[node];
            node = features[s.Feature1] - features[s.Feature2] > s.Threshold ? (2 * node) + 1 : (2 * node) + 2;
        }

        return node - splitCount;
    }

    private static ShapePredictor Read(Stream stream, string source, CancellationToken cancellationToken)
    {
        // Every array grows with the data actually read, never to a declared count up front: a corrupt count in a
        // stream that cannot tell its length ends in "truncated", not in an attempt to allocate gigabytes.
        using var reader = new DlibSerializationReader(stream, source, cancellationToken);

        long at = reader.Position;
        long version = reader.ReadSigned(4, "version");
        if (version != SerializationVersion)
        {
            throw reader.Corrupt(at, "version", $"version {version}, but dlib's shape_predictor format is version {SerializationVersion} (is this a shape predictor file?)");
        }

        // initial_shape: matrix<float,0,1>
        at = reader.Position;
        (long rows, long cols) = reader.ReadMatrixHeader("initial shape");
        if (cols != 1 || rows == 0 || rows % 2 != 0)
        {
            throw reader.Corrupt(at, "initial shape", $"a {rows}x{cols} matrix where a column of x,y pairs was expected");
        }

        var initialShapeBuilder = new GrowableArray<float>(256);
        for (long i = 0; i < rows; i++)
        {
            initialShapeBuilder.Add(reader.ReadSingle("initial shape"), "initial shape");
        }

        float[] initialShape = initialShapeBuilder.ToTrimmedArray();
        int shapeLength = initialShape.Length;
        int partCount = shapeLength / 2;

        // forests: vector<vector<regression_tree>>; regression_tree = vector<split_feature>, vector<matrix<float,0,1>>
        int cascades = reader.ReadCount("forest count", 1);
        var treeStart = new GrowableArray<int>(32);
        var splitFeatureLimit = new GrowableArray<int>(32); // per level: largest feature index used + 1
        var splitStart = new GrowableArray<int>(8192);
        var leafStart = new GrowableArray<int>(8192);
        var splits = new GrowableArray<Split>(1 << 17);
        var leaves = new GrowableArray<float>(1 << 20);
        treeStart.Add(0, "forests");
        splitStart.Add(0, "splits");
        for (int c = 0; c < cascades; c++)
        {
            reader.Context = $"forest {c}";
            int trees = reader.ReadCount("tree count", 2);
            int largestFeature = -1;
            for (int t = 0; t < trees; t++)
            {
                reader.Context = $"forest {c}, tree {t}";
                int splitCount = reader.ReadCount("split count", 3);
                for (int n = 0; n < splitCount; n++)
                {
                    at = reader.Position;
                    ulong idx1 = reader.ReadUnsigned(8, "split feature index");
                    ulong idx2 = reader.ReadUnsigned(8, "split feature index");
                    float threshold = reader.ReadSingle("split threshold");
                    if (idx1 > int.MaxValue || idx2 > int.MaxValue)
                    {
                        throw reader.Corrupt(at, "split feature index", $"index {Math.Max(idx1, idx2)} is absurd");
                    }

                    splits.Add(new Split((int)idx1, (int)idx2, threshold), "splits");
                    largestFeature = Math.Max(largestFeature, (int)Math.Max(idx1, idx2));
                }

                splitStart.Add(splits.Count, "splits");
                at = reader.Position;
                int leafCount = reader.ReadCount("leaf count", 2);
                if (leafCount != splitCount + 1 || !int.IsPow2(leafCount))
                {
                    throw reader.Corrupt(at, "leaf count", $"{leafCount} leaves for {splitCount} splits; dlib's trees are complete, with a power-of-two number of leaves and one split fewer");
                }

                leafStart.Add(leaves.Count, "leaves");
                for (int l = 0; l < leafCount; l++)
                {
                    reader.ReadColumnVector(leaves.Append(shapeLength, "leaf values"), "leaf vector");
                }
            }

            treeStart.Add(leafStart.Count, "forests");
            splitFeatureLimit.Add(largestFeature + 1, "forests");
        }

        reader.Context = string.Empty;
        int[] levelLimits = splitFeatureLimit.ToTrimmedArray();

        // anchor_idx: vector<vector<unsigned long>>
        at = reader.Position;
        int anchorCascades = reader.ReadCount("anchor index list count", 1);
        if (anchorCascades != cascades)
        {
            throw reader.Corrupt(at, "anchor index list count", $"{anchorCascades} lists for {cascades} forests");
        }

        var featureStart = new int[cascades + 1];
        var anchorOffset = new GrowableArray<int>(8192);
        for (int c = 0; c < cascades; c++)
        {
            reader.Context = $"cascade {c}";
            at = reader.Position;
            int count = reader.ReadCount("anchor count", 1);
            if (count < levelLimits[c])
            {
                throw reader.Corrupt(at, "anchor count", $"{count} feature pixels but the forest's splits use index {levelLimits[c] - 1}");
            }

            for (int i = 0; i < count; i++)
            {
                at = reader.Position;
                ulong anchor = reader.ReadUnsigned(8, "anchor index");
                if (anchor >= (ulong)partCount)
                {
                    throw reader.Corrupt(at, "anchor index", $"landmark {anchor} but the shape has {partCount}");
                }

                anchorOffset.Add(2 * (int)anchor, "anchors");
            }

            featureStart[c + 1] = anchorOffset.Count;
        }

        reader.Context = string.Empty;

        // deltas: vector<vector<dlib::vector<float,2>>>
        at = reader.Position;
        int deltaCascades = reader.ReadCount("delta list count", 1);
        if (deltaCascades != cascades)
        {
            throw reader.Corrupt(at, "delta list count", $"{deltaCascades} lists for {cascades} forests");
        }

        int totalFeatures = featureStart[cascades];
        var deltaX = new float[totalFeatures];
        var deltaY = new float[totalFeatures];
        for (int c = 0; c < cascades; c++)
        {
            reader.Context = $"cascade {c}";
            at = reader.Position;
            int count = reader.ReadCount("delta count", 2);
            if (count != featureStart[c + 1] - featureStart[c])
            {
                throw reader.Corrupt(at, "delta count", $"{count} offsets for {featureStart[c + 1] - featureStart[c]} anchors");
            }

            for (int i = featureStart[c]; i < featureStart[c + 1]; i++)
            {
                deltaX[i] = reader.ReadSingle("delta x");
                deltaY[i] = reader.ReadSingle("delta y");
            }
        }

        return new ShapePredictor(
            initialShape, featureStart, anchorOffset.ToTrimmedArray(), deltaX, deltaY, treeStart.ToTrimmedArray(),
            splitStart.ToTrimmedArray(), leafStart.ToTrimmedArray(), splits.ToTrimmedArray(), leaves.ToTrimmedArray());
    }

    /// <summary>One tree node: go left when <c>features[Feature1] - features[Feature2] &gt; Threshold</c>.</summary>
    /// <summary>The rotation from a rolled face's upright frame to the image, about the face box's centre; default is none.</summary>
    private readonly struct Roll
    {
        private readonly double _cos, _sin, _cx, _cy;

        private Roll(double cos, double sin, double cx, double cy)
        {
            _cos = cos;
            _sin = sin;
            _cx = cx;
            _cy = cy;
            IsRotated = true;
        }

        public bool IsRotated { get; }

        public static Roll Create(float degrees, RectangleF face)
        {
            if (degrees == 0f)
            {
                return default;
            }

            double r = degrees * (Math.PI / 180);
            return new Roll(Math.Cos(r), Math.Sin(r), face.X + ((face.Width - 1.0) / 2), face.Y + ((face.Height - 1.0) / 2));
        }

        public (double X, double Y) ToImage(double x, double y)
        {
            double dx = x - _cx, dy = y - _cy;
            return (_cx + (_cos * dx) - (_sin * dy), _cy + (_sin * dx) + (_cos * dy));
        }
    }

    private readonly record struct Split(int Feature1, int Feature2, float Threshold);
}
