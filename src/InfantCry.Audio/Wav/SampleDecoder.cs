using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace InfantCry.Audio.Wav;

/// <summary>Decodes interleaved encoded frames to mono float by averaging channels. Stateless and thread-safe.</summary>
internal static class SampleDecoder
{
    private const float Pcm8Scale = 1f / 128f;
    private const float Pcm16Scale = 1f / 32768f;
    private const float Pcm24Scale = 1f / 8388608f;
    private const double Pcm32Scale = 1.0 / 2147483648.0;

    /// <summary>Decodes <c>mono.Length</c> whole frames of <paramref name="channels"/> samples from <paramref name="data"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> data, AudioSampleFormat format, int channels, Span<float> mono)
    {
        int bytes = format.BytesPerSample();
        if ((long)mono.Length * channels * bytes > data.Length)
        {
            throw new ArgumentException("Destination asks for more frames than the data holds.", nameof(mono));
        }

        if (BitConverter.IsLittleEndian && format == AudioSampleFormat.Pcm16)
        {
            // The common case (phones, donateacry): reinterpret the bytes, no per-sample format dispatch.
            DownmixPcm16(MemoryMarshal.Cast<byte, short>(data[..(mono.Length * channels * 2)]), channels, mono);
            return;
        }

        if (BitConverter.IsLittleEndian && format == AudioSampleFormat.Float32)
        {
            DownmixFloat(MemoryMarshal.Cast<byte, float>(data[..(mono.Length * channels * 4)]), channels, mono);
            return;
        }

        float inverseChannels = 1f / channels;
        int frameBytes = channels * bytes;
        for (int f = 0; f < mono.Length; f++)
        {
            ReadOnlySpan<byte> frame = data.Slice(f * frameBytes, frameBytes);
            double sum = 0;
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<byte> s = frame.Slice(c * bytes, bytes);
                sum += format switch
                {
                    AudioSampleFormat.Pcm8 => (s[0] - 128) * Pcm8Scale,
                    AudioSampleFormat.Pcm16 => BinaryPrimitives.ReadInt16LittleEndian(s) * Pcm16Scale,
                    AudioSampleFormat.Pcm24 => ((s[0] | (s[1] << 8) | (s[2] << 16)) << 8 >> 8) * Pcm24Scale,
                    AudioSampleFormat.Pcm32 => BinaryPrimitives.ReadInt32LittleEndian(s) * Pcm32Scale,
                    AudioSampleFormat.Float32 => BinaryPrimitives.ReadSingleLittleEndian(s),
                    _ => BinaryPrimitives.ReadDoubleLittleEndian(s),
                };
            }

            mono[f] = channels == 1 ? (float)sum : (float)(sum * inverseChannels);
        }
    }

    /// <summary>Mono from interleaved int16, scaled by 1/32768.</summary>
    public static void DownmixPcm16(ReadOnlySpan<short> interleaved, int channels, Span<float> mono)
    {
        if (channels == 1)
        {
            for (int i = 0; i < mono.Length; i++)
            {
                mono[i] = interleaved[i] * Pcm16Scale;
            }

            return;
        }

        if (channels == 2)
        {
            for (int f = 0; f < mono.Length; f++)
            {
                mono[f] = (interleaved[2 * f] + interleaved[(2 * f) + 1]) * (Pcm16Scale / 2);
            }

            return;
        }

        float scale = Pcm16Scale / channels;
        for (int f = 0; f < mono.Length; f++)
        {
            int sum = 0;
            ReadOnlySpan<short> frame = interleaved.Slice(f * channels, channels);
            for (int c = 0; c < frame.Length; c++)
            {
                sum += frame[c];
            }

            mono[f] = sum * scale;
        }
    }

    /// <summary>Mono from interleaved float by averaging.</summary>
    public static void DownmixFloat(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        if (channels == 1)
        {
            interleaved[..mono.Length].CopyTo(mono);
            return;
        }

        double inverse = 1.0 / channels;
        for (int f = 0; f < mono.Length; f++)
        {
            double sum = 0;
            ReadOnlySpan<float> frame = interleaved.Slice(f * channels, channels);
            for (int c = 0; c < frame.Length; c++)
            {
                sum += frame[c];
            }

            mono[f] = (float)(sum * inverse);
        }
    }
}
