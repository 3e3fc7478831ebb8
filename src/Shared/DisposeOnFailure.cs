using InfantCry.Onnx.Sessions;

namespace InfantCry.Shared;

/// <summary>
/// Collects what a factory opens (sessions, detectors) and disposes it, last first, when the factory fails before it
/// hands everything to the object it builds. Compiled into each package that needs it (src/Shared), never public.
/// </summary>
/// <example>
/// <code>
/// using var opened = new DisposeOnFailure();
/// OnnxInferenceSession session = opened.Add(OnnxInferenceSession.Create(path, sessionOptions));
/// return opened.HandOver(new Detector(session, ownsSession: true));
/// </code>
/// </example>
internal sealed class DisposeOnFailure : IDisposable
{
    private List<IDisposable>? _opened = [];

    /// <summary>Keeps <paramref name="item"/> to dispose if the factory fails.</summary>
    /// <typeparam name="T">The item's type.</typeparam>
    /// <param name="item">What was just opened.</param>
    /// <returns><paramref name="item"/>.</returns>
    public T Add<T>(T item)
        where T : IDisposable
    {
        ObjectDisposedException.ThrowIf(_opened is null, this);
        _opened.Add(item);
        return item;
    }

    /// <summary>The factory succeeded: the result owns everything added, so nothing is disposed.</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="result">The built object.</param>
    /// <returns><paramref name="result"/>.</returns>
    public T HandOver<T>(T result)
    {
        _opened = null;
        return result;
    }

    /// <summary>Disposes what was added, last first, unless <see cref="HandOver{T}"/> was called.</summary>
    public void Dispose()
    {
        List<IDisposable>? opened = _opened;
        _opened = null;
        if (opened is null)
        {
            return;
        }

        for (int i = opened.Count - 1; i >= 0; i--)
        {
            opened[i].Dispose();
        }
    }
}
