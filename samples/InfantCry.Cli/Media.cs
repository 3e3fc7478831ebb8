using System.Diagnostics;
using System.Drawing;
using System.Globalization;
using System.Text;

namespace InfantCry.Cli;

/// <summary>An ffmpeg child process with piped raw frames.</summary>
internal sealed class Ffmpeg : IDisposable
{
    private readonly StringBuilder _stderr = new();

    private Ffmpeg(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>ffprobe: size and frame rate of the first video stream of an input (ffmpeg input arguments, the path quoted).</summary>
    public static (int Width, int Height, string Fps) Probe(string inputArgs)
    {
        var psi = new ProcessStartInfo("ffprobe", $"-v error -select_streams v:0 -show_entries stream=width,height,r_frame_rate -of csv=p=0 {inputArgs}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start ffprobe; install ffmpeg.");
        string line = p.StandardOutput.ReadToEnd().Trim();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        string[] parts = line.Split(',');
        if (p.ExitCode != 0 || parts.Length < 3)
        {
            throw new InvalidOperationException($"ffprobe could not read a video stream from {inputArgs}: {err.Trim()}");
        }

        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]);
    }

    /// <summary>
    /// ffprobe: whether an input (ffmpeg input arguments, the path quoted) has an audio stream and, if so, how much
    /// later than the first video stream its first sample plays (seconds; 0 when either start is unknown).
    /// </summary>
    public static (bool HasAudio, double Offset) ProbeAudio(string inputArgs)
    {
        var psi = new ProcessStartInfo("ffprobe", $"-v error -show_entries stream=codec_type,start_time -of csv=p=0 {inputArgs}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start ffprobe; install ffmpeg.");
        string[] lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        double? video = null, audio = null;
        bool hasAudio = false;
        foreach (string[] parts in lines.Select(l => l.Split(',')))
        {
            double? start = parts.Length > 1 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : null;
            if (parts[0] == "audio" && !hasAudio)
            {
                hasAudio = true;
                audio = start;
            }
            else if (parts[0] == "video" && video is null)
            {
                video = start;
            }
        }

        return (p.ExitCode == 0 && hasAudio, audio is double a && video is double v ? a - v : 0);
    }

    public static Ffmpeg Start(string arguments, bool readOutput)
    {
        var psi = new ProcessStartInfo("ffmpeg", arguments)
        {
            RedirectStandardInput = !readOutput,
            RedirectStandardOutput = readOutput,
            RedirectStandardError = true,
        };
        Process p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start ffmpeg; install it (the set-up does).");
        var f = new Ffmpeg(p);
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (f._stderr)
                {
                    f._stderr.AppendLine(e.Data);
                }
            }
        };
        p.BeginErrorReadLine();
        return f;
    }

    /// <summary>Closes the input and waits; throws with ffmpeg's messages when it failed.</summary>
    public void Finish()
    {
        Process.StandardInput.Close();
        Process.WaitForExit();
        if (Process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed ({Process.ExitCode}): {_stderr}");
        }
    }

    /// <summary>Waits for a decoder whose output was read to its end; throws with ffmpeg's messages when it failed.</summary>
    public void WaitForSuccess()
    {
        Process.WaitForExit();
        if (Process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed ({Process.ExitCode}): {_stderr}");
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }

        Process.Dispose();
    }
}

/// <summary>Minimal drawing on packed rgb24 frames.</summary>
internal static class Overlay
{
    public static void Box(byte[] rgb, int w, int h, RectangleF box, byte r, byte g, byte b)
    {
        int x0 = (int)box.Left, x1 = (int)box.Right, y0 = (int)box.Top, y1 = (int)box.Bottom;
        int thickness = Math.Max(2, Math.Max(w, h) / 320);
        for (int t = 0; t < thickness; t++)
        {
            for (int x = x0; x <= x1; x++)
            {
                Put(rgb, w, h, x, y0 + t, r, g, b);
                Put(rgb, w, h, x, y1 - t, r, g, b);
            }

            for (int y = y0; y <= y1; y++)
            {
                Put(rgb, w, h, x0 + t, y, r, g, b);
                Put(rgb, w, h, x1 - t, y, r, g, b);
            }
        }
    }

    public static void Dot(byte[] rgb, int w, int h, PointF p, byte r, byte g, byte b)
    {
        int cx = (int)MathF.Round(p.X), cy = (int)MathF.Round(p.Y);
        int radius = Math.Max(1, Math.Max(w, h) / 640); // stays visible on large photos
        for (int dy = -radius; dy <= radius; dy++)
        {
            for (int dx = -radius; dx <= radius; dx++)
            {
                Put(rgb, w, h, cx + dx, cy + dy, r, g, b);
            }
        }
    }

    /// <summary>Fills a rectangle, clipped to the frame.</summary>
    public static void Fill(byte[] rgb, int w, int h, int x, int y, int width, int height, byte r, byte g, byte b)
    {
        for (int yy = Math.Max(0, y); yy < Math.Min(h, y + height); yy++)
        {
            for (int xx = Math.Max(0, x); xx < Math.Min(w, x + width); xx++)
            {
                Put(rgb, w, h, xx, yy, r, g, b);
            }
        }
    }

    public static void Put(byte[] rgb, int w, int h, int x, int y, byte r, byte g, byte b)
    {
        if ((uint)x < (uint)w && (uint)y < (uint)h)
        {
            int o = ((y * w) + x) * 3;
            rgb[o] = r;
            rgb[o + 1] = g;
            rgb[o + 2] = b;
        }
    }
}
