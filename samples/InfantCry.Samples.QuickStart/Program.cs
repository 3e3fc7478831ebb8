// The README's quick start, as a program:
//   dotnet run --project samples/InfantCry.Samples.QuickStart -- <models folder> <recording.wav> [<assets folder>]
// The models folder is artifacts/models after scripts/setup.sh; the assets folder (default ../shared) holds the face
// detector and the test photo used by the vision half (decoded here with ffmpeg to raw RGB).
using System.Diagnostics;
using System.Drawing;
using InfantCry.Abstractions.Faces;
using InfantCry.Abstractions.Imaging;
using InfantCry.Abstractions.Reasons;
using InfantCry.Audio.Features;
using InfantCry.Audio.Reasons;
using InfantCry.Audio.Resampling;
using InfantCry.Audio.Wav;
using InfantCry.Vision.Faces;
using InfantCry.Vision.Landmarks;
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: QuickStart <models folder> <recording.wav> [<assets folder>]");
    return 2;
}

string models = args[0], recording = args[1], assets = args.Length > 2 ? args[2] : "../shared";

// 1. Why is the baby crying?
using (var classifier = CryReasonClassifier.Create(models))
{
    CryReasonResult result = classifier.Classify(recording);
    if (!result.IsCry)
    {
        Console.WriteLine("No infant crying heard.");
    }
    else
    {
        Console.WriteLine($"{result.TopReason} ({result.Probabilities[(int)result.TopReason!]:P0}); {result.Reliability.Summary}");
    }
}

// 2. The audio front end on its own: any WAV -> 16 kHz -> YAMNet log-mel patches.
AudioClip clip = WavReader.Read(recording);
float[] at16k = Resampler.Resample(clip.Samples, clip.SampleRate, 16000);
float[] patches = YamnetFrontend.ComputePatches(at16k, out int n);
Console.WriteLine($"{clip.Samples.Length} samples at {clip.SampleRate} Hz -> {n} patches of 96x64 ({patches.Length} values)");

// 3. Faces and dlib's 68 landmarks on caller-decoded pixels.
string photo = Path.Combine(assets, "data", "faces", "2008_002470.jpg");
if (File.Exists(photo))
{
    (byte[] rgbBytes, int width, int height) = DecodeRgb(photo);
    using var detector = UltraFaceDetector.Create(Path.Combine(assets, "models", "face", "ultraface", "version-RFB-320.onnx"));
    var predictor = ShapePredictor.Load("/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
    var image = new ImageBuffer(rgbBytes, width, height, PixelFormat.Rgb24);   // pixels from your decoder
    foreach (FaceDetection face in detector.Detect(image))
    {
        PointF[] points = predictor.Predict(image, DlibFaceBox.FromUltraFace(face.Box));  // 68 landmarks, dlib's order
        Console.WriteLine($"face at {face.Box} ({face.Confidence:P0}): nose tip {points[30]}");
    }
}

return 0;

static (byte[] Pixels, int Width, int Height) DecodeRgb(string path)
{
    // ffprobe for the size, ffmpeg for raw rgb24: InfantCry itself has no image codec.
    var probe = Process.Start(new ProcessStartInfo("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path]) { RedirectStandardOutput = true })!;
    string[] size = probe.StandardOutput.ReadToEnd().Trim().Split(',');
    probe.WaitForExit();
    int width = int.Parse(size[0], System.Globalization.CultureInfo.InvariantCulture), height = int.Parse(size[1], System.Globalization.CultureInfo.InvariantCulture);
    var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]) { RedirectStandardOutput = true })!;
    using var buffer = new MemoryStream();
    ffmpeg.StandardOutput.BaseStream.CopyTo(buffer);
    ffmpeg.WaitForExit();
    return (buffer.ToArray(), width, height);
}
