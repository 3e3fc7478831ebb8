namespace InfantCry.Abstractions.Reasons;

/// <summary>What a cry-reason classifier concluded about one recording.</summary>
/// <remarks>Immutable.</remarks>
public sealed record CryReasonResult
{
    /// <summary>Whether the recording holds infant crying according to the cry detector.</summary>
    public required bool IsCry { get; init; }

    /// <summary>The cry detector's score for the whole recording, 0..1.</summary>
    public required float CryScore { get; init; }

    /// <summary>Probability per reason, indexed by <see cref="CryReason"/>; they sum to 1. Empty when <see cref="IsCry"/> is false.</summary>
    public required IReadOnlyList<float> Probabilities { get; init; }

    /// <summary>The most probable reason; <see langword="null"/> when the recording is not a cry (no reason is invented).</summary>
    public CryReason? TopReason { get; init; }

    /// <summary>One entry per analysed window (YAMNet patch) in time order.</summary>
    public required IReadOnlyList<CryReasonSegment> Timeline { get; init; }

    /// <summary>The length of the analysed audio.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>How far the reason probabilities can be trusted, from the model's evaluation.</summary>
    public required ModelReliability Reliability { get; init; }
}

/// <summary>The classifier's view of one window of the recording.</summary>
/// <param name="Start">Start of the window from the beginning of the recording.</param>
/// <param name="Duration">Length of the window.</param>
/// <param name="CryScore">The cry detector's score for this window, 0..1.</param>
/// <param name="Probabilities">Probability per reason for this window, indexed by <see cref="CryReason"/>.</param>
public sealed record CryReasonSegment(TimeSpan Start, TimeSpan Duration, float CryScore, IReadOnlyList<float> Probabilities);

/// <summary>
/// A statement of how well a model did in its evaluation, for apps to show beside its output.
/// </summary>
/// <param name="Protocol">The evaluation protocol, for example "stratified group 5-fold by app install, 3 seeds".</param>
/// <param name="MacroF1">Macro-averaged F1 under <paramref name="Protocol"/>.</param>
/// <param name="MacroRocAuc">Macro one-vs-rest ROC AUC under <paramref name="Protocol"/>.</param>
/// <param name="BaselineMacroF1">Macro-F1 of always predicting the most frequent class under the same protocol.</param>
/// <param name="PermutationPValue">p-value of a label-permutation test of the macro-F1 (or AUC); <see langword="null"/> if not run.</param>
/// <param name="BetterThanChance">Whether the permutation test rejected chance at p &lt; 0.05.</param>
/// <param name="Summary">One or two sentences an app can show its users.</param>
public sealed record ModelReliability(
    string Protocol,
    double MacroF1,
    double MacroRocAuc,
    double BaselineMacroF1,
    double? PermutationPValue,
    bool BetterThanChance,
    string Summary);
