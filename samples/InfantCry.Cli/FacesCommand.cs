using System.CommandLine;
using System.Drawing;
using System.Globalization;
using System.Text;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Alignment;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Landmarks;

namespace InfantCry.Cli;

/// <summary>
/// <c>infantcry faces &lt;image or video&gt; --out &lt;folder&gt;</c>: detects faces (UltraFace or YuNet), finds dlib's 68
/// landmarks, writes the study's aligned gray crops (<c>crops/face_NNNNNN.png</c>), an overlay of boxes and landmarks
/// (<c>overlay.png</c> for an image, <c>overlay.mp4</c> for a video) and <c>faces.csv</c>. Decoding and encoding go
/// through ffmpeg (raw rgb24 / gray frames over pipes).
/// </summary>
public static class FacesCommand
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm"];

    /// <summary>Builds the <c>faces</c> command.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input") { Description = "An image or a video file (anything ffmpeg can decode)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for crops/, overlay.png|mp4 and faces.csv (created if missing).", Required = true };
        var detector = new Option<string>("--detector") { Description = "Face detector: ultraface (default, RFB-320) or yunet.", DefaultValueFactory = _ => "ultraface" };
        detector.AcceptOnlyFromAmong("ultraface", "yunet");
        var model = new Option<FileInfo?>("--model") { Description = "Detector ONNX file. Default: $INFANTCRY_ASSETS (or ../shared)/models/face/ultraface/version-RFB-320.onnx or .../yunet/yunet_s_dynamic.onnx." };
        var landmarks = new Option<FileInfo>("--landmarks") { Description = "dlib's shape_predictor_68_face_landmarks.dat (Debian libdlib-data).", DefaultValueFactory = _ => new FileInfo("/usr/share/dlib/shape_predictor_68_face_landmarks.dat") };
        var size = new Option<int>("--size") { Description = "Side of the aligned crops in pixels (the study: 64).", DefaultValueFactory = _ => 64 };
        var maxFrames = new Option<int>("--max-frames") { Description = "Stop after this many frames (0: all).", DefaultValueFactory = _ => 0 };
        var command = new Command("faces", "Detect faces, align them as the pain study does (eyes level, brows to chin, gray, 64x64) and draw boxes and landmarks.")
        {
            input, output, detector, model, landmarks, size, maxFrames,
        };
        command.SetAction((result, cancellationToken) => CliOutput.RunAsync(() => Task.FromResult(Run(
            result.GetValue(input)!, result.GetValue(output)!, result.GetValue(detector)!, result.GetValue(model), result.GetValue(landmarks)!,
            result.GetValue(size), result.GetValue(maxFrames), cancellationToken))));
        return command;
    }

    private static int Run(FileInfo input, DirectoryInfo outDir, string detectorKind, FileInfo? modelFile, FileInfo landmarkFile, int size, int maxFrames, CancellationToken ct)
    {
        if (!input.Exists)
        {
            return CliOutput.Fail($"input '{input.FullName}' does not exist.");
        }

        if (!landmarkFile.Exists)
        {
            return CliOutput.Fail($"landmark model '{landmarkFile.FullName}' does not exist; install Debian's libdlib-data or pass --landmarks.");
        }

        if (size is < 8 or > 1024)
        {
            return CliOutput.Fail($"--size {size} must be 8 to 1024.");
        }

        string modelPath = modelFile?.FullName ?? SharedAssets.FaceDetector(yunet: detectorKind == "yunet");
        if (!File.Exists(modelPath))
        {
            return CliOutput.Fail($"detector model '{modelPath}' does not exist; pass --model or set {SharedAssets.Variable}.");
        }

        (int width, int height, string fps) = Ffmpeg.Probe($"\"{input.FullName}\"");
        bool isImage = ImageExtensions.Contains(input.Extension.ToLowerInvariant());
        outDir.Create();
        Directory.CreateDirectory(Path.Combine(outDir.FullName, "crops"));

        using DetectorHandle det = detectorKind == "yunet"
            ? new DetectorHandle(YuNetDetector.Create(modelPath), DlibFaceBox.FromYuNet)
            : new DetectorHandle(UltraFaceDetector.Create(modelPath), DlibFaceBox.FromUltraFace);
        ShapePredictor predictor = ShapePredictor.Load(landmarkFile.FullName, ct);
        var aligner = new FaceAligner(new AlignmentOptions { Width = size, Height = size });

        int frameBytes = width * height * 3;
        var frame = new byte[frameBytes];
        var points = new PointF[68];
        var aligned = new float[aligner.OutputLength];
        var cropBytes = new byte[aligner.OutputLength];
        string overlayPath = Path.Combine(outDir.FullName, isImage ? "overlay.png" : "overlay.mp4");
        string overlayArgs = isImage
            ? $"-y -v error -f rawvideo -pix_fmt rgb24 -s {width}x{height} -i pipe:0 -frames:v 1 \"{overlayPath}\""
            : $"-y -v error -f rawvideo -pix_fmt rgb24 -s {width}x{height} -r {fps} -i pipe:0 -vf pad=ceil(iw/2)*2:ceil(ih/2)*2 -c:v libx264 -pix_fmt yuv420p \"{overlayPath}\"";
        string cropArgs = $"-y -v error -f rawvideo -pix_fmt gray -s {size}x{size} -i pipe:0 -start_number 0 \"{Path.Combine(outDir.FullName, "crops", "face_%06d.png")}\"";

        using var decoder = Ffmpeg.Start($"-v error -i \"{input.FullName}\" -f rawvideo -pix_fmt rgb24 pipe:1", readOutput: true);
        using var overlay = Ffmpeg.Start(overlayArgs, readOutput: false);
        Ffmpeg? crops = null;
        var csv = new StringBuilder("frame,face,confidence,x,y,width,height,crop\n");
        int frames = 0, faceCount = 0;
        try
        {
            Stream frameSource = decoder.Process.StandardOutput.BaseStream;
            while ((maxFrames == 0 || frames < maxFrames) && frameSource.ReadAtLeast(frame, frameBytes, throwOnEndOfStream: false) == frameBytes)
            {
                ct.ThrowIfCancellationRequested();
                var image = new ImageBuffer(frame, width, height, PixelFormat.Rgb24);
                IReadOnlyList<FaceDetection> faces = det.Detector.Detect(image, ct);
                var marks = new List<PointF[]>();
                for (int f = 0; f < faces.Count; f++)
                {
                    FaceDetection face = faces[f];
                    predictor.Predict(image, det.ToDlibBox(face.Box), points);
                    aligner.Align(image, points, aligned);
                    for (int i = 0; i < aligned.Length; i++)
                    {
                        cropBytes[i] = (byte)Math.Clamp(MathF.Round(aligned[i] * 255f), 0f, 255f);
                    }

                    crops ??= Ffmpeg.Start(cropArgs, readOutput: false);
                    crops.Process.StandardInput.BaseStream.Write(cropBytes);
                    RectangleF b = face.Box;
                    csv.Append(CultureInfo.InvariantCulture, $"{frames},{f},{face.Confidence:F4},{b.X:F1},{b.Y:F1},{b.Width:F1},{b.Height:F1},crops/face_{faceCount:D6}.png\n");
                    faceCount++;
                    marks.Add((PointF[])points.Clone());
                }

                // Draw after every face is aligned, so the crops never contain the overlay.
                for (int f = 0; f < faces.Count; f++)
                {
                    Overlay.Box(frame, width, height, faces[f].Box, 0, 255, 0);
                    foreach (PointF p in marks[f])
                    {
                        Overlay.Dot(frame, width, height, p, 255, 0, 0);
                    }

                    foreach (PointF p in faces[f].KeyPoints)
                    {
                        Overlay.Dot(frame, width, height, p, 0, 128, 255);
                    }
                }

                overlay.Process.StandardInput.BaseStream.Write(frame);
                frames++;
            }
        }
        finally
        {
            overlay.Finish();
            crops?.Finish();
            crops?.Dispose();
        }

        File.WriteAllText(Path.Combine(outDir.FullName, "faces.csv"), csv.ToString());
        Console.WriteLine($"faces: {frames} frame(s), {faceCount} face(s) -> {outDir.FullName} ({Path.GetFileName(overlayPath)}, crops/, faces.csv)");
        return 0;
    }

    /// <summary>A detector and the box conversion its boxes need before dlib's shape predictor.</summary>
    private sealed class DetectorHandle(IFaceDetector detector, Func<RectangleF, RectangleF> toDlibBox) : IDisposable
    {
        public IFaceDetector Detector { get; } = detector;

        public RectangleF ToDlibBox(RectangleF box) => toDlibBox(box);

        public void Dispose() => (Detector as IDisposable)?.Dispose();
    }
}
