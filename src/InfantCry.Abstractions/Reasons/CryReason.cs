namespace InfantCry.Abstractions.Reasons;

/// <summary>The reasons the donateacry corpus labels, in the order of the classifier's probability vector.</summary>
public enum CryReason
{
    /// <summary>Hungry.</summary>
    Hungry = 0,
    /// <summary>Discomfort (for example a wet nappy, too hot or cold).</summary>
    Discomfort = 1,
    /// <summary>Tired.</summary>
    Tired = 2,
    /// <summary>Belly pain (colic).</summary>
    BellyPain = 3,
    /// <summary>Needs burping.</summary>
    Burping = 4,
}
