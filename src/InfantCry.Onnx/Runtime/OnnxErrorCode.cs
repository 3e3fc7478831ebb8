namespace InfantCry.Onnx.Runtime;

/// <summary>ONNX Runtime's error codes (<c>OrtErrorCode</c> in ONNX Runtime 1.30); the numeric values are the native ones.</summary>
public enum OnnxErrorCode
{
    /// <summary><c>ORT_OK</c>: no error.</summary>
    Ok = 0,
    /// <summary><c>ORT_FAIL</c>: a generic failure.</summary>
    Fail = 1,
    /// <summary><c>ORT_INVALID_ARGUMENT</c>: an argument (often an input tensor) was rejected by the runtime.</summary>
    InvalidArgument = 2,
    /// <summary><c>ORT_NO_SUCHFILE</c>: a file (model or external data) does not exist.</summary>
    NoSuchFile = 3,
    /// <summary><c>ORT_NO_MODEL</c>: no model was loaded.</summary>
    NoModel = 4,
    /// <summary><c>ORT_ENGINE_ERROR</c>: an execution engine failed.</summary>
    EngineError = 5,
    /// <summary><c>ORT_RUNTIME_EXCEPTION</c>: a kernel threw while running (also reported when a run is terminated).</summary>
    RuntimeException = 6,
    /// <summary><c>ORT_INVALID_PROTOBUF</c>: the model bytes are not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,
    /// <summary><c>ORT_MODEL_LOADED</c>: a model was already loaded.</summary>
    ModelLoaded = 8,
    /// <summary><c>ORT_NOT_IMPLEMENTED</c>: an operator or feature is not implemented (for example an unsupported opset).</summary>
    NotImplemented = 9,
    /// <summary><c>ORT_INVALID_GRAPH</c>: the graph is malformed (type or shape inference failed, dangling edges).</summary>
    InvalidGraph = 10,
    /// <summary><c>ORT_EP_FAIL</c>: an execution provider failed.</summary>
    EpFail = 11,
    /// <summary><c>ORT_MODEL_LOAD_CANCELED</c>: model loading was cancelled.</summary>
    ModelLoadCanceled = 12,
    /// <summary><c>ORT_MODEL_REQUIRES_COMPILATION</c>: the model must be compiled for an execution provider first.</summary>
    ModelRequiresCompilation = 13,
    /// <summary><c>ORT_NOT_FOUND</c>: a requested item was not found.</summary>
    NotFound = 14,
    /// <summary><c>ORT_DEVICE_RESET</c>: the device was reset.</summary>
    DeviceReset = 15,
}
