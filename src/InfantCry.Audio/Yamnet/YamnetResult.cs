using InfantCry.Audio.Features;

namespace InfantCry.Audio.Yamnet;

/// <summary>
/// YAMNet's output for one recording: per patch (0.96 s of audio every 0.48 s) a 1024-d embedding and 521 class
/// scores, row-major.
/// </summary>
/// <remarks>The arrays belong to the result; the type is otherwise immutable.</remarks>
public sealed class YamnetResult
{
    /// <summary>Creates a result over arrays the result keeps.</summary>
    /// <param name="patchCount">Patches N.</param>
    /// <param name="embeddings">N · 1024 floats.</param>
    /// <param name="scores">N · 521 floats.</param>
    /// <param name="duration">The length of the analysed audio (before padding).</param>
    /// <exception cref="ArgumentException">An array length does not match <paramref name="patchCount"/>.</exception>
    public YamnetResult(int patchCount, float[] embeddings, float[] scores, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patchCount);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(scores);
        if (embeddings.Length != (long)patchCount * YamnetEmbedder.EmbeddingSize || scores.Length != (long)patchCount * YamnetEmbedder.ClassCount)
        {
            throw new ArgumentException($"{patchCount} patches need {patchCount * YamnetEmbedder.EmbeddingSize} embedding and {patchCount * YamnetEmbedder.ClassCount} score floats; got {embeddings.Length} and {scores.Length}.");
        }

        PatchCount = patchCount;
        Embeddings = embeddings;
        Scores = scores;
        Duration = duration;
    }

    /// <summary>Audio per patch: 96 frames of 10 ms (the STFT window adds 15 ms at the end).</summary>
    public static TimeSpan PatchDuration { get; } = TimeSpan.FromSeconds(0.96);

    /// <summary>Time between patch starts: 48 frames of 10 ms.</summary>
    public static TimeSpan PatchHop { get; } = TimeSpan.FromSeconds(0.48);

    /// <summary>The number of patches N.</summary>
    public int PatchCount { get; }

    /// <summary>Embeddings [N, 1024], row-major.</summary>
    public float[] Embeddings { get; }

    /// <summary>Class scores [N, 521], row-major, each 0..1 (independent sigmoids).</summary>
    public float[] Scores { get; }

    /// <summary>The length of the analysed audio, before YAMNet's padding.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The embedding of one patch.</summary>
    /// <param name="patch">0 to N - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patch"/> is out of range.</exception>
    public ReadOnlySpan<float> GetEmbedding(int patch)
    {
        CheckPatch(patch);
        return Embeddings.AsSpan(patch * YamnetEmbedder.EmbeddingSize, YamnetEmbedder.EmbeddingSize);
    }

    /// <summary>The class scores of one patch.</summary>
    /// <param name="patch">0 to N - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patch"/> is out of range.</exception>
    public ReadOnlySpan<float> GetScores(int patch)
    {
        CheckPatch(patch);
        return Scores.AsSpan(patch * YamnetEmbedder.ClassCount, YamnetEmbedder.ClassCount);
    }

    /// <summary>When a patch starts: patch · 0.48 s.</summary>
    /// <param name="patch">0 to N - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patch"/> is out of range.</exception>
    public TimeSpan GetPatchStart(int patch)
    {
        CheckPatch(patch);
        return TimeSpan.FromSeconds(patch * (double)YamnetFrontend.PatchHopSamples / YamnetFrontend.SampleRate);
    }

    /// <summary>The clip's class scores as YAMNet's own demo computes them: the mean over patches.</summary>
    /// <returns>521 scores (zeros when there are no patches).</returns>
    public float[] GetMeanScores()
    {
        var mean = new float[YamnetEmbedder.ClassCount];
        YamnetEmbedder.MeanRows(Scores, PatchCount, YamnetEmbedder.ClassCount, mean);
        return mean;
    }

    /// <summary>The clip's embedding: the mean over patches.</summary>
    /// <returns>1024 values (zeros when there are no patches).</returns>
    public float[] GetMeanEmbedding()
    {
        var mean = new float[YamnetEmbedder.EmbeddingSize];
        YamnetEmbedder.MeanRows(Embeddings, PatchCount, YamnetEmbedder.EmbeddingSize, mean);
        return mean;
    }

    private void CheckPatch(int patch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(patch, PatchCount);
    }
}
