using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Decoding;

/// <summary>One format's decoder behind <see cref="AudioReader"/>: mono frames in chunks, end of stream as 0.</summary>
internal abstract class FrameDecoder : IDisposable
{
    public int SampleRate { get; protected set; }

    public int Channels { get; protected set; }

    /// <summary>The frame count the file declares, or null when it declares none.</summary>
    public long? FrameCount { get; protected set; }

    public AudioSampleFormat SampleFormat { get; protected set; } = AudioSampleFormat.Float32;

    /// <summary>The decoder library's object this decoder owns and disposes, if any.</summary>
    protected IDisposable? Owned { get; set; }

    /// <summary>Decodes up to <paramref name="mono"/>.Length frames; 0 only at the end of the stream.</summary>
    public abstract int Read(Span<float> mono);

    public void Dispose() => Owned?.Dispose();
}

/// <summary>A decoder that yields interleaved float samples, down-mixed here through one reusable buffer.</summary>
internal abstract class InterleavedFloatDecoder : FrameDecoder
{
    /// <summary>Frames decoded per call into the interleaved buffer (the buffer holds this many frames of every channel).</summary>
    private const int ChunkFrames = 4096;

    private float[] _interleaved = [];
    private int _carry;

    public override int Read(Span<float> mono)
    {
        int channels = Channels;
        if (_interleaved.Length == 0)
        {
            _interleaved = new float[ChunkFrames * channels];
        }

        int need = Math.Min(mono.Length, ChunkFrames) * channels;
        int filled = _carry;
        while (filled < need)
        {
            int read = ReadInterleaved(_interleaved.AsSpan(filled, need - filled));
            if (read <= 0)
            {
                break;
            }

            filled += read;
            if (filled >= channels)
            {
                break;
            }
        }

        int frames = Math.Min(filled / channels, mono.Length);
        SampleDecoder.DownmixFloat(_interleaved.AsSpan(0, frames * channels), channels, mono[..frames]);
        _carry = filled - (frames * channels);
        _interleaved.AsSpan(frames * channels, _carry).CopyTo(_interleaved);
        return frames;
    }

    /// <summary>Decodes up to <paramref name="interleaved"/>.Length samples; 0 at the end of the stream.</summary>
    protected abstract int ReadInterleaved(Span<float> interleaved);
}
