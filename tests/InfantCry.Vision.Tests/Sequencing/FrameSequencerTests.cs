using InfantCry.Vision.Sequencing;

namespace InfantCry.Vision.Tests.Sequencing;

public class FrameSequencerTests
{
    private static float[] Frame(int id, int d) => Enumerable.Range(0, d).Select(k => (id * 100f) + k).ToArray();

    // Pushes frames; null = no face. Returns each window as (first, last, ids of the frames it holds).
    private static List<(long First, long Last, int[] Ids)> Run(FrameSequencer s, params int?[] frames)
    {
        var windows = new List<(long, long, int[])>();
        foreach (int? f in frames)
        {
            bool got = f is int id ? s.Process(Frame(id, s.FeatureLength), out FrameWindow w) : s.ProcessNoFace(out w);
            if (got)
            {
                int[] ids = Enumerable.Range(0, w.Length).Select(i => (int)(w[i][0] / 100f)).ToArray();
                for (int i = 0; i < w.Length; i++)
                {
                    Assert.That(w[i].ToArray(), Is.EqualTo(Frame(ids[i], s.FeatureLength)), "every value of the frame");
                }

                Assert.That(w.Features.Length, Is.EqualTo(w.Length * w.FeatureLength));
                windows.Add((w.FirstFrameIndex, w.LastFrameIndex, ids));
            }
        }

        return windows;
    }

    [Test]
    public void Windows_slide_by_one_frame_in_order_across_the_ring_wrap()
    {
        var s = new FrameSequencer(3);
        var w = Run(s, 0, 1, 2, 3, 4, 5, 6, 7, 8);
        Assert.That(w.Select(x => x.Ids), Is.EqualTo(new[]
        {
            new[] { 0, 1, 2, 3 }, new[] { 1, 2, 3, 4 }, new[] { 2, 3, 4, 5 },
            new[] { 3, 4, 5, 6 }, new[] { 4, 5, 6, 7 }, new[] { 5, 6, 7, 8 },
        }));
        Assert.That(w[^1].First, Is.EqualTo(5));
        Assert.That(w[^1].Last, Is.EqualTo(8));
    }

    [TestCase(1, 2, 3)]
    [TestCase(2, 4, 5)]
    [TestCase(3, 3, 7)]
    [TestCase(5, 1, 9)]
    public void Stride_spaces_the_windows(int length, int stride, int features)
    {
        var s = new FrameSequencer(features, new SequenceOptions { Length = length, Stride = stride });
        var w = Run(s, Enumerable.Range(0, 20).Select(i => (int?)i).ToArray());
        int expectedCount = ((20 - length) / stride) + 1;
        Assert.That(w, Has.Count.EqualTo(expectedCount));
        for (int k = 0; k < w.Count; k++)
        {
            Assert.That(w[k].Ids, Is.EqualTo(Enumerable.Range(k * stride, length).ToArray()));
        }
    }

    [Test]
    public void Skip_policy_bridges_gaps()
    {
        var s = new FrameSequencer(2, new SequenceOptions { NoFace = NoFacePolicy.Skip });
        var w = Run(s, 0, 1, null, 3, 4, null, 6);
        Assert.That(w.Select(x => x.Ids), Is.EqualTo(new[] { new[] { 0, 1, 3, 4 }, new[] { 1, 3, 4, 6 } }));
        Assert.That(w[0].Last, Is.EqualTo(4));
        Assert.That(w[1].First, Is.EqualTo(1));
    }

    [Test]
    public void HoldLast_policy_repeats_the_last_face()
    {
        var s = new FrameSequencer(2, new SequenceOptions { NoFace = NoFacePolicy.HoldLast });
        var w = Run(s, null, 0, 1, null, null, 4);
        Assert.That(w.Select(x => x.Ids), Is.EqualTo(new[] { new[] { 0, 1, 1, 1 }, new[] { 1, 1, 1, 4 } }));
        Assert.That(w[0].First, Is.EqualTo(1), "the first no-face frame had nothing to hold and was skipped");
        Assert.That(w[0].Last, Is.EqualTo(4));
    }

    [Test]
    public void Reset_policy_needs_T_consecutive_faces_again()
    {
        var s = new FrameSequencer(2); // default: Reset
        var w = Run(s, 0, 1, 2, null, 4, 5, 6, 7, 8);
        Assert.That(w.Select(x => x.Ids), Is.EqualTo(new[] { new[] { 4, 5, 6, 7 }, new[] { 5, 6, 7, 8 } }));
        Assert.That(s.FramesProcessed, Is.EqualTo(9));
    }

    [Test]
    public void Window_is_a_view_of_the_ring_and_pushes_do_not_allocate()
    {
        var s = new FrameSequencer(8);
        var f = new float[8];
        for (int i = 0; i < 4; i++)
        {
            s.Process(f, out _);
        }

        var newest = new float[100];
        int windows = 0;
        long allocated = Allocations.PerPass(() =>
        {
            windows = 0;
            for (int i = 0; i < 100; i++)
            {
                f[0] = i;
                windows += s.Process(f, out FrameWindow w) ? 1 : 0;
                newest[i] = w[3][0];
            }
        });

        Assert.That(allocated, Is.Zero);
        Assert.That(newest, Is.EqualTo(Enumerable.Range(0, 100).Select(i => (float)i).ToArray()));
        Assert.That(windows, Is.EqualTo(100));
    }

    [Test]
    public void Wrong_feature_length_and_bad_options_are_rejected()
    {
        var s = new FrameSequencer(4);
        var ex = Assert.Throws<ArgumentException>(() => s.Process(new float[3], out _));
        Assert.That(ex!.Message, Does.Contain("4 feature values but 3"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SequenceOptions { Length = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SequenceOptions { Stride = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SequenceOptions { NoFace = (NoFacePolicy)9 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FrameSequencer(0));
    }
}
