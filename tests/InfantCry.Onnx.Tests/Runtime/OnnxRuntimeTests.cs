using InfantCry.Abstractions.Errors;
using InfantCry.Onnx.Runtime;
using InfantCry.Onnx.Sessions;

namespace InfantCry.Onnx.Tests.Runtime;

/// <summary>The official runtime package: version, where the native library comes from, providers, error translation.</summary>
[TestFixture]
public sealed class OnnxRuntimeTests
{
    /// <summary>The release pinned in Directory.Packages.props (Microsoft.ML.OnnxRuntime).</summary>
    private const string PinnedVersion = "1.32.0";

    [Test]
    public void Version_is_the_pinned_release()
    {
        Assert.That(OnnxRuntime.Version, Is.EqualTo(PinnedVersion));
    }

    [Test]
    public void Native_library_is_the_package_copy_next_to_the_app()
    {
        // No environment variable, cache or set-up step: the package's runtimes/<rid>/native file, copied to the output.
        string path = OnnxRuntime.NativeLibraryPath;

        Assert.That(Path.IsPathFullyQualified(path), Is.True, path);
        Assert.That(OnnxEnvironment.IsRuntimeLibraryName(Path.GetFileName(path)), Is.True, path);
        Assert.That(Path.GetFullPath(path), Does.StartWith(Path.GetFullPath(AppContext.BaseDirectory)));
        Assert.That(path, Does.Contain(Path.Combine("runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native")));
    }

    [TestCase("onnxruntime.dll", true)]
    [TestCase("libonnxruntime.so", true)]
    [TestCase("libonnxruntime.so.1", true)]
    [TestCase("libonnxruntime.1.32.0.dylib", true)]
    [TestCase("libonnxruntime_providers_shared.so", false)]
    [TestCase("libm.so.6", false)]
    public void Runtime_library_names_are_recognised(string fileName, bool expected)
    {
        Assert.That(OnnxEnvironment.IsRuntimeLibraryName(fileName), Is.EqualTo(expected));
    }

    [Test]
    public void Cpu_provider_is_always_available()
    {
        Assert.That(OnnxRuntime.AvailableExecutionProviders, Does.Contain("CPUExecutionProvider"));
        Assert.That(OnnxRuntime.IsAvailable(OnnxExecutionProvider.Cpu), Is.True);
        TestContext.Out.WriteLine($"providers: {string.Join(", ", OnnxRuntime.AvailableExecutionProviders)}");
    }

    [TestCase("[ErrorCode:InvalidProtobuf] Load model failed", OnnxErrorCode.InvalidProtobuf, "Load model failed")]
    [TestCase("[ErrorCode:InvalidGraph] ünïcödé message", OnnxErrorCode.InvalidGraph, "ünïcödé message")]
    [TestCase("[ErrorCode:RuntimeException] Exiting due to terminate flag being set to true.", OnnxErrorCode.RuntimeException, "Exiting due to terminate flag being set to true.")]
    [TestCase("[ErrorCode:ShapeInferenceNotRegistered] ep", OnnxErrorCode.EpFail, "ep")]
    [TestCase("[ErrorCode:15] reset", OnnxErrorCode.DeviceReset, "reset")]
    [TestCase("[ErrorCode:Unheard] text", OnnxErrorCode.Fail, "text")]
    [TestCase("no prefix at all", OnnxErrorCode.Fail, "no prefix at all")]
    public void Official_error_messages_are_split_into_code_and_text(string text, OnnxErrorCode code, string message)
    {
        var (parsedCode, parsedMessage) = OnnxEnvironment.ParseMessage(text);

        Assert.That(parsedCode, Is.EqualTo(code));
        Assert.That(parsedMessage, Is.EqualTo(message));
    }

    [Test]
    public void Load_failures_are_told_apart_from_other_errors()
    {
        Assert.That(OnnxEnvironment.IsLoadFailure(new DllNotFoundException("onnxruntime")), Is.True);
        Assert.That(OnnxEnvironment.IsLoadFailure(new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods", new EntryPointNotFoundException("OrtGetApiBase"))), Is.True);
        Assert.That(OnnxEnvironment.IsLoadFailure(new TypeInitializationException("X", new InvalidOperationException())), Is.False);
        Assert.That(OnnxEnvironment.IsLoadFailure(new InvalidOperationException()), Is.False);
    }

    [Test]
    public void Load_failure_message_names_the_package_and_the_platform_only()
    {
        var ex = OnnxEnvironment.NotFound(new DllNotFoundException("Unable to load shared library 'onnxruntime'"));

        Assert.That(ex, Is.InstanceOf<InferenceException>());
        Assert.That(ex.Message, Does.Contain("Microsoft.ML.OnnxRuntime"));
        Assert.That(ex.Message, Does.Contain(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier));
        Assert.That(ex.Message, Does.Contain("Unable to load shared library"));
        Assert.That(ex.InnerException, Is.InstanceOf<DllNotFoundException>());
    }
}
