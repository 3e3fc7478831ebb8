namespace InfantCry.Audio.Decoding;

/// <summary>The file formats <see cref="AudioReader"/> decodes, as recognised from their first bytes (never from a file name).</summary>
public enum AudioContainerFormat
{
    /// <summary>RIFF/WAVE or RF64/WAVE with integer PCM of 8, 16, 24 or 32 bits or IEEE float of 32 or 64 bits.</summary>
    Wav = 0,

    /// <summary>Vorbis audio in an Ogg container (decoded by NVorbis).</summary>
    OggVorbis,

    /// <summary>MPEG-1/2/2.5 audio layer I, II or III, with or without an ID3 tag (decoded by NLayer).</summary>
    Mp3,
}
