using InfantCry.Shared;

namespace InfantCry.Audio.Tests.Shared;

/// <summary>The factories' clean-up helper (src/Shared/DisposeOnFailure.cs), as compiled into InfantCry.Audio.</summary>
public sealed class DisposeOnFailureTests
{
    [Test]
    public void A_failing_factory_disposes_what_it_opened_last_first_and_once()
    {
        var order = new List<string>();
        var a = new Probe("a", order);
        var b = new Probe("b", order);

        Assert.That(() => FailingFactory(a, b), Throws.InvalidOperationException.With.Message.EqualTo("model does not fit"));

        Assert.That(order, Is.EqualTo(new[] { "b", "a" }));
        Assert.That(a.Disposals + b.Disposals, Is.EqualTo(2));
    }

    [Test]
    public void Handing_over_keeps_everything_open()
    {
        var order = new List<string>();
        var a = new Probe("a", order);
        using (var opened = new DisposeOnFailure())
        {
            Assert.That(opened.HandOver(opened.Add(a)), Is.SameAs(a));
        }

        Assert.That(order, Is.Empty);
    }

    [Test]
    public void Adding_after_the_scope_ended_is_refused()
    {
        var opened = new DisposeOnFailure();
        opened.Dispose();
        opened.Dispose();

        Assert.That(() => opened.Add(new Probe("late", [])), Throws.TypeOf<ObjectDisposedException>());
    }

    private static Probe FailingFactory(Probe a, Probe b)
    {
        using var opened = new DisposeOnFailure();
        opened.Add(a);
        opened.Add(b);
        throw new InvalidOperationException("model does not fit");
    }

    private sealed class Probe(string name, List<string> order) : IDisposable
    {
        public int Disposals { get; private set; }

        public void Dispose()
        {
            Disposals++;
            order.Add(name);
        }
    }
}
