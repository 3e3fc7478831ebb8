namespace InfantCry.Onnx.Sessions;

/// <summary>The hardware back end ONNX Runtime runs a session's graph on (an execution provider).</summary>
/// <remarks>
/// Nodes the selected provider cannot run fall back to the CPU provider. Which providers exist depends on the native
/// library the app ships: the <c>Microsoft.ML.OnnxRuntime</c> package that InfantCry.Onnx depends on has CPU on every
/// platform, CoreML in its macOS and iOS builds and NNAPI in its Android build; CUDA needs
/// <c>Microsoft.ML.OnnxRuntime.Gpu</c> (Linux, Windows) and DirectML <c>Microsoft.ML.OnnxRuntime.DirectML</c> (Windows)
/// in place of it. <see cref="Runtime.OnnxRuntime.IsAvailable"/> tells which ones the loaded library has.
/// </remarks>
public enum OnnxExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider (<c>CPUExecutionProvider</c>), always available. The default.</summary>
    Cpu = 0,
    /// <summary>NVIDIA CUDA (<c>CUDAExecutionProvider</c>); package <c>Microsoft.ML.OnnxRuntime.Gpu</c>, Linux and Windows.</summary>
    Cuda = 1,
    /// <summary>DirectML on any DirectX 12 GPU (<c>DmlExecutionProvider</c>); package <c>Microsoft.ML.OnnxRuntime.DirectML</c>, Windows.</summary>
    DirectMl = 2,
    /// <summary>Apple Core ML (<c>CoreMLExecutionProvider</c>); <c>Microsoft.ML.OnnxRuntime</c> on macOS and iOS.</summary>
    CoreMl = 3,
    /// <summary>Android Neural Networks API (<c>NnapiExecutionProvider</c>); <c>Microsoft.ML.OnnxRuntime</c> on Android.</summary>
    Nnapi = 4,
}
