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

    /// <summary>The runtime's error code (<c>OrtErrorCode</c>).</summary>
    public OnnxErrorCode ErrorCode { get; }

    /// <summary>The runtime's own message, without InfantCry's prefix.</summary>
    public string RuntimeMessage { get; }
}

/// <summary>
/// ONNX Runtime's native library was not found, could not be loaded, or is too old. The message lists every
/// place that was searched and how to install the library.
/// </summary>
public sealed class OnnxRuntimeNotFoundException : InferenceException
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeNotFoundException() : this("ONNX Runtime's native library was not found.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Where it looked and how to install it.</param>
    public OnnxRuntimeNotFoundException(string message) : this(message, []) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Where it looked and how to install it.</param>
    /// <param name="innerException">The cause.</param>
    public OnnxRuntimeNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
        SearchedPaths = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Where it looked and how to install it.</param>
    /// <param name="searchedPaths">Every path considered, in order.</param>
    public OnnxRuntimeNotFoundException(string message, IReadOnlyList<string> searchedPaths) : base(message)
    {
        ArgumentNullException.ThrowIfNull(searchedPaths);
        SearchedPaths = searchedPaths;
    }

    /// <summary>Every path considered, in the order of resolution.</summary>
    public IReadOnlyList<string> SearchedPaths { get; }
}
