namespace InfantCry.Benchmarks.Yamnet;

/// <summary>Finds artifacts/models: <c>$INFANTCRY_MODELS</c>, else <c>artifacts/models</c> above the benchmark binary.</summary>
internal static class BenchmarkModels
{
    public static string Folder
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("INFANTCRY_MODELS");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }

            for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "artifacts", "models");
                if (File.Exists(Path.Combine(candidate, "yamnet.onnx")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("artifacts/models/yamnet.onnx not found above the benchmark; run scripts/setup.sh (20-yamnet.sh) or set INFANTCRY_MODELS.");
        }
    }

    /// <summary>A 7 s test clip as a mono PCM16 WAV file in memory: a 450 Hz harmonic "cry" with vibrato over noise.</summary>
    public static byte[] ClipWav(int sampleRate, double seconds)
    {
        int n = (int)(sampleRate * seconds);
        var random = new Random(1);
        using var memory = new MemoryStream();
        using (var w = new BinaryWriter(memory, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8);
            w.Write(36 + (2 * n));
            w.Write("WAVEfmt "u8);
            w.Write(16);
            w.Write((short)1);
            w.Write((short)1);
            w.Write(sampleRate);
            w.Write(2 * sampleRate);
            w.Write((short)2);
            w.Write((short)16);
            w.Write("data"u8);
            w.Write(2 * n);
            double phase = 0;
            for (int i = 0; i < n; i++)
            {
                double t = (double)i / sampleRate;
                phase += 2 * Math.PI * (450 + (40 * Math.Sin(2 * Math.PI * 5 * t))) / sampleRate;
                double v = (0.3 * Math.Sin(phase)) + (0.1 * Math.Sin(2 * phase)) + (0.02 * ((random.NextDouble() * 2) - 1));
                w.Write((short)Math.Round(v * 32767));
            }
        }

        return memory.ToArray();
    }
}
