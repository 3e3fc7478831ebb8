namespace InfantCry.Abstractions.Tests;

/// <summary>The steady-state allocation probe the zero-allocation tests of every project share.</summary>
[TestFixture]
public sealed class AllocationsHelperTests
{
    private static byte[]? _kept;

    [Test]
    public void A_pass_that_allocates_every_time_is_reported()
    {
        long allocated = Allocations.PerPass(() => _kept = new byte[1000]);
        Assert.That(allocated, Is.GreaterThanOrEqualTo(1000));
        Assert.That(_kept, Has.Length.EqualTo(1000));
    }

    [Test]
    public void A_first_pass_that_initialises_is_not_measured()
    {
        byte[]? cache = null;
        long allocated = Allocations.PerPass(() => cache ??= new byte[1000]);
        Assert.That(allocated, Is.Zero);
        Assert.That(cache, Is.Not.Null);
    }

    [Test]
    public void Fewer_than_two_passes_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Allocations.PerPass(() => { }, passes: 1));
        Assert.Throws<ArgumentNullException>(() => Allocations.PerPass(null!));
    }
}
