using System.Drawing;
using System.Runtime.InteropServices;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using InfantCry.Abstractions.Imaging;
using InfantCry.Vision.Landmarks;

namespace InfantCry.Benchmarks.Landmarks;

/// <summary>
/// dlib's 68-landmark shape predictor: dlib 19.24's C++ (baseline, through artifacts/bin/libdlib_oracle.so) against
/// our managed port, single-threaded, on the 68 faces dlib's HOG detector finds in ../shared/data/faces (the boxes and
/// pixels the oracle saved). One operation = one face.
/// Needs scripts/setup.d/30-dlib-oracle.sh. Run: scripts/compare-landmarks.sh, or
/// <c>dotnet run -c Release --project benchmarks/InfantCry.Benchmarks -- --filter '*ShapePredictorBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ShapePredictorBenchmarks : IDisposable
{
    private const int FacesPerOperation = 68;

    private readonly List<(ImageBuffer Rgb, ImageBuffer Gray, nint Native, RectangleF Box, int L, int T, int R, int B)> _faces = [];
    private readonly PointF[] _points = new PointF[68];
    private readonly int[] _nativePoints = new int[2 * 68];
    private ShapePredictor _managed = null!;
    private DlibOracleLibrary _dlib = null!;

    /// <summary>Pixel layout handed to the managed predictor (dlib always gets its own RGB image).</summary>
    [Params(PixelFormat.Rgb24, PixelFormat.Gray8)]
    public PixelFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string root = RepositoryPaths.Root;
        string artifacts = Environment.GetEnvironmentVariable("INFANTCRY_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(root, "artifacts");
        string model = Environment.GetEnvironmentVariable("DLIB_SHAPE_MODEL") is { Length: > 0 } m ? m : "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
        string oracle = Path.Combine(artifacts, "oracle");
        if (!File.Exists(Path.Combine(oracle, "faces.json")))
        {
            throw new InvalidOperationException($"{oracle}/faces.json is missing: run scripts/setup.d/30-dlib-oracle.sh.");
        }

        _managed = ShapePredictor.Load(model);
        _dlib = new DlibOracleLibrary(Path.Combine(artifacts, "bin", "libdlib_oracle.so"), model);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(oracle, "faces.json")));
        foreach (JsonElement image in doc.RootElement.GetProperty("images").EnumerateArray())
        {
            int w = image.GetProperty("width").GetInt32(), h = image.GetProperty("height").GetInt32();
            byte[] rgb = File.ReadAllBytes(Path.Combine(oracle, image.GetProperty("pixels").GetString()!));
            var gray = new byte[w * h];
            for (int i = 0; i < gray.Length; i++)
            {
                gray[i] = (byte)((rgb[3 * i] + rgb[(3 * i) + 1] + rgb[(3 * i) + 2]) / 3);
            }

            nint native = _dlib.CreateImage(rgb, w, h);
            foreach (JsonElement f in image.GetProperty("faces").EnumerateArray())
            {
                int l = f.GetProperty("left").GetInt32(), t = f.GetProperty("top").GetInt32();
                int r = f.GetProperty("right").GetInt32(), b = f.GetProperty("bottom").GetInt32();
                _faces.Add((new ImageBuffer(rgb, w, h, PixelFormat.Rgb24), new ImageBuffer(gray, w, h, PixelFormat.Gray8),
                    native, ShapePredictor.FromDlibRectangle(l, t, r, b), l, t, r, b));
            }
        }

        if (_faces.Count != FacesPerOperation)
        {
            throw new InvalidOperationException($"The oracle lists {_faces.Count} faces; this benchmark expects {FacesPerOperation} (update FacesPerOperation).");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FacesPerOperation, Description = "dlib C++")]
    public int Dlib()
    {
        int sum = 0;
        foreach (var f in _faces)
        {
            sum += _dlib.Predict(f.Native, f.L, f.T, f.R, f.B, _nativePoints);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = FacesPerOperation, Description = "InfantCry managed")]
    public float Managed()
    {
        float sum = 0;
        bool gray = Format == PixelFormat.Gray8;
        foreach (var f in _faces)
        {
            _managed.Predict(gray ? f.Gray : f.Rgb, f.Box, _points);
            sum += _points[30].X;
        }

        return sum;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _dlib?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>dlib's predictor through tools/dlib-oracle/dlib_oracle_capi.cpp. Not thread-safe; must be disposed.</summary>
    private sealed unsafe class DlibOracleLibrary : IDisposable
    {
        private readonly nint _library;
        private readonly nint _predictor;
        private readonly List<nint> _images = [];
        private bool _disposed;
        private readonly delegate* unmanaged<nint, void> _freePredictor;
        private readonly delegate* unmanaged<byte*, nint, nint, nint> _imageFromRgb;
        private readonly delegate* unmanaged<nint, void> _freeImage;
        private readonly delegate* unmanaged<nint, nint, nint, nint, nint, nint, int*, nint, nint> _predict;

        public DlibOracleLibrary(string libraryPath, string modelPath)
        {
            if (!File.Exists(libraryPath))
            {
                throw new InvalidOperationException($"{libraryPath} is missing: run scripts/setup.d/30-dlib-oracle.sh.");
            }

            _library = NativeLibrary.Load(libraryPath);
            var load = (delegate* unmanaged<byte*, nint>)NativeLibrary.GetExport(_library, "dlib_oracle_load_predictor");
            _freePredictor = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(_library, "dlib_oracle_free_predictor");
            _imageFromRgb = (delegate* unmanaged<byte*, nint, nint, nint>)NativeLibrary.GetExport(_library, "dlib_oracle_image_from_rgb");
            _freeImage = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(_library, "dlib_oracle_free_image");
            _predict = (delegate* unmanaged<nint, nint, nint, nint, nint, nint, int*, nint, nint>)NativeLibrary.GetExport(_library, "dlib_oracle_predict");
            byte[] path = System.Text.Encoding.UTF8.GetBytes(modelPath + "\0");
            fixed (byte* p = path)
            {
                _predictor = load(p);
            }

            if (_predictor == 0)
            {
                throw new InvalidOperationException($"dlib could not load {modelPath}.");
            }
        }

        public nint CreateImage(byte[] rgb, int width, int height)
        {
            nint image;
            fixed (byte* p = rgb)
            {
                image = _imageFromRgb(p, width, height);
            }

            if (image == 0)
            {
                throw new InvalidOperationException("dlib could not allocate an image.");
            }

            _images.Add(image);
            return image;
        }

        public int Predict(nint image, int left, int top, int right, int bottom, int[] xy)
        {
            fixed (int* p = xy)
            {
                return (int)_predict(_predictor, image, left, top, right, bottom, p, xy.Length);
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (nint image in _images)
            {
                _freeImage(image);
            }

            _images.Clear();
            _freePredictor(_predictor);
            NativeLibrary.Free(_library);
        }
    }
}
