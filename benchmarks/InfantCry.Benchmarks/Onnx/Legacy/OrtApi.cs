using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using InfantCry.Onnx.Runtime;

namespace InfantCry.Benchmarks.Onnx.Legacy;

/// <summary>
/// The slice of ONNX Runtime's C API (<c>OrtApi</c> in <c>onnxruntime_c_api.h</c>) that InfantCry calls, as
/// unmanaged function pointers read from the function table that <c>OrtGetApiBase()-&gt;GetApi(version)</c> returns.
/// </summary>
/// <remarks>
/// <para>
/// <c>OrtApi</c> is a struct of function pointers that ONNX Runtime only ever appends to, so the position of a
/// function in the struct's declaration order is a stable index into the table for every later release. The
/// indices below were counted from the declaration order of the <c>struct OrtApi</c> in the 1.30 header
/// (<c>ORT_API_VERSION 30</c>); every function used here was already present in API version 1, so the table is
/// valid for any runtime that accepts <see cref="ApiVersion"/>. A test round-trips
/// <c>CreateStatus</c>/<c>GetErrorCode</c>/<c>GetErrorMessage</c>/<c>ReleaseStatus</c> to check the counting.
/// </para>
/// <para>Thread-safety: the table is immutable once loaded; every member may be called from any thread.</para>
/// </remarks>
internal static unsafe class OrtApi
{
    /// <summary>The <c>ORT_API_VERSION</c> requested from <c>GetApi</c>: the one ONNX Runtime 1.30's header defines.</summary>
    public const uint ApiVersion = 30;

    // Indices into struct OrtApi, in declaration order (0-based). Only the functions we call are named; the
    // comments give the neighbours so the count can be re-checked against the header.
    private const int CreateStatusIndex = 0;                      // then GetErrorCode, GetErrorMessage
    private const int GetErrorCodeIndex = 1;
    private const int GetErrorMessageIndex = 2;
    private const int CreateEnvIndex = 3;                         // 4 CreateEnvWithCustomLogger, 5/6 telemetry
    private const int CreateSessionIndex = 7;
    private const int CreateSessionFromArrayIndex = 8;
    private const int RunIndex = 9;
    private const int CreateSessionOptionsIndex = 10;             // 11 SetOptimizedModelFilePath, 12 CloneSessionOptions
    private const int SetSessionExecutionModeIndex = 13;          // 14..22 profiling, mem pattern, arena, logging
    private const int SetSessionGraphOptimizationLevelIndex = 23;
    private const int SetIntraOpNumThreadsIndex = 24;
    private const int SetInterOpNumThreadsIndex = 25;             // 26..29 custom op domains
    private const int SessionGetInputCountIndex = 30;
    private const int SessionGetOutputCountIndex = 31;            // 32 SessionGetOverridableInitializerCount
    private const int SessionGetInputTypeInfoIndex = 33;
    private const int SessionGetOutputTypeInfoIndex = 34;         // 35 SessionGetOverridableInitializerTypeInfo
    private const int SessionGetInputNameIndex = 36;
    private const int SessionGetOutputNameIndex = 37;             // 38 SessionGetOverridableInitializerName
    private const int CreateRunOptionsIndex = 39;                 // 40..45 run log levels and tag
    private const int RunOptionsSetTerminateIndex = 46;
    private const int RunOptionsUnsetTerminateIndex = 47;         // 48 CreateTensorAsOrtValue
    private const int CreateTensorWithDataAsOrtValueIndex = 49;   // 50 IsTensor
    private const int GetTensorMutableDataIndex = 51;             // 52..54 string tensors
    private const int CastTypeInfoToTensorInfoIndex = 55;
    private const int GetOnnxTypeFromTypeInfoIndex = 56;          // 57..59 create/set tensor type and shape
    private const int GetTensorElementTypeIndex = 60;
    private const int GetDimensionsCountIndex = 61;
    private const int GetDimensionsIndex = 62;
    private const int GetSymbolicDimensionsIndex = 63;            // 64 GetTensorShapeElementCount
    private const int GetTensorTypeAndShapeIndex = 65;            // 66 GetTypeInfo, 67 GetValueType, 68 CreateMemoryInfo
    private const int CreateCpuMemoryInfoIndex = 69;              // 70..75 memory info queries, AllocatorAlloc
    private const int AllocatorFreeIndex = 76;                    // 77 AllocatorGetInfo
    private const int GetAllocatorWithDefaultOptionsIndex = 78;   // 79..91 free dims, values, kernel API
    private const int ReleaseEnvIndex = 92;
    private const int ReleaseStatusIndex = 93;
    private const int ReleaseMemoryInfoIndex = 94;
    private const int ReleaseSessionIndex = 95;
    private const int ReleaseValueIndex = 96;
    private const int ReleaseRunOptionsIndex = 97;
    private const int ReleaseTypeInfoIndex = 98;
    private const int ReleaseTensorTypeAndShapeInfoIndex = 99;
    private const int ReleaseSessionOptionsIndex = 100;

    private static nint* Table => OrtLibrary.ApiTable;

    // --- Status ---------------------------------------------------------------------------------------------

    public static nint CreateStatus(int code, byte* message) =>
        ((delegate* unmanaged<int, byte*, nint>)Table[CreateStatusIndex])(code, message);

    public static int GetErrorCode(nint status) =>
        ((delegate* unmanaged<nint, int>)Table[GetErrorCodeIndex])(status);

    public static byte* GetErrorMessage(nint status) =>
        ((delegate* unmanaged<nint, byte*>)Table[GetErrorMessageIndex])(status);

    public static void ReleaseStatus(nint status) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseStatusIndex])(status);

    /// <summary>Turns a non-null <c>OrtStatus*</c> into an <see cref="OnnxRuntimeException"/> (and releases the status).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(nint status)
    {
        if (status != 0)
        {
            ThrowFromStatus(status);
        }
    }

    /// <summary>Reads code and message of a status, releases it, and returns them.</summary>
    public static (OnnxErrorCode Code, string Message) ConsumeStatus(nint status)
    {
        try
        {
            var code = (OnnxErrorCode)GetErrorCode(status);
            string message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? string.Empty;
            return (code, message);
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromStatus(nint status)
    {
        var (code, message) = ConsumeStatus(status);
        throw new OnnxRuntimeException(code, message);
    }

    // --- Env, options, session ------------------------------------------------------------------------------

    public static nint CreateEnv(int logSeverity, byte* logId, nint* env) =>
        ((delegate* unmanaged<int, byte*, nint*, nint>)Table[CreateEnvIndex])(logSeverity, logId, env);

    public static void ReleaseEnv(nint env) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseEnvIndex])(env);

    public static nint CreateSessionOptions(nint* options) =>
        ((delegate* unmanaged<nint*, nint>)Table[CreateSessionOptionsIndex])(options);

    public static nint SetSessionExecutionMode(nint options, int mode) =>
        ((delegate* unmanaged<nint, int, nint>)Table[SetSessionExecutionModeIndex])(options, mode);

    public static nint SetSessionGraphOptimizationLevel(nint options, int level) =>
        ((delegate* unmanaged<nint, int, nint>)Table[SetSessionGraphOptimizationLevelIndex])(options, level);

    public static nint SetIntraOpNumThreads(nint options, int threads) =>
        ((delegate* unmanaged<nint, int, nint>)Table[SetIntraOpNumThreadsIndex])(options, threads);

    public static nint SetInterOpNumThreads(nint options, int threads) =>
        ((delegate* unmanaged<nint, int, nint>)Table[SetInterOpNumThreadsIndex])(options, threads);

    public static void ReleaseSessionOptions(nint options) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseSessionOptionsIndex])(options);

    /// <summary><c>CreateSession</c>; <paramref name="modelPath"/> is UTF-8 on Unix and UTF-16 on Windows (<c>ORTCHAR_T</c>).</summary>
    public static nint CreateSession(nint env, void* modelPath, nint options, nint* session) =>
        ((delegate* unmanaged<nint, void*, nint, nint*, nint>)Table[CreateSessionIndex])(env, modelPath, options, session);

    public static nint CreateSessionFromArray(nint env, void* data, nuint length, nint options, nint* session) =>
        ((delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)Table[CreateSessionFromArrayIndex])(env, data, length, options, session);

    public static void ReleaseSession(nint session) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseSessionIndex])(session);

    public static nint Run(nint session, nint runOptions, nint* inputNames, nint* inputs, nuint inputCount, nint* outputNames, nuint outputCount, nint* outputs) =>
        ((delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Table[RunIndex])(session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    // --- Metadata -------------------------------------------------------------------------------------------

    public static nint SessionGetInputCount(nint session, nuint* count) =>
        ((delegate* unmanaged<nint, nuint*, nint>)Table[SessionGetInputCountIndex])(session, count);

    public static nint SessionGetOutputCount(nint session, nuint* count) =>
        ((delegate* unmanaged<nint, nuint*, nint>)Table[SessionGetOutputCountIndex])(session, count);

    public static nint SessionGetInputTypeInfo(nint session, nuint index, nint* typeInfo) =>
        ((delegate* unmanaged<nint, nuint, nint*, nint>)Table[SessionGetInputTypeInfoIndex])(session, index, typeInfo);

    public static nint SessionGetOutputTypeInfo(nint session, nuint index, nint* typeInfo) =>
        ((delegate* unmanaged<nint, nuint, nint*, nint>)Table[SessionGetOutputTypeInfoIndex])(session, index, typeInfo);

    public static nint SessionGetInputName(nint session, nuint index, nint allocator, byte** name) =>
        ((delegate* unmanaged<nint, nuint, nint, byte**, nint>)Table[SessionGetInputNameIndex])(session, index, allocator, name);

    public static nint SessionGetOutputName(nint session, nuint index, nint allocator, byte** name) =>
        ((delegate* unmanaged<nint, nuint, nint, byte**, nint>)Table[SessionGetOutputNameIndex])(session, index, allocator, name);

    public static nint GetOnnxTypeFromTypeInfo(nint typeInfo, int* onnxType) =>
        ((delegate* unmanaged<nint, int*, nint>)Table[GetOnnxTypeFromTypeInfoIndex])(typeInfo, onnxType);

    /// <summary>The tensor info is owned by <paramref name="typeInfo"/>: never release it.</summary>
    public static nint CastTypeInfoToTensorInfo(nint typeInfo, nint* tensorInfo) =>
        ((delegate* unmanaged<nint, nint*, nint>)Table[CastTypeInfoToTensorInfoIndex])(typeInfo, tensorInfo);

    public static void ReleaseTypeInfo(nint typeInfo) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseTypeInfoIndex])(typeInfo);

    public static nint GetTensorElementType(nint tensorInfo, int* elementType) =>
        ((delegate* unmanaged<nint, int*, nint>)Table[GetTensorElementTypeIndex])(tensorInfo, elementType);

    public static nint GetDimensionsCount(nint tensorInfo, nuint* count) =>
        ((delegate* unmanaged<nint, nuint*, nint>)Table[GetDimensionsCountIndex])(tensorInfo, count);

    public static nint GetDimensions(nint tensorInfo, long* dims, nuint count) =>
        ((delegate* unmanaged<nint, long*, nuint, nint>)Table[GetDimensionsIndex])(tensorInfo, dims, count);

    /// <summary>The strings are owned by <paramref name="tensorInfo"/>: copy them before releasing it.</summary>
    public static nint GetSymbolicDimensions(nint tensorInfo, byte** names, nuint count) =>
        ((delegate* unmanaged<nint, byte**, nuint, nint>)Table[GetSymbolicDimensionsIndex])(tensorInfo, names, count);

    public static nint GetTensorTypeAndShape(nint value, nint* tensorInfo) =>
        ((delegate* unmanaged<nint, nint*, nint>)Table[GetTensorTypeAndShapeIndex])(value, tensorInfo);

    public static void ReleaseTensorTypeAndShapeInfo(nint tensorInfo) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseTensorTypeAndShapeInfoIndex])(tensorInfo);

    // --- Run options ----------------------------------------------------------------------------------------

    public static nint CreateRunOptions(nint* runOptions) =>
        ((delegate* unmanaged<nint*, nint>)Table[CreateRunOptionsIndex])(runOptions);

    public static nint RunOptionsSetTerminate(nint runOptions) =>
        ((delegate* unmanaged<nint, nint>)Table[RunOptionsSetTerminateIndex])(runOptions);

    public static nint RunOptionsUnsetTerminate(nint runOptions) =>
        ((delegate* unmanaged<nint, nint>)Table[RunOptionsUnsetTerminateIndex])(runOptions);

    public static void ReleaseRunOptions(nint runOptions) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseRunOptionsIndex])(runOptions);

    // --- Memory and values ----------------------------------------------------------------------------------

    public static nint CreateCpuMemoryInfo(int allocatorType, int memType, nint* memoryInfo) =>
        ((delegate* unmanaged<int, int, nint*, nint>)Table[CreateCpuMemoryInfoIndex])(allocatorType, memType, memoryInfo);

    public static void ReleaseMemoryInfo(nint memoryInfo) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseMemoryInfoIndex])(memoryInfo);

    public static nint GetAllocatorWithDefaultOptions(nint* allocator) =>
        ((delegate* unmanaged<nint*, nint>)Table[GetAllocatorWithDefaultOptionsIndex])(allocator);

    public static nint AllocatorFree(nint allocator, void* pointer) =>
        ((delegate* unmanaged<nint, void*, nint>)Table[AllocatorFreeIndex])(allocator, pointer);

    public static nint CreateTensorWithDataAsOrtValue(nint memoryInfo, void* data, nuint byteLength, long* shape, nuint rank, int elementType, nint* value) =>
        ((delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)Table[CreateTensorWithDataAsOrtValueIndex])(memoryInfo, data, byteLength, shape, rank, elementType, value);

    public static nint GetTensorMutableData(nint value, void** data) =>
        ((delegate* unmanaged<nint, void**, nint>)Table[GetTensorMutableDataIndex])(value, data);

    public static void ReleaseValue(nint value) =>
        ((delegate* unmanaged<nint, void>)Table[ReleaseValueIndex])(value);
}
