namespace InfantCry.Audio.Decoding;

/// <summary>Recognises a format from a file's first bytes. Stateless and thread-safe.</summary>
internal static class FormatSniffer
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
    public const int HeaderBytes = 64;

    /// <summary>
    /// The format <paramref name="head"/> starts, or null; when null, <paramref name="unsupported"/> names a
    /// recognised format InfantCry does not decode (FLAC, MP4/M4A, ...) or is null when nothing was recognised.
    /// </summary>
    public static AudioContainerFormat? Detect(ReadOnlySpan<byte> head, out string? unsupported)
    {
        unsupported = null;
        if (head.Length >= 12 && (head.StartsWith("RIFF"u8) || head.StartsWith("RF64"u8)) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return AudioContainerFormat.Wav;
        }

        if (head.StartsWith("OggS"u8))
        {
            return DetectOgg(head, out unsupported);
        }

        if (head.StartsWith("ID3"u8) || IsMpegAudioFrame(head))
        {
            return AudioContainerFormat.Mp3;
        }

        unsupported = NameUnsupported(head);
        return null;
    }

    private static AudioContainerFormat? DetectOgg(ReadOnlySpan<byte> head, out string? unsupported)
    {
        unsupported = null;

        // Page header: 27 bytes, then the segment table; the first packet of the first page identifies the codec.
        const int SegmentCountOffset = 26;
        if (head.Length <= SegmentCountOffset)
        {
            return AudioContainerFormat.OggVorbis;   // too short to tell: the Vorbis decoder reports what is wrong
        }

        int packet = SegmentCountOffset + 1 + head[SegmentCountOffset];
        ReadOnlySpan<byte> first = packet < head.Length ? head[packet..] : [];
        if (first.Length < 8 || first.StartsWith("\u0001vorbis"u8))
        {
            return AudioContainerFormat.OggVorbis;
        }

        unsupported = first.StartsWith("OpusHead"u8) ? "Ogg Opus"
            : first.StartsWith("\u007FFLAC"u8) ? "Ogg FLAC"
            : first.StartsWith("Speex   "u8) ? "Ogg Speex"
            : "an Ogg stream without Vorbis audio";
        return null;
    }

    /// <summary>An MPEG audio frame header: 11 sync bits, a defined version and layer, a usable bitrate and rate index.</summary>
    private static bool IsMpegAudioFrame(ReadOnlySpan<byte> head) =>
        head.Length >= 4
        && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0
        && ((head[1] >> 3) & 3) != 1          // version: 1 is reserved
        && ((head[1] >> 1) & 3) != 0          // layer: 0 is reserved (and marks AAC's ADTS header)
        && (head[2] >> 4) != 15               // bitrate index 15 is invalid
        && ((head[2] >> 2) & 3) != 3;         // sample rate index 3 is reserved

    private static string? NameUnsupported(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("fLaC"u8))
        {
            return "FLAC";
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return head[8..11].SequenceEqual("3gp"u8) || head[8..11].SequenceEqual("3g2"u8) ? "3GP" : "MP4/M4A (AAC or ALAC)";
        }

        if (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xF6) == 0xF0)
        {
            return "AAC (ADTS)";
        }

        return head.StartsWith("caff"u8) ? "CAF"
            : head.StartsWith("#!AMR"u8) ? "AMR"
            : head.Length >= 4 && head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF && head[3] == 0xA3 ? "WebM/Matroska"
            : head.StartsWith("FORM"u8) ? "AIFF"
            : head.StartsWith("RIFX"u8) ? "big-endian RIFX WAV"
            : head.StartsWith("RIFF"u8) ? "a RIFF file that is not WAVE"
            : head.StartsWith("wvpk"u8) ? "WavPack"
            : head.StartsWith("MAC "u8) ? "Monkey's Audio"
            : null;
    }
}
