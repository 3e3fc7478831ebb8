
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Runtime;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>Wrong models and wrong arguments give clear exceptions, never a crash.</summary>
[TestFixture]
public sealed class BadInputTests
{
    private OnnxInferenceSession _gemm = null!;
    private OnnxInferenceSession _batch = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _gemm = OnnxInferenceSession.Create(GoldenModels.Get("gemm").Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        _batch = OnnxInferenceSession.Create(GoldenModels.Get("mlp_batch").Path, new OnnxSessionOptions { IntraOpThreads = 1 });
    }

    [OneTimeTearDown]
    public void Unload()
    {
        _gemm.Dispose();
        _batch.Dispose();
    }

    private static TensorInput GemmX => TensorInput.Float32("x", new float[8], new long[] { 1, 8 });

    private static TensorOutput GemmY => TensorOutput.Float32("y", new float[4], new long[] { 1, 4 });

    [Test]
    public void Missing_file_throws_FileNotFoundException_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), "infantcry-missing-model.onnx");

        var ex = Assert.Throws<FileNotFoundException>(() => OnnxInferenceSession.Create(path));

        Assert.That(ex!.FileName, Is.EqualTo(path));
        Assert.That(ex.Message, Does.Contain("infantcry-missing-model.onnx"));
    }

    [Test]
    public void Corrupt_bytes_throw_OnnxRuntimeException_with_invalid_protobuf()
    {
        byte[] garbage = new byte[256];
        new Random(1).NextBytes(garbage);

        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxInferenceSession.Create(garbage));

        Assert.That(ex!.ErrorCode, Is.EqualTo(OnnxErrorCode.InvalidProtobuf));
        Assert.That(ex.Message, Does.Contain("256 bytes"));
    }

    [Test]
    public void Truncated_model_throws_OnnxRuntimeException()
    {
        byte[] model = File.ReadAllBytes(GoldenModels.Get("conv").Path);

        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxInferenceSession.Create(model.AsSpan(0, model.Length / 2)));

        Assert.That(ex!.ErrorCode, Is.Not.EqualTo(OnnxErrorCode.Ok));
        TestContext.Out.WriteLine(ex.Message);
    }

    [Test]
    public void Corrupt_file_throws_OnnxRuntimeException_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"infantcry-corrupt-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not an onnx model");
        try
        {
            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxInferenceSession.Create(path));

            Assert.That(ex!.ErrorCode, Is.EqualTo(OnnxErrorCode.InvalidProtobuf));
            Assert.That(ex.Message, Does.Contain(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Empty_bytes_throw_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => OnnxInferenceSession.Create(ReadOnlySpan<byte>.Empty));
    }

    [Test]
    public void Unknown_input_name_is_named_with_the_model_inputs()
    {
        var input = TensorInput.Float32("z", new float[8], new long[] { 1, 8 });

        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([input], [GemmY]));

        Assert.That(ex!.Message, Does.Contain("no input 'z'"));
        Assert.That(ex.Message, Does.Contain("x: Float32[1, 8]"));
    }

    [Test]
    public void Unknown_output_name_is_named_in_both_run_forms()
    {
        var output = TensorOutput.Float32("w", new float[4], new long[] { 1, 4 });

        var ex1 = Assert.Throws<ArgumentException>(() => _gemm.Run([GemmX], [output]));
        var ex2 = Assert.Throws<ArgumentException>(() => _gemm.Run([GemmX], ["w"]));

        Assert.That(ex1!.Message, Does.Contain("no output 'w'").And.Contain("y: Float32[1, 4]"));
        Assert.That(ex2!.Message, Does.Contain("no output 'w'"));
    }

    [Test]
    public void Wrong_element_type_names_expected_and_actual()
    {
        var input = TensorInput.Int64("x", new long[8], new long[] { 1, 8 });

        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([input], [GemmY]));

        Assert.That(ex!.Message, Does.Contain("input 'x' expects Float32").And.Contain("given Int64"));
    }

    [Test]
    public void Wrong_output_element_type_names_expected_and_actual()
    {
        var output = TensorOutput.Int64("y", new long[4], new long[] { 1, 4 });

        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([GemmX], [output]));

        Assert.That(ex!.Message, Does.Contain("output 'y' expects Float32").And.Contain("given Int64"));
    }

    [Test]
    public void Wrong_rank_names_expected_and_actual()
    {
        var input = TensorInput.Float32("x", new float[8], new long[] { 8 });

        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([input], [GemmY]));

        Assert.That(ex!.Message, Does.Contain("input 'x' expects rank 2").And.Contain("given shape [8] of rank 1"));
    }

    [Test]
    public void Wrong_fixed_dimension_names_expected_and_actual()
    {
        var input = TensorInput.Float32("x", new float[16], new long[] { 2, 8 });

        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([input], [GemmY]));

        Assert.That(ex!.Message, Does.Contain("input 'x' expects dimension 0 to be 1").And.Contain("given shape [2, 8]"));
    }

    [Test]
    public void Wrong_fixed_output_dimension_names_expected_and_actual()
    {
        var output = TensorOutput.Float32("y", new float[5], new long[] { 1, 5 });

        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([GemmX], [output]));

        Assert.That(ex!.Message, Does.Contain("output 'y' expects dimension 1 to be 4"));
    }

    [Test]
    public void Output_buffer_that_disagrees_on_a_free_dimension_fails_in_the_runtime_without_crashing()
    {
        var input = TensorInput.Float32("x", new float[5 * 8], new long[] { 5, 8 });
        var output = TensorOutput.Float32("y", new float[4 * 3], new long[] { 4, 3 });

        var ex = Assert.Throws<OnnxRuntimeException>(() => _batch.Run([input], [output]));

        TestContext.Out.WriteLine(ex!.Message);
        Assert.That(ex.Message, Does.Contain("mlp_batch.onnx"));
    }

    [Test]
    public void Missing_input_is_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([], [GemmY]));

        Assert.That(ex!.Message, Does.Contain("needs input 'x'"));
    }

    [Test]
    public void Duplicate_input_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([GemmX, GemmX], [GemmY]));

        Assert.That(ex!.Message, Does.Contain("'x' is given twice"));
    }

    [Test]
    public void Default_input_struct_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => _gemm.Run([default(TensorInput)], [GemmY]));

        Assert.That(ex!.Message, Does.Contain("has no name"));
    }

    [Test]
    public void No_outputs_requested_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => _gemm.Run([GemmX], ReadOnlySpan<TensorOutput>.Empty));
        Assert.Throws<ArgumentException>(() => _gemm.Run([GemmX], Array.Empty<string>()));
    }

    [Test]
    public async Task Disposed_session_throws_ObjectDisposedException_for_every_call()
    {
        var session = OnnxInferenceSession.Create(GoldenModels.Get("gemm").Path);
        session.Dispose();
        session.Dispose(); // idempotent

        Assert.Throws<ObjectDisposedException>(() => session.Run([GemmX], [GemmY]));
        Assert.Throws<ObjectDisposedException>(() => session.Run([GemmX]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.RunAsync(new[] { GemmX }));
        Assert.That(session.Inputs, Has.Count.EqualTo(1), "metadata stays readable after dispose");
    }

    [Test]
    public void Options_reject_out_of_range_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OnnxSessionOptions { IntraOpThreads = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OnnxSessionOptions { InterOpThreads = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OnnxSessionOptions { GraphOptimizationLevel = (OnnxGraphOptimizationLevel)5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OnnxSessionOptions { ExecutionMode = (OnnxExecutionMode)2 });
    }
}
