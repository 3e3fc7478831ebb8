using System.Runtime.InteropServices;
using InfantCry.Audio.Detection;
using InfantCry.Vision.Pain;

namespace InfantCry.Cli;

/// <summary>
/// A video's sound for <c>infantcry pain</c>: ffmpeg decodes the first audio stream to mono 16 kHz floats, read in
/// blocks only as far as the frames need (a window just past the current frame), through the streaming cry detector
/// into an <see cref="AudioVisualCryFusion"/>. Memory stays flat whatever the video's length.
/// </summary>
internal sealed class VideoAudio : IDisposable
{
    private const int SampleRate = 16000;
    private const int BlockSamples = 4096;

    private readonly Ffmpeg _decoder;
    private readonly Stream _pcm;
    private readonly StreamingCryDetector _stream;
    private readonly AudioVisualCryFusion _fusion;
    private readonly TimeSpan _offset;
    private readonly byte[] _bytes = new byte[BlockSamples * sizeof(float)];
    private readonly List<CryDetection> _windows = [];
    private int _carry;
    private TimeSpan _lastStart = TimeSpan.MinValue;
    private bool _ended;

    private VideoAudio(Ffmpeg decoder, StreamingCryDetector stream, AudioVisualCryFusion fusion, TimeSpan offset)
    {
        _decoder = decoder;
        _pcm = decoder.Process.StandardOutput.BaseStream;
        _stream = stream;
        _fusion = fusion;
        _offset = offset;
    }

    /// <summary>Windows fed to the fusion so far.</summary>
    public int WindowCount { get; private set; }

    /// <summary>Of those, the windows whose score reached the detector's threshold.</summary>
    public int CryWindowCount { get; private set; }

    /// <summary>Starts decoding the first audio stream of an input (ffmpeg input arguments).</summary>
    /// <param name="inputArgs">ffmpeg input arguments, the path quoted.</param>
    /// <param name="detector">The cry detector.</param>
    /// <param name="fusion">Receives the scored windows.</param>
    /// <param name="offset">The audio stream's start minus the video stream's, added to every window's start.</param>
    public static VideoAudio Start(string inputArgs, CryDetector detector, AudioVisualCryFusion fusion, TimeSpan offset)
    {
        Ffmpeg decoder = Ffmpeg.Start($"-v error {inputArgs} -map 0:a:0 -vn -ac 1 -ar {SampleRate} -f f32le pipe:1", readOutput: true);
        try
        {
            return new VideoAudio(decoder, detector.CreateStreaming(SampleRate), fusion, offset);
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads and scores audio until a window starting after <paramref name="time"/> has been fed (so every window
    /// covering that time has been), or the audio ended.
    /// </summary>
    public void FeedUntil(TimeSpan time, CancellationToken cancellationToken)
    {
        while (!_ended && _lastStart <= time)
        {
            int n = _pcm.ReadAtLeast(_bytes.AsSpan(_carry), 1, throwOnEndOfStream: false);
            if (n == 0)
            {
                _ended = true;
                _decoder.WaitForSuccess();
                _stream.Flush(_windows, cancellationToken);
            }
            else
            {
                int total = _carry + n, whole = total / sizeof(float) * sizeof(float);
                _stream.Process(MemoryMarshal.Cast<byte, float>(_bytes.AsSpan(0, whole)), _windows, cancellationToken);
                _carry = total - whole;
                _bytes.AsSpan(whole, _carry).CopyTo(_bytes);
            }

            foreach (CryDetection d in _windows)
            {
                _fusion.ProcessAudio(d.Start + _offset, d.Duration, d.Score);
                _lastStart = d.Start + _offset;
                WindowCount++;
                CryWindowCount += d.IsCry ? 1 : 0;
            }

            _windows.Clear();
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _decoder.Dispose();
    }
}
