using System.Drawing;
using System.Runtime.CompilerServices;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Models;
using InfantCry.Abstractions.Pain;
using InfantCry.Onnx.Sessions;
using InfantCry.Shared;
using InfantCry.Vision.Alignment;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Landmarks;
using InfantCry.Vision.Quality;
using InfantCry.Vision.Sequencing;

namespace InfantCry.Vision.Pain;

/// <summary>
/// The pain study's video pipeline, per frame: face detection (<see cref="IFaceDetector"/>, the most confident face),
/// dlib's 68 landmarks (<see cref="ShapePredictor"/> on the <see cref="DlibFaceBox"/> box), the study's alignment to a
/// 64 x 64 gray face in 0..1 (<see cref="FaceAligner"/>, <see cref="AlignmentSampling.Direct"/> as the training), the
/// convolutional encoder (<c>pain_encoder.onnx</c>: <c>frames</c> [N,1,64,64] -> <c>latent</c> [N,640]), a sliding
/// window of T latents (<see cref="FrameSequencer"/>) and the LSTM (<c>pain_sequence.onnx</c>: <c>latents</c>
/// [B,T,640] -> <c>crying</c> [B,2], <c>pain</c> [B,3] probabilities, for the window's last frame).
/// </summary>
/// <remarks>
/// <para>A frame carries an estimate (<see cref="PainFrameResult.HasEstimate"/>) exactly when a window ends at it:
/// from the T-th consecutive face on with the default stride 1. A frame without a face is a result with
/// <see cref="PainFrameResult.FaceFound"/> false and is handled by <see cref="SequenceOptions.NoFace"/> (default
/// <see cref="NoFacePolicy.Reset"/>: T new faces are needed before the next estimate; with
/// <see cref="NoFacePolicy.HoldLast"/> the frame repeats the last face's latent and can carry an estimate).</para>
/// <para>Thread-safety: an estimator follows one stream and keeps its window and scratch buffers, so it is not safe
/// for concurrent calls; create one per stream. The sessions, detector and predictor it is given can be shared by
/// many estimators (they are thread-safe).</para>
/// <para>Allocation: buffers are made once in the constructor; a steady-state frame allocates only its result (the
/// record, its 68 landmarks and 3 probabilities) and what the face detector returns.</para>
/// </remarks>
public sealed class PainLevelEstimator : IPainLevelEstimator, IDisposable
{
    /// <summary>File name of the encoder in a models folder.</summary>
    public const string EncoderFileName = "pain_encoder.onnx";

    /// <summary>File name of the sequence model in a models folder.</summary>
    public const string SequenceFileName = "pain_sequence.onnx";

    /// <summary>dlib's 68-point landmark model's file name (opt-in package <c>InfantCry.Models.Dlib68</c>).</summary>
    public const string ShapePredictorFileName = "shape_predictor_68_face_landmarks.dat";

    private const int LandmarkCount = 68;
    private const int PainLevels = 3;
    private const string PainModelsOrigin = "the NuGet package " + PackagedModels.PainPackage + " carries the pain models (see CreateDefault)";

    /// <summary>
    /// What the error says when dlib's model is missing: where to get it and under what terms. It is not in a default
    /// package because it was trained on iBUG 300-W, whose terms allow research use only.
    /// </summary>
    private const string ShapePredictorOrigin =
        "dlib's 68-point model (" + ShapePredictorFileName + ") was trained on the iBUG 300-W data set, whose terms allow research use only, " +
        "so no default package carries it. For research use, add the opt-in NuGet package " + PackagedModels.Dlib68Package +
        ", or download it from dlib's model files (dlib.net/files, shape_predictor_68_face_landmarks.dat.bz2) and pass its path. " +
        "A commercial app needs a 68-point model trained on data it may use";

    private readonly IInferenceSession _encoder;
    private readonly IInferenceSession _sequence;
    private readonly IFaceDetector? _detector;
    private readonly ShapePredictor? _predictor;
    private readonly FaceLandmarker? _landmarker;
    private readonly FaceLandmarker? _follower;
    private readonly FaceQualityGate? _gate;
    private readonly IDisposable[] _owned;
    private readonly FaceAligner _aligner;
    private readonly FrameSequencer _sequencer;
    private readonly string _encoderInput, _encoderOutput, _sequenceInput;
    private readonly long[] _encoderInputShape, _encoderOutputShape, _sequenceInputShape;
    private readonly long[] _cryingShape = [1, 2], _painShape = [1, PainLevels];
    private readonly float[] _aligned, _latent, _crying = new float[2], _pain = new float[PainLevels];
    private readonly PointF[] _points = new PointF[LandmarkCount];
    private long _frameIndex;
    private float _lastRoll;
    private FaceDetection? _tracked;
    private int _sinceSearch;
    private int _searchPass = -1;
    private readonly List<FaceDetection> _searchCandidates = [];
    private bool _disposed;

    /// <summary>Builds an estimator over loaded models; the models may be shared with other estimators.</summary>
    /// <param name="encoder">Session of <c>pain_encoder.onnx</c> (input [N,1,H,W], output [N,D]).</param>
    /// <param name="sequence">Session of <c>pain_sequence.onnx</c> (input [B,T,D], outputs <c>crying</c> [B,2], <c>pain</c> [B,3]).</param>
    /// <param name="detector">Face detector, or <see langword="null"/> when every frame comes with landmarks (<see cref="Process(in VideoFrame, ReadOnlySpan{PointF}, CancellationToken)"/>).</param>
    /// <param name="predictor">dlib's 68-point predictor, or <see langword="null"/> with a null <paramref name="detector"/>.</param>
    /// <param name="options">Settings; <see langword="null"/> for <see cref="PainEstimatorOptions.Default"/>.</param>
    /// <param name="toDlibBox">Maps a detector box to the box dlib's predictor expects; <see langword="null"/> picks
    /// <see cref="DlibFaceBox.FromUltraFace"/> or <see cref="DlibFaceBox.FromYuNet"/> by the detector's type and the identity otherwise.</param>
    /// <param name="ownsModels">Whether <see cref="Dispose"/> disposes the sessions and the detector.</param>
    /// <exception cref="ArgumentNullException">A session is null.</exception>
    /// <exception cref="ArgumentException">A detector was given without a predictor.</exception>
    /// <exception cref="InvalidModelException">A session does not have the inputs and outputs described above, or its T differs from the options.</exception>
    public PainLevelEstimator(
        IInferenceSession encoder,
        IInferenceSession sequence,
        IFaceDetector? detector,
        ShapePredictor? predictor,
        PainEstimatorOptions? options = null,
        Func<RectangleF, RectangleF>? toDlibBox = null,
        bool ownsModels = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(sequence);
        if (detector is not null && predictor is null)
        {
            throw new ArgumentException("A face detector needs the landmark predictor too (the alignment reads dlib's 68 points).", nameof(predictor));
        }

        Options = options ?? PainEstimatorOptions.Default;
        (_encoderInput, int h, int w) = CheckEncoderInput(encoder);
        (_encoderOutput, int d) = CheckEncoderOutput(encoder);
        _sequenceInput = CheckSequence(sequence, d, Options.Sequence.Length);
        _encoder = encoder;
        _sequence = sequence;
        _detector = detector;
        _predictor = predictor;
        // Faces a refiner settled carry the refiner's (YuNet's) boxes and a measured roll: they are fitted in their own
        // levelled frame (FaceLandmarkerOptions.Levelled unless the caller chose landmark options).
        bool refined = detector is RotatingFaceDetector { Refiner: not null };
        IFaceDetector? upright = detector is RotatingFaceDetector r ? r.Refiner ?? r.Inner : detector;
        Func<RectangleF, RectangleF> toBox = toDlibBox ?? upright switch
        {
            UltraFaceDetector => DlibFaceBox.FromUltraFace,
            YuNetDetector => DlibFaceBox.FromYuNet,
            _ => static b => b,
        };
        // A face followed from the previous frame starts at that frame's fitted roll and box, so fewer fits settle it
        // (FaceLandmarkerOptions.Following); a face found by a full search is settled with Levelled.
        bool chosen = !ReferenceEquals(Options.Landmarks, FaceLandmarkerOptions.Default);
        FaceLandmarkerOptions landmarkOptions = refined && !chosen ? FaceLandmarkerOptions.Levelled : Options.Landmarks;
        _landmarker = predictor is null ? null : new FaceLandmarker(predictor, toBox, landmarkOptions);
        _follower = predictor is null || !refined ? null : chosen ? _landmarker : new FaceLandmarker(predictor, toBox, FaceLandmarkerOptions.Following);
        _gate = Options.Quality is null ? null : new FaceQualityGate(Options.Quality);
        States = Options.States is null ? null : new PainStateTracker(Options.States);
        _owned = ownsModels ? [encoder, sequence, .. detector is IDisposable dd ? [dd] : Array.Empty<IDisposable>()] : [];
        _aligner = new FaceAligner(new AlignmentOptions { Width = w, Height = h });
        _sequencer = new FrameSequencer(d, Options.Sequence);
        _encoderInputShape = [1, 1, h, w];
        _encoderOutputShape = [1, d];
        _sequenceInputShape = [1, Options.Sequence.Length, d];
        _aligned = new float[w * h];
        _latent = new float[d];
    }

    /// <summary>The settings.</summary>
    public PainEstimatorOptions Options { get; }

    /// <summary>
    /// The smoothed states of the stream (subscribe to its <see cref="PainStateTracker.CryingStarted"/>,
    /// <see cref="PainStateTracker.CryingStopped"/> and <see cref="PainStateTracker.PainLevelChanged"/> events);
    /// <see langword="null"/> when <see cref="PainEstimatorOptions.States"/> is null.
    /// </summary>
    public PainStateTracker? States { get; }

    /// <summary>Latent values per frame (D, 640 for the study's encoder).</summary>
    public int LatentLength => _latent.Length;

    /// <summary>
    /// Loads the pain models from a folder (<see cref="EncoderFileName"/>, <see cref="SequenceFileName"/>), a face
    /// detector and dlib's landmark model. The estimator owns and disposes them.
    /// </summary>
    /// <param name="modelsFolder">Folder with the exported pain models (<c>artifacts/models</c> after the set-up).</param>
    /// <param name="detectorModelPath">The detector's ONNX file (for example UltraFace's <c>version-RFB-320.onnx</c>).</param>
    /// <param name="shapePredictorPath">dlib's <c>shape_predictor_68_face_landmarks.dat</c>; <see langword="null"/> for the one of the opt-in package <c>InfantCry.Models.Dlib68</c> when the app has it.</param>
    /// <param name="detectorKind">Which detector <paramref name="detectorModelPath"/> holds. Default <see cref="PainFaceDetector.UltraFace"/>.</param>
    /// <param name="options">Settings; <see langword="null"/> for <see cref="PainEstimatorOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings (threads) for all three models; <see langword="null"/> for the defaults.</param>
    /// <param name="refinerModelPath">
    /// With <see cref="PainEstimatorOptions.RotationSearch"/>: YuNet's ONNX file, which settles each face's roll and
    /// up/down; <see langword="null"/> for <c>yunet_s_dynamic.onnx</c> beside <paramref name="detectorModelPath"/>, else
    /// in the app's packaged models (<c>InfantCry.Models.FaceDetection</c> carries it).
    /// </param>
    /// <returns>An estimator that must be disposed.</returns>
    /// <exception cref="InvalidModelException">A file is missing (the message names it and where it comes from) or a model has the wrong inputs and outputs.</exception>
    /// <exception cref="InferenceException">ONNX Runtime rejected a file or was not found.</exception>
    public static PainLevelEstimator Create(
        string modelsFolder,
        string detectorModelPath,
        string? shapePredictorPath = null,
        PainFaceDetector detectorKind = PainFaceDetector.UltraFace,
        PainEstimatorOptions? options = null,
        OnnxSessionOptions? sessionOptions = null,
        string? refinerModelPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelsFolder);
        ArgumentException.ThrowIfNullOrEmpty(detectorModelPath);
        shapePredictorPath ??= Path.Combine(PackagedModels.Folder, ShapePredictorFileName);
        string encoderPath = Path.Combine(modelsFolder, EncoderFileName);
        string sequencePath = Path.Combine(modelsFolder, SequenceFileName);
        Require(encoderPath, PainModelsOrigin);
        Require(sequencePath, PainModelsOrigin);
        Require(detectorModelPath, "the NuGet package " + PackagedModels.FaceDetectionPackage + " carries UltraFace and YuNet");
        Require(shapePredictorPath, ShapePredictorOrigin);

        ShapePredictor predictor = ShapePredictor.Load(shapePredictorPath);
        using var opened = new DisposeOnFailure();
        IFaceDetector detector = detectorKind == PainFaceDetector.YuNet
            ? opened.Add(YuNetDetector.Create(detectorModelPath, sessionOptions: sessionOptions))
            : opened.Add(UltraFaceDetector.Create(detectorModelPath, sessionOptions: sessionOptions));
        if ((options ?? PainEstimatorOptions.Default).RotationSearch is { } search)
        {
            string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(detectorModelPath))!, YuNetDetector.DefaultModelFileName);
            refinerModelPath ??= File.Exists(beside) ? beside : Path.Combine(PackagedModels.Folder, YuNetDetector.DefaultModelFileName);
            Require(refinerModelPath, "the rotation search refines faces with YuNet; the NuGet package " + PackagedModels.FaceDetectionPackage + " carries it");
            YuNetDetector refiner = opened.Add(YuNetDetector.Create(refinerModelPath, new FaceDetectorOptions { InputWidth = search.RefineCropSize, InputHeight = search.RefineCropSize }, sessionOptions));
            detector = opened.Add(new RotatingFaceDetector(detector, search, ownsDetector: true, refiner, ownsRefiner: true));
        }
        OnnxInferenceSession encoder = opened.Add(OnnxInferenceSession.Create(encoderPath, sessionOptions));
        OnnxInferenceSession sequence = opened.Add(OnnxInferenceSession.Create(sequencePath, sessionOptions));
        return opened.HandOver(new PainLevelEstimator(encoder, sequence, detector, predictor, options, ownsModels: true));
    }

    /// <summary>
    /// Loads the pain models and the face detector from the model packages installed in the app
    /// (<c>InfantCry.Models.Pain</c>, <c>InfantCry.Models.FaceDetection</c>, copied to <see cref="PackagedModels.Folder"/>),
    /// and dlib's 68-point model from <paramref name="shapePredictorPath"/> or the opt-in package <c>InfantCry.Models.Dlib68</c>.
    /// </summary>
    /// <param name="shapePredictorPath">dlib's <c>shape_predictor_68_face_landmarks.dat</c>; <see langword="null"/> for the opt-in package's copy.</param>
    /// <param name="detectorKind">Which packaged detector to use. Default <see cref="PainFaceDetector.UltraFace"/> (RFB-320).</param>
    /// <param name="options">Settings; <see langword="null"/> for <see cref="PainEstimatorOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for the defaults.</param>
    /// <returns>An estimator that must be disposed.</returns>
    /// <exception cref="InvalidModelException">A model is missing (the message names the package to add, and for dlib's model where to get it and under what terms) or does not fit.</exception>
    /// <exception cref="InferenceException">ONNX Runtime rejected a file.</exception>
    public static PainLevelEstimator CreateDefault(string? shapePredictorPath = null, PainFaceDetector detectorKind = PainFaceDetector.UltraFace, PainEstimatorOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        PackagedModels.GetPath(EncoderFileName, PackagedModels.PainPackage);
        string detector = PackagedModels.GetPath(detectorKind == PainFaceDetector.YuNet ? YuNetDetector.DefaultModelFileName : UltraFaceDetector.DefaultModelFileName, PackagedModels.FaceDetectionPackage);
        return Create(PackagedModels.Folder, detector, shapePredictorPath, detectorKind, options, sessionOptions);
    }

    /// <summary>Loads only the pain models, for callers that supply each frame's landmarks (datasets that come with them).</summary>
    /// <param name="modelsFolder">Folder with <see cref="EncoderFileName"/> and <see cref="SequenceFileName"/>.</param>
    /// <param name="options">Settings; <see langword="null"/> for <see cref="PainEstimatorOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for the defaults.</param>
    /// <returns>An estimator without a detector: use <see cref="Process(in VideoFrame, ReadOnlySpan{PointF}, CancellationToken)"/>.</returns>
    /// <exception cref="InvalidModelException">A file is missing (named, with where it comes from) or a model has the wrong inputs and outputs.</exception>
    /// <exception cref="InferenceException">ONNX Runtime rejected a file or was not found.</exception>
    public static PainLevelEstimator CreateWithoutDetector(string modelsFolder, PainEstimatorOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelsFolder);
        string encoderPath = Path.Combine(modelsFolder, EncoderFileName);
        string sequencePath = Path.Combine(modelsFolder, SequenceFileName);
        Require(encoderPath, PainModelsOrigin);
        Require(sequencePath, PainModelsOrigin);
        using var opened = new DisposeOnFailure();
        OnnxInferenceSession encoder = opened.Add(OnnxInferenceSession.Create(encoderPath, sessionOptions));
        OnnxInferenceSession sequence = opened.Add(OnnxInferenceSession.Create(sequencePath, sessionOptions));
        return opened.HandOver(new PainLevelEstimator(encoder, sequence, null, null, options, ownsModels: true));
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The estimator has no face detector (use the overload with landmarks).</exception>
    /// <exception cref="ArgumentException">The frame's image is a default view.</exception>
    /// <exception cref="ObjectDisposedException">The estimator was disposed.</exception>
    public PainFrameResult Process(in VideoFrame frame, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_detector is null || _predictor is null)
        {
            throw new InvalidOperationException("This estimator has no face detector; pass each frame's landmarks to Process(frame, landmarks).");
        }

        cancellationToken.ThrowIfCancellationRequested();
        (IReadOnlyList<FaceDetection> faces, bool followed) = FindFaces(frame.Image, cancellationToken);
        int best = -1;
        for (int i = 0; i < faces.Count; i++)
        {
            if (faces[i].Confidence >= Options.MinFaceConfidence && (best < 0 || faces[i].Confidence > faces[best].Confidence))
            {
                best = i;
            }
        }

        if (best < 0)
        {
            _tracked = null;
            return NoFace(frame, cancellationToken);
        }

        FaceDetection face = faces[best];
        float roll;
        if (_detector is RotatingFaceDetector { Refiner: not null } rotating)
        {
            if (followed)
            {
                // Followed: the refiner's box on a crop levelled at the previous fit's roll, fitted from that roll.
                roll = _follower!.Fit(frame.Image, face with { Roll = _tracked!.Roll }, _points);
                face = face with { Roll = roll };
            }
            else
            {
                (face, roll) = rotating.FitLandmarks(frame.Image, face, _landmarker!, _points, cancellationToken);
            }

            _tracked = face;
        }
        else
        {
            roll = _landmarker!.Fit(frame.Image, face, _points);
        }

        _lastRoll = FaceLandmarker.EyeRoll(_points);
        FaceQuality quality = FaceQualityGate.Measure(frame.Image, face, _points, roll);
        if (_gate?.Check(quality) is string reason)
        {
            long index = _frameIndex++;
            _sequencer.ProcessNoFace(out _);
            return Track(new PainFrameResult
            {
                FrameIndex = index, Timestamp = frame.Timestamp, FaceFound = true, FaceBox = face.Box, Landmarks = _points.ToArray(),
                HasEstimate = false, Quality = quality, AbstentionReason = reason,
            });
        }

        return WithFace(frame, face.Box, _points, quality, cancellationToken);
    }

    /// <summary>
    /// The frame's faces: with a refined rotation search, the face of the previous frame followed by one refinement at
    /// its last place and roll (<c>Followed</c>), and a search of the whole frame at once when it is lost. While it is
    /// followed, a search starts every <see cref="RotationSearchOptions.FullSearchInterval"/> frames and runs
    /// <see cref="RotationSearchOptions.SearchPassesPerFrame"/> of its passes per frame; on the frame of its last pass its
    /// faces other than the followed one are settled there, and the most confident of them replaces the followed face
    /// when it is more confident.
    /// </summary>
    private (IReadOnlyList<FaceDetection> Faces, bool Followed) FindFaces(in ImageBuffer image, CancellationToken cancellationToken)
    {
        if (_detector is not RotatingFaceDetector rotating)
        {
            return (_detector!.Detect(image, cancellationToken), false);
        }

        RotationSearchOptions o = rotating.Options;
        if (rotating.Refiner is not null && _tracked is not null
            && rotating.Refine(image, _tracked, tryQuarterTurns: false, cancellationToken) is { } followed)
        {
            if (++_sinceSearch >= o.FullSearchInterval && _searchPass < 0)
            {
                _sinceSearch = 0;
                _searchPass = 0;
                _searchCandidates.Clear();
            }

            if (_searchPass < 0)
            {
                return ([followed], true);
            }

            rotating.DetectPasses(image, _searchPass, o.SearchPassesPerFrame, _searchCandidates, cancellationToken);
            _searchPass += o.SearchPassesPerFrame;
            if (_searchPass < o.Angles.Count)
            {
                return ([followed], true);
            }

            // The search is complete: its faces other than the followed one, settled on this frame.
            _searchPass = -1;
            _searchCandidates.RemoveAll(c => NonMaxSuppression.IoU(c.Box, followed.Box) > o.MergeIoU);
            IReadOnlyList<FaceDetection> others = _searchCandidates.Count == 0 ? [] : rotating.Settle(image, _searchCandidates, _lastRoll, cancellationToken);
            _searchCandidates.Clear();
            return others.Count > 0 && others[0].Confidence > followed.Confidence ? (others, false) : ([followed], true);
        }

        _sinceSearch = 0;
        _searchPass = -1;
        _searchCandidates.Clear();
        _tracked = null;
        return (rotating.Detect(image, _lastRoll, cancellationToken), false);
    }

    /// <summary>Processes a frame whose 68 landmarks the caller already has (no detection, no landmark prediction).</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="landmarks">68 iBUG points in the frame's pixels, or empty for "no face in this frame".</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The frame's result; its face box is the landmarks' bounding box.</returns>
    /// <exception cref="ArgumentException">The landmarks are neither empty nor 68 finite points, or the image is a default view.</exception>
    /// <exception cref="ObjectDisposedException">The estimator was disposed.</exception>
    public PainFrameResult Process(in VideoFrame frame, ReadOnlySpan<PointF> landmarks, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (landmarks.IsEmpty)
        {
            return NoFace(frame, cancellationToken);
        }

        if (landmarks.Length != LandmarkCount)
        {
            throw new ArgumentException($"Expected {LandmarkCount} landmarks (iBUG 300-W order) or none, got {landmarks.Length}.", nameof(landmarks));
        }

        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        foreach (PointF p in landmarks)
        {
            x0 = MathF.Min(x0, p.X);
            y0 = MathF.Min(y0, p.Y);
            x1 = MathF.Max(x1, p.X);
            y1 = MathF.Max(y1, p.Y);
        }

        return WithFace(frame, RectangleF.FromLTRB(x0, y0, x1, y1), landmarks, null, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The estimator has no face detector.</exception>
    public async IAsyncEnumerable<PainFrameResult> ProcessAsync(IAsyncEnumerable<VideoFrame> frames, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        await foreach (VideoFrame frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return Process(frame, cancellationToken);
        }
    }

    /// <inheritdoc />
    /// <remarks>Frame indices start again from 0.</remarks>
    public void Reset()
    {
        _sequencer.Reset();
        States?.Reset();
        _frameIndex = 0;
        _lastRoll = 0;
        _tracked = null;
        _sinceSearch = 0;
        _searchPass = -1;
        _searchCandidates.Clear();
    }

    /// <summary>Disposes the models when the estimator owns them (made by <c>Create</c>).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }
    }

    private PainFrameResult NoFace(in VideoFrame frame, CancellationToken cancellationToken)
    {
        long index = _frameIndex++;
        bool due = _sequencer.ProcessNoFace(out FrameWindow window);
        return Estimate(index, frame.Timestamp, false, null, [], due, window, null, cancellationToken);
    }

    private PainFrameResult Track(PainFrameResult result) => States is null ? result : result with { State = States.Update(result) };

    private PainFrameResult WithFace(in VideoFrame frame, RectangleF box, ReadOnlySpan<PointF> landmarks, FaceQuality? quality, CancellationToken cancellationToken)
    {
        _aligner.Align(frame.Image, landmarks, _aligned);
        _encoder.Run(
            [TensorInput.Float32(_encoderInput, _aligned, _encoderInputShape)],
            [TensorOutput.Float32(_encoderOutput, _latent, _encoderOutputShape)],
            cancellationToken);
        long index = _frameIndex++;
        bool due = _sequencer.Process(_latent, out FrameWindow window);
        return Estimate(index, frame.Timestamp, true, box, landmarks.ToArray(), due, window, quality, cancellationToken);
    }

    private PainFrameResult Estimate(long index, TimeSpan time, bool face, RectangleF? box, PointF[] landmarks, bool due, in FrameWindow window, FaceQuality? quality, CancellationToken cancellationToken)
    {
        if (!due)
        {
            return Track(new PainFrameResult
            {
                FrameIndex = index, Timestamp = time, FaceFound = face, FaceBox = box, Landmarks = landmarks, HasEstimate = false, Quality = quality,
                AbstentionReason = face ? null : "no face",
            });
        }

        _sequence.Run(
            [TensorInput.Float32(_sequenceInput, window.Features, _sequenceInputShape)],
            [TensorOutput.Float32("crying", _crying, _cryingShape), TensorOutput.Float32("pain", _pain, _painShape)],
            cancellationToken);
        int level = 0;
        for (int i = 1; i < PainLevels; i++)
        {
            if (_pain[i] > _pain[level])
            {
                level = i;
            }
        }

        return Track(new PainFrameResult
        {
            FrameIndex = index,
            Timestamp = time,
            FaceFound = face,
            FaceBox = box,
            Landmarks = landmarks,
            HasEstimate = true,
            CryingProbability = _crying[1],
            PainProbabilities = (float[])_pain.Clone(),
            Level = (PainLevel)level,
            Quality = quality,
        });
    }

    private static void Require(string path, string howToMake)
    {
        if (!File.Exists(path))
        {
            throw new InvalidModelException($"Model file '{Path.GetFullPath(path)}' is missing: {howToMake}.");
        }
    }

    private static (string Name, int Height, int Width) CheckEncoderInput(IInferenceSession s)
    {
        if (s.Inputs.Count != 1 || s.Inputs[0] is not { ElementType: TensorElementType.Float32, Shape: [_, 1, > 0, > 0] } input)
        {
            throw new InvalidModelException($"Pain encoder: expected one float32 input [N, 1, H, W] with fixed H and W, found {string.Join(", ", s.Inputs)}.");
        }

        return (input.Name, (int)input.Shape[2], (int)input.Shape[3]);
    }

    private static (string Name, int Length) CheckEncoderOutput(IInferenceSession s)
    {
        if (s.Outputs.Count != 1 || s.Outputs[0] is not { ElementType: TensorElementType.Float32, Shape: [_, > 0] } output)
        {
            throw new InvalidModelException($"Pain encoder: expected one float32 output [N, D] with a fixed D, found {string.Join(", ", s.Outputs)}.");
        }

        return (output.Name, (int)output.Shape[1]);
    }

    private static string CheckSequence(IInferenceSession s, int latent, int t)
    {
        if (s.Inputs.Count != 1 || s.Inputs[0] is not { ElementType: TensorElementType.Float32, Shape: [_, var mt, var md] } input || md != latent)
        {
            throw new InvalidModelException($"Pain sequence model: expected one float32 input [B, T, {latent}] (D of the encoder), found {string.Join(", ", s.Inputs)}.");
        }

        if (mt > 0 && mt != t)
        {
            throw new InvalidModelException($"Pain sequence model: its time dimension is fixed at {mt} but the options ask for windows of {t} frames.");
        }

        foreach ((string name, int classes) in new[] { ("crying", 2), ("pain", PainLevels) })
        {
            TensorInfo? o = s.Outputs.FirstOrDefault(x => x.Name == name);
            if (o is not { ElementType: TensorElementType.Float32, Shape: [_, var c] } || c != classes)
            {
                throw new InvalidModelException($"Pain sequence model: expected a float32 output '{name}' [B, {classes}], found {string.Join(", ", s.Outputs)}.");
            }
        }

        return input.Name;
    }
}
