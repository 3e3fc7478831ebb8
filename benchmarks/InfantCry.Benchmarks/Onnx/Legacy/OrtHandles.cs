using System.Runtime.InteropServices;

namespace InfantCry.Benchmarks.Onnx.Legacy;

/// <summary>
/// Base of the SafeHandles over ONNX Runtime objects: a null pointer is invalid, and release calls the matching
/// <c>OrtApi.Release*</c> exactly once, even when the owner forgets to dispose (finalizer) or disposes while
/// another thread still uses the handle (reference counting of <see cref="SafeHandle"/>).
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of a pointer that ONNX Runtime just returned.</summary>
    internal void Attach(nint pointer) => SetHandle(pointer);
}

/// <summary>Owns an <c>OrtEnv</c>.</summary>
internal sealed class OrtEnvHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseEnv(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtSessionOptions</c>.</summary>
internal sealed class OrtSessionOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSessionOptions(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtMemoryInfo</c>.</summary>
internal sealed class OrtMemoryInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseMemoryInfo(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtValue</c>.</summary>
internal sealed class OrtValueHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseValue(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtTypeInfo</c>.</summary>
internal sealed class OrtTypeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseTypeInfo(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtTensorTypeAndShapeInfo</c> (one returned by <c>GetTensorTypeAndShape</c>, not a cast view).</summary>
internal sealed class OrtTensorTypeAndShapeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtRunOptions</c>; <see cref="Terminate"/> asks a run using it to stop.</summary>
internal sealed class OrtRunOptionsHandle : OrtHandle
{
    /// <summary>Sets the terminate flag; safe to call from any thread while a run uses these options.</summary>
    public void Terminate()
    {
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
            nint status = OrtApi.RunOptionsSetTerminate(handle);
            if (status != 0)
            {
                OrtApi.ReleaseStatus(status);
            }
        }
        catch (ObjectDisposedException)
        {
            // Already released: nothing left to stop.
        }
        finally
        {
            if (added)
            {
                DangerousRelease();
            }
        }
    }

    /// <summary>Clears the terminate flag so the options can be reused.</summary>
    public void Reset() => OrtApi.Check(OrtApi.RunOptionsUnsetTerminate(handle));

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseRunOptions(handle);
        return true;
    }
}

/// <summary>
/// A UTF-8 string allocated by ONNX Runtime's default allocator (for example an input name); released with
/// <c>AllocatorFree</c>.
/// </summary>
internal sealed class OrtAllocatedStringHandle : OrtHandle
{
    public unsafe string Read() => Marshal.PtrToStringUTF8(handle) ?? string.Empty;

    protected override unsafe bool ReleaseHandle()
    {
        nint status = OrtApi.AllocatorFree(OrtEnvironment.DefaultAllocator, (void*)handle);
        if (status != 0)
        {
            OrtApi.ReleaseStatus(status);
            return false;
        }

        return true;
    }
}

/// <summary>
/// Owns an <c>OrtSession</c> and, tied to its lifetime, the allocator-owned UTF-8 input and output names that
/// every <c>Run</c> passes to ONNX Runtime. Releasing the handle frees the names after the session.
/// </summary>
internal sealed class OrtSessionHandle : OrtHandle
{
    /// <summary>Input names as native UTF-8 strings, in model order.</summary>
    public OrtAllocatedStringHandle[] InputNames { get; set; } = [];

    /// <summary>Output names as native UTF-8 strings, in model order.</summary>
    public OrtAllocatedStringHandle[] OutputNames { get; set; } = [];

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSession(handle);
        foreach (var name in InputNames)
        {
            name.Dispose();
        }

        foreach (var name in OutputNames)
        {
            name.Dispose();
        }

        return true;
    }
}
