namespace InfantCry.Abstractions.Reasons;

/// <summary>Tells whether a recording holds infant crying and, if so, how probable each reason is.</summary>
/// <remarks>Implementations are thread-safe: one instance may classify many recordings concurrently.</remarks>
public interface ICryReasonClassifier
{
    /// <summary>Classifies mono samples at any sample rate.</summary>
    /// <param name="samples">Mono samples scaled to [-1, 1].</param>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result; for audio without crying, <see cref="CryReasonResult.IsCry"/> is false and no reason is given.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive or not supported.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    CryReasonResult Classify(ReadOnlySpan<float> samples, int sampleRate, CancellationToken cancellationToken = default);

    /// <summary>Classifies mono samples at any sample rate without blocking the caller.</summary>
    /// <param name="samples">Mono samples scaled to [-1, 1]; must not change until the task completes.</param>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive or not supported.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task<CryReasonResult> ClassifyAsync(ReadOnlyMemory<float> samples, int sampleRate, CancellationToken cancellationToken = default);
}
