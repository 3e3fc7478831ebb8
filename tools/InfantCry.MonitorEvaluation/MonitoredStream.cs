using InfantCry.Audio.Decoding;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Monitoring;
using InfantCry.Audio.Resampling;
using InfantCry.Audio.Wav;

namespace InfantCry.MonitorEvaluation;

/// <summary>
/// One long stream through the SDK's live path: PCM in blocks of 4,096 samples (the CLI's block) into a
/// <see cref="StreamingCryDetector"/>, its windows into a <see cref="CryMonitor"/> at the given options. Not thread-safe.
/// </summary>
internal sealed class MonitoredStream : IDisposable
{
    private const int Block = 4096;

    private readonly StreamingCryDetector _stream;
    private readonly CryMonitor _monitor;
    private readonly List<CryDetection> _windows = new(64);
    private readonly List<CryEvent> _events = [];
    private bool _finished;

    public MonitoredStream(CryDetector detector, int sampleRate, CryMonitorOptions options)
    {
        _stream = detector.CreateStreaming(sampleRate);
        _monitor = new CryMonitor(options);
        SampleRate = sampleRate;
    }

    public int SampleRate { get; }

    /// <summary>Samples fed so far.</summary>
    public long Samples { get; private set; }

    public TimeSpan Position => TimeSpan.FromSeconds((double)Samples / SampleRate);

    public long Windows { get; private set; }

    /// <summary>Windows at or above the detector's threshold.</summary>
    public long CryWindows { get; private set; }

    public float HighestScore { get; private set; }

    public IReadOnlyList<CryEvent> Events => _events;

    public void Feed(ReadOnlySpan<float> samples)
    {
        while (!samples.IsEmpty)
        {
            ReadOnlySpan<float> block = samples[..Math.Min(Block, samples.Length)];
            samples = samples[block.Length..];
            Samples += block.Length;
            _stream.Process(block, _windows);
            Drain();
        }
    }

    /// <summary>Ends the stream (pads the last window as the SDK does and closes a cry in progress).</summary>
    public void Finish()
    {
        if (!_finished)
        {
            _finished = true;
            _stream.Flush(_windows);
            Drain();
            _monitor.Flush(_events);
        }
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>A file decoded by the SDK (mono) and brought to <paramref name="rate"/> by the SDK's resampler when its rate differs.</summary>
    public static float[] Decode(string path, int rate)
    {
        AudioClip clip = AudioReader.ReadAll(path);
        return clip.SampleRate == rate ? clip.Samples : Resampler.Resample(clip.Samples, clip.SampleRate, rate);
    }

    private void Drain()
    {
        foreach (CryDetection w in _windows)
        {
            Windows++;
            if (w.IsCry)
            {
                CryWindows++;
            }

            HighestScore = Math.Max(HighestScore, w.Score);
            _monitor.Process(w, _events);
        }

        _windows.Clear();
    }
}
