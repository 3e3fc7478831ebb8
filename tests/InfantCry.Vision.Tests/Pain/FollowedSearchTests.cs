using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Pain;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Landmarks;
using InfantCry.Vision.Pain;
using InfantCry.Vision.Tests.Landmarks;

namespace InfantCry.Vision.Tests.Pain;

/// <summary>
/// While the estimator follows a face, the periodic search of the whole frame is spread over frames
/// (<see cref="RotationSearchOptions.SearchPassesPerFrame"/>) instead of running its 18 detector passes in one frame.
/// Counted in detector passes per frame (not timed), on a synthetic clip played back and forth.
/// </summary>
[Category("MachineTools")]
[Category("Models")]
[Category("SharedAssets")]
[TestFixture]
[NonParallelizable]
public sealed class FollowedSearchTests
{
    private const int Frames = 64;

    [TestCase(1)]
    [TestCase(18)]
    public void The_periodic_search_runs_its_passes_per_frame_while_the_face_is_followed(int passesPerFrame)
    {
        var search = new RotationSearchOptions { FullSearchInterval = 20, SearchPassesPerFrame = passesPerFrame };
        int[] passes = Run(search, out int withFace);
        TestContext.Out.WriteLine($"{passesPerFrame} per frame: passes per frame {string.Join(' ', passes)}; {withFace} of {Frames} frames with a face");

        int count = search.Angles.Count;
        Assert.Multiple(() =>
        {
            Assert.That(withFace, Is.EqualTo(Frames), "the face is found and followed in every frame");
            Assert.That(passes, Is.EqualTo(Schedule(count, search.FullSearchInterval, passesPerFrame)), "the documented schedule");
            Assert.That(passes.Skip(1).Max(), Is.EqualTo(passesPerFrame), "after the first frame, at most this many passes a frame");
        });
    }

    /// <summary>
    /// The documented schedule while the face stays followed: the first frame searches every roll at once; a search
    /// then starts every <paramref name="interval"/> followed frames (or, when one takes longer, as soon as it ends), and
    /// runs <paramref name="perFrame"/> passes a frame until all <paramref name="count"/> have run.
    /// </summary>
    private static int[] Schedule(int count, int interval, int perFrame)
    {
        var passes = new int[Frames];
        passes[0] = count;
        int since = 0, done = -1;
        for (int f = 1; f < Frames; f++)
        {
            if (++since >= interval && done < 0)
            {
                (since, done) = (0, 0);
            }

            if (done >= 0)
            {
                passes[f] = Math.Min(perFrame, count - done);
                done += passes[f];
                done = done >= count ? -1 : done;
            }
        }

        return passes;
    }

    /// <summary>Detector passes per frame over <see cref="Frames"/> frames of a calm clip played forward and back, and how many frames had a face.</summary>
    private static int[] Run(RotationSearchOptions search, out int withFace)
    {
        string name = PainTestData.ClipNames.Order(StringComparer.Ordinal).First();
        PainTestData.Clip clip = PainTestData.LoadClip(name);
        using UltraFaceDetector ultraFace = UltraFaceDetector.Create(PainTestData.Artifact(PainTestData.UltraFacePath));
        using YuNetDetector yuNet = YuNetDetector.Create(PainTestData.Artifact(PainTestData.YuNetPath), new FaceDetectorOptions { InputWidth = search.RefineCropSize, InputHeight = search.RefineCropSize });
        var counted = new CountingDetector(ultraFace);
        using var encoder = OnnxInferenceSession.Create(PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, PainLevelEstimator.EncoderFileName)));
        using var sequence = OnnxInferenceSession.Create(PainTestData.Artifact(Path.Combine(PainTestData.ModelsFolder, PainLevelEstimator.SequenceFileName)));
        using var estimator = new PainLevelEstimator(encoder, sequence, new RotatingFaceDetector(counted, search, refiner: yuNet), LandmarkTestData.Model);
        var passes = new int[Frames];
        withFace = 0;
        int n = clip.Frames.Count;
        for (int f = 0; f < Frames; f++)
        {
            int i = f % (2 * n) < n ? f % n : n - 1 - (f % n);
            int before = counted.Calls;
            PainFrameResult r = estimator.Process(new VideoFrame(clip.Image(i), TimeSpan.FromSeconds(f / 30.0)));
            passes[f] = counted.Calls - before;
            withFace += r.FaceFound ? 1 : 0;
        }

        return passes;
    }

    /// <summary>Counts the passes of the rotation search (calls of its upright detector).</summary>
    private sealed class CountingDetector(IFaceDetector inner) : IFaceDetector
    {
        public int Calls { get; private set; }

        public IReadOnlyList<FaceDetection> Detect(in ImageBuffer image, CancellationToken cancellationToken = default)
        {
            Calls++;
            return inner.Detect(image, cancellationToken);
        }
    }
}
