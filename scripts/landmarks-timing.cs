#:project ../src/InfantCry.Vision/InfantCry.Vision.csproj
#:property PublishAot=false
#:property Optimize=true

// The managed twin of `dlib-oracle time`: single-threaded predictions of every face dlib's HOG detector found in
// ../shared/data/faces (boxes and decoded pixels from artifacts/oracle), printing wall-clock and thread-CPU milliseconds
// per face as one JSON object. Run by scripts/compare-landmarks.sh:
//   dotnet run -c Release scripts/landmarks-timing.cs -- --oracle artifacts/oracle [--model M.dat] [--iterations N]
using System.Diagnostics;
using System.Drawing;
using System.Runtime.InteropServices;
using System.Text.Json;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Landmarks;
string oracle = "artifacts/oracle";
string model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
int iterations = 20;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--oracle": oracle = args[++i]; break;
        case "--model": model = args[++i]; break;
        case "--iterations": iterations = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"landmarks-timing: unknown argument '{args[i]}'"); return 2;
    }
}

ShapePredictor predictor = ShapePredictor.Load(model);
var faces = new List<(ImageBuffer Image, RectangleF Box)>();
using (JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(oracle, "faces.json"))))
{
    foreach (JsonElement image in doc.RootElement.GetProperty("images").EnumerateArray())
    {
        var buffer = new ImageBuffer(File.ReadAllBytes(Path.Combine(oracle, image.GetProperty("pixels").GetString()!)),
            image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32(), PixelFormat.Rgb24);
        foreach (JsonElement f in image.GetProperty("faces").EnumerateArray())
        {
            faces.Add((buffer, ShapePredictor.FromDlibRectangle(f.GetProperty("left").GetInt32(), f.GetProperty("top").GetInt32(),
                f.GetProperty("right").GetInt32(), f.GetProperty("bottom").GetInt32())));
        }
    }
}

var points = new PointF[predictor.PartCount];
double checksum = 0;
for (int warm = 0; warm < 30; warm++) // past tiered compilation's tier 0
{
    foreach (var (image, box) in faces)
    {
        predictor.Predict(image, box, points);
    }
}

double cpuStart = ThreadCpu.Milliseconds();
var wall = Stopwatch.StartNew();
for (int it = 0; it < iterations; it++)
{
    foreach (var (image, box) in faces)
    {
        predictor.Predict(image, box, points);
        checksum += points[30].X;
    }
}

double wallMs = wall.Elapsed.TotalMilliseconds;
double cpuMs = ThreadCpu.Milliseconds() - cpuStart;
double n = (double)iterations * faces.Count;
Console.WriteLine(FormattableString.Invariant(
    $"{{\"faces\": {faces.Count}, \"iterations\": {iterations}, \"ms_per_face\": {wallMs / n:F4}, \"cpu_ms_per_face\": {cpuMs / n:F4}, \"checksum\": {checksum:F1}}}"));
return 0;

/// <summary>This thread's CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)).</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static double Milliseconds() =>
        clock_gettime(ClockThreadCpuTimeId, out Timespec t) == 0 ? (t.Seconds * 1e3) + (t.Nanoseconds / 1e6) : double.NaN;

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
