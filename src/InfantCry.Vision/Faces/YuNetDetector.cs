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
/// The YuNet detector (libfacedetection / OpenCV zoo) with five key points per face: right eye, left eye, nose tip,
/// right and left mouth corner (the subject's right and left). The image is letterboxed into a BGR 0..255 input whose
/// sides are multiples of 32; for each stride s in 8, 16, 32 the model gives, per grid cell (row, col),
/// cls, obj, bbox and kps; score = sqrt(cls x obj), box centre = ((col, row) + bbox[0..1]) x s,
/// size = exp(bbox[2..3]) x s, key point k = ((col, row) + kps[2k..2k+1]) x s. Then threshold and greedy NMS.
/// </summary>
/// <remarks>
/// Thread-safe for concurrent <see cref="Detect"/> calls (the session must be, as <see cref="IInferenceSession"/>
/// requires); each call rents its buffers. Dispose it to dispose a session it owns.
/// </remarks>
public sealed class YuNetDetector : IFaceDetector, IDisposable
{
    private const string Model = "YuNet";
    private static readonly int[] Strides = [8, 16, 32];

    private readonly IInferenceSession _session;
    private readonly bool _ownsSession;
    private readonly string _inputName;
    private readonly long[] _inputShape;
    private readonly int[] _cells = new int[3];
    private readonly int[] _cols = new int[3];
    private readonly long[][] _shapes = new long[12][];
    private readonly string[] _names = new string[12];
    private readonly int _total;

    /// <summary>Wraps a session of a YuNet model (input [1,3,H,W]; outputs cls_/obj_/bbox_/kps_ for strides 8, 16, 32).</summary>
    /// <param name="session">The model session.</param>
    /// <param name="options">Thresholds and input size; <see langword="null"/> for <see cref="FaceDetectorOptions.Default"/>.
    /// A model with a free input size runs at 640 x 480 unless the options say otherwise.</param>
    /// <param name="ownsSession">Whether <see cref="Dispose"/> disposes the session.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="InvalidModelException">The session does not have YuNet's inputs and outputs.</exception>
    /// <exception cref="ArgumentException">The input size is not a multiple of 32 or differs from the model's fixed size.</exception>
    public YuNetDetector(IInferenceSession session, FaceDetectorOptions? options = null, bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        Options = options ?? FaceDetectorOptions.Default;
        (_inputName, InputWidth, InputHeight) = ModelChecks.ImageInput(session, Model, Options, 640, 480);
        ModelChecks.Output(session, Model, "cls_8", 1); // a model of another family fails here, before any size check
        if (InputWidth % 32 != 0 || InputHeight % 32 != 0)
        {
            throw new ArgumentException($"{Model}: the input size {InputWidth}x{InputHeight} must be a multiple of 32 on both sides (the coarsest stride).", nameof(options));
        }

        _inputShape = [1, 3, InputHeight, InputWidth];
        string[] kinds = ["cls", "obj", "bbox", "kps"];
        int[] dims = [1, 1, 4, 10];
        for (int si = 0; si < 3; si++)
        {
            int s = Strides[si];
            _cols[si] = InputWidth / s;
            _cells[si] = _cols[si] * (InputHeight / s);
            _total += _cells[si];
            for (int k = 0; k < 4; k++)
            {
                string name = $"{kinds[k]}_{s}";
                TensorInfo info = ModelChecks.Output(session, Model, name, dims[k]);
                if (info.Shape[1] > 0 && info.Shape[1] != _cells[si])
                {
                    throw new InvalidModelException($"{Model}: output {info} should have {_cells[si]} cells for a {InputWidth}x{InputHeight} input at stride {s}.");
                }

                _names[(k * 3) + si] = name;
                _shapes[(k * 3) + si] = [1, _cells[si], dims[k]];
            }
        }

        _session = session;
        _ownsSession = ownsSession;
    }

    /// <summary>The options.</summary>
    public FaceDetectorOptions Options { get; }

    /// <summary>Network input width.</summary>
    public int InputWidth { get; }

    /// <summary>Network input height.</summary>
    public int InputHeight { get; }

    /// <summary>The packaged model's file name (YuNet (small, dynamic input size)) in the <c>InfantCry.Models.FaceDetection</c> package.</summary>
    public const string DefaultModelFileName = "yunet_s_dynamic.onnx";

    /// <summary>Loads the YuNet (small, dynamic input size) model of the <c>InfantCry.Models.FaceDetection</c> package installed in the app (copied to <see cref="PackagedModels.Folder"/>).</summary>
    /// <param name="options">Thresholds and input size; <see langword="null"/> for <see cref="FaceDetectorOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for the defaults.</param>
    /// <returns>A detector that owns its session and must be disposed.</returns>
    /// <exception cref="InvalidModelException">The package's model is not beside the app (the message names the package to add).</exception>
    /// <exception cref="InferenceException">ONNX Runtime rejected the file.</exception>
    public static YuNetDetector CreateDefault(FaceDetectorOptions? options = null, OnnxSessionOptions? sessionOptions = null) =>
        Create(PackagedModels.GetPath(DefaultModelFileName, PackagedModels.FaceDetectionPackage), options, sessionOptions);

    /// <summary>Loads a YuNet ONNX model with ONNX Runtime.</summary>
    /// <param name="modelPath">Path of the .onnx file (for example <c>yunet_s_320_320.onnx</c>).</param>
    /// <param name="options">Thresholds and input size; <see langword="null"/> for <see cref="FaceDetectorOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings (threads); <see langword="null"/> for the defaults.</param>
    /// <returns>A detector that owns its session and must be disposed.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidModelException">The model does not have YuNet's inputs and outputs.</exception>
    /// <exception cref="InferenceException">ONNX Runtime rejected the file or was not found.</exception>
    public static YuNetDetector Create(string modelPath, FaceDetectorOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        using var opened = new DisposeOnFailure();
        OnnxInferenceSession session = opened.Add(OnnxInferenceSession.Create(modelPath, sessionOptions));
        return opened.HandOver(new YuNetDetector(session, options, ownsSession: true));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The image is a default view.</exception>
    public IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, CancellationToken cancellationToken = default)
    {
        int inputLen = 3 * InputWidth * InputHeight;
        int outLen = _total * 16; // 1 + 1 + 4 + 10 values per cell
        float[] input = ArrayPool<float>.Shared.Rent(inputLen);
        float[] output = ArrayPool<float>.Shared.Rent(outLen);
        Candidate[] cands = ArrayPool<Candidate>.Shared.Rent(_total);
        TensorOutput[] outputs = ArrayPool<TensorOutput>.Shared.Rent(12);
        try
        {
            LetterboxTransform lb = Letterbox.Prepare(image, input.AsSpan(0, inputLen), InputWidth, InputHeight, ChannelOrder.Bgr, 0f, 1f, 0f);
            cancellationToken.ThrowIfCancellationRequested();
            int offset = 0;
            for (int i = 0; i < 12; i++)
            {
                int len = (int)(_shapes[i][1] * _shapes[i][2]);
                outputs[i] = TensorOutput.Float32(_names[i], output.AsMemory(offset, len), _shapes[i]);
                offset += len;
            }

            _session.Run([TensorInput.Float32(_inputName, input.AsMemory(0, inputLen), _inputShape)], outputs.AsSpan(0, 12), cancellationToken);
            int n = 0;
            offset = 0;
            Span<int> starts = stackalloc int[12];
            for (int i = 0; i < 12; i++)
            {
                starts[i] = offset;
                offset += (int)(_shapes[i][1] * _shapes[i][2]);
            }

            ReadOnlySpan<float> all = output.AsSpan(0, outLen);
            for (int si = 0; si < 3; si++)
            {
                n = DecodeStride(
                    all.Slice(starts[si], _cells[si]), all.Slice(starts[3 + si], _cells[si]), all.Slice(starts[6 + si], _cells[si] * 4),
                    Strides[si], _cols[si], Options.ScoreThreshold, cands, n, indexBase: si << 24);
            }

            int kept = NonMaxSuppression.Apply(cands.AsSpan(0, n), Options.IouThreshold, Options.MaxFaces);
            var result = new FaceDetection[kept];
            for (int i = 0; i < kept; i++)
            {
                Candidate c = cands[i];
                int si = c.Index >> 24, cell = c.Index & 0xFFFFFF;
                ReadOnlySpan<float> kps = all.Slice(starts[9 + si] + (cell * 10), 10);
                int s = Strides[si], col = cell % _cols[si], row = cell / _cols[si];
                var points = new PointF[5];
                for (int k = 0; k < 5; k++)
                {
                    points[k] = lb.ToImage((col + kps[2 * k]) * s, (row + kps[(2 * k) + 1]) * s);
                }

                result[i] = new FaceDetection(lb.ToImage(c.X1, c.Y1, c.X2, c.Y2), c.Score, points);
            }

            return result;
        }
        finally
        {
            ArrayPool<TensorOutput>.Shared.Return(outputs, clearArray: true);
            ArrayPool<Candidate>.Shared.Return(cands);
            ArrayPool<float>.Shared.Return(output);
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>Decodes one stride's cells whose score reaches the threshold into <paramref name="candidates"/> from position <paramref name="n"/>.</summary>
    internal static int DecodeStride(ReadOnlySpan<float> cls, ReadOnlySpan<float> obj, ReadOnlySpan<float> bbox, int stride, int cols, float threshold, Span<Candidate> candidates, int n, int indexBase)
    {
        for (int i = 0; i < cls.Length; i++)
        {
            float score = MathF.Sqrt(Math.Clamp(cls[i], 0f, 1f) * Math.Clamp(obj[i], 0f, 1f));
            if (!(score >= threshold))
            {
                continue;
            }

            int col = i % cols, row = i / cols;
            float cx = (col + bbox[4 * i]) * stride, cy = (row + bbox[(4 * i) + 1]) * stride;
            float w = MathF.Exp(bbox[(4 * i) + 2]) * stride, h = MathF.Exp(bbox[(4 * i) + 3]) * stride;
            candidates[n++] = new Candidate { X1 = cx - (w / 2), Y1 = cy - (h / 2), X2 = cx + (w / 2), Y2 = cy + (h / 2), Score = score, Index = indexBase | i };
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
