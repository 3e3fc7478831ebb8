using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using InfantCry.Audio.Decoding;

namespace InfantCry.Cli.Monitor;

/// <summary>
/// Mono float samples from where <c>infantcry monitor</c> listens: raw PCM on standard input, or anything ffmpeg
/// opens (a file, <c>alsa:DEVICE</c>, <c>pulse:DEVICE</c>, an RTSP/RTP/HTTP/UDP URL), decoded by ffmpeg to 16 kHz mono
/// float. Reads in small blocks, so memory stays flat however long the stream is.
/// </summary>
internal abstract class PcmSource : IDisposable
{
    /// <summary>Sample rate of what <see cref="ReadAsync"/> returns.</summary>
    public abstract int SampleRate { get; }

    /// <summary>What the source is, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the source is live (a device or a network stream): a drop is retried rather than ending the run.</summary>
    public abstract bool IsLive { get; }

    /// <summary>Reads the next samples; 0 at the end of the stream (or when a live stream dropped).</summary>
    public abstract ValueTask<int> ReadAsync(Memory<float> destination, CancellationToken cancellationToken);

    /// <summary>Why the stream ended, when it ended with an error; otherwise null.</summary>
    public virtual string? Failure => null;

    public abstract void Dispose();

    /// <summary>
    /// Opens a source: <c>-</c> is raw PCM on standard input; a WAV, Ogg Vorbis or MP3 file is read in chunks by the
    /// SDK's <see cref="AudioReader"/> (unless it must be paced in real time); anything else goes through ffmpeg.
    /// </summary>
    public static PcmSource Open(string source, string pcmFormat, int rate, int channels, bool realtime)
    {
        if (source == "-")
        {
            return new StdinPcmSource(pcmFormat, rate, channels);
        }

        if (!realtime && File.Exists(source) && AudioInput.IsReadableByTheSdk(source))
        {
            return new ReaderPcmSource(source);
        }

        return FfmpegPcmSource.Start(source, realtime);
    }
}

/// <summary>A WAV, Ogg Vorbis or MP3 file read chunk by chunk with the SDK's reader (flat memory at any length).</summary>
internal sealed class ReaderPcmSource(string path) : PcmSource
{
    private readonly AudioReader _reader = AudioReader.Open(path);

    public override int SampleRate => _reader.SampleRate;

    public override string Name => path;

    public override bool IsLive => false;

    public override ValueTask<int> ReadAsync(Memory<float> destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_reader.Read(destination.Span));
    }

    public override void Dispose() => _reader.Dispose();
}

/// <summary>Raw little-endian PCM on standard input (s16le or f32le, interleaved channels), down-mixed to mono.</summary>
internal sealed class StdinPcmSource : PcmSource
{
    private readonly Stream _input = Console.OpenStandardInput();
    private readonly int _bytesPerSample;
    private readonly int _channels;
    private readonly byte[] _bytes;
    private int _carry;   // bytes of an incomplete frame kept from the last read

    public StdinPcmSource(string format, int rate, int channels)
    {
        _bytesPerSample = format switch
        {
            "s16le" => 2,
            "f32le" => 4,
            _ => throw new ArgumentException($"--pcm must be s16le or f32le, not '{format}'."),
        };
        if (rate is < 1000 or > 768_000)
        {
            throw new ArgumentException($"--rate must be 1000 to 768000 Hz, not {rate}.");
        }

        if (channels is < 1 or > 32)
        {
            throw new ArgumentException($"--channels must be 1 to 32, not {channels}.");
        }

        SampleRate = rate;
        _channels = channels;
        _bytes = new byte[4096 * _bytesPerSample * channels];
    }

    public override int SampleRate { get; }

    public override string Name => "standard input";

    public override bool IsLive => false;

    public override async ValueTask<int> ReadAsync(Memory<float> destination, CancellationToken cancellationToken)
    {
        int frameBytes = _bytesPerSample * _channels;
        int want = Math.Min(destination.Length * frameBytes, _bytes.Length);
        while (true)
        {
            int n = await _input.ReadAsync(_bytes.AsMemory(_carry, want - _carry), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return 0;   // an incomplete last frame is dropped
            }

            int have = _carry + n;
            int frames = have / frameBytes;
            if (frames == 0)
            {
                _carry = have;
                continue;
            }

            Span<float> mono = destination.Span;
            for (int f = 0; f < frames; f++)
            {
                float sum = 0;
                for (int c = 0; c < _channels; c++)
                {
                    int o = (f * frameBytes) + (c * _bytesPerSample);
                    sum += _bytesPerSample == 2
                        ? BinaryPrimitives.ReadInt16LittleEndian(_bytes.AsSpan(o)) / 32768f
                        : BinaryPrimitives.ReadSingleLittleEndian(_bytes.AsSpan(o));
                }

                mono[f] = sum / _channels;
            }

            _carry = have - (frames * frameBytes);
            _bytes.AsSpan(frames * frameBytes, _carry).CopyTo(_bytes);
            return frames;
        }
    }

    public override void Dispose() => _input.Dispose();
}

/// <summary>ffmpeg decoding a file, device or URL to 16 kHz mono float on its standard output.</summary>
internal sealed class FfmpegPcmSource : PcmSource
{
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly StringBuilder _stderr = new();
    private readonly byte[] _bytes = new byte[4096 * sizeof(float)];
    private int _carry;

    private FfmpegPcmSource(Process process, string name, bool live)
    {
        _process = process;
        _stdout = process.StandardOutput.BaseStream;
        Name = name;
        IsLive = live;
    }

    public override int SampleRate => 16000;

    public override string Name { get; }

    public override bool IsLive { get; }

    public override string? Failure
    {
        get
        {
            if (!_process.HasExited || _process.ExitCode == 0)
            {
                return null;
            }

            lock (_stderr)
            {
                return $"ffmpeg exited with {_process.ExitCode}: {_stderr.ToString().Trim()}";
            }
        }
    }

    /// <summary>Starts ffmpeg. <c>alsa:DEV</c> and <c>pulse:DEV</c> open a capture device; a URL or a path is opened as it is.</summary>
    public static FfmpegPcmSource Start(string source, bool realtime)
    {
        bool live = source.Contains("://", StringComparison.Ordinal) || source.StartsWith("alsa:", StringComparison.Ordinal) || source.StartsWith("pulse:", StringComparison.Ordinal);
        if (!live && !File.Exists(source))
        {
            throw new FileNotFoundException($"'{source}' is not a file, '-' (standard input), a capture device (alsa:DEVICE, pulse:DEVICE) or a URL.", source);
        }

        var psi = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error" })
        {
            psi.ArgumentList.Add(a);
        }

        if (realtime)
        {
            psi.ArgumentList.Add("-re");
        }

        if (source.StartsWith("alsa:", StringComparison.Ordinal) || source.StartsWith("pulse:", StringComparison.Ordinal))
        {
            int colon = source.IndexOf(':', StringComparison.Ordinal);
            psi.ArgumentList.Add("-f");
            psi.ArgumentList.Add(source[..colon]);
            psi.ArgumentList.Add("-i");
            psi.ArgumentList.Add(source[(colon + 1)..]);
        }
        else
        {
            psi.ArgumentList.Add("-i");
            psi.ArgumentList.Add(source);
        }

        foreach (string a in new[] { "-vn", "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1", "-ar", "16000", "-" })
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"infantcry monitor decodes '{source}' with ffmpeg, which could not be started ({ex.Message}); install ffmpeg or pipe raw PCM to 'infantcry monitor -'.", ex);
        }

        var result = new FfmpegPcmSource(process, source, live);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (result._stderr)
                {
                    if (result._stderr.Length < 8192)
                    {
                        result._stderr.AppendLine(e.Data);
                    }
                }
            }
        };
        process.BeginErrorReadLine();
        return result;
    }

    public override async ValueTask<int> ReadAsync(Memory<float> destination, CancellationToken cancellationToken)
    {
        int want = Math.Min(destination.Length * sizeof(float), _bytes.Length);
        while (true)
        {
            int n = await _stdout.ReadAsync(_bytes.AsMemory(_carry, want - _carry), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }

            int have = _carry + n;
            int samples = have / sizeof(float);
            if (samples == 0)
            {
                _carry = have;
                continue;
            }

            Span<float> dst = destination.Span;
            for (int i = 0; i < samples; i++)
            {
                dst[i] = BinaryPrimitives.ReadSingleLittleEndian(_bytes.AsSpan(i * sizeof(float)));
            }

            _carry = have - (samples * sizeof(float));
            _bytes.AsSpan(samples * sizeof(float), _carry).CopyTo(_bytes);
            return samples;
        }
    }

    public override void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
