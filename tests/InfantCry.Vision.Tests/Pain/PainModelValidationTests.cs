
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Inference;
using InfantCry.Vision.Pain;
using InfantCry.Vision.Sequencing;
using InfantCry.Vision.Tests.Faces;

namespace InfantCry.Vision.Tests.Pain;

/// <summary>The estimator's constructor rejects sessions that do not look like the pain models (fake sessions, no files).</summary>
[TestFixture]
public sealed class PainModelValidationTests
{
    private static FakeSession Encoder(long d = 640, long h = 64) =>
        new(new TensorInfo("frames", TensorElementType.Float32, [-1, 1, h, 64]), [(new TensorInfo("latent", TensorElementType.Float32, [-1, d]), new float[d])]);

    private static FakeSession Sequence(long t = -1, long d = 640, long painClasses = 3) =>
        new(new TensorInfo("latents", TensorElementType.Float32, [-1, t, d]),
            [(new TensorInfo("crying", TensorElementType.Float32, [-1, 2]), new float[2]), (new TensorInfo("pain", TensorElementType.Float32, [-1, painClasses]), new float[painClasses])]);

    [Test]
    public void Matching_sessions_are_accepted_and_not_disposed_unless_owned()
    {
        using FakeSession enc = Encoder(), seq = Sequence();
        using (var estimator = new PainLevelEstimator(enc, seq, null, null))
        {
            Assert.That(estimator.LatentLength, Is.EqualTo(640));
        }

        Assert.That(enc.Disposed || seq.Disposed, Is.False);
        using (new PainLevelEstimator(enc, seq, null, null, ownsModels: true))
        {
        }

        Assert.That(enc.Disposed && seq.Disposed, Is.True);
    }

    [Test]
    public void Latent_length_mismatch_is_an_invalid_model()
    {
        using FakeSession enc = Encoder(d: 320), seq = Sequence();
        Assert.That(() => new PainLevelEstimator(enc, seq, null, null), Throws.TypeOf<InvalidModelException>().With.Message.Contains("320"));
    }

    [Test]
    public void Fixed_window_length_must_match_the_options()
    {
        using FakeSession enc = Encoder(), seq = Sequence(t: 5);
        Assert.That(() => new PainLevelEstimator(enc, seq, null, null), Throws.TypeOf<InvalidModelException>().With.Message.Contains("fixed at 5"));
        using var ok = new PainLevelEstimator(enc, seq, null, null, new PainEstimatorOptions { Sequence = new SequenceOptions { Length = 5 } });
        Assert.That(ok.Options.Sequence.Length, Is.EqualTo(5));
    }

    [Test]
    public void Wrong_pain_head_is_an_invalid_model()
    {
        using FakeSession enc = Encoder(), seq = Sequence(painClasses: 4);
        Assert.That(() => new PainLevelEstimator(enc, seq, null, null), Throws.TypeOf<InvalidModelException>().With.Message.Contains("'pain'"));
    }

    [Test]
    public void Detector_without_predictor_is_rejected()
    {
        using FakeSession enc = Encoder(), seq = Sequence();
        Assert.That(() => new PainLevelEstimator(enc, seq, new NoFaces(), null), Throws.ArgumentException.With.Message.Contains("predictor"));
    }

    private sealed class NoFaces : InfantCry.Abstractions.Faces.IFaceDetector
    {
        public IReadOnlyList<InfantCry.Abstractions.Faces.FaceDetection> Detect(in InfantCry.Abstractions.Imaging.ImageBuffer image, CancellationToken cancellationToken = default) => [];
    }
}
