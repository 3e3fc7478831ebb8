using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Decoding;

/// <summary>One format's decoder behind <see cref="AudioReader"/>: mono frames in chunks, end of stream as 0.</summary>
internal abstract class FrameDecoder : IDisposable
{
    public abstract int SampleRate { get; }

    public abstract int Channels { get; }

    /// <summary>The frame count the file declares, or null when it declares none.</summary>
    public abstract long? FrameCount { get; }

    public abstract AudioSampleFormat SampleFormat { get; }

    /// <summary>Decodes up to <paramref name="mono"/>.Length frames; 0 only at the end of the stream.</summary>
    public abstract int Read(Span<float> mono);

    public virtual void Dispose()
    {
    }
}

/// <summary>A decoder that yields interleaved float samples, down-mixed here through one reusable buffer.</summary>
internal abstract class InterleavedFloatDecoder : FrameDecoder
{
    /// <summary>Frames decoded per call into the interleaved buffer (the buffer holds this many frames of every channel).</summary>
    private const int ChunkFrames = 4096;

    private float[] _interleaved = [];
    private int _carry;

    public override AudioSampleFormat SampleFormat => AudioSampleFormat.Float32;

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
