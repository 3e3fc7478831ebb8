using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Inference;

namespace InfantCry.Vision.Faces;

/// <summary>Checks that a session has the inputs and outputs a detector needs; failures are <see cref="InvalidModelException"/>s that say what was found.</summary>
internal static class ModelChecks
{
    /// <summary>Finds the single image input [1, 3, H, W] and resolves the input size (option, else fixed model size, else the fallback).</summary>
    public static (string Name, int Width, int Height) ImageInput(IInferenceSession session, string model, FaceDetectorOptions options, int fallbackWidth, int fallbackHeight)
    {
        if (session.Inputs.Count != 1)
        {
            throw new InvalidModelException($"{model}: expected one image input, found {session.Inputs.Count} ({string.Join(", ", session.Inputs)}).");
        }

        TensorInfo input = session.Inputs[0];
        IReadOnlyList<long> s = input.Shape;
        if (input.ElementType != TensorElementType.Float32 || s.Count != 4 || s[1] != 3 || s[0] > 1)
        {
            throw new InvalidModelException($"{model}: expected a float32 input [1, 3, H, W], found {input}.");
        }

        int width = Resolve(options.InputWidth, s[3], fallbackWidth, model, "width");
        int height = Resolve(options.InputHeight, s[2], fallbackHeight, model, "height");
        return (input.Name, width, height);
    }

    public static TensorInfo Output(IInferenceSession session, string model, string name, int lastDim)
    {
        TensorInfo? info = session.Outputs.FirstOrDefault(o => o.Name == name);
        if (info is null)
        {
            throw new InvalidModelException($"{model}: output '{name}' not found; the model has {string.Join(", ", session.Outputs.Select(o => o.Name))}.");
        }

        if (info.ElementType != TensorElementType.Float32 || info.Shape.Count != 3 || info.Shape[2] != lastDim)
        {
            throw new InvalidModelException($"{model}: expected output '{name}' as float32 [1, N, {lastDim}], found {info}.");
        }

        return info;
    }

    private static int Resolve(int requested, long fixedDim, int fallback, string model, string what)
    {
        if (fixedDim > 0)
        {
            if (requested != 0 && requested != fixedDim)
            {
                throw new ArgumentException($"{model}: the model's input {what} is fixed at {fixedDim}, but the options ask for {requested}; use 0 (model default) or another model file.");
            }

            return (int)fixedDim;
        }

        return requested != 0 ? requested : fallback;
    }
}
