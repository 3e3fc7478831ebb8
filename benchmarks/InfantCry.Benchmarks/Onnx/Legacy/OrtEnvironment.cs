namespace InfantCry.Benchmarks.Onnx.Legacy;

/// <summary>
/// The process-wide ONNX Runtime objects: one <c>OrtEnv</c> (ONNX Runtime allows one per process), one CPU
/// <c>OrtMemoryInfo</c> for tensors over caller memory, and the default allocator. Created lazily on first use.
/// </summary>
/// <remarks>
/// Thread-safety: creation is serialized by a lock and published with a volatile write; afterwards every member is
/// safe from any thread. The objects live until the process exits (ONNX Runtime's own bindings do the same:
/// releasing the env while a session may still exist is undefined behaviour).
/// </remarks>
internal static unsafe class OrtEnvironment
{
    // OrtLoggingLevel: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. Errors reach the caller as exceptions, so
    // only ONNX Runtime's errors are logged (to stderr), keeping torch-export warnings out of app output.
    private const int LogSeverityError = 3;
    // OrtAllocatorType OrtDeviceAllocator = 0; OrtMemType OrtMemTypeDefault = 0.
    private const int OrtDeviceAllocator = 0;
    private const int OrtMemTypeDefault = 0;

    private static readonly Lock s_gate = new();
    private static State? s_state;

    /// <summary>The process-wide <c>OrtEnv</c>.</summary>
    public static OrtEnvHandle Env => GetState().Env;

    /// <summary>CPU memory description for tensors created over caller memory.</summary>
    public static OrtMemoryInfoHandle CpuMemoryInfo => GetState().CpuMemoryInfo;

    /// <summary>ONNX Runtime's default CPU allocator (owned by the runtime, never released).</summary>
    public static nint DefaultAllocator => GetState().DefaultAllocator;

    private static State GetState() => Volatile.Read(ref s_state) ?? Create();

    private static State Create()
    {
        lock (s_gate)
        {
            if (s_state is not null)
            {
                return s_state;
            }

            var env = new OrtEnvHandle();
            var memoryInfo = new OrtMemoryInfoHandle();
            try
            {
                nint pointer;
                fixed (byte* logId = "InfantCry"u8)
                {
                    OrtApi.Check(OrtApi.CreateEnv(LogSeverityError, logId, &pointer));
                }

                env.Attach(pointer);
                OrtApi.Check(OrtApi.CreateCpuMemoryInfo(OrtDeviceAllocator, OrtMemTypeDefault, &pointer));
                memoryInfo.Attach(pointer);
                OrtApi.Check(OrtApi.GetAllocatorWithDefaultOptions(&pointer));
                var state = new State(env, memoryInfo, pointer);
                Volatile.Write(ref s_state, state);
                return state;
            }
            catch
            {
                memoryInfo.Dispose();
                env.Dispose();
                throw;
            }
        }
    }

    private sealed record State(OrtEnvHandle Env, OrtMemoryInfoHandle CpuMemoryInfo, nint DefaultAllocator);
}
