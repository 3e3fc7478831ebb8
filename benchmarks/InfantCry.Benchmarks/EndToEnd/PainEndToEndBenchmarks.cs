using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Pain;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Pain;

namespace InfantCry.Benchmarks.EndToEnd;

/// <summary>
/// One steady-state 1280x720 RGB frame through <see cref="PainLevelEstimator.Process(in VideoFrame, CancellationToken)"/>:
/// UltraFace RFB-320, dlib's 68 landmarks, the quality gate, alignment, encoder and the 4-frame LSTM (an estimate on
/// every frame: set-up checks it), with the rotation search off (the default) or on
/// (<see cref="RotationSearchOptions.Default"/>: 18 detector passes, the face then followed), 1 or 2 ONNX Runtime intra-op threads. Frames per
/// second = 1000 / ms per frame. Issue 14 point 5 and issue 16 point 4 (<c>scripts/bench-end-to-end.sh</c>).
/// </summary>
[MemoryDiagnoser]
public class PainEndToEndBenchmarks
{
    private PainLevelEstimator _estimator = null!;
    private byte[][] _frames = [];
    private int _next;

    /// <summary>The face in the frames.</summary>
    [Params(FaceInput.Photo, FaceInput.SyntheticInfant)]
    public FaceInput Face { get; set; }

    /// <summary>Whether faces are searched at every roll (<see cref="PainEstimatorOptions.RotationSearch"/>).</summary>
    [Params(false, true)]
    public bool RotationSearch { get; set; }

    /// <summary>ONNX Runtime intra-op threads for the three models: 1 (single-threaded) or 2.</summary>
    [Params(1, 2)]
    public int IntraOpThreads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _frames = EndToEndInputs.Frames(Face);
        string models = EndToEndInputs.Models;
        var options = new PainEstimatorOptions { RotationSearch = RotationSearch ? RotationSearchOptions.Default : null };
        _estimator = PainLevelEstimator.Create(
            models,
            Path.Combine(models, "version-RFB-320.onnx"),
            Path.Combine(models, PainLevelEstimator.ShapePredictorFileName),
            options: options,
            sessionOptions: new OnnxSessionOptions { IntraOpThreads = IntraOpThreads });

        // Warm the estimator and fill its window, then check that the measured path is the whole one.
        PainFrameResult last = null!;
        for (int i = 0; i < 2 * _frames.Length + 8; i++)
        {
            last = Frame();
        }

        if (!last.HasEstimate)
        {
            throw new InvalidOperationException($"{Face}: no estimate in steady state ({last.AbstentionReason ?? "no face"}): the benchmark would not measure the encoder and LSTM.");
        }

        Console.WriteLine($"// {Face}: face {last.FaceBox}, roll {last.Quality?.Roll:F1}, eye distance {last.Quality?.InterOcularDistance:F0} px, crying {last.CryingProbability:F2}, level {last.Level}");
        EndToEndInputs.PrintAllocation(() => Frame(), RotationSearch ? 8 : 24);
        EndToEndInputs.PrintLatency(() => Frame(), 4 * FramesPerInvoke);
    }

    [GlobalCleanup]
    public void Cleanup() => _estimator.Dispose();

    /// <summary>
    /// Frames per invocation: one period of the rotation search's periodic search
    /// (<see cref="RotationSearchOptions.FullSearchInterval"/>), so that every measured iteration holds the same share of
    /// search passes and the figure per frame is the stream's average; BenchmarkDotNet divides by it.
    /// </summary>
    private const int FramesPerInvoke = 30;

    /// <summary>Detection, landmarks, quality, alignment, encoder, LSTM, states: <see cref="FramesPerInvoke"/> frames of a stream, reported per frame.</summary>
    [Benchmark(Description = "1280x720 frame: detect+landmarks+align+encoder+LSTM", OperationsPerInvoke = FramesPerInvoke)]
    public PainFrameResult Stream()
    {
        PainFrameResult last = null!;
        for (int k = 0; k < FramesPerInvoke; k++)
        {
            last = Frame();
        }

        return last;
    }

    /// <summary>One frame (warm-up and the allocation count).</summary>
    public PainFrameResult Frame()
    {
        int i = _next++ % _frames.Length;
        return _estimator.Process(new VideoFrame(new ImageBuffer(_frames[i], EndToEndInputs.FrameWidth, EndToEndInputs.FrameHeight, PixelFormat.Rgb24), TimeSpan.Zero));
    }
}
