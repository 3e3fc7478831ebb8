using InfantCry.Audio.Wav;
using NVorbis;

namespace InfantCry.Audio.Decoding;

/// <summary>
/// Ogg Vorbis through NVorbis: interleaved float, not clipped (as other decoders' float output). Of a chained Ogg file
/// (several logical streams one after another) the first stream is read.
/// </summary>
internal sealed class VorbisDecoder : InterleavedFloatDecoder
{
    private readonly VorbisReader _reader;

    public VorbisDecoder(SourceStream source, string name)
    {
        _reader = new VorbisReader(source, closeOnDispose: false) { ClipSamples = false };
        Owned = _reader;
        Channels = _reader.Channels;
        SampleRate = _reader.SampleRate;
        AudioReader.CheckShape(AudioContainerFormat.OggVorbis, name, SampleRate, Channels);

        // TotalSamples is the last page's granule position, found by seeking; forward-only streams declare none.
        FrameCount = source.CanSeek && _reader.TotalSamples > 0 ? _reader.TotalSamples : null;
    }

    protected override int ReadInterleaved(Span<float> interleaved)
    {
        int wanted = interleaved.Length - (interleaved.Length % Channels);
        if (wanted == 0)
        {
            return 0;
        }

        return _reader.ReadSamples(interleaved[..wanted]);
    }
}
