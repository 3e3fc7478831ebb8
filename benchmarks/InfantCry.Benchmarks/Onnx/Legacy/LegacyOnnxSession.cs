using System.Buffers;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Runtime;

namespace InfantCry.Benchmarks.Onnx.Legacy;

/// <summary>
/// An <see cref="IInferenceSession"/> over ONNX Runtime's CPU execution provider. Create it with
/// <see cref="Create(string, OnnxSessionOptions?)"/> or <see cref="Create(ReadOnlySpan{byte}, OnnxSessionOptions?)"/>;
/// it must be disposed.
/// </summary>
/// <remarks>
/// <para>
/// Inputs are handed to ONNX Runtime as tensors over the caller's pinned memory (no copy). Outputs are either written
/// straight into caller buffers (<see cref="Run(ReadOnlySpan{TensorInput}, ReadOnlySpan{TensorOutput}, CancellationToken)"/>;
/// with the default token this path allocates no managed memory in steady state) or copied into new arrays that the
/// caller owns (<see cref="Run(ReadOnlySpan{TensorInput}, IReadOnlyList{string}?, CancellationToken)"/>).
/// </para>
/// <para>
/// Every argument is validated before native code runs: unknown, duplicate or missing tensor names, element types,
/// ranks and fixed dimensions throw <see cref="ArgumentException"/> naming the tensor with expected and actual values.
/// Dimensions the model leaves free (for example a symbolic batch) are checked by ONNX Runtime, which reports a
/// mismatch as <see cref="OnnxRuntimeException"/>.
/// </para>
/// <para>
/// Thread-safety: <c>Run</c> and <c>RunAsync</c> may be called concurrently from any number of threads (ONNX Runtime
/// allows concurrent <c>Run</c> on one session). <see cref="Dispose"/> may race with running calls: the native
/// session is released when the last of them returns; later calls throw <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
internal sealed unsafe class LegacyOnnxSession : IInferenceSession
{
    // Up to this many tensors per call, pointer arrays live on the stack; beyond it they are allocated.
    private const int StackTensorLimit = 16;
    private const int OnnxTypeTensor = 1; // ONNXType ONNX_TYPE_TENSOR

    private readonly OrtSessionHandle _session;
    private readonly string _modelName;
    private readonly TensorInfo[] _inputs;
    private readonly TensorInfo[] _outputs;
    private readonly long[][] _inputShapes;
    private readonly long[][] _outputShapes;
    private OrtRunOptionsHandle? _spareRunOptions;
    private volatile bool _disposed;

    private LegacyOnnxSession(OrtSessionHandle session, string modelName)
    {
        _session = session;
        _modelName = modelName;
        try
        {
            nint handle = session.DangerousGetHandle();
            (_inputs, _inputShapes, session.InputNames) = ReadSignature(handle, isInput: true);
            (_outputs, _outputShapes, session.OutputNames) = ReadSignature(handle, isInput: false);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        Inputs = new ReadOnlyCollection<TensorInfo>(_inputs);
        Outputs = new ReadOnlyCollection<TensorInfo>(_outputs);
    }

    /// <inheritdoc />
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The model's name in messages: its file name, or <c>"&lt;bytes&gt;"</c> for a model loaded from memory.</summary>
    public string ModelName => _modelName;

    /// <summary>Loads a model from an ONNX file.</summary>
    /// <param name="modelPath">Path to the <c>.onnx</c> file.</param>
    /// <param name="options">Session options; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <returns>A session that must be disposed.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the model (for example <see cref="OnnxErrorCode.InvalidProtobuf"/> or <see cref="OnnxErrorCode.InvalidGraph"/>).</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">ONNX Runtime's native library was not found.</exception>
    public static LegacyOnnxSession Create(string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        string fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model '{modelPath}' does not exist (looked at '{fullPath}').", fullPath);
        }

        string name = Path.GetFileName(fullPath);
        using var sessionOptions = CreateSessionOptions(options ?? OnnxSessionOptions.Default);
        nint env = OrtEnvironment.Env.DangerousGetHandle();
        var session = new OrtSessionHandle();
        nint pointer;
        nint status;
        if (OperatingSystem.IsWindows())
        {
            fixed (char* path = fullPath)
            {
                status = OrtApi.CreateSession(env, path, sessionOptions.DangerousGetHandle(), &pointer);
            }
        }
        else
        {
            byte[] utf8 = new byte[Encoding.UTF8.GetByteCount(fullPath) + 1];
            Encoding.UTF8.GetBytes(fullPath, utf8);
            fixed (byte* path = utf8)
            {
                status = OrtApi.CreateSession(env, path, sessionOptions.DangerousGetHandle(), &pointer);
            }
        }

        ThrowIfFailed(status, $"loading model '{fullPath}'");
        session.Attach(pointer);
        return new LegacyOnnxSession(session, name);
    }

    /// <summary>Loads a model from the bytes of an ONNX file (ONNX Runtime copies what it needs; the span may be reused afterwards).</summary>
    /// <param name="model">The serialized model.</param>
    /// <param name="options">Session options; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <returns>A session that must be disposed.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the bytes (for example <see cref="OnnxErrorCode.InvalidProtobuf"/>).</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">ONNX Runtime's native library was not found.</exception>
    public static LegacyOnnxSession Create(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model bytes are empty; pass the contents of an .onnx file.", nameof(model));
        }

        using var sessionOptions = CreateSessionOptions(options ?? OnnxSessionOptions.Default);
        nint env = OrtEnvironment.Env.DangerousGetHandle();
        var session = new OrtSessionHandle();
        nint pointer;
        nint status;
        fixed (byte* data = model)
        {
            status = OrtApi.CreateSessionFromArray(env, data, (nuint)model.Length, sessionOptions.DangerousGetHandle(), &pointer);
        }

        ThrowIfFailed(status, $"loading a model from {model.Length.ToString(CultureInfo.InvariantCulture)} bytes");
        session.Attach(pointer);
        return new LegacyOnnxSession(session, "<bytes>");
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each output buffer must have the exact shape the model produces. With <see cref="CancellationToken.None"/>
    /// (or any token that cannot be cancelled) and at most 16 inputs and 16 outputs, this call allocates no managed
    /// memory; a cancellable token costs one registration per call.
    /// </remarks>
    public void Run(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<TensorOutput> outputs, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (outputs.IsEmpty)
        {
            throw new ArgumentException($"Model '{_modelName}': request at least one output.", nameof(outputs));
        }

        int outputCount = outputs.Length;
        Span<int> outputIndices = outputCount <= StackTensorLimit ? stackalloc int[StackTensorLimit] : new int[outputCount];
        outputIndices = outputIndices[..outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            ref readonly TensorOutput output = ref outputs[i];
            int index = FindOutput(output.Name, i, nameof(outputs));
            for (int j = 0; j < i; j++)
            {
                if (outputIndices[j] == index)
                {
                    throw new ArgumentException($"Model '{_modelName}': output '{output.Name}' is requested twice.", nameof(outputs));
                }
            }

            CheckTensor("output", _outputs[index], _outputShapes[index], output.ElementType, output.Shape.Span, nameof(outputs));
            outputIndices[i] = index;
        }

        Span<nint> outputValues = outputCount <= StackTensorLimit ? stackalloc nint[StackTensorLimit] : new nint[outputCount];
        outputValues = outputValues[..outputCount];
        outputValues.Clear();
        PinBuffer pinBuffer = default;
        Span<MemoryHandle> pins = outputCount <= PinBuffer.Length ? pinBuffer[..outputCount] : new MemoryHandle[outputCount];
        nint memoryInfo = OrtEnvironment.CpuMemoryInfo.DangerousGetHandle();
        try
        {
            for (int i = 0; i < outputCount; i++)
            {
                ref readonly TensorOutput output = ref outputs[i];
                if (output.ElementType == TensorElementType.Float32)
                {
                    pins[i] = output.Float32Buffer.Pin();
                    outputValues[i] = CreateTensor(memoryInfo, pins[i].Pointer, (nuint)output.Float32Buffer.Length * sizeof(float), output.Shape.Span, TensorElementType.Float32);
                }
                else
                {
                    pins[i] = output.Int64Buffer.Pin();
                    outputValues[i] = CreateTensor(memoryInfo, pins[i].Pointer, (nuint)output.Int64Buffer.Length * sizeof(long), output.Shape.Span, TensorElementType.Int64);
                }
            }

            fixed (nint* values = outputValues)
            {
                Execute(inputs, outputIndices, values, cancellationToken);
            }
        }
        finally
        {
            for (int i = 0; i < outputCount; i++)
            {
                if (outputValues[i] != 0)
                {
                    OrtApi.ReleaseValue(outputValues[i]);
                }

                pins[i].Dispose();
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Only float32 and int64 outputs can be returned (the element types <see cref="NamedTensor"/> holds).</remarks>
    public IReadOnlyList<NamedTensor> Run(ReadOnlySpan<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int outputCount = outputNames?.Count ?? _outputs.Length;
        if (outputCount == 0)
        {
            throw new ArgumentException($"Model '{_modelName}': request at least one output.", nameof(outputNames));
        }

        int[] outputIndices = new int[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            int index = outputNames is null ? i : FindOutput(outputNames[i], i, nameof(outputNames));
            if (Array.IndexOf(outputIndices, index, 0, i) >= 0)
            {
                throw new ArgumentException($"Model '{_modelName}': output '{_outputs[index].Name}' is requested twice.", nameof(outputNames));
            }

            TensorElementType type = _outputs[index].ElementType;
            if (type is not (TensorElementType.Float32 or TensorElementType.Int64))
            {
                throw new ArgumentException($"Model '{_modelName}': output '{_outputs[index].Name}' holds {type} elements; only Float32 and Int64 outputs can be returned.", nameof(outputNames));
            }

            outputIndices[i] = index;
        }

        var outputValues = new nint[outputCount];
        var owned = new OrtValueHandle[outputCount];
        try
        {
            fixed (nint* values = outputValues)
            {
                Execute(inputs, outputIndices, values, cancellationToken);
            }

            for (int i = 0; i < outputCount; i++)
            {
                owned[i] = new OrtValueHandle();
                owned[i].Attach(outputValues[i]);
                outputValues[i] = 0;
            }

            var result = new NamedTensor[outputCount];
            for (int i = 0; i < outputCount; i++)
            {
                result[i] = CopyToManaged(_outputs[outputIndices[i]], owned[i]);
            }

            return result;
        }
        finally
        {
            foreach (nint value in outputValues)
            {
                if (value != 0)
                {
                    OrtApi.ReleaseValue(value);
                }
            }

            foreach (var handle in owned)
            {
                handle?.Dispose();
            }
        }
    }

    /// <summary>Runs <see cref="Run(ReadOnlySpan{TensorInput}, ReadOnlySpan{TensorOutput}, CancellationToken)"/> on the thread pool.</summary>
    /// <param name="inputs">Every input the model needs, by name; the memory must not change until the task completes.</param>
    /// <param name="outputs">The outputs to compute, each with a buffer of the exact shape the model produces.</param>
    /// <param name="cancellationToken">Cancels the run: ONNX Runtime stops at its next check and the task is cancelled.</param>
    /// <returns>A task that completes when the outputs are written.</returns>
    /// <exception cref="ArgumentException">Through the task: a name, element type, rank or fixed dimension does not fit the model.</exception>
    /// <exception cref="OnnxRuntimeException">Through the task: the runtime failed.</exception>
    /// <exception cref="OperationCanceledException">Through the task: the token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">Through the task: the session was disposed.</exception>
    public Task RunAsync(ReadOnlyMemory<TensorInput> inputs, ReadOnlyMemory<TensorOutput> outputs, CancellationToken cancellationToken = default) =>
        Task.Run(() => Run(inputs.Span, outputs.Span, cancellationToken), cancellationToken);

    /// <summary>Runs <see cref="Run(ReadOnlySpan{TensorInput}, IReadOnlyList{string}?, CancellationToken)"/> on the thread pool.</summary>
    /// <param name="inputs">Every input the model needs, by name; the memory must not change until the task completes.</param>
    /// <param name="outputNames">The outputs to compute; <see langword="null"/> for all of them, in model order.</param>
    /// <param name="cancellationToken">Cancels the run: ONNX Runtime stops at its next check and the task is cancelled.</param>
    /// <returns>One tensor per requested output, in the order requested.</returns>
    /// <exception cref="ArgumentException">Through the task: a name, element type, rank or fixed dimension does not fit the model.</exception>
    /// <exception cref="OnnxRuntimeException">Through the task: the runtime failed.</exception>
    /// <exception cref="OperationCanceledException">Through the task: the token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">Through the task: the session was disposed.</exception>
    public Task<IReadOnlyList<NamedTensor>> RunAsync(ReadOnlyMemory<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Run(inputs.Span, outputNames, cancellationToken), cancellationToken);

    /// <summary>Releases the native session (once every running call has returned).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        Interlocked.Exchange(ref _spareRunOptions, null)?.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"LegacyOnnxSession '{_modelName}': inputs [{string.Join("; ", _inputs.Select(t => t.ToString()))}], outputs [{string.Join("; ", _outputs.Select(t => t.ToString()))}]";

    /// <summary>Validates the inputs, creates tensors over their pinned memory and calls <c>OrtApi::Run</c>.</summary>
    /// <remarks>
    /// The per-call <c>OrtValue</c>s over caller memory live only inside this frame: they are raw pointers released
    /// in <c>finally</c> blocks rather than SafeHandles, because a SafeHandle per tensor per call would be a managed
    /// allocation on the zero-allocation path. Everything that outlives a call (env, memory info, session options,
    /// session, run options, names, owned outputs while they are copied) is a SafeHandle.
    /// </remarks>
    private void Execute(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<int> outputIndices, nint* outputValues, CancellationToken cancellationToken)
    {
        int inputCount = inputs.Length;
        int modelInputs = _inputs.Length;
        Span<int> inputIndices = inputCount <= StackTensorLimit ? stackalloc int[StackTensorLimit] : new int[inputCount];
        inputIndices = inputIndices[..inputCount];
        Span<bool> given = modelInputs <= StackTensorLimit ? stackalloc bool[StackTensorLimit] : new bool[modelInputs];
        given = given[..modelInputs];
        given.Clear();
        for (int i = 0; i < inputCount; i++)
        {
            ref readonly TensorInput input = ref inputs[i];
            int index = FindInput(input.Name, i, nameof(inputs));
            if (given[index])
            {
                throw new ArgumentException($"Model '{_modelName}': input '{input.Name}' is given twice.", nameof(inputs));
            }

            given[index] = true;
            CheckTensor("input", _inputs[index], _inputShapes[index], input.ElementType, input.Shape.Span, nameof(inputs));
            inputIndices[i] = index;
        }

        for (int i = 0; i < modelInputs; i++)
        {
            if (!given[i])
            {
                throw new ArgumentException($"Model '{_modelName}' needs input '{_inputs[i].Name}' ({_inputs[i]}) but it was not given.", nameof(inputs));
            }
        }

        int outputCount = outputIndices.Length;
        Span<nint> inputNames = inputCount <= StackTensorLimit ? stackalloc nint[StackTensorLimit] : new nint[inputCount];
        inputNames = inputNames[..inputCount];
        Span<nint> inputValues = inputCount <= StackTensorLimit ? stackalloc nint[StackTensorLimit] : new nint[inputCount];
        inputValues = inputValues[..inputCount];
        inputValues.Clear();
        Span<nint> outputNames = outputCount <= StackTensorLimit ? stackalloc nint[StackTensorLimit] : new nint[outputCount];
        outputNames = outputNames[..outputCount];
        PinBuffer pinBuffer = default;
        Span<MemoryHandle> pins = inputCount <= PinBuffer.Length ? pinBuffer[..inputCount] : new MemoryHandle[inputCount];

        bool addedRef = false;
        try
        {
            _session.DangerousAddRef(ref addedRef);
            OrtAllocatedStringHandle[] modelInputNames = _session.InputNames;
            OrtAllocatedStringHandle[] modelOutputNames = _session.OutputNames;
            for (int i = 0; i < outputCount; i++)
            {
                outputNames[i] = modelOutputNames[outputIndices[i]].DangerousGetHandle();
            }

            nint memoryInfo = OrtEnvironment.CpuMemoryInfo.DangerousGetHandle();
            for (int i = 0; i < inputCount; i++)
            {
                ref readonly TensorInput input = ref inputs[i];
                inputNames[i] = modelInputNames[inputIndices[i]].DangerousGetHandle();
                if (input.ElementType == TensorElementType.Float32)
                {
                    pins[i] = input.Float32Data.Pin();
                    inputValues[i] = CreateTensor(memoryInfo, pins[i].Pointer, (nuint)input.Float32Data.Length * sizeof(float), input.Shape.Span, TensorElementType.Float32);
                }
                else
                {
                    pins[i] = input.Int64Data.Pin();
                    inputValues[i] = CreateTensor(memoryInfo, pins[i].Pointer, (nuint)input.Int64Data.Length * sizeof(long), input.Shape.Span, TensorElementType.Int64);
                }
            }

            fixed (nint* inNames = inputNames)
            fixed (nint* inValues = inputValues)
            fixed (nint* outNames = outputNames)
            {
                RunNative(inNames, inValues, (nuint)inputCount, outNames, (nuint)outputCount, outputValues, cancellationToken);
            }
        }
        catch (ObjectDisposedException) when (!addedRef)
        {
            throw new ObjectDisposedException(nameof(LegacyOnnxSession), $"Model '{_modelName}': the session was disposed.");
        }
        finally
        {
            for (int i = 0; i < inputCount; i++)
            {
                if (inputValues[i] != 0)
                {
                    OrtApi.ReleaseValue(inputValues[i]);
                }

                pins[i].Dispose();
            }

            if (addedRef)
            {
                _session.DangerousRelease();
            }
        }
    }

    private void RunNative(nint* inputNames, nint* inputValues, nuint inputCount, nint* outputNames, nuint outputCount, nint* outputValues, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        nint session = _session.DangerousGetHandle();
        if (!cancellationToken.CanBeCanceled)
        {
            nint runStatus = OrtApi.Run(session, 0, inputNames, inputValues, inputCount, outputNames, outputCount, outputValues);
            if (runStatus != 0)
            {
                ThrowIfFailed(runStatus, RunContext);
            }

            return;
        }

        OrtRunOptionsHandle runOptions = RentRunOptions();
        nint status;
        CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static state => ((OrtRunOptionsHandle)state!).Terminate(), runOptions);
        try
        {
            status = OrtApi.Run(session, runOptions.DangerousGetHandle(), inputNames, inputValues, inputCount, outputNames, outputCount, outputValues);
        }
        finally
        {
            // Waits for a Terminate callback in flight, so the options are quiet before they are reset or reused.
            registration.Dispose();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            runOptions.Reset();
        }

        ReturnRunOptions(runOptions);
        if (status != 0)
        {
            var (code, message) = OrtApi.ConsumeStatus(status);
            if (cancellationToken.IsCancellationRequested)
            {
                // Outputs that ONNX Runtime allocated before stopping are released by the caller's finally blocks.
                throw new OperationCanceledException($"Model '{_modelName}': the run was cancelled ({message}).", cancellationToken);
            }

            throw new OnnxRuntimeException(code, message, RunContext);
        }
    }

    private string RunContext => $"running model '{_modelName}'";

    private OrtRunOptionsHandle RentRunOptions()
    {
        OrtRunOptionsHandle? spare = Interlocked.Exchange(ref _spareRunOptions, null);
        if (spare is not null)
        {
            return spare;
        }

        var handle = new OrtRunOptionsHandle();
        nint pointer;
        OrtApi.Check(OrtApi.CreateRunOptions(&pointer));
        handle.Attach(pointer);
        return handle;
    }

    private void ReturnRunOptions(OrtRunOptionsHandle runOptions)
    {
        if (_disposed || Interlocked.CompareExchange(ref _spareRunOptions, runOptions, null) is not null)
        {
            runOptions.Dispose();
            return;
        }

        if (_disposed)
        {
            // Dispose ran between the check and the store: do not leave the options cached.
            Interlocked.Exchange(ref _spareRunOptions, null)?.Dispose();
        }
    }

    private int FindInput(string? name, int position, string parameterName)
    {
        if (name is null)
        {
            throw new ArgumentException($"Model '{_modelName}': input at position {position.ToString(CultureInfo.InvariantCulture)} has no name (a default TensorInput?); create it with TensorInput.Float32 or TensorInput.Int64.", parameterName);
        }

        for (int i = 0; i < _inputs.Length; i++)
        {
            if (string.Equals(_inputs[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"Model '{_modelName}' has no input '{name}'; its inputs are {Describe(_inputs)}.", parameterName);
    }

    private int FindOutput(string? name, int position, string parameterName)
    {
        if (name is null)
        {
            throw new ArgumentException($"Model '{_modelName}': output at position {position.ToString(CultureInfo.InvariantCulture)} has no name.", parameterName);
        }

        for (int i = 0; i < _outputs.Length; i++)
        {
            if (string.Equals(_outputs[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"Model '{_modelName}' has no output '{name}'; its outputs are {Describe(_outputs)}.", parameterName);
    }

    private void CheckTensor(string kind, TensorInfo info, long[] modelShape, TensorElementType actualType, ReadOnlySpan<long> actualShape, string parameterName)
    {
        if (actualType != info.ElementType)
        {
            throw new ArgumentException($"Model '{_modelName}': {kind} '{info.Name}' expects {info.ElementType} elements ({info}) but was given {actualType}.", parameterName);
        }

        if (actualShape.Length != modelShape.Length)
        {
            throw new ArgumentException($"Model '{_modelName}': {kind} '{info.Name}' expects rank {modelShape.Length.ToString(CultureInfo.InvariantCulture)} ({info}) but was given shape [{TensorShape.Format(actualShape)}] of rank {actualShape.Length.ToString(CultureInfo.InvariantCulture)}.", parameterName);
        }

        for (int d = 0; d < modelShape.Length; d++)
        {
            if (modelShape[d] >= 0 && modelShape[d] != actualShape[d])
            {
                throw new ArgumentException($"Model '{_modelName}': {kind} '{info.Name}' expects dimension {d.ToString(CultureInfo.InvariantCulture)} to be {modelShape[d].ToString(CultureInfo.InvariantCulture)} ({info}) but was given shape [{TensorShape.Format(actualShape)}].", parameterName);
            }
        }
    }

    private static string Describe(TensorInfo[] tensors) =>
        tensors.Length == 0 ? "(none)" : string.Join(", ", tensors.Select(t => "'" + t + "'"));

    private static nint CreateTensor(nint memoryInfo, void* data, nuint byteLength, ReadOnlySpan<long> shape, TensorElementType type)
    {
        nint value;
        fixed (long* dims = shape)
        {
            OrtApi.Check(OrtApi.CreateTensorWithDataAsOrtValue(memoryInfo, data, byteLength, dims, (nuint)shape.Length, (int)type, &value));
        }

        return value;
    }

    private static NamedTensor CopyToManaged(TensorInfo info, OrtValueHandle value)
    {
        nint pointer = value.DangerousGetHandle();
        using var shapeInfo = new OrtTensorTypeAndShapeInfoHandle();
        nint shapePointer;
        OrtApi.Check(OrtApi.GetTensorTypeAndShape(pointer, &shapePointer));
        shapeInfo.Attach(shapePointer);
        int elementType;
        nuint rank;
        OrtApi.Check(OrtApi.GetTensorElementType(shapePointer, &elementType));
        OrtApi.Check(OrtApi.GetDimensionsCount(shapePointer, &rank));
        long[] shape = new long[(int)rank];
        fixed (long* dims = shape)
        {
            OrtApi.Check(OrtApi.GetDimensions(shapePointer, dims, rank));
        }

        long count = TensorShape.ElementCount(shape);
        void* data = null;
        if (count > 0)
        {
            OrtApi.Check(OrtApi.GetTensorMutableData(pointer, &data));
        }

        switch ((TensorElementType)elementType)
        {
            case TensorElementType.Float32:
            {
                float[] array = new float[checked((int)count)];
                new ReadOnlySpan<float>(data, array.Length).CopyTo(array);
                return new NamedTensor(info.Name, shape, array);
            }

            case TensorElementType.Int64:
            {
                long[] array = new long[checked((int)count)];
                new ReadOnlySpan<long>(data, array.Length).CopyTo(array);
                return new NamedTensor(info.Name, shape, array);
            }

            default:
                throw new OnnxRuntimeException(OnnxErrorCode.Fail, $"output '{info.Name}' came back with element type {elementType.ToString(CultureInfo.InvariantCulture)}, not Float32 or Int64.");
        }
    }

    private static OrtSessionOptionsHandle CreateSessionOptions(OnnxSessionOptions options)
    {
        var handle = new OrtSessionOptionsHandle();
        try
        {
            nint pointer;
            OrtApi.Check(OrtApi.CreateSessionOptions(&pointer));
            handle.Attach(pointer);
            OrtApi.Check(OrtApi.SetIntraOpNumThreads(pointer, options.IntraOpThreads));
            OrtApi.Check(OrtApi.SetInterOpNumThreads(pointer, options.InterOpThreads));
            OrtApi.Check(OrtApi.SetSessionGraphOptimizationLevel(pointer, (int)options.GraphOptimizationLevel));
            OrtApi.Check(OrtApi.SetSessionExecutionMode(pointer, (int)options.ExecutionMode));
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static (TensorInfo[] Infos, long[][] Shapes, OrtAllocatedStringHandle[] Names) ReadSignature(nint session, bool isInput)
    {
        nuint count;
        OrtApi.Check(isInput ? OrtApi.SessionGetInputCount(session, &count) : OrtApi.SessionGetOutputCount(session, &count));
        var infos = new TensorInfo[(int)count];
        var shapes = new long[(int)count][];
        var names = new OrtAllocatedStringHandle[(int)count];
        nint allocator = OrtEnvironment.DefaultAllocator;
        try
        {
            for (int i = 0; i < infos.Length; i++)
            {
                names[i] = new OrtAllocatedStringHandle();
                byte* namePointer;
                OrtApi.Check(isInput
                    ? OrtApi.SessionGetInputName(session, (nuint)i, allocator, &namePointer)
                    : OrtApi.SessionGetOutputName(session, (nuint)i, allocator, &namePointer));
                names[i].Attach((nint)namePointer);
                string name = names[i].Read();

                using var typeInfo = new OrtTypeInfoHandle();
                nint typePointer;
                OrtApi.Check(isInput
                    ? OrtApi.SessionGetInputTypeInfo(session, (nuint)i, &typePointer)
                    : OrtApi.SessionGetOutputTypeInfo(session, (nuint)i, &typePointer));
                typeInfo.Attach(typePointer);
                infos[i] = ReadTensorInfo(name, typePointer);
                shapes[i] = infos[i].Shape.ToArray();
            }
        }
        catch
        {
            foreach (var name in names)
            {
                name?.Dispose();
            }

            throw;
        }

        return (infos, shapes, names);
    }

    private static TensorInfo ReadTensorInfo(string name, nint typeInfo)
    {
        int onnxType;
        OrtApi.Check(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != OnnxTypeTensor)
        {
            // Sequences, maps and optionals: described without element type or shape; Run rejects them by type.
            return new TensorInfo(name, TensorElementType.Undefined, []);
        }

        nint tensorInfo; // owned by typeInfo: not released here
        OrtApi.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        nuint rank;
        OrtApi.Check(OrtApi.GetTensorElementType(tensorInfo, &elementType));
        OrtApi.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank));
        long[] dims = new long[(int)rank];
        nint[] symbols = new nint[(int)rank];
        fixed (long* dimPointer = dims)
        fixed (nint* symbolPointer = symbols)
        {
            OrtApi.Check(OrtApi.GetDimensions(tensorInfo, dimPointer, rank));
            OrtApi.Check(OrtApi.GetSymbolicDimensions(tensorInfo, (byte**)symbolPointer, rank));
        }

        string[] symbolic = new string[dims.Length];
        for (int d = 0; d < dims.Length; d++)
        {
            symbolic[d] = symbols[d] == 0 ? string.Empty : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(symbols[d]) ?? string.Empty;
            if (dims[d] < 0)
            {
                dims[d] = -1;
            }
        }

        // TensorElementType mirrors ONNX's data types up to UInt64 (13); newer ones (complex, bfloat16, float8, int4 ...)
        // are reported as Undefined, which Run rejects by type.
        var type = elementType is >= 0 and <= (int)TensorElementType.UInt64 ? (TensorElementType)elementType : TensorElementType.Undefined;
        return new TensorInfo(name, type, dims, symbolic);
    }

    private static void ThrowIfFailed(nint status, string context)
    {
        if (status != 0)
        {
            var (code, message) = OrtApi.ConsumeStatus(status);
            throw new OnnxRuntimeException(code, message, context);
        }
    }

    /// <summary>Stack storage for the pins of up to 16 tensors.</summary>
    [InlineArray(Length)]
    private struct PinBuffer
    {
        public const int Length = StackTensorLimit;
        private MemoryHandle _first;
    }
}
