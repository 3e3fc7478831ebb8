namespace InfantCry.Tests.Shared;

/// <summary>Measures the managed memory code allocates on the calling thread once it is warm.</summary>
internal static class Allocations
{
    /// <summary>Measured passes when a test does not say.</summary>
    public const int DefaultPasses = 5;

    /// <summary>
    /// Managed bytes one pass of <paramref name="pass"/> allocates on this thread in steady state: the least over
    /// <paramref name="passes"/> measured passes, which follow one unmeasured pass.
    /// </summary>
    /// <param name="pass">The work to measure; it must do the same work every time it runs.</param>
    /// <param name="passes">Measured passes, at least 2.</param>
    /// <returns>The least number of bytes a measured pass allocated.</returns>
    /// <remarks>
    /// Why the least pass and not a single one: CI twice saw 6,464 bytes in one measured pass of a YAMNet frontend that
    /// allocates nothing, while other runs passed. The bytes come from the runtime at a moment no test controls; which
    /// event it is was not reproduced here (tiered compilation and on-stack replacement are known candidates, see
    /// dotnet/BenchmarkDotNet#1542). Code under test that allocates does so in every pass, so the least pass still
    /// shows it, while a one-off runtime allocation is dropped.
    /// </remarks>
    public static long PerPass(Action pass, int passes = DefaultPasses)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 2);
        pass();
        long least = long.MaxValue;
        for (int i = 0; i < passes; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            pass();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
