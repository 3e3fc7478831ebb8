using InfantCry.Abstractions.Errors;

namespace InfantCry.Abstractions.Inference;

/// <summary>
/// A loaded model that maps named input tensors to named output tensors. This is the seam between InfantCry's
/// pipelines and an inference runtime: <c>InfantCry.Onnx</c> implements it over ONNX Runtime, tests fake it, and an
/// app may back it with another runtime.
/// </summary>
/// <remarks>
/// Implementations must allow concurrent <c>Run</c> calls on one instance (InfantCry's pipelines share a session
/// across threads) and must be disposed; <c>Run</c> after <see cref="IDisposable.Dispose"/> throws
/// <see cref="ObjectDisposedException"/>.
/// </remarks>
public interface IInferenceSession : IDisposable
{
    /// <summary>The model's inputs, in model order.</summary>
    IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in model order.</summary>
    IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Runs the model and writes the requested outputs into caller-owned buffers.</summary>
    /// <param name="inputs">Every input the model needs, by name.</param>
    /// <param name="outputs">The outputs to compute, each with a buffer of the exact shape the model produces.</param>
    /// <param name="cancellationToken">Cancels the run; the runtime stops at its next check.</param>
    /// <exception cref="ArgumentException">An input or output name is unknown, or a shape or element type does not fit the model.</exception>
    /// <exception cref="InfantCry.Abstractions.Errors.InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    void Run(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<TensorOutput> outputs, CancellationToken cancellationToken = default);

    /// <summary>Runs the model and returns the requested outputs as tensors the caller owns.</summary>
    /// <param name="inputs">Every input the model needs, by name.</param>
    /// <param name="outputNames">The outputs to compute; <see langword="null"/> for all of them, in model order.</param>
    /// <param name="cancellationToken">Cancels the run; the runtime stops at its next check.</param>
    /// <returns>One tensor per requested output, in the order requested.</returns>
    /// <exception cref="ArgumentException">An input or output name is unknown, or a shape or element type does not fit the model.</exception>
    /// <exception cref="InfantCry.Abstractions.Errors.InferenceException">The runtime failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    IReadOnlyList<NamedTensor> Run(ReadOnlySpan<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default);
}
