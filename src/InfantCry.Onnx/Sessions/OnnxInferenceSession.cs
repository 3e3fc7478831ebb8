using System.Collections.ObjectModel;
using System.Globalization;
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Runtime;
using Ort = Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace InfantCry.Onnx.Sessions;

/// <summary>
/// An <see cref="IInferenceSession"/> over ONNX Runtime's official .NET API (<c>Microsoft.ML.OnnxRuntime</c>). Create it
/// with <see cref="Create(string, OnnxSessionOptions?)"/> or <see cref="Create(ReadOnlySpan{byte}, OnnxSessionOptions?)"/>;
/// it must be disposed.
/// </summary>
/// <remarks>
/// <para>
/// Inputs are handed to ONNX Runtime as tensors over the caller's pinned memory (no copy). Outputs are either written
/// straight into caller buffers (<see cref="Run(ReadOnlySpan{TensorInput}, ReadOnlySpan{TensorOutput}, CancellationToken)"/>)
/// or copied into new arrays that the caller owns (<see cref="Run(ReadOnlySpan{TensorInput}, IReadOnlyList{string}?, CancellationToken)"/>).
/// </para>
/// <para>
/// Steady state: the buffer form binds the tensors to the session once (ONNX Runtime's I/O binding) and keeps up to
/// four such bindings, keyed by the identity of the caller's arrays, their ranges and the shapes. A call with the same
/// arrays as an earlier one reuses its binding and allocates no managed memory (with a token that cannot be cancelled).
/// While a binding is kept, its arrays stay pinned and referenced by the session; they are released when the binding is
/// replaced by a fifth set of arrays or when the session is disposed. Memory that is not backed by an array is bound for
/// one call only.
/// </para>
/// <para>
/// Every argument is validated before native code runs: unknown, duplicate or missing tensor names, element types,
/// ranks and fixed dimensions throw <see cref="ArgumentException"/> naming the tensor with expected and actual values.
/// Dimensions the model leaves free (for example a symbolic batch) are checked by ONNX Runtime, which reports a
/// mismatch as <see cref="OnnxRuntimeException"/>.
/// </para>
/// <para>
/// Thread-safety: <c>Run</c> and <c>RunAsync</c> may be called concurrently from any number of threads (ONNX Runtime
/// allows concurrent <c>Run</c> on one session; each cached binding serves one call at a time). <see cref="Dispose"/> may
/// race with running calls: the native session is released when the last of them returns; later calls throw
/// <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed class OnnxInferenceSession : IInferenceSession
{
    // Up to this many tensors per call, index arrays live on the stack; beyond it they are allocated.
    private const int StackTensorLimit = 16;
    private const int CachedBindings = 4;
    // _state: number of calls inside the native session, plus this bit once Dispose has run.
    private const int DisposedFlag = 1 << 30;

    private readonly Ort.InferenceSession _session;
    private readonly Ort.RunOptions _runOptions;
    private readonly string _modelName;
    private readonly TensorInfo[] _inputs;
    private readonly TensorInfo[] _outputs;
    private readonly long[][] _inputShapes;
    private readonly long[][] _outputShapes;
    private readonly BoundCall?[] _bindings = new BoundCall?[CachedBindings];
    private int _nextBinding;
    private Ort.RunOptions? _spareRunOptions;
    private int _state;

    private OnnxInferenceSession(Ort.InferenceSession session, string modelName)
    {
        _session = session;
        _modelName = modelName;
        try
        {
            (_inputs, _inputShapes) = ReadSignature(session.InputNames, session.InputMetadata);
            (_outputs, _outputShapes) = ReadSignature(session.OutputNames, session.OutputMetadata);
            _runOptions = new Ort.RunOptions();
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
    /// <exception cref="OnnxExecutionProviderUnavailableException">The selected execution provider is not in the loaded runtime.</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">ONNX Runtime's native library could not be loaded.</exception>
    public static OnnxInferenceSession Create(string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        string fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model '{modelPath}' does not exist (looked at '{fullPath}').", fullPath);
        }

        using Ort.SessionOptions sessionOptions = CreateSessionOptions(options ?? OnnxSessionOptions.Default);
        Ort.InferenceSession session;
        try
        {
            session = new Ort.InferenceSession(fullPath, sessionOptions);
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            throw OnnxEnvironment.Translate(ex, $"loading model '{fullPath}'");
        }

        return new OnnxInferenceSession(session, Path.GetFileName(fullPath));
    }

    /// <summary>Loads a model from the bytes of an ONNX file (they are copied; the span may be reused afterwards).</summary>
    /// <param name="model">The serialized model.</param>
    /// <param name="options">Session options; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <returns>A session that must be disposed.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the bytes (for example <see cref="OnnxErrorCode.InvalidProtobuf"/>).</exception>
    /// <exception cref="OnnxExecutionProviderUnavailableException">The selected execution provider is not in the loaded runtime.</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">ONNX Runtime's native library could not be loaded.</exception>
    public static OnnxInferenceSession Create(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model bytes are empty; pass the contents of an .onnx file.", nameof(model));
        }

        using Ort.SessionOptions sessionOptions = CreateSessionOptions(options ?? OnnxSessionOptions.Default);
        Ort.InferenceSession session;
        try
        {
            session = new Ort.InferenceSession(model.ToArray(), sessionOptions);
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            throw OnnxEnvironment.Translate(ex, $"loading a model from {model.Length.ToString(CultureInfo.InvariantCulture)} bytes");
        }

        return new OnnxInferenceSession(session, "<bytes>");
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each output buffer must have the exact shape the model produces. A call whose arrays, ranges and shapes equal
    /// those of one of the last four distinct calls reuses that call's binding: with <see cref="CancellationToken.None"/>
    /// (or any token that cannot be cancelled) and at most 16 inputs and 16 outputs it allocates no managed memory; a
    /// cancellable token costs one registration per call.
    /// </remarks>
    public void Run(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<TensorOutput> outputs, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
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
            if (outputIndices[..i].Contains(index))
            {
                throw new ArgumentException($"Model '{_modelName}': output '{output.Name}' is requested twice.", nameof(outputs));
            }

            CheckTensor("output", _outputs[index], _outputShapes[index], output.ElementType, output.Shape.Span, nameof(outputs));
            outputIndices[i] = index;
        }

        Span<int> inputIndices = inputs.Length <= StackTensorLimit ? stackalloc int[StackTensorLimit] : new int[inputs.Length];
        inputIndices = inputIndices[..inputs.Length];
        ValidateInputs(inputs, inputIndices);
        cancellationToken.ThrowIfCancellationRequested();

        Enter();
        try
        {
            BoundCall? call = AcquireBinding(inputs, inputIndices, outputs, outputIndices);
            bool kept = call is not null;
            bool cacheable = false;
            call ??= BoundCall.Create(this, inputs, inputIndices, outputs, outputIndices, out cacheable);
            try
            {
                Invoke(call, static (session, runOptions, call) => session.RunWithBinding(runOptions, call.Binding), cancellationToken);
            }
            finally
            {
                if (kept)
                {
                    call.Release();
                }
                else if (cacheable)
                {
                    PublishAndRelease(call);
                }
                else
                {
                    call.Dispose();
                }
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc />
    /// <remarks>Only float32 and int64 outputs can be returned (the element types <see cref="NamedTensor"/> holds).</remarks>
    public IReadOnlyList<NamedTensor> Run(ReadOnlySpan<TensorInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        int outputCount = outputNames?.Count ?? _outputs.Length;
        if (outputCount == 0)
        {
            throw new ArgumentException($"Model '{_modelName}': request at least one output.", nameof(outputNames));
        }

        int[] outputIndices = new int[outputCount];
        string[] names = new string[outputCount];
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
            names[i] = _outputs[index].Name;
        }

        int[] inputIndices = new int[inputs.Length];
        ValidateInputs(inputs, inputIndices);
        cancellationToken.ThrowIfCancellationRequested();

        Enter();
        var inputValues = new Ort.OrtValue[inputs.Length];
        var inputNames = new string[inputs.Length];
        var pins = new System.Buffers.MemoryHandle[inputs.Length];
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputNames[i] = _inputs[inputIndices[i]].Name;
                inputValues[i] = CreateTensor(inputs[i], out pins[i]);
            }

            Ort.IDisposableReadOnlyCollection<Ort.OrtValue>? results = null;
            try
            {
                Invoke((inputNames, inputValues, names), (session, runOptions, args) => results = session.Run(runOptions, args.inputNames, args.inputValues, args.names), cancellationToken);
                var tensors = new NamedTensor[outputCount];
                int k = 0;
                foreach (Ort.OrtValue value in results!)
                {
                    tensors[k] = CopyToManaged(names[k], value);
                    k++;
                }

                return tensors;
            }
            finally
            {
                results?.Dispose();
            }
        }
        finally
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputValues[i]?.Dispose();
                pins[i].Dispose();
            }

            Exit();
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

    /// <summary>Releases the native session and the kept bindings (once every running call has returned).</summary>
    public void Dispose()
    {
        int previous = Interlocked.Or(ref _state, DisposedFlag);
        if ((previous & DisposedFlag) == 0 && previous == 0)
        {
            ReleaseNative();
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"OnnxInferenceSession '{_modelName}': inputs [{string.Join("; ", _inputs.Select(t => t.ToString()))}], outputs [{string.Join("; ", _outputs.Select(t => t.ToString()))}]";

    private void ThrowIfDisposed()
    {
        if ((Volatile.Read(ref _state) & DisposedFlag) != 0)
        {
            throw new ObjectDisposedException(nameof(OnnxInferenceSession), $"Model '{_modelName}': the session was disposed.");
        }
    }

    /// <summary>Counts a call in; throws once <see cref="Dispose"/> has run.</summary>
    private void Enter()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if ((state & DisposedFlag) != 0)
            {
                throw new ObjectDisposedException(nameof(OnnxInferenceSession), $"Model '{_modelName}': the session was disposed.");
            }

            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                return;
            }
        }
    }

    /// <summary>Counts a call out; the last call out after <see cref="Dispose"/> releases the native objects.</summary>
    private void Exit()
    {
        if (Interlocked.Decrement(ref _state) == DisposedFlag)
        {
            ReleaseNative();
        }
    }

    /// <summary>Runs exactly once, when no call is inside the native session and none can enter.</summary>
    private void ReleaseNative()
    {
        for (int i = 0; i < _bindings.Length; i++)
        {
            Interlocked.Exchange(ref _bindings[i], null)?.Retire();
        }

        _session.Dispose();
        _runOptions.Dispose();
        Interlocked.Exchange(ref _spareRunOptions, null)?.Dispose();
    }

    /// <summary>Finds a kept binding for exactly these arrays, ranges and shapes, and claims it; <see langword="null"/> if none is free.</summary>
    private BoundCall? AcquireBinding(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<int> inputIndices, ReadOnlySpan<TensorOutput> outputs, ReadOnlySpan<int> outputIndices)
    {
        for (int i = 0; i < _bindings.Length; i++)
        {
            BoundCall? call = Volatile.Read(ref _bindings[i]);
            if (call is not null && call.TryAcquire())
            {
                if (call.Matches(inputs, inputIndices, outputs, outputIndices))
                {
                    return call;
                }

                call.Release();
            }
        }

        return null;
    }

    /// <summary>Keeps a new binding in the next slot (round robin), retires the one it replaces, and frees the new one for reuse.</summary>
    private void PublishAndRelease(BoundCall call)
    {
        int slot = (int)((uint)Interlocked.Increment(ref _nextBinding) % CachedBindings);
        Interlocked.Exchange(ref _bindings[slot], call)?.Retire();
        call.Release();
    }

    /// <summary>Runs <paramref name="run"/> with run options whose terminate flag the token sets; maps failures to InfantCry's exceptions.</summary>
    private void Invoke<TState>(TState state, Action<Ort.InferenceSession, Ort.RunOptions, TState> run, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            try
            {
                run(_session, _runOptions, state);
            }
            catch (Ort.OnnxRuntimeException ex)
            {
                throw OnnxEnvironment.Translate(ex, RunContext);
            }

            return;
        }

        Ort.RunOptions runOptions = Interlocked.Exchange(ref _spareRunOptions, null) ?? new Ort.RunOptions();
        Ort.OnnxRuntimeException? failure = null;
        CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static options => ((Ort.RunOptions)options!).Terminate = true, runOptions);
        try
        {
            run(_session, runOptions, state);
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            // Waits for a Terminate callback in flight, so the options are quiet before they are reset or reused.
            registration.Dispose();
        }

        if (runOptions.Terminate)
        {
            runOptions.Terminate = false;
        }

        if (Interlocked.CompareExchange(ref _spareRunOptions, runOptions, null) is not null)
        {
            runOptions.Dispose();
        }

        if (failure is not null)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                var (_, message) = OnnxEnvironment.ParseMessage(failure.Message);
                throw new OperationCanceledException($"Model '{_modelName}': the run was cancelled ({message}).", failure, cancellationToken);
            }

            throw OnnxEnvironment.Translate(failure, RunContext);
        }
    }

    private string RunContext => $"running model '{_modelName}'";

    private void ValidateInputs(ReadOnlySpan<TensorInput> inputs, Span<int> inputIndices)
    {
        int modelInputs = _inputs.Length;
        Span<bool> given = modelInputs <= StackTensorLimit ? stackalloc bool[StackTensorLimit] : new bool[modelInputs];
        given = given[..modelInputs];
        given.Clear();
        for (int i = 0; i < inputs.Length; i++)
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

    /// <summary>An <c>OrtValue</c> over the input's pinned memory (no copy); the pin must outlive the value.</summary>
    internal static Ort.OrtValue CreateTensor(in TensorInput input, out System.Buffers.MemoryHandle pin) =>
        CreateTensor(input.ElementType, input.Float32Data, input.Int64Data, input.Shape, out pin);

    /// <summary>An <c>OrtValue</c> over the output buffer's pinned memory; the pin must outlive the value.</summary>
    internal static Ort.OrtValue CreateTensor(in TensorOutput output, out System.Buffers.MemoryHandle pin) =>
        CreateTensor(output.ElementType, output.Float32Buffer, output.Int64Buffer, output.Shape, out pin);

    private static unsafe Ort.OrtValue CreateTensor(TensorElementType type, ReadOnlyMemory<float> float32, ReadOnlyMemory<long> int64, ReadOnlyMemory<long> shape, out System.Buffers.MemoryHandle pin)
    {
        long[] dims = shape.ToArray();
        bool isFloat = type == TensorElementType.Float32;
        long byteLength = isFloat ? (long)float32.Length * sizeof(float) : (long)int64.Length * sizeof(long);
        pin = isFloat ? float32.Pin() : int64.Pin();
        try
        {
            return Ort.OrtValue.CreateTensorValueWithData(OnnxEnvironment.CpuMemory, isFloat ? OrtElementType.Float : OrtElementType.Int64, dims, (nint)pin.Pointer, byteLength);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    private static NamedTensor CopyToManaged(string name, Ort.OrtValue value)
    {
        Ort.OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        long[] shape = info.Shape;
        switch (info.ElementDataType)
        {
            case OrtElementType.Float:
                return new NamedTensor(name, shape, value.GetTensorDataAsSpan<float>().ToArray());
            case OrtElementType.Int64:
                return new NamedTensor(name, shape, value.GetTensorDataAsSpan<long>().ToArray());
            default:
                throw new OnnxRuntimeException(OnnxErrorCode.Fail, $"output '{name}' came back with element type {info.ElementDataType}, not Float32 or Int64.");
        }
    }

    private static Ort.SessionOptions CreateSessionOptions(OnnxSessionOptions options)
    {
        _ = OnnxEnvironment.Env;
        var sessionOptions = new Ort.SessionOptions();
        try
        {
            sessionOptions.LogSeverityLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
            sessionOptions.InterOpNumThreads = options.InterOpThreads;
            sessionOptions.GraphOptimizationLevel = (Ort.GraphOptimizationLevel)(int)options.GraphOptimizationLevel;
            sessionOptions.ExecutionMode = (Ort.ExecutionMode)(int)options.ExecutionMode;
            if (!options.AllowSpinning)
            {
                sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            }

            ExecutionProviders.Append(sessionOptions, options);
            return sessionOptions;
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            sessionOptions.Dispose();
            throw OnnxEnvironment.Translate(ex, "creating session options");
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    private static (TensorInfo[] Infos, long[][] Shapes) ReadSignature(IReadOnlyList<string> names, IReadOnlyDictionary<string, Ort.NodeMetadata> metadata)
    {
        var infos = new TensorInfo[names.Count];
        var shapes = new long[names.Count][];
        for (int i = 0; i < infos.Length; i++)
        {
            infos[i] = ReadTensorInfo(names[i], metadata[names[i]]);
            shapes[i] = infos[i].Shape.ToArray();
        }

        return (infos, shapes);
    }

    private static TensorInfo ReadTensorInfo(string name, Ort.NodeMetadata node)
    {
        if (node.OnnxValueType != Ort.OnnxValueType.ONNX_TYPE_TENSOR)
        {
            // Sequences, maps and optionals: described without element type or shape; Run rejects them by type.
            return new TensorInfo(name, TensorElementType.Undefined, []);
        }

        int[] dimensions = node.Dimensions;
        string[] symbols = node.SymbolicDimensions;
        long[] dims = new long[dimensions.Length];
        string[] symbolic = new string[dimensions.Length];
        for (int d = 0; d < dims.Length; d++)
        {
            dims[d] = dimensions[d] < 0 ? -1 : dimensions[d];
            symbolic[d] = d < symbols.Length ? symbols[d] ?? string.Empty : string.Empty;
        }

        // TensorElementType mirrors ONNX's data types up to UInt64 (13); newer ones (complex, bfloat16, float8, int4 ...)
        // are reported as Undefined, which Run rejects by type.
        int elementType = (int)node.ElementDataType;
        var type = elementType is >= 0 and <= (int)TensorElementType.UInt64 ? (TensorElementType)elementType : TensorElementType.Undefined;
        return new TensorInfo(name, type, dims, symbolic);
    }

    /// <summary>
    /// One call's tensors bound to the session (an <c>OrtIoBinding</c>) over pinned caller memory, with the key that
    /// decides whether a later call may reuse it: per tensor the model index, the array, the range and the shape.
    /// </summary>
    /// <remarks>
    /// State: 0 free, 1 claimed by one call, plus 2 once retired. A retired binding is disposed by whoever leaves it
    /// free: <see cref="Retire"/> when nobody holds it, otherwise <see cref="Release"/>.
    /// </remarks>
    private sealed class BoundCall
    {
        private const int Free = 0;
        private const int Busy = 1;
        private const int Retired = 2;

        private readonly Ort.OrtValue[] _values;
        private readonly System.Buffers.MemoryHandle[] _pins;
        private readonly int[] _indices;        // inputs, then outputs
        private readonly object?[] _arrays;
        private readonly int[] _offsets;
        private readonly int[] _lengths;
        private readonly long[][] _shapes;
        private readonly int _inputCount;
        private int _state = Busy;

        private BoundCall(Ort.OrtIoBinding binding, int count, int inputCount)
        {
            Binding = binding;
            _values = new Ort.OrtValue[count];
            _pins = new System.Buffers.MemoryHandle[count];
            _indices = new int[count];
            _arrays = new object?[count];
            _offsets = new int[count];
            _lengths = new int[count];
            _shapes = new long[count][];
            _inputCount = inputCount;
        }

        public Ort.OrtIoBinding Binding { get; }

        /// <summary>Binds the call's tensors; <paramref name="cacheable"/> is false when some memory is not an array.</summary>
        public static BoundCall Create(OnnxInferenceSession owner, ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<int> inputIndices, ReadOnlySpan<TensorOutput> outputs, ReadOnlySpan<int> outputIndices, out bool cacheable)
        {
            var call = new BoundCall(owner._session.CreateIoBinding(), inputs.Length + outputs.Length, inputs.Length);
            cacheable = true;
            try
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    ref readonly TensorInput input = ref inputs[i];
                    call._values[i] = CreateTensor(input, out call._pins[i]);
                    call.SetKey(i, inputIndices[i], input.ElementType == TensorElementType.Float32 ? Segment(input.Float32Data) : Segment(input.Int64Data), input.Shape.Span, ref cacheable);
                    call.Binding.BindInput(owner._inputs[inputIndices[i]].Name, call._values[i]);
                }

                for (int i = 0; i < outputs.Length; i++)
                {
                    ref readonly TensorOutput output = ref outputs[i];
                    int k = inputs.Length + i;
                    call._values[k] = CreateTensor(output, out call._pins[k]);
                    call.SetKey(k, outputIndices[i], output.ElementType == TensorElementType.Float32 ? Segment<float>(output.Float32Buffer) : Segment<long>(output.Int64Buffer), output.Shape.Span, ref cacheable);
                    call.Binding.BindOutput(owner._outputs[outputIndices[i]].Name, call._values[k]);
                }
            }
            catch (Ort.OnnxRuntimeException ex)
            {
                call.Dispose();
                throw OnnxEnvironment.Translate(ex, owner.RunContext);
            }
            catch
            {
                call.Dispose();
                throw;
            }

            return call;
        }

        public bool TryAcquire() => Interlocked.CompareExchange(ref _state, Busy, Free) == Free;

        public void Release()
        {
            if (Interlocked.CompareExchange(ref _state, Free, Busy) != Busy)
            {
                Dispose(); // retired while this call held it
            }
        }

        public void Retire()
        {
            if (Interlocked.Or(ref _state, Retired) == Free)
            {
                Dispose();
            }
        }

        /// <summary>Whether a call with these tensors may reuse this binding (same order, arrays, ranges and shapes).</summary>
        public bool Matches(ReadOnlySpan<TensorInput> inputs, ReadOnlySpan<int> inputIndices, ReadOnlySpan<TensorOutput> outputs, ReadOnlySpan<int> outputIndices)
        {
            if (inputs.Length != _inputCount || inputs.Length + outputs.Length != _values.Length)
            {
                return false;
            }

            for (int i = 0; i < inputs.Length; i++)
            {
                ref readonly TensorInput input = ref inputs[i];
                var segment = input.ElementType == TensorElementType.Float32 ? Segment(input.Float32Data) : Segment(input.Int64Data);
                if (!KeyEquals(i, inputIndices[i], segment, input.Shape.Span))
                {
                    return false;
                }
            }

            for (int i = 0; i < outputs.Length; i++)
            {
                ref readonly TensorOutput output = ref outputs[i];
                var segment = output.ElementType == TensorElementType.Float32 ? Segment<float>(output.Float32Buffer) : Segment<long>(output.Int64Buffer);
                if (!KeyEquals(_inputCount + i, outputIndices[i], segment, output.Shape.Span))
                {
                    return false;
                }
            }

            return true;
        }

        private bool KeyEquals(int k, int index, (object? Array, int Offset, int Length) segment, ReadOnlySpan<long> shape) =>
            _indices[k] == index && segment.Array is not null && ReferenceEquals(_arrays[k], segment.Array)
            && _offsets[k] == segment.Offset && _lengths[k] == segment.Length && shape.SequenceEqual(_shapes[k]);

        private void SetKey(int k, int index, (object? Array, int Offset, int Length) segment, ReadOnlySpan<long> shape, ref bool cacheable)
        {
            _indices[k] = index;
            _arrays[k] = segment.Array;
            _offsets[k] = segment.Offset;
            _lengths[k] = segment.Length;
            _shapes[k] = shape.ToArray();
            cacheable &= segment.Array is not null;
        }

        private static (object? Array, int Offset, int Length) Segment<T>(ReadOnlyMemory<T> memory) =>
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out ArraySegment<T> segment)
                ? (segment.Array, segment.Offset, segment.Count)
                : (null, 0, memory.Length);

        /// <summary>Unbinds, releases the tensors and unpins the memory; only by the one holder, or when nobody holds it.</summary>
        public void Dispose()
        {
            Binding.Dispose();
            for (int k = 0; k < _values.Length; k++)
            {
                _values[k]?.Dispose();
                _pins[k].Dispose();
                _arrays[k] = null;
            }
        }
    }
}
