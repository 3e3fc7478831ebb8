using System.Drawing;
using System.Runtime.CompilerServices;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Inference;
using InfantCry.Abstractions.Pain;
using InfantCry.Abstractions.Reasons;

namespace InfantCry.PublicApi.Tests;

/// <summary>
/// Implements every extension point from outside the assemblies, with only public API, the way an app backing
/// InfantCry with another runtime or its own models would. If an interface gains a member an outsider cannot
/// implement, this file stops compiling.
/// </summary>
public sealed class ExtensionPointTests
{
    /// <summary>An "inference runtime" whose model doubles its single input.</summary>
    private sealed class DoublingSession : IInferenceSession
    {
        private bool _disposed;

        public IReadOnlyList<TensorInfo> Inputs { get; } = [new TensorInfo("x", TensorElementType.Float32, [-1, 3], ["batch", ""])];

        public IReadOnlyList<TensorInfo> Outputs { get; } = [new TensorInfo("y", TensorElementType.Float32, [-1, 3], ["batch", ""])];

        public void Run(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<TensorOutput> outputs, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            var x = inputs[0].Float32Data.Span;
            var y = outputs[0].Float32Buffer.Span;
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = 2 * x[i];
            }
        }

        public IReadOnlyList<NamedTensor> Run(ReadOnlySpan<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
        {
            var shape = inputs[0].Shape.ToArray();
            var data = new float[inputs[0].Float32Data.Length];
            Run(inputs, [TensorOutput.Float32("y", data, shape)], cancellationToken);
            return [new NamedTensor("y", shape, data)];
        }

        public void Dispose() => _disposed = true;
    }

    [Test]
    public void InferenceSession_CanBeBackedByAnotherRuntime()
    {
        IInferenceSession session = new DoublingSession();
        float[] x = [1, 2, 3, 4, 5, 6];
        float[] y = new float[6];
        long[] shape = [2, 3];

        session.Run([TensorInput.Float32("x", x, shape)], [TensorOutput.Float32("y", y, shape)]);
        var owned = session.Run([TensorInput.Float32("x", x, shape)]);

        Assert.Multiple(() =>
        {
            Assert.That(y, Is.EqualTo(new float[] { 2, 4, 6, 8, 10, 12 }));
            Assert.That(owned[0].AsFloat32Span().ToArray(), Is.EqualTo(y));
            Assert.That(owned[0].Shape, Is.EqualTo(shape));
            Assert.That(session.Inputs[0].ToString(), Is.EqualTo("x: Float32[batch, 3]"));
        });

        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run([TensorInput.Float32("x", x, shape)], [TensorOutput.Float32("y", y, shape)]));
    }

    /// <summary>A classifier that says "not a cry" for silence and "hungry" otherwise.</summary>
    private sealed class LoudnessClassifier : ICryReasonClassifier
    {
        private static readonly ModelReliability Unknown = new("none", 0, 0.5, 0, null, false, "Not evaluated.");

        public CryReasonResult Classify(ReadOnlySpan<float> samples, int sampleRate, CancellationToken cancellationToken = default)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
            bool loud = false;
            foreach (float s in samples)
            {
                loud |= Math.Abs(s) > 0.1f;
            }

            float[] p = loud ? [1, 0, 0, 0, 0] : [];
            return new CryReasonResult
            {
                IsCry = loud,
                CryScore = loud ? 1 : 0,
                Probabilities = p,
                TopReason = loud ? CryReason.Hungry : null,
                Timeline = [],
                Duration = TimeSpan.FromSeconds((double)samples.Length / sampleRate),
                Reliability = Unknown,
            };
        }

        public Task<CryReasonResult> ClassifyAsync(ReadOnlyMemory<float> samples, int sampleRate, CancellationToken cancellationToken = default) =>
            Task.FromResult(Classify(samples.Span, sampleRate, cancellationToken));
    }

    [Test]
    public async Task CryReasonClassifier_CanBeImplementedOutside()
    {
        ICryReasonClassifier classifier = new LoudnessClassifier();
        var silent = classifier.Classify(new float[16000], 16000);
        var loud = await classifier.ClassifyAsync(Enumerable.Repeat(0.5f, 8000).ToArray(), 8000);

        Assert.Multiple(() =>
        {
            Assert.That(silent.IsCry, Is.False);
            Assert.That(silent.TopReason, Is.Null, "no reason is invented for non-cry audio");
            Assert.That(silent.Duration, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(loud.TopReason, Is.EqualTo(CryReason.Hungry));
            Assert.That(loud with { CryScore = 0.5f }, Is.Not.EqualTo(loud), "results are value-comparable records");
        });
    }

    /// <summary>A detector that reports the whole image as one face, and an estimator counting frames.</summary>
    private sealed class WholeImageDetector : IFaceDetector
    {
        public IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, CancellationToken cancellationToken = default) =>
            [new FaceDetection(new RectangleF(0, 0, image.Width, image.Height), 1f, [])];
    }

    private sealed class WindowCounter(IFaceDetector detector, int window) : IPainLevelEstimator
    {
        private long _seen;

        public PainFrameResult Process(in VideoFrame frame, CancellationToken cancellationToken = default)
        {
            var face = detector.Detect(frame.Image, cancellationToken);
            long index = _seen++;
            bool ready = _seen >= window;
            return new PainFrameResult
            {
                FrameIndex = index,
                Timestamp = frame.Timestamp,
                FaceFound = face.Count > 0,
                FaceBox = face.Count > 0 ? face[0].Box : null,
                HasEstimate = ready,
                PainProbabilities = ready ? [1f, 0f, 0f] : [],
                Level = ready ? PainLevel.None : null,
            };
        }

        public async IAsyncEnumerable<PainFrameResult> ProcessAsync(IAsyncEnumerable<VideoFrame> frames, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var f in frames.WithCancellation(cancellationToken))
            {
                yield return Process(f, cancellationToken);
            }
        }

        public void Reset() => _seen = 0;
    }

    private static async IAsyncEnumerable<VideoFrame> Frames(int count)
    {
        var pixels = new byte[8 * 6];
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new VideoFrame(new ImageBuffer(pixels, 8, 6, PixelFormat.Gray8), TimeSpan.FromSeconds(i / 3.0));
        }
    }

    [Test]
    public async Task PainEstimator_CanBeImplementedOutside()
    {
        IPainLevelEstimator estimator = new WindowCounter(new WholeImageDetector(), window: 4);
        var results = new List<PainFrameResult>();
        await foreach (var r in estimator.ProcessAsync(Frames(5)))
        {
            results.Add(r);
        }

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.HasEstimate), Is.EqualTo(new[] { false, false, false, true, true }));
            Assert.That(results[0].FaceBox, Is.EqualTo(new RectangleF(0, 0, 8, 6)));
            Assert.That(results[4].Timestamp, Is.EqualTo(TimeSpan.FromSeconds(4 / 3.0)));
            Assert.That(results[0].Level, Is.Null);
        });
    }
}
