using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Reasons;
using InfantCry.Onnx.Sessions;

namespace InfantCry.Benchmarks.EndToEnd;

/// <summary>
/// A 7 s recording end to end through the public SDK, as an app calls it: <see cref="CryReasonClassifier.Classify(Stream, CancellationToken)"/>
/// on the file's bytes in memory = format sniffing and decoding (WAV or Ogg Vorbis), resampling to 16 kHz, YAMNet's
/// log-mel frontend, YAMNet on ONNX Runtime, the cry detector's verdict and, because both clips are heard as a cry,
/// the cry-reason head (clip and per-patch timeline). Models from <c>artifacts/models</c>; ONNX Runtime with 1 or 2
/// intra-op threads for every model. Issue 16 point 4 (<c>scripts/bench-end-to-end.sh</c> repeats and reports it).
/// </summary>
[MemoryDiagnoser]
public class AudioEndToEndBenchmarks
{
    private CryReasonClassifier _classifier = null!;
    private byte[] _file = [];

    /// <summary>The recording.</summary>
    [Params(AudioInput.DonateacryWav8kHz, AudioInput.Esc50Ogg44kHz)]
    public AudioInput Input { get; set; }

    /// <summary>ONNX Runtime intra-op threads: 1 (single-threaded) or 2.</summary>
    [Params(1, 2)]
    public int IntraOpThreads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _file = EndToEndInputs.AudioBytes(Input);
        _classifier = CryReasonClassifier.Create(EndToEndInputs.Models, sessionOptions: new OnnxSessionOptions { IntraOpThreads = IntraOpThreads });
        CryReasonResult result = ClassifyClip();
        if (!result.IsCry)
        {
            throw new InvalidOperationException($"{Input}: the detector no longer hears the clip as a cry (score {result.CryScore:F3}), so the reason head would not run; pick another clip.");
        }

        Console.WriteLine($"// {Input}: {_file.Length:N0} bytes, {result.Duration.TotalSeconds:F2} s, cry score {result.CryScore:F3}, top reason {result.TopReason}");
        EndToEndInputs.PrintAllocation(() => ClassifyClip(), 5);
    }

    [GlobalCleanup]
    public void Cleanup() => _classifier.Dispose();

    /// <summary>Decode, resample, frontend, YAMNet, cry detector, reason head.</summary>
    [Benchmark(Description = "7 s clip: decode+resample+frontend+YAMNet+detector+reason")]
    public CryReasonResult ClassifyClip() => _classifier.Classify(new MemoryStream(_file, writable: false));
}
