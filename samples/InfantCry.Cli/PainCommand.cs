using System.CommandLine;
using System.Diagnostics;
using System.Drawing;
using System.Globalization;
using System.Text.Json;
using System.Text;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Pain;
using InfantCry.Audio.Detection;
using InfantCry.Onnx.Sessions;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Pain;

namespace InfantCry.Cli;

/// <summary>
/// <c>infantcry pain &lt;video or frame folder&gt; --out annotated.mp4 [--json] [--no-audio]</c>: runs the pain pipeline
/// (<see cref="PainLevelEstimator"/>) over every frame, writes a video with the face box, the 68 landmarks, the face's
/// crying bar, the audio's cry-score bar, the fused crying state, and pain bars with the level coloured (green none,
/// orange moderate, red severe), plus per-frame results next to the video (<c>.csv</c>, or <c>.json</c> with
/// <c>--json</c>). When the video has sound, it is streamed through the cry detector (the models folder's settings, as
/// <c>infantcry detect</c>) and fused with the face per frame (<see cref="AudioVisualCryFusion"/>). Decoding and
/// encoding go through ffmpeg.
/// </summary>
public static class PainCommand
{
    private static readonly string[] FrameExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".pgm"];
    private static readonly string[] LevelNames = ["NONE", "MODERATE", "SEVERE"];
    private static readonly (byte R, byte G, byte B)[] LevelColours = [(40, 200, 60), (255, 150, 0), (230, 30, 30)];

    /// <summary>Builds the <c>pain</c> command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A video file, or a folder of frame images (sorted by name)." };
        var output = new Option<FileInfo>("--out") { Description = "The annotated video (.mp4); per-frame results go beside it (.csv or .json).", Required = true };
        var json = new Option<bool>("--json") { Description = "Write per-frame results as JSON instead of CSV." };
        var models = new Option<string?>("--models") { Description = "Folder with pain_encoder.onnx and pain_sequence.onnx. Default: $INFANTCRY_MODELS, else artifacts/models at or above the executable, else ./models." };
        var detector = new Option<FileInfo?>("--detector-model") { Description = "UltraFace ONNX file. Default: $INFANTCRY_ASSETS (or ../shared)/models/face/ultraface/version-RFB-320.onnx." };
        var landmarks = new Option<FileInfo>("--landmarks") { Description = "dlib's shape_predictor_68_face_landmarks.dat.", DefaultValueFactory = _ => new FileInfo("/usr/share/dlib/" + PainLevelEstimator.ShapePredictorFileName) };
        var fps = new Option<double>("--fps") { Description = "Frame rate of a frame folder (IFPaLD: 3).", DefaultValueFactory = _ => 3.0 };
        var maxFrames = new Option<int>("--max-frames") { Description = "Stop after this many frames (0: all).", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: its default).", DefaultValueFactory = _ => 0 };
        var upright = new Option<bool>("--upright") { Description = "Look for upright faces only (the study's path: UltraFace, dlib on its box). By default faces are found at any roll (a baby lying down): the frame is searched every 20 degrees, YuNet settles each face's roll and up/down, and the face is followed between searches." };
        var noAudio = new Option<bool>("--no-audio") { Description = "Ignore the video's sound (by default its audio goes through the cry detector and is fused with the face)." };
        var command = new Command("pain", "Estimate crying and pain level per frame from face video and write an annotated video.")
        {
            input, output, json, models, detector, landmarks, fps, maxFrames, threads, noAudio, upright,
        };
        command.SetAction((result, cancellationToken) => CliOutput.RunAsync(() => Task.FromResult(Run(
            result.GetValue(input)!, result.GetValue(output)!, result.GetValue(json), result.GetValue(models), result.GetValue(detector),
            result.GetValue(landmarks)!, result.GetValue(fps), result.GetValue(maxFrames), result.GetValue(threads), result.GetValue(noAudio), result.GetValue(upright), cancellationToken))));
        return command;
    }

    private static int Run(string input, FileInfo outFile, bool asJson, string? modelsOption, FileInfo? detectorFile, FileInfo landmarkFile, double fps, int maxFrames, int threads, bool noAudio, bool uprightOnly, CancellationToken ct)
    {
        string inputArgs;
        bool isFile = false;
        if (Directory.Exists(input))
        {
            string? ext = Directory.EnumerateFiles(input).Select(Path.GetExtension).FirstOrDefault(e => FrameExtensions.Contains(e?.ToLowerInvariant()));
            if (ext is null || fps <= 0)
            {
                return CliOutput.Fail($"folder '{input}' has no frame images ({string.Join(", ", FrameExtensions)}) or --fps is not positive.");
            }

            inputArgs = string.Create(CultureInfo.InvariantCulture, $"-framerate {fps} -pattern_type glob -i \"{Path.Combine(Path.GetFullPath(input), "*" + ext)}\"");
        }
        else if (File.Exists(input))
        {
            inputArgs = $"-i \"{Path.GetFullPath(input)}\"";
            isFile = true;
        }
        else
        {
            return CliOutput.Fail($"input '{input}' is neither a file nor a folder.");
        }

        string modelsFolder = ModelsFolder.Resolve(modelsOption).Path;
        string detectorPath = detectorFile?.FullName ?? SharedAssets.FaceDetector(yunet: false);
        var sessionOptions = new OnnxSessionOptions { IntraOpThreads = threads };

        // Unless --upright, YuNet refines the faces: the models folder's copy (the set-up puts it there), else the shared assets'.
        string? refiner = null;
        if (!uprightOnly)
        {
            string inModels = Path.Combine(modelsFolder, YuNetDetector.DefaultModelFileName);
            refiner = File.Exists(inModels) ? inModels : SharedAssets.FaceDetector(yunet: true);
        }

        var painOptions = uprightOnly ? new PainEstimatorOptions { RotationSearch = null } : null;
        using PainLevelEstimator estimator = PainLevelEstimator.Create(modelsFolder, detectorPath, landmarkFile.FullName, options: painOptions, sessionOptions: sessionOptions, refinerModelPath: refiner);
        (int width, int height, string rate) = Ffmpeg.Probe(inputArgs);

        // The sound: the cry detector with the models folder's settings (crydetector.json), as infantcry detect uses it.
        (bool hasAudio, double audioOffset) = isFile && !noAudio ? Ffmpeg.ProbeAudio(inputArgs) : (false, 0);
        using CryDetector? cryDetector = hasAudio ? CryDetector.Create(modelsFolder, sessionOptions: sessionOptions) : null;
        var fusion = new AudioVisualCryFusion(cryDetector is null ? null : new AudioVisualCryFusionOptions { AudioThreshold = cryDetector.Options.ActiveThreshold });
        using VideoAudio? audio = cryDetector is null ? null : VideoAudio.Start(inputArgs, cryDetector, fusion, TimeSpan.FromSeconds(audioOffset));
        outFile.Directory?.Create();
        string resultsPath = Path.ChangeExtension(outFile.FullName, asJson ? ".json" : ".csv");

        int frameBytes = width * height * 3;
        var frame = new byte[frameBytes];
        using var decoder = Ffmpeg.Start($"-v error {inputArgs} -f rawvideo -pix_fmt rgb24 pipe:1", readOutput: true);
        using var encoder = Ffmpeg.Start($"-y -v error -f rawvideo -pix_fmt rgb24 -s {width}x{height} -r {rate} -i pipe:0 -vf pad=ceil(iw/2)*2:ceil(ih/2)*2 -c:v libx264 -pix_fmt yuv420p \"{outFile.FullName}\"", readOutput: false);
        var results = new List<PainFrameResult>();
        var fused = new List<AudioVisualCryFrame>();
        double secondsPerFrame = 1.0 / ParseRate(rate);
        var clock = new Stopwatch();
        try
        {
            Stream source = decoder.Process.StandardOutput.BaseStream;
            Ui.WithProgress("pain", maxFrames > 0 ? maxFrames : null, "frames", step =>
            {
                while ((maxFrames == 0 || results.Count < maxFrames) && source.ReadAtLeast(frame, frameBytes, throwOnEndOfStream: false) == frameBytes)
                {
                    var image = new ImageBuffer(frame, width, height, PixelFormat.Rgb24);
                    clock.Start();
                    PainFrameResult r = estimator.Process(new VideoFrame(image, TimeSpan.FromSeconds(results.Count * secondsPerFrame)), ct);
                    clock.Stop();
                    audio?.FeedUntil(r.Timestamp, ct);
                    AudioVisualCryFrame av = fusion.Process(r);
                    results.Add(r);
                    fused.Add(av);
                    Annotate(frame, width, height, r, av, fusion.Options.AudioThreshold);
                    encoder.Process.StandardInput.BaseStream.Write(frame);
                    step();
                }

                return results.Count;
            });
        }
        finally
        {
            encoder.Finish();
        }

        File.WriteAllText(resultsPath, asJson ? ToJson(results, fused) : ToCsv(results, fused));
        int faces = results.Count(r => r.FaceFound), estimates = results.Count(r => r.HasEstimate);
        string sound = audio is null
            ? "audio: none"
            : $"audio: {audio.WindowCount} window(s), {audio.CryWindowCount} at or above {CliOutput.F(fusion.Options.AudioThreshold)}, score in {fused.Count(f => f.AudioScore is not null)} frame(s)";
        Console.WriteLine($"pain: {results.Count} frame(s), face in {faces}, estimate in {estimates} -> {outFile.FullName}, {resultsPath}; estimator {results.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F1} frames/s; {sound}; fused crying state in {fused.Count(f => f.Crying)} frame(s)");
        return 0;
    }

    private static double ParseRate(string rate)
    {
        string[] p = rate.Split('/');
        double num = double.Parse(p[0], CultureInfo.InvariantCulture), den = p.Length > 1 ? double.Parse(p[1], CultureInfo.InvariantCulture) : 1;
        return num > 0 && den > 0 ? num / den : 25;
    }

    private static void Annotate(byte[] rgb, int w, int h, PainFrameResult r, AudioVisualCryFrame av, float audioThreshold)
    {
        int scale = Math.Max(1, Math.Min(w, h) / 160);
        int line = (BitmapFont.GlyphHeight + 3) * scale;
        int pad = 2 * scale;
        (byte R, byte G, byte B) colour = r.HasEstimate ? LevelColours[(int)r.Level!.Value] : ((byte)200, (byte)200, (byte)200);
        if (r.FaceBox is RectangleF box)
        {
            Overlay.Box(rgb, w, h, box, colour.R, colour.G, colour.B);
            foreach (PointF p in r.Landmarks)
            {
                Overlay.Dot(rgb, w, h, p, 0, 200, 255);
            }
        }

        // Panel: dark background; "FACE nn%" and "AUDIO nn%" with bars, side by side in one column; the fused state;
        // then, with a face estimate, "PAIN LEVEL nn%" with three bars.
        int panelW = BitmapFont.Measure("PAIN MODERATE 100%", scale) + (2 * pad);
        int panelH = (r.HasEstimate ? 5 : 3) * line + (2 * pad);
        Overlay.Fill(rgb, w, h, 0, 0, panelW, panelH, 0, 0, 0);
        int x = pad, y = pad;
        int barX = x + BitmapFont.Measure("AUDIO 100% ", scale), barW = panelW - barX - pad;
        if (r.HasEstimate)
        {
            Bar(rgb, w, h, x, y, barX, barW, scale, "FACE", r.CryingProbability, r.CryingProbability >= 0.5f);
        }
        else
        {
            BitmapFont.Draw(rgb, w, h, x, y, r.FaceFound ? "FACE WAIT" : "NO FACE", scale, 200, 200, 200);
        }

        y += line;
        if (av.AudioScore is float score)
        {
            Bar(rgb, w, h, x, y, barX, barW, scale, "AUDIO", score, score >= audioThreshold);
            int tick = barX + (int)(barW * audioThreshold);
            Overlay.Fill(rgb, w, h, tick, y - scale, scale, (BitmapFont.GlyphHeight + 2) * scale, 255, 255, 255);
        }
        else
        {
            BitmapFont.Draw(rgb, w, h, x, y, "AUDIO NONE", scale, 200, 200, 200);
        }

        y += line;
        string fusedText = av.CryingProbability is float p2
            ? string.Create(CultureInfo.InvariantCulture, $"FUSED {(av.Crying ? "CRYING" : "CALM")} {p2 * 100:F0}%")
            : $"FUSED {(av.Crying ? "CRYING" : "CALM")}";
        BitmapFont.Draw(rgb, w, h, x, y, fusedText, scale, av.Crying ? (byte)255 : (byte)120, av.Crying ? (byte)60 : (byte)170, av.Crying ? (byte)60 : (byte)255);
        if (!r.HasEstimate)
        {
            return;
        }

        y += line;
        int level = (int)r.Level!.Value;
        BitmapFont.Draw(rgb, w, h, x, y, string.Create(CultureInfo.InvariantCulture, $"PAIN {LevelNames[level]} {r.PainProbabilities[level] * 100:F0}%"), scale, colour.R, colour.G, colour.B);
        y += line;
        int third = (panelW - (2 * pad)) / 3;
        for (int i = 0; i < 3; i++)
        {
            (byte R, byte G, byte B) c = LevelColours[i];
            int bx = x + (i * third), bh = BitmapFont.GlyphHeight * scale;
            Overlay.Fill(rgb, w, h, bx, y, third - scale, bh, 60, 60, 60);
            Overlay.Fill(rgb, w, h, bx, y, (int)((third - scale) * r.PainProbabilities[i]), bh, c.R, c.G, c.B);
        }
    }

    /// <summary>"LABEL nn%" and a bar filled to <paramref name="value"/>, red when <paramref name="high"/>, blue otherwise.</summary>
    private static void Bar(byte[] rgb, int w, int h, int x, int y, int barX, int barW, int scale, string label, float value, bool high)
    {
        (byte R, byte G, byte B) c = high ? ((byte)255, (byte)60, (byte)60) : ((byte)120, (byte)170, (byte)255);
        BitmapFont.Draw(rgb, w, h, x, y, string.Create(CultureInfo.InvariantCulture, $"{label} {value * 100:F0}%"), scale, c.R, c.G, c.B);
        Overlay.Fill(rgb, w, h, barX, y, barW, BitmapFont.GlyphHeight * scale, 60, 60, 60);
        Overlay.Fill(rgb, w, h, barX, y, (int)(barW * Math.Clamp(value, 0f, 1f)), BitmapFont.GlyphHeight * scale, c.R, c.G, c.B);
    }

    private static string ToCsv(List<PainFrameResult> results, List<AudioVisualCryFrame> fused)
    {
        // crying is the face's per-frame probability; audio_score the cry detector's window covering the frame ("none"
        // without audio); fused_* the AudioVisualCryFusion value and state.
        var sb = new StringBuilder("frame,time_s,face,x,y,width,height,has_estimate,crying,p_none,p_moderate,p_severe,level,state_crying,state_level,state_current,audio_score,fused_crying,fused_state_crying,fused_state_current,no_estimate\n");
        for (int i = 0; i < results.Count; i++)
        {
            PainFrameResult r = results[i];
            AudioVisualCryFrame av = fused[i];
            RectangleF b = r.FaceBox ?? RectangleF.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"{r.FrameIndex},{r.Timestamp.TotalSeconds:F3},{(r.FaceFound ? 1 : 0)},{b.X:F1},{b.Y:F1},{b.Width:F1},{b.Height:F1},{(r.HasEstimate ? 1 : 0)},");
            sb.Append(r.HasEstimate
                ? string.Create(CultureInfo.InvariantCulture, $"{r.CryingProbability:F4},{r.PainProbabilities[0]:F4},{r.PainProbabilities[1]:F4},{r.PainProbabilities[2]:F4},{r.Level!.Value.ToString().ToLowerInvariant()},")
                : ",,,,,");
            sb.Append(r.State is { } st ? string.Create(CultureInfo.InvariantCulture, $"{(st.Crying ? 1 : 0)},{st.Level.ToString().ToLowerInvariant()},{(st.IsCurrent ? 1 : 0)},") : ",,,");
            sb.Append(av.AudioScore is float score ? string.Create(CultureInfo.InvariantCulture, $"{score:F4},") : "none,");
            sb.Append(av.CryingProbability is float fusedP ? string.Create(CultureInfo.InvariantCulture, $"{fusedP:F4},") : ",");
            sb.Append(CultureInfo.InvariantCulture, $"{(av.Crying ? 1 : 0)},{(av.IsCurrent ? 1 : 0)},");
            sb.Append('"').Append((r.AbstentionReason ?? string.Empty).Replace("\"", "'", StringComparison.Ordinal)).Append("\"\n");
        }

        return sb.ToString();
    }

    private static string ToJson(List<PainFrameResult> results, List<AudioVisualCryFrame> fused)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartArray();
            for (int i = 0; i < results.Count; i++)
            {
                PainFrameResult r = results[i];
                AudioVisualCryFrame av = fused[i];
                j.WriteStartObject();
                j.WriteNumber("frame", r.FrameIndex);
                j.WriteNumber("time_s", Math.Round(r.Timestamp.TotalSeconds, 3));
                j.WriteBoolean("face", r.FaceFound);
                if (r.FaceBox is RectangleF b)
                {
                    j.WriteStartArray("box");
                    foreach (float v in (float[])[b.X, b.Y, b.Width, b.Height])
                    {
                        j.WriteNumberValue(MathF.Round(v, 1));
                    }

                    j.WriteEndArray();
                    j.WriteStartArray("landmarks");
                    foreach (PointF p in r.Landmarks)
                    {
                        j.WriteStartArray();
                        j.WriteNumberValue(MathF.Round(p.X, 2));
                        j.WriteNumberValue(MathF.Round(p.Y, 2));
                        j.WriteEndArray();
                    }

                    j.WriteEndArray();
                }

                j.WriteBoolean("has_estimate", r.HasEstimate);
                if (r.HasEstimate)
                {
                    j.WriteNumber("crying", MathF.Round(r.CryingProbability, 4));
                    j.WriteStartArray("pain");
                    foreach (float p in r.PainProbabilities)
                    {
                        j.WriteNumberValue(MathF.Round(p, 4));
                    }

                    j.WriteEndArray();
                    j.WriteString("level", r.Level!.Value.ToString().ToLowerInvariant());
                }

                if (r.AbstentionReason is string reason)
                {
                    j.WriteString("no_estimate", reason);
                }

                if (r.Quality is { } q)
                {
                    j.WriteStartObject("quality");
                    j.WriteNumber("score", MathF.Round(q.DetectorScore, 3));
                    j.WriteNumber("roll", MathF.Round(q.Roll, 1));
                    j.WriteNumber("eye_distance", MathF.Round(q.InterOcularDistance, 1));
                    j.WriteNumber("asymmetry", MathF.Round(q.Asymmetry, 3));
                    j.WriteNumber("sharpness", MathF.Round(q.Sharpness, 4));
                    j.WriteNumber("contrast", MathF.Round(q.RegionContrast, 4));
                    j.WriteNumber("eye_detail", MathF.Round(q.EyeDetail, 3));
                    j.WriteEndObject();
                }

                if (r.State is { } state)
                {
                    j.WriteStartObject("state");
                    j.WriteBoolean("crying", state.Crying);
                    j.WriteString("level", state.Level.ToString().ToLowerInvariant());
                    j.WriteBoolean("current", state.IsCurrent);
                    j.WriteEndObject();
                }

                // Side by side: the face's crying ("crying" above), the audio's cry score covering the frame (null
                // without audio), and their fusion with its state.
                if (av.AudioScore is float score)
                {
                    j.WriteNumber("audio_score", MathF.Round(score, 4));
                }
                else
                {
                    j.WriteNull("audio_score");
                }

                j.WriteStartObject("fused");
                if (av.CryingProbability is float fusedP)
                {
                    j.WriteNumber("crying", MathF.Round(fusedP, 4));
                }
                else
                {
                    j.WriteNull("crying");
                }

                j.WriteBoolean("state_crying", av.Crying);
                j.WriteBoolean("state_current", av.IsCurrent);
                j.WriteEndObject();

                j.WriteEndObject();
            }

            j.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
