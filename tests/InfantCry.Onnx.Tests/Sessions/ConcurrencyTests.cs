
using InfantCry.Abstractions.Inference;
using InfantCry.Onnx.Sessions;
using InfantCry.Onnx.Tests.Support;

namespace InfantCry.Onnx.Tests.Sessions;

/// <summary>Concurrent Run calls on one session each get their own, correct outputs.</summary>
[TestFixture]
public sealed class ConcurrencyTests
{
    private const int DistinctInputs = 32;
    private const int Workers = 8;
    private const int RunsPerWorker = 250;

    [Test]
    public void Parallel_runs_on_one_session_reproduce_serial_results_exactly()
    {
        GoldenModel model = GoldenModels.Get("mlp_batch");
        // One intra-op thread: each output element is computed by one thread in a fixed order, so a run's result
        // is a pure function of its input and the comparison with the serial run can be exact.
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        var random = new Random(42);
        var inputs = new float[DistinctInputs][];
        var expected = new float[DistinctInputs][];
        for (int i = 0; i < DistinctInputs; i++)
        {
            int batch = 1 + (i % 8);
            inputs[i] = Enumerable.Range(0, batch * 8).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            expected[i] = session.Run([Input(inputs[i])]).Single().Float32Data!;
        }

        int checkedRuns = 0;
        Parallel.For(0, Workers, new ParallelOptions { MaxDegreeOfParallelism = Workers }, worker =>
        {
            var ownBuffers = new float[DistinctInputs][];
            for (int run = 0; run < RunsPerWorker; run++)
            {
                int i = (worker * 7 + run * 13) % DistinctInputs;
                float[] actual;
                if (run % 2 == 0)
                {
                    actual = ownBuffers[i] ??= new float[expected[i].Length];
                    Array.Clear(actual);
                    session.Run([Input(inputs[i])], [TensorOutput.Float32("y", actual, new long[] { actual.Length / 3, 3 })]);
                }
                else
                {
                    actual = session.Run([Input(inputs[i])]).Single().Float32Data!;
                }

                if (!actual.AsSpan().SequenceEqual(expected[i]))
                {
                    Assert.Fail($"worker {worker}, run {run}: output for input {i} differs from the serial run");
                }

                Interlocked.Increment(ref checkedRuns);
            }
        });

        Assert.That(checkedRuns, Is.EqualTo(Workers * RunsPerWorker));
    }

    [Test]
    public void Parallel_runs_with_the_default_thread_pool_match_torch()
    {
        GoldenModel model = GoldenModels.Get("conv");
        using var session = OnnxInferenceSession.Create(model.Path);
        float[] golden = model.Outputs[0].Float32!;

        var results = new float[Workers][];
        Parallel.For(0, Workers, worker => results[worker] = session.Run(model.ToInputs()).Single().Float32Data!);

        for (int worker = 0; worker < Workers; worker++)
        {
            TensorAssert.Close($"worker {worker}", results[worker], golden);
        }
    }

    [Test]
    public async Task RunAsync_twins_give_the_same_results_as_Run()
    {
        GoldenModel model = GoldenModels.Get("lstm");
        using var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        var syncResult = session.Run(model.ToInputs());

        var owned = await session.RunAsync(model.ToInputs());
        var states = new float[syncResult[0].Float32Data!.Length];
        var last = new float[syncResult[1].Float32Data!.Length];
        await session.RunAsync(model.ToInputs(), new[]
        {
            TensorOutput.Float32("states", states, syncResult[0].Shape.ToArray()),
            TensorOutput.Float32("last", last, syncResult[1].Shape.ToArray()),
        });

        Assert.That(owned[0].Float32Data, Is.EqualTo(syncResult[0].Float32Data));
        Assert.That(owned[1].Float32Data, Is.EqualTo(syncResult[1].Float32Data));
        Assert.That(states, Is.EqualTo(syncResult[0].Float32Data));
        Assert.That(last, Is.EqualTo(syncResult[1].Float32Data));
    }

    private static TensorInput Input(float[] data) => TensorInput.Float32("x", data, new long[] { data.Length / 8, 8 });
}

/// <summary>Dispose racing with running calls: each call either completes correctly or throws ObjectDisposedException.</summary>
[TestFixture]
public sealed class DisposeRaceTests
{
    private const int Workers = 4;
    private const int RunsBeforeDispose = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public void Dispose_while_runs_are_in_flight_never_crashes()
    {
        GoldenModel model = GoldenModels.Get("mlp_batch");
        var session = OnnxInferenceSession.Create(model.Path, new OnnxSessionOptions { IntraOpThreads = 1 });
        float[] golden = model.Outputs[0].Float32!;
        int completed = 0;
        var endings = new Exception?[Workers];
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Factory.StartNew(() =>
        {
            float[] y = new float[golden.Length];
            for (int run = 0; ; run++)
            {
                try
                {
                    if (run % 2 == 0)
                    {
                        session.Run(model.ToInputs(), [TensorOutput.Float32("y", y, model.Outputs[0].Shape)]);
                    }
                    else
                    {
                        y = session.Run(model.ToInputs()).Single().Float32Data!;
                    }
                }
                catch (Exception ex)
                {
                    endings[w] = ex;
                    return;
                }

                if (Tolerances.Compare(y, golden).WorstExcess > 0)
                {
                    endings[w] = new InvalidOperationException($"worker {w}: wrong output on run {run}");
                    return;
                }

                Interlocked.Increment(ref completed);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref completed) < RunsBeforeDispose && clock.Elapsed < Patience && !workers.Any(t => t.IsCompleted))
        {
            Thread.Sleep(1);
        }

        session.Dispose();
        Assert.That(Task.WaitAll(workers, Patience), Is.True, "workers did not stop after Dispose");
        Assert.That(endings, Has.All.InstanceOf<ObjectDisposedException>());
        TestContext.Out.WriteLine($"{completed} runs completed before Dispose stopped {Workers} workers");
    }
}
