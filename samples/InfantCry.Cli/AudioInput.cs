using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Decoding;
using InfantCry.Audio.Wav;

namespace InfantCry.Cli;

/// <summary>
/// How the CLI reads recordings: WAV, Ogg Vorbis and MP3 with the SDK's <see cref="AudioReader"/> (recognised from the
/// content), anything else (M4A/AAC, 3GP, CAF, Opus, FLAC, AMR, WebM, ...) through ffmpeg when it is on PATH, decoded
/// to mono 16 kHz float (<c>ffmpeg -i IN -f f32le -ac 1 -ar 16000 -</c>).
/// </summary>
internal static class AudioInput
{
    /// <summary>The sample rate ffmpeg is asked for: YAMNet's, so nothing is resampled twice.</summary>
    private const int FfmpegRate = 16_000;

    /// <summary>Extensions a folder argument is searched for (the content, not the extension, decides how a file is read).</summary>
    public static readonly string[] Extensions = [".wav", ".ogg", ".mp3", ".m4a", ".aac", ".3gp", ".caf", ".opus", ".webm", ".amr", ".flac"];

    /// <summary>Whether the SDK's <see cref="AudioReader"/> reads the file itself (WAV, Ogg Vorbis, MP3, from its first bytes).</summary>
    public static bool IsReadableByTheSdk(string path)
    {
        Span<byte> head = stackalloc byte[AudioReader.DetectionHeaderBytes];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return AudioReader.DetectFormat(head[..n]) is not null;
    }

    /// <summary>Reads a whole recording as a mono clip.</summary>
    public static async Task<AudioClip> ReadAsync(string path, CancellationToken cancellationToken)
    {
        return IsReadableByTheSdk(path)
            ? await AudioReader.ReadAllAsync(path, cancellationToken).ConfigureAwait(false)
            : await ReadWithFfmpegAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AudioClip> ReadWithFfmpegAsync(string path, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("ffmpeg")
        {
            ArgumentList = { "-nostdin", "-v", "error", "-i", path, "-f", "f32le", "-ac", "1", "-ar", "16000", "-" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            throw new InvalidAudioException(
                $"'{path}' is not WAV, Ogg Vorbis or MP3, which infantcry reads itself; other formats (M4A/AAC, 3GP, CAF, Opus, FLAC, AMR, WebM) are decoded with ffmpeg, which was not found on PATH: install ffmpeg or convert the file first.");
        }

        using (process)
        {
            Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var pcm = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(pcm, cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            string errors = (await stderr.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0 || pcm.Length < sizeof(float))
            {
                throw new InvalidAudioException($"'{path}' is not WAV, Ogg Vorbis or MP3, and ffmpeg could not decode it either (exit code {process.ExitCode}): {(errors.Length > 0 ? errors : "no audio")}");
            }

            float[] samples = MemoryMarshal.Cast<byte, float>(pcm.GetBuffer().AsSpan(0, (int)(pcm.Length & ~3L))).ToArray();
            return new AudioClip(samples, FfmpegRate, channels: 1, AudioSampleFormat.Float32, path);
        }
    }
}
