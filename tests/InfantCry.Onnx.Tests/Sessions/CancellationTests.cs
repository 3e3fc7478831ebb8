
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>Cancellation through OrtRunOptions' terminate flag.</summary>
[TestFixture]
public sealed class CancellationTests
{
    // 'chain' is 200 x (64x64 Gemm + Tanh). At this batch one run is 200 * 16384 * 64 * 64 = 13 G multiply-adds,
    // seconds on one core, while the terminate flag is checked between nodes (~1/400 of the run apart).
    private const int LongBatch = 16384;
    private const int CancelAfterMilliseconds = 100;

    private OnnxInferenceSession _chain = null!;

    [OneTimeSetUp]
    public void Load() => _chain = OnnxInferenceSession.Create(GoldenModels.Get("chain").Path, new OnnxSessionOptions { IntraOpThreads = 1 });

    [OneTimeTearDown]
    public void Unload() => _chain.Dispose();

    [Test]
    public void A_token_cancelled_before_the_call_throws_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        GoldenModel model = GoldenModels.Get("chain");

        var ex = Assert.Throws<OperationCanceledException>(() => _chain.Run(model.ToInputs(), cancellationToken: cts.Token));
        Assert.That(ex!.CancellationToken, Is.EqualTo(cts.Token));
    }

    [Test]
    public void Cancelling_a_long_run_stops_it_and_the_session_stays_usable()
    {
        float[] x = new float[LongBatch * 64];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i % 17) / 17f - 0.5f;
        }

        float[] y = new float[LongBatch * 64];
        using (var cts = new CancellationTokenSource())
        {
            Thread canceller = CancelLater(cts);
            var ex = Assert.Throws<OperationCanceledException>(() => _chain.Run(
                [TensorInput.Float32("x", x, new long[] { LongBatch, 64 })],
                [TensorOutput.Float32("y", y, new long[] { LongBatch, 64 })],
                cts.Token));
            Assert.That(ex!.CancellationToken, Is.EqualTo(cts.Token));
            TestContext.Out.WriteLine(ex.Message);
            canceller.Join();   // before cts is disposed
        }

        // The run options were reset and reused: a cancellable run afterwards completes with the golden result.
        GoldenModel model = GoldenModels.Get("chain");
        using var fresh = new CancellationTokenSource();
        var outputs = _chain.Run(model.ToInputs(), cancellationToken: fresh.Token);
        TensorAssert.Close("chain after cancel", outputs[0].AsFloat32Span(), model.Outputs[0].Float32);
    }

    [Test]
    public async Task RunAsync_cancellation_faults_the_task_with_OperationCanceledException()
    {
        float[] x = new float[LongBatch * 64];
        using var cts = new CancellationTokenSource();
        Thread canceller = CancelLater(cts);

        await Assert.CatchAsync<OperationCanceledException>(() => _chain.RunAsync(
            new[] { TensorInput.Float32("x", x, new long[] { LongBatch, 64 }) }, cancellationToken: cts.Token));
        canceller.Join();   // before cts is disposed
    }

    /// <summary>
    /// Cancels from a dedicated thread after <see cref="CancelAfterMilliseconds"/>. A CancellationTokenSource timer fires
    /// on the thread pool, which the parallel test run can keep busy until the run has finished (seen once in CI).
    /// </summary>
    private static Thread CancelLater(CancellationTokenSource cts)
    {
        var thread = new Thread(() =>
        {
            Thread.Sleep(CancelAfterMilliseconds);
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the test failed early and disposed the source: nothing left to cancel
            }
        }) { IsBackground = true };
        thread.Start();
        return thread;
    }
}
