using System.Buffers;
using System.Runtime.InteropServices;
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>
/// The buffer form of Run keeps up to four bindings keyed by array identity, range and shape: reusing, switching and
/// evicting them never returns another call's result, and memory that is not an array still works.
/// </summary>
[TestFixture]
public sealed class BindingCacheTests
{
    /// <summary>More distinct buffer sets than the session keeps (four), so every round evicts.</summary>
    private const int BufferSets = 6;
    private const int Rounds = 3;

    [Test]
    public void Cycling_more_buffer_sets_than_are_kept_gives_each_call_its_own_result()
    {
        GoldenModel model = GoldenModels.Get("mlp_batch");
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        var random = new Random(7);
        var x = new float[BufferSets][];
        var y = new float[BufferSets][];
        var expected = new float[BufferSets][];
        for (int i = 0; i < BufferSets; i++)
        {
            x[i] = Enumerable.Range(0, 2 * 8).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            y[i] = new float[2 * 3];
            expected[i] = session.Run([TensorInput.Float32("x", x[i], new long[] { 2, 8 })]).Single().Float32Data!;
        }

        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < BufferSets; i++)
            {
                Array.Fill(y[i], float.NaN);
                session.Run([TensorInput.Float32("x", x[i], new long[] { 2, 8 })], [TensorOutput.Float32("y", y[i], new long[] { 2, 3 })]);
                Assert.That(y[i], Is.EqualTo(expected[i]), $"round {round}, buffer set {i}");
            }
        }
    }

    [Test]
    public void Changing_the_data_of_a_kept_array_is_seen_by_the_next_call()
    {
        GoldenModel model = GoldenModels.Get("gemm");
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        float[] x = model.Inputs[0].Float32!.ToArray();
        float[] y = new float[4];
        TensorInput[] inputs = [TensorInput.Float32("x", x, new long[] { 1, 8 })];
        TensorOutput[] outputs = [TensorOutput.Float32("y", y, new long[] { 1, 4 })];

        session.Run(inputs, outputs);
        TensorAssert.Close("gemm first call", y, model.Outputs[0].Float32);

        Array.Clear(x);
        session.Run(inputs, outputs);   // same arrays: the kept binding, reading the cleared input
        float[] atZero = session.Run([TensorInput.Float32("x", new float[8], new long[] { 1, 8 })]).Single().Float32Data!;
        Assert.That(y, Is.EqualTo(atZero));
    }

    [Test]
    public void Slices_of_one_array_with_other_ranges_and_shapes_are_not_confused()
    {
        GoldenModel model = GoldenModels.Get("mlp_batch");
        GoldenTensor x = model.Inputs[0], y = model.Outputs[0];
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        float[] output = new float[y.Float32!.Length];
        for (int round = 0; round < 2; round++)
        {
            for (int rows = 1; rows <= (int)x.Shape[0]; rows++)
            {
                var input = TensorInput.Float32("x", x.Float32.AsMemory(0, rows * 8), new long[] { rows, 8 });
                session.Run([input], [TensorOutput.Float32("y", output.AsMemory(0, rows * 3), new long[] { rows, 3 })]);
                TensorAssert.Close($"mlp_batch first {rows} rows (round {round})", output.AsSpan(0, rows * 3), y.Float32.AsSpan(0, rows * 3));
            }
        }
    }

    [Test]
    public void Memory_that_is_not_an_array_is_bound_for_one_call()
    {
        GoldenModel model = GoldenModels.Get("gemm");
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        using var input = new UnmanagedMemory<float>(8);
        using var output = new UnmanagedMemory<float>(4);
        model.Inputs[0].Float32.AsSpan().CopyTo(input.GetSpan());

        for (int i = 0; i < 3; i++)
        {
            output.GetSpan().Fill(float.NaN);
            session.Run([TensorInput.Float32("x", input.Memory, new long[] { 1, 8 })], [TensorOutput.Float32("y", output.Memory, new long[] { 1, 4 })]);
            TensorAssert.Close($"gemm over native memory, call {i}", output.GetSpan(), model.Outputs[0].Float32);
        }
    }

    /// <summary>Memory over unmanaged storage, so MemoryMarshal.TryGetArray fails and the session cannot key it by array.</summary>
    private sealed unsafe class UnmanagedMemory<T>(int length) : MemoryManager<T> where T : unmanaged
    {
        private readonly T* _pointer = (T*)NativeMemory.AllocZeroed((nuint)length, (nuint)sizeof(T));

        public override Span<T> GetSpan() => new(_pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing) => System.Runtime.InteropServices.NativeMemory.Free(_pointer);
    }
}
