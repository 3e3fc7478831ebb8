using System.Runtime.InteropServices;
using InfantCry.Abstractions.Errors;
using InfantCry.Onnx.Native;
using InfantCry.Onnx.Runtime;

namespace InfantCry.Onnx.Tests.Runtime;

/// <summary>Loading of the native library and the binding of the OrtApi function table.</summary>
[TestFixture]
public sealed unsafe class OnnxRuntimeTests
{
    [Test]
    public void Version_is_the_pinned_release()
    {
        Assert.That(OnnxRuntime.Version, Is.EqualTo("1.30.0"));
    }

    [Test]
    public void Library_resolves_app_local_when_no_override_is_set()
    {
        string? overridePath = Environment.GetEnvironmentVariable(OnnxRuntime.LibraryPathVariable);
        if (!string.IsNullOrEmpty(overridePath))
        {
            Assert.That(OnnxRuntime.NativeLibraryPath, Is.EqualTo(overridePath));
            return;
        }

        // The test build copies the set-up's library into runtimes/linux-x64/native (Directory.Build.targets).
        string expected = Path.Combine(AppContext.BaseDirectory, "runtimes", OrtLibrary.RuntimeIdentifier, "native", "libonnxruntime.so.1");
        Assert.That(OnnxRuntime.NativeLibraryPath, Is.EqualTo(Path.GetFullPath(expected)));
    }

    [TestCase(OnnxErrorCode.InvalidProtobuf, "bad bytes")]
    [TestCase(OnnxErrorCode.NotImplemented, "ünïcödé message")]
    [TestCase(OnnxErrorCode.DeviceReset, "last code of 1.30")]
    public void Status_round_trips_through_the_function_table(OnnxErrorCode code, string message)
    {
        // CreateStatus (0), GetErrorCode (1), GetErrorMessage (2) and ReleaseStatus (93): a wrong index would
        // return garbage or crash here rather than deep inside a session.
        nint utf8 = Marshal.StringToCoTaskMemUTF8(message);
        try
        {
            nint status = OrtApi.CreateStatus((int)code, (byte*)utf8);
            Assert.That(status, Is.Not.EqualTo(IntPtr.Zero));
            var (readCode, readMessage) = OrtApi.ConsumeStatus(status);
            Assert.That(readCode, Is.EqualTo(code));
            Assert.That(readMessage, Is.EqualTo(message));
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    [Test]
    public void A_failed_status_becomes_an_exception_with_code_and_message()
    {
        nint utf8 = Marshal.StringToCoTaskMemUTF8("graph is broken");
        try
        {
            nint status = OrtApi.CreateStatus((int)OnnxErrorCode.InvalidGraph, (byte*)utf8);
            var ex = Assert.Throws<OnnxRuntimeException>(() => OrtApi.Check(status));
            Assert.That(ex!.ErrorCode, Is.EqualTo(OnnxErrorCode.InvalidGraph));
            Assert.That(ex.RuntimeMessage, Is.EqualTo("graph is broken"));
            Assert.That(ex, Is.InstanceOf<InferenceException>());
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    [Test]
    public void Override_pointing_at_a_missing_file_says_where_it_looked_and_how_to_install()
    {
        string missing = Path.Combine(Path.GetTempPath(), "infantcry-no-such-dir", "libonnxruntime.so.1");

        var ex = Assert.Throws<OnnxRuntimeNotFoundException>(() => OrtLibrary.Bind(missing, ["/should/not/be/tried"]));

        Assert.That(ex!.Message, Does.Contain(missing));
        Assert.That(ex.Message, Does.Contain("INFANTCRY_ONNXRUNTIME"));
        Assert.That(ex.Message, Does.Contain("scripts/setup.sh"));
        Assert.That(ex.Message, Does.Contain("runtimes/" + OrtLibrary.RuntimeIdentifier + "/native/"));
        Assert.That(ex.SearchedPaths, Has.Count.EqualTo(1));
    }

    [Test]
    public void No_candidate_found_lists_every_candidate_in_order()
    {
        string[] candidates = ["/nonexistent/a/libonnxruntime.so", "/nonexistent/b/libonnxruntime.so.1"];

        var ex = Assert.Throws<OnnxRuntimeNotFoundException>(() => OrtLibrary.Bind(null, candidates));

        Assert.That(ex!.SearchedPaths, Is.EqualTo(candidates));
        Assert.That(ex.Message.IndexOf(candidates[0], StringComparison.Ordinal), Is.LessThan(ex.Message.IndexOf(candidates[1], StringComparison.Ordinal)));
        Assert.That(ex.Message, Does.Contain(OrtLibrary.CacheDirectory));
    }

    [Test]
    public void A_library_without_OrtGetApiBase_is_rejected_with_a_reason()
    {
        // libm is present on every glibc system and is certainly not ONNX Runtime.
        string? libm = new[] { "/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib64/libm.so.6", "/usr/lib/aarch64-linux-gnu/libm.so.6" }
            .FirstOrDefault(File.Exists);
        Assert.That(libm, Is.Not.Null, "no libm.so.6 found to use as a non-ONNX library");

        var ex = Assert.Throws<OnnxRuntimeNotFoundException>(() => OrtLibrary.Bind(libm, []));

        Assert.That(ex!.Message, Does.Contain("no OrtGetApiBase export"));
    }

    [Test]
    public void The_real_library_binds_through_the_override()
    {
        var (table, version, path) = OrtLibrary.Bind(OnnxRuntime.NativeLibraryPath, []);

        Assert.That(table, Is.Not.EqualTo(IntPtr.Zero));
        Assert.That(version, Is.EqualTo(OnnxRuntime.Version));
        Assert.That(path, Is.EqualTo(OnnxRuntime.NativeLibraryPath));
    }

    [Test]
    public void Candidates_put_app_local_before_the_cache()
    {
        IReadOnlyList<string> candidates = OrtLibrary.CandidatePaths();

        Assert.That(candidates[^1], Is.EqualTo(Path.Combine(OrtLibrary.CacheDirectory, "libonnxruntime.so.1")));
        Assert.That(candidates.Take(candidates.Count - 1), Has.All.Contains(Path.Combine("runtimes", OrtLibrary.RuntimeIdentifier, "native")));
        Assert.That(OrtLibrary.CacheDirectory, Does.EndWith(Path.Combine("onnxruntime", "1.30.0", OrtLibrary.RuntimeIdentifier)));
    }
}
