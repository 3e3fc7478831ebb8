using InfantCry.Abstractions.Errors;

namespace InfantCry.Onnx.Runtime;

/// <summary>ONNX Runtime reported an error: carries the runtime's <see cref="OnnxErrorCode"/> and its message.</summary>
public class OnnxRuntimeException : InferenceException
{
    /// <summary>Creates the exception with <see cref="OnnxErrorCode.Fail"/>.</summary>
    public OnnxRuntimeException() : this(OnnxErrorCode.Fail, "ONNX Runtime failed.") { }

    /// <summary>Creates the exception with <see cref="OnnxErrorCode.Fail"/> and a message.</summary>
    /// <param name="message">What failed.</param>
    public OnnxRuntimeException(string message) : this(OnnxErrorCode.Fail, message) { }

    /// <summary>Creates the exception with <see cref="OnnxErrorCode.Fail"/>, a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public OnnxRuntimeException(string message, Exception innerException) : base(message, innerException)
    {
        ErrorCode = OnnxErrorCode.Fail;
        RuntimeMessage = message;
    }

    /// <summary>Creates the exception from a runtime status.</summary>
    /// <param name="errorCode">The runtime's error code.</param>
    /// <param name="runtimeMessage">The runtime's message, unchanged.</param>
    public OnnxRuntimeException(OnnxErrorCode errorCode, string runtimeMessage)
        : base($"ONNX Runtime error {errorCode}: {runtimeMessage}")
    {
        ErrorCode = errorCode;
        RuntimeMessage = runtimeMessage;
    }

    /// <summary>Creates the exception from a runtime status, with context that names what was being done.</summary>
    /// <param name="errorCode">The runtime's error code.</param>
    /// <param name="runtimeMessage">The runtime's message, unchanged.</param>
    /// <param name="context">What InfantCry was doing, for example <c>"loading model 'a.onnx'"</c>.</param>
    public OnnxRuntimeException(OnnxErrorCode errorCode, string runtimeMessage, string context)
        : base($"ONNX Runtime error {errorCode} while {context}: {runtimeMessage}")
    {
        ErrorCode = errorCode;
        RuntimeMessage = runtimeMessage;
    }

    /// <summary>Creates the exception from a runtime failure, with context and the official API's exception as the cause.</summary>
    /// <param name="errorCode">The runtime's error code.</param>
    /// <param name="runtimeMessage">The runtime's message, unchanged.</param>
    /// <param name="context">What InfantCry was doing, for example <c>"loading model 'a.onnx'"</c>.</param>
    /// <param name="innerException">The cause.</param>
    public OnnxRuntimeException(OnnxErrorCode errorCode, string runtimeMessage, string context, Exception innerException)
        : base($"ONNX Runtime error {errorCode} while {context}: {runtimeMessage}", innerException)
    {
        ErrorCode = errorCode;
        RuntimeMessage = runtimeMessage;
    }

    /// <summary>The runtime's error code (<c>OrtErrorCode</c>).</summary>
    public OnnxErrorCode ErrorCode { get; }

    /// <summary>The runtime's own message, without InfantCry's prefix.</summary>
    public string RuntimeMessage { get; }
}

/// <summary>
/// ONNX Runtime's native library could not be loaded (for example the app runs on a platform the
/// <c>Microsoft.ML.OnnxRuntime</c> package has no native build for). The message says which platform and why.
/// </summary>
public sealed class OnnxRuntimeNotFoundException : InferenceException
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeNotFoundException() : base("ONNX Runtime's native library could not be loaded.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    public OnnxRuntimeNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The loader's exception.</param>
    public OnnxRuntimeNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// The execution provider selected in <see cref="Sessions.OnnxSessionOptions.ExecutionProvider"/> is not in the loaded
/// ONNX Runtime, or ONNX Runtime refused to add it. The message names the provider, the available ones and the NuGet
/// package that carries it.
/// </summary>
public sealed class OnnxExecutionProviderUnavailableException : InferenceException
{
    /// <summary>Creates the exception.</summary>
    public OnnxExecutionProviderUnavailableException() : this("The selected execution provider is not available.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which provider, what is available, and how to get it.</param>
    public OnnxExecutionProviderUnavailableException(string message) : base(message)
    {
        AvailableProviders = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which provider, what is available, and how to get it.</param>
    /// <param name="innerException">The cause.</param>
    public OnnxExecutionProviderUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
        AvailableProviders = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which provider, what is available, and how to get it.</param>
    /// <param name="provider">The provider that was selected.</param>
    /// <param name="availableProviders">ONNX Runtime's names of the providers the loaded library has.</param>
    public OnnxExecutionProviderUnavailableException(string message, Sessions.OnnxExecutionProvider provider, IReadOnlyList<string> availableProviders)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(availableProviders);
        Provider = provider;
        AvailableProviders = availableProviders;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which provider, what is available, and how to get it.</param>
    /// <param name="provider">The provider that was selected.</param>
    /// <param name="availableProviders">ONNX Runtime's names of the providers the loaded library has.</param>
    /// <param name="innerException">ONNX Runtime's refusal.</param>
    public OnnxExecutionProviderUnavailableException(string message, Sessions.OnnxExecutionProvider provider, IReadOnlyList<string> availableProviders, Exception innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(availableProviders);
        Provider = provider;
        AvailableProviders = availableProviders;
    }

    /// <summary>The provider that was selected.</summary>
    public Sessions.OnnxExecutionProvider Provider { get; }

    /// <summary>ONNX Runtime's names of the providers the loaded library has.</summary>
    public IReadOnlyList<string> AvailableProviders { get; }
}
