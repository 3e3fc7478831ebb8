namespace InfantCry.Abstractions.Errors;

/// <summary>Base of InfantCry's domain exceptions: something about the caller's data, a model or the runtime was wrong.</summary>
public class InfantCryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InfantCryException() { }

    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    /// <param name="message">The message.</param>
    public InfantCryException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InfantCryException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>Audio could not be read: not a WAV file, a truncated or inconsistent header, an unsupported encoding, an absurd rate.</summary>
/// <remarks>The message names the source (file name or "stream") and the problem.</remarks>
public sealed class InvalidAudioException : InfantCryException
{
    /// <summary>Creates the exception.</summary>
    public InvalidAudioException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, naming the source.</param>
    public InvalidAudioException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, naming the source.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidAudioException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>A model file is missing, unreadable, or does not have the inputs and outputs the pipeline needs.</summary>
public sealed class InvalidModelException : InfantCryException
{
    /// <summary>Creates the exception.</summary>
    public InvalidModelException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, naming the model.</param>
    public InvalidModelException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, naming the model.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidModelException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The inference runtime reported an error.</summary>
public class InferenceException : InfantCryException
{
    /// <summary>Creates the exception.</summary>
    public InferenceException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The runtime's message.</param>
    public InferenceException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The runtime's message.</param>
    /// <param name="innerException">The cause.</param>
    public InferenceException(string message, Exception innerException) : base(message, innerException) { }
}
