namespace InfantCry.Onnx.Sessions;

/// <summary>How ONNX Runtime optimizes the graph when a session is created (<c>GraphOptimizationLevel</c>).</summary>
public enum OnnxGraphOptimizationLevel
{
    /// <summary><c>ORT_DISABLE_ALL</c>: run the graph as stored.</summary>
    Disabled = 0,
    /// <summary><c>ORT_ENABLE_BASIC</c>: semantics-preserving rewrites such as constant folding and redundant-node removal.</summary>
    Basic = 1,
    /// <summary><c>ORT_ENABLE_EXTENDED</c>: basic plus operator fusions (Gemm+activation, attention, layer norm ...).</summary>
    Extended = 2,
    /// <summary><c>ORT_ENABLE_LAYOUT</c> (ONNX Runtime 1.21+): extended plus data-layout optimizations.</summary>
    Layout = 3,
    /// <summary><c>ORT_ENABLE_ALL</c>: every optimization, including layout ones. ONNX Runtime's default.</summary>
    All = 99,
}

/// <summary>Whether ONNX Runtime executes independent graph nodes one at a time or concurrently (<c>ExecutionMode</c>).</summary>
public enum OnnxExecutionMode
{
    /// <summary><c>ORT_SEQUENTIAL</c>: one node at a time; each node may still use the intra-op thread pool.</summary>
    Sequential = 0,
    /// <summary><c>ORT_PARALLEL</c>: independent branches run concurrently on the inter-op thread pool.</summary>
    Parallel = 1,
}

/// <summary>Options for <see cref="OnnxInferenceSession"/>. Sealed, immutable after initialization, validated on set.</summary>
/// <remarks>Thread-safe (immutable). Use <see cref="Default"/> unless you need to bound threads.</remarks>
public sealed class OnnxSessionOptions
{
    private readonly int _intraOpThreads;
    private readonly int _interOpThreads;
    private readonly OnnxGraphOptimizationLevel _graphOptimizationLevel = OnnxGraphOptimizationLevel.All;
    private readonly OnnxExecutionMode _executionMode = OnnxExecutionMode.Sequential;
    private readonly OnnxExecutionProvider _executionProvider = OnnxExecutionProvider.Cpu;
    private readonly int _deviceId;

    /// <summary>The defaults: the CPU provider, ONNX Runtime's own thread counts, every graph optimization, sequential execution.</summary>
    public static OnnxSessionOptions Default { get; } = new();

    /// <summary>
    /// Threads used inside one operator (the session's intra-op pool). Default 0: ONNX Runtime chooses, which is
    /// one thread per physical core. 1 runs every operator on the calling thread (no pool, no spinning threads),
    /// which suits many small concurrent sessions.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int IntraOpThreads
    {
        get => _intraOpThreads;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(IntraOpThreads));
            _intraOpThreads = value;
        }
    }

    /// <summary>
    /// Whether the threads of the intra-op pool spin (busy-wait) for the next piece of work after each run instead of
    /// sleeping. Default <see langword="true"/> (ONNX Runtime's default: lowest latency for back-to-back runs).
    /// <see langword="false"/> (<c>session.intra_op.allow_spinning = 0</c>) suits sessions that run now and then, such
    /// as a live audio stream scoring a YAMNet patch every half second, where spinning threads burn a core between
    /// runs. Irrelevant with <see cref="IntraOpThreads"/> 1 (no pool).
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary>
    /// Threads that run independent nodes concurrently; used only with <see cref="OnnxExecutionMode.Parallel"/>.
    /// Default 0: ONNX Runtime chooses.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int InterOpThreads
    {
        get => _interOpThreads;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(InterOpThreads));
            _interOpThreads = value;
        }
    }

    /// <summary>Graph optimization level. Default <see cref="OnnxGraphOptimizationLevel.All"/> (ONNX Runtime's default).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined level.</exception>
    public OnnxGraphOptimizationLevel GraphOptimizationLevel
    {
        get => _graphOptimizationLevel;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), value, "Not a defined OnnxGraphOptimizationLevel.");
            }

            _graphOptimizationLevel = value;
        }
    }

    /// <summary>Node execution mode. Default <see cref="OnnxExecutionMode.Sequential"/> (ONNX Runtime's default).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined mode.</exception>
    public OnnxExecutionMode ExecutionMode
    {
        get => _executionMode;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(ExecutionMode), value, "Not a defined OnnxExecutionMode.");
            }

            _executionMode = value;
        }
    }

    /// <summary>
    /// The execution provider to run on. Default <see cref="OnnxExecutionProvider.Cpu"/>. Only definedness is checked
    /// here; whether the loaded ONNX Runtime has the provider is checked when a session is created, which throws
    /// <see cref="Runtime.OnnxExecutionProviderUnavailableException"/> naming the provider, the available ones and the
    /// package that carries it (see <see cref="Runtime.OnnxRuntime.IsAvailable"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined provider.</exception>
    public OnnxExecutionProvider ExecutionProvider
    {
        get => _executionProvider;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), value, "Not a defined OnnxExecutionProvider.");
            }

            _executionProvider = value;
        }
    }

    /// <summary>The GPU index for <see cref="OnnxExecutionProvider.Cuda"/> and <see cref="OnnxExecutionProvider.DirectMl"/>; ignored by the others. Default 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int DeviceId
    {
        get => _deviceId;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(DeviceId));
            _deviceId = value;
        }
    }
}
