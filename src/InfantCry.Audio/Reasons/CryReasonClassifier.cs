using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Models;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Wav;
using InfantCry.Audio.Yamnet;
using InfantCry.Onnx.Sessions;
using InfantCry.Shared;

namespace InfantCry.Audio.Reasons;

/// <summary>
/// Why a baby cries, from audio: YAMNet embeddings (any sample rate, resampled to 16 kHz) → the cry detector decides
/// whether it is a cry at all → if so, the cry-reason head gives a probability per <see cref="CryReason"/>, with a
/// per-patch timeline and the model's <see cref="ModelReliability"/> so apps can say how far to trust it.
/// </summary>
/// <remarks>
/// <para>The clip's probabilities come from the head on the first <see cref="CryReasonHead.SequenceLength"/> patches
/// (14 patches, about 7 s: the head was trained on 6.5-7.1 s clips); the timeline gives, for every patch the detector
/// hears as crying, the head's probabilities for that patch on its own. Audio that is not a cry gets
/// <see cref="CryReasonResult.IsCry"/> false, no probabilities and no top reason (unless
/// <see cref="CryReasonClassifierOptions.AlwaysEstimateReasons"/>).</para>
/// <para>Thread-safety: every method may be called concurrently from any number of threads. Must be disposed when it
/// owns its sessions (<see cref="Create(string, CryReasonClassifierOptions?, OnnxSessionOptions?)"/>, or
/// <c>ownsSessions</c> true).</para>
/// </remarks>
public sealed class CryReasonClassifier : ICryReasonClassifier, IDisposable
{
    private static readonly TimeSpan s_patchDuration = YamnetResult.PatchDuration;
    private readonly YamnetEmbedder _embedder;
    private readonly CryDetector _detector;
    private readonly CryReasonHead _head;
    private readonly bool _ownsSessions;

    private CryReasonClassifier(YamnetEmbedder embedder, CryDetector detector, CryReasonHead head, ModelReliability reliability, YamnetClassMap? classMap, CryReasonClassifierOptions options, bool ownsSessions)
    {
        _embedder = embedder;
        _detector = detector;
        _head = head;
        Reliability = reliability;
        ClassMap = classMap;
        Options = options;
        _ownsSessions = ownsSessions;
    }

    /// <summary>The options in use.</summary>
    public CryReasonClassifierOptions Options { get; }

    /// <summary>How far the reason probabilities can be trusted (from the evaluation that shipped with the head).</summary>
    public ModelReliability Reliability { get; }

    /// <summary>YAMNet's class names, when loaded from a models folder; otherwise null.</summary>
    public YamnetClassMap? ClassMap { get; }

    /// <summary>The cry detector deciding <see cref="CryReasonResult.IsCry"/>.</summary>
    public CryDetector Detector => _detector;

    /// <summary>
    /// Loads the models from a folder: yamnet.onnx and yamnet_class_map.csv (package <c>InfantCry.Models.Yamnet</c>),
    /// cryreason_head.onnx and cryreason_reliability.json (<c>InfantCry.Models.CryReason</c>), and crydetector_head.onnx
    /// when the detector options ask for the trained detector (<c>InfantCry.Models.CryDetector</c>). The classifier owns the sessions and must be disposed.
    /// </summary>
    /// <param name="modelsFolder">The folder holding the model files.</param>
    /// <param name="options">Options; <see cref="CryReasonClassifierOptions.Default"/> when null.</param>
    /// <param name="sessionOptions">ONNX Runtime options (threads); <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelsFolder"/> is empty.</exception>
    /// <exception cref="InvalidModelException">A file is missing (the message names it and the package that carries it) or a model does not fit.</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed to load a model or was not found.</exception>
    public static CryReasonClassifier Create(string modelsFolder, CryReasonClassifierOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelsFolder);
        options ??= CryReasonClassifierOptions.Default;
        if (!Directory.Exists(modelsFolder))
        {
            throw new InvalidModelException($"Models folder '{modelsFolder}' does not exist. It must hold {YamnetEmbedder.ModelFileName} and {YamnetClassMap.FileName} ({PackagedModels.YamnetPackage}), {CryReasonHead.FileName} and {ModelReliabilityFile.FileName} ({PackagedModels.CryReasonPackage}); with those packages installed, CreateDefault() needs no folder.");
        }

        string headPath = Path.Combine(modelsFolder, CryReasonHead.FileName);
        if (!File.Exists(headPath))
        {
            throw new InvalidModelException($"Cry-reason head '{headPath}' not found. The NuGet package {PackagedModels.CryReasonPackage} carries {CryReasonHead.FileName} and its reliability statement.");
        }

        YamnetClassMap classMap = YamnetClassMap.Load(Path.Combine(modelsFolder, YamnetClassMap.FileName));
        ModelReliability reliability = ModelReliabilityFile.Load(Path.Combine(modelsFolder, ModelReliabilityFile.FileName));
        // The detector settings the models folder ships (crydetector.json) apply unless the options name a detector.
        CryDetectorSettings? detectorSettings = CryDetector.LoadSettings(modelsFolder);
        CryDetectorOptions detectorOptions = ReferenceEquals(options.Detector, CryDetectorOptions.Default) && detectorSettings is not null ? detectorSettings.Options : options.Detector;
        CheckClassMap(classMap, detectorOptions);
        using var opened = new DisposeOnFailure();
        YamnetEmbedder embedder = opened.Add(YamnetEmbedder.Create(Path.Combine(modelsFolder, YamnetEmbedder.ModelFileName), options.Yamnet, sessionOptions));
        OnnxInferenceSession? detectorHead = CryDetector.OpenTrainedHead(modelsFolder, detectorOptions, sessionOptions, opened);
        OnnxInferenceSession headSession = opened.Add(OnnxInferenceSession.Create(headPath, sessionOptions));
        var head = new CryReasonHead(headSession, options.HeadInputName, options.HeadOutputName, ownsSession: true);
        var detector = new CryDetector(embedder, detectorOptions, detectorHead, ownsSessions: true, detectorSettings);
        return opened.HandOver(new CryReasonClassifier(embedder, detector, head, reliability, classMap, options, ownsSessions: true));
    }

    /// <summary>
    /// Loads the models of the <c>InfantCry.Models.Yamnet</c>, <c>InfantCry.Models.CryDetector</c> and
    /// <c>InfantCry.Models.CryReason</c> packages installed in the app (copied to <see cref="PackagedModels.Folder"/>):
    /// no path, no environment variable. The classifier owns the sessions and must be disposed.
    /// </summary>
    /// <param name="options">Options; <see cref="CryReasonClassifierOptions.Default"/> when null.</param>
    /// <param name="sessionOptions">ONNX Runtime options; <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="InvalidModelException">A package's model is not beside the app (the message names the package to add) or a model does not fit.</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed to load a model.</exception>
    public static CryReasonClassifier CreateDefault(CryReasonClassifierOptions? options = null, OnnxSessionOptions? sessionOptions = null)
    {
        PackagedModels.GetPath(YamnetEmbedder.ModelFileName, PackagedModels.YamnetPackage);
        PackagedModels.GetPath(CryReasonHead.FileName, PackagedModels.CryReasonPackage);
        return Create(PackagedModels.Folder, options, sessionOptions);
    }

    /// <summary>Builds a classifier over any inference sessions (another runtime, a test double).</summary>
    /// <param name="yamnet">YAMNet: patches [N, 96, 64] → embeddings [N, 1024], scores [N, 521].</param>
    /// <param name="reasonHead">The reason head: embeddings [N, T, 1024] → probabilities [N, 5].</param>
    /// <param name="reliability">The statement to attach to every result.</param>
    /// <param name="options">Options; <see cref="CryReasonClassifierOptions.Default"/> when null.</param>
    /// <param name="cryDetectorHead">The trained detector head, for <see cref="CryDetectorMode.TrainedHead"/>; otherwise null.</param>
    /// <param name="ownsSessions">Whether <see cref="Dispose"/> disposes the sessions.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="InvalidModelException">A session's signature does not fit.</exception>
    public static CryReasonClassifier Create(IInferenceSession yamnet, IInferenceSession reasonHead, ModelReliability reliability, CryReasonClassifierOptions? options = null, IInferenceSession? cryDetectorHead = null, bool ownsSessions = false)
    {
        ArgumentNullException.ThrowIfNull(yamnet);
        ArgumentNullException.ThrowIfNull(reasonHead);
        ArgumentNullException.ThrowIfNull(reliability);
        options ??= CryReasonClassifierOptions.Default;
        var embedder = new YamnetEmbedder(yamnet, options.Yamnet, ownsSessions);
        var head = new CryReasonHead(reasonHead, options.HeadInputName, options.HeadOutputName, ownsSessions);
        var detector = new CryDetector(embedder, options.Detector, cryDetectorHead, ownsSessions);
        return new CryReasonClassifier(embedder, detector, head, reliability, null, options, ownsSessions);
    }

    /// <inheritdoc />
    /// <exception cref="InferenceException">The runtime failed.</exception>
    public CryReasonResult Classify(ReadOnlySpan<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        YamnetResult yamnet = _embedder.Embed(samples, sampleRate, cancellationToken);
        return Classify(yamnet, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="InferenceException">The runtime failed.</exception>
    public Task<CryReasonResult> ClassifyAsync(ReadOnlyMemory<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        _ = YamnetEmbedder.GetPatchCount(samples.Length, sampleRate);   // validates the rate before going async
        return Task.Run(() => Classify(samples.Span, sampleRate, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Classifies a WAV, Ogg Vorbis or MP3 file (any rate, channels averaged to mono; the format is recognised from the
    /// content, see <see cref="AudioReader"/>).
    /// </summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidAudioException">The file is not in a format InfantCry decodes, or is damaged; the message says which.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public CryReasonResult Classify(string path, CancellationToken cancellationToken = default)
    {
        AudioClip clip = AudioReader.ReadAll(path);
        return Classify(clip.Samples, clip.SampleRate, cancellationToken);
    }

    /// <summary>Classifies a WAV, Ogg Vorbis or MP3 file without blocking the caller.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="cancellationToken">Cancels reading and inference.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidAudioException">The file is not in a format InfantCry decodes, or is damaged; the message says which.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<CryReasonResult> ClassifyAsync(string path, CancellationToken cancellationToken = default)
    {
        AudioClip clip = await AudioReader.ReadAllAsync(path, cancellationToken).ConfigureAwait(false);
        return await ClassifyAsync(clip.Samples, clip.SampleRate, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Classifies a WAV, Ogg Vorbis or MP3 stream from its current position (it need not be seekable).</summary>
    /// <param name="audio">A readable stream holding a WAV, Ogg Vorbis or MP3 file; not disposed.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidAudioException">The bytes are not in a format InfantCry decodes, or are damaged; the message says which.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public CryReasonResult Classify(Stream audio, CancellationToken cancellationToken = default)
    {
        AudioClip clip = AudioReader.ReadAll(audio);
        return Classify(clip.Samples, clip.SampleRate, cancellationToken);
    }

    /// <summary>Classifies a WAV, Ogg Vorbis or MP3 stream without blocking the caller (the stream is read on the thread pool).</summary>
    /// <param name="audio">A readable stream holding a WAV, Ogg Vorbis or MP3 file; not disposed.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidAudioException">The bytes are not in a format InfantCry decodes, or are damaged; the message says which.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<CryReasonResult> ClassifyAsync(Stream audio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return Task.Run(() => Classify(audio, cancellationToken), cancellationToken);
    }

    /// <summary>Classifies from YAMNet output already computed (YAMNet's own 0.48 s patches).</summary>
    /// <param name="yamnet">Embeddings and scores of the recording.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="yamnet"/> is null.</exception>
    /// <exception cref="InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public CryReasonResult Classify(YamnetResult yamnet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(yamnet);
        CryDetectionResult detection = _detector.Detect(yamnet, cancellationToken);
        bool estimate = detection.IsCry || Options.AlwaysEstimateReasons;
        float[] clip = [];
        CryReason? top = null;
        float[] perPatch = [];
        if (estimate && yamnet.PatchCount > 0)
        {
            clip = new float[CryReasonHead.ReasonCount];
            _head.PredictClip(yamnet.Embeddings, yamnet.PatchCount, clip, cancellationToken);
            top = (CryReason)ArgMax(clip);
            perPatch = new float[yamnet.PatchCount * CryReasonHead.ReasonCount];
            _head.PredictPatches(yamnet.Embeddings, yamnet.PatchCount, perPatch, cancellationToken);
        }

        var timeline = new CryReasonSegment[yamnet.PatchCount];
        for (int p = 0; p < timeline.Length; p++)
        {
            CryDetection window = detection.Windows[p];
            IReadOnlyList<float> probabilities = estimate && (window.IsCry || Options.AlwaysEstimateReasons)
                ? perPatch.AsSpan(p * CryReasonHead.ReasonCount, CryReasonHead.ReasonCount).ToArray()
                : [];
            timeline[p] = new CryReasonSegment(window.Start, s_patchDuration, window.Score, probabilities);
        }

        return new CryReasonResult
        {
            IsCry = detection.IsCry,
            CryScore = detection.Score,
            Probabilities = clip,
            TopReason = top,
            Timeline = timeline,
            Duration = yamnet.Duration,
            Reliability = Reliability,
        };
    }

    /// <summary>Disposes the sessions when the classifier owns them.</summary>
    public void Dispose()
    {
        if (_ownsSessions)
        {
            _head.Dispose();
            _detector.Dispose();
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static void CheckClassMap(YamnetClassMap classMap, CryDetectorOptions detector)
    {
        if (classMap.Count != YamnetEmbedder.ClassCount)
        {
            throw new InvalidModelException($"The YAMNet class map has {classMap.Count} classes; YAMNet scores {YamnetEmbedder.ClassCount}.");
        }

        if (detector.Mode == CryDetectorMode.ZeroShot && detector.ClassIndices.Contains(YamnetClassMap.BabyCry) && classMap[YamnetClassMap.BabyCry].DisplayName != "Baby cry, infant cry")
        {
            throw new InvalidModelException($"The YAMNet class map names class {YamnetClassMap.BabyCry} '{classMap[YamnetClassMap.BabyCry].DisplayName}', not 'Baby cry, infant cry': it does not belong to this YAMNet.");
        }
    }
}
