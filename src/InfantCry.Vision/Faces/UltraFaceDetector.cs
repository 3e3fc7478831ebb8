using System.Buffers;
using System.Drawing;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Models;
using InfantCry.Onnx.Sessions;
using InfantCry.Shared;

namespace InfantCry.Vision.Faces;

/// <summary>
/// The UltraFace (Ultra-Light-Fast-Generic-Face-Detector-1MB) detector, RFB-320 by default: the image is
/// letterboxed into the model's RGB input normalised as (v - 127) / 128; the model decodes its anchors itself and
/// gives per-anchor face scores and boxes normalised 0..1; boxes scoring at least
/// <see cref="FaceDetectorOptions.ScoreThreshold"/> go through greedy NMS. No key points.
/// </summary>
/// <remarks>
/// Thread-safe for concurrent <see cref="Detect"/> calls (the session must be, as <see cref="IInferenceSession"/>
/// requires); each call rents its buffers. Dispose it to dispose a session it owns.
/// </remarks>
public sealed class UltraFaceDetector : IFaceDetector, IDisposable
{
    private const string Model = "UltraFace";
    private const float Mean = 127f;
    private const float Scale = 1f / 128f;

    private readonly IInferenceSession _session;
    private readonly bool _ownsSession;
    private readonly string _inputName;
    private readonly long[] _inputShape;
    private readonly long[] _scoresShape;
    private readonly long[] _boxesShape;
    private readonly int _anchors;

    /// <summary>Wraps a session of an UltraFace model (inputs <c>input</c> [1,3,H,W]; outputs <c>scores</c> [1,N,2], <c>boxes</c> [1,N,4]).</summary>
    /// <param name="session">The model session.</param>
    /// <param name="options">Thresholds; <see langword="null"/> for <see cref="FaceDetectorOptions.Default"/>.</param>
    /// <param name="ownsSession">Whether <see cref="Dispose"/> disposes the session.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="InvalidModelException">The session does not have UltraFace's inputs and outputs.</exception>
    /// <exception cref="ArgumentException">The options ask for an input size the model does not have.</exception>
    public UltraFaceDetector(IInferenceSession session, FaceDetectorOptions? options = null, bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        Options = options ?? FaceDetectorOptions.Default;
        (_inputName, InputWidth, InputHeight) = ModelChecks.ImageInput(session, Model, Options, 320, 240);
        TensorInfo scores = ModelChecks.Output(session, Model, "scores", 2);
        TensorInfo boxes = ModelChecks.Output(session, Model, "boxes", 4);
        if (scores.Shape[1] <= 0 || scores.Shape[1] != boxes.Shape[1])
        {
            throw new InvalidModelException($"{Model}: expected a fixed anchor count shared by 'scores' and 'boxes', found {scores} and {boxes}.");
        }

        _anchors = (int)scores.Shape[1];
        _inputShape = [1, 3, InputHeight, InputWidth];
        _scoresShape = [1, _anchors, 2];
        _boxesShape = [1, _anchors, 4];
        _session = session;
        _ownsSession = ownsSession;
    }

    /// <summary>The options.</summary>
    public FaceDetectorOptions Options { get; }

    /// <summary>Network input width.</summary>
    public int InputWidth { get; }

    /// <summary>Network input height.</summary>
    public int InputHeight { get; }

    /// <summary>The packaged model's file name (UltraFace RFB-320) in the <c>InfantCry.Models.FaceDetection</c> package.</summary>
    public const string DefaultModelFileName = "version-RFB-320.onnx";

    /// <summary>Loads the UltraFace RFB-320 model of the <c>InfantCry.Models.FaceDetection</c> package installed in the app (copied to <see cref="PackagedModels.Folder"/>).</summary>
    /// <param name="options">Thresholds and input size; <see langword="null"/> for <see cref="FaceDetectorOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for the defaults.</param>
    /// <returns>A detector that owns its session and must be disposed.</returns>
    /// <exception cref="InvalidModelException">The package's model is not beside the app (the message names the package to add).</exception>
    /// <exception cref="InferenceException">ONNX Runtime rejected the file.</exception>
    public static UltraFaceDetector CreateDefault(FaceDetectorOptions? options = null, OnnxSessionOptions? sessionOptions = null) =>
        Create(PackagedModels.GetPath(DefaultModelFileName, PackagedModels.FaceDetectionPackage), options, sessionOptions);

    /// <summary>Loads a UltraFace ONNX model with ONNX Runtime.</summary>
    /// <param name="modelPath">Path of the .onnx file (for example <c>version-RFB-320.onnx</c>).</param>
    /// <param name="options">Thresholds and input size; <see langword="null"/> for <see cref="FaceDetectorOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings (threads); <see langword="null"/> for the defaults.</param>
    /// <returns>A detector that owns its session and must be disposed.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidModelException">The model does not have UltraFace's inputs and outputs.</exception>
    /// <exception cref="InferenceException">ONNX Runtime rejected the file or was not found.</exception>
    public static UltraFaceDetector Create(string modelPath, FaceDetectorOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        using var opened = new DisposeOnFailure();
        OnnxInferenceSession session = opened.Add(OnnxInferenceSession.Create(modelPath, sessionOptions));
        return opened.HandOver(new UltraFaceDetector(session, options, ownsSession: true));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The image is a default view.</exception>
    public IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, CancellationToken cancellationToken = default)
    {
        int inputLen = 3 * InputWidth * InputHeight;
        float[] input = ArrayPool<float>.Shared.Rent(inputLen);
        float[] scores = ArrayPool<float>.Shared.Rent(_anchors * 2);
        float[] boxes = ArrayPool<float>.Shared.Rent(_anchors * 4);
        Candidate[] cands = ArrayPool<Candidate>.Shared.Rent(_anchors);
        try
        {
            LetterboxTransform lb = Letterbox.Prepare(image, input.AsSpan(0, inputLen), InputWidth, InputHeight, ChannelOrder.Rgb, Mean, Scale, 0f);
            cancellationToken.ThrowIfCancellationRequested();
            _session.Run(
                [TensorInput.Float32(_inputName, input.AsMemory(0, inputLen), _inputShape)],
                [TensorOutput.Float32("scores", scores.AsMemory(0, _anchors * 2), _scoresShape), TensorOutput.Float32("boxes", boxes.AsMemory(0, _anchors * 4), _boxesShape)],
                cancellationToken);
            int n = Decode(scores.AsSpan(0, _anchors * 2), boxes.AsSpan(0, _anchors * 4), cands, Options.ScoreThreshold, InputWidth, InputHeight);
            int kept = NonMaxSuppression.Apply(cands.AsSpan(0, n), Options.IouThreshold, Options.MaxFaces);
            var result = new FaceDetection[kept];
            for (int i = 0; i < kept; i++)
            {
                Candidate c = cands[i];
                result[i] = new FaceDetection(lb.ToImage(c.X1, c.Y1, c.X2, c.Y2), c.Score, Array.Empty<PointF>());
            }

            return result;
        }
        finally
        {
            ArrayPool<Candidate>.Shared.Return(cands);
            ArrayPool<float>.Shared.Return(boxes);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>Keeps anchors whose face score (column 1) reaches the threshold; boxes scaled from 0..1 to input pixels.</summary>
    internal static int Decode(ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes, Span<Candidate> candidates, float threshold, int width, int height)
    {
        int n = 0;
        int anchors = scores.Length / 2;
        for (int i = 0; i < anchors; i++)
        {
            float s = scores[(2 * i) + 1];
            if (!(s >= threshold))
            {
                continue;
            }

            candidates[n++] = new Candidate
            {
                X1 = boxes[4 * i] * width,
                Y1 = boxes[(4 * i) + 1] * height,
                X2 = boxes[(4 * i) + 2] * width,
                Y2 = boxes[(4 * i) + 3] * height,
                Score = s,
                Index = i,
            };
        }

        return n;
    }

    /// <summary>Disposes the session when the detector owns it.</summary>
    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }
}
