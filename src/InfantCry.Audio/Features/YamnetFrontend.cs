using System.Numerics.Tensors;

namespace InfantCry.Audio.Features;

/// <summary>
/// YAMNet's log-mel frontend and patch framing, exactly as tensorflow/models research/audioset/yamnet
/// (params.py, features.py): 16 kHz input; frames of 400 samples (25 ms) every 160 (10 ms), no centring or padding;
/// periodic Hann window; magnitude (not power) of a 512-point real FFT (257 bins); 64 HTK-mel bands from 125 to
/// 7500 Hz (weights as tf.signal.linear_to_mel_weight_matrix, stored sparse); ln(mel + 0.001); patches of 96 frames
/// (0.96 s) every 48 frames (0.48 s), complete patches only; waveforms padded as YAMNet's pad_waveform.
/// </summary>
/// <remarks>
/// <para>Span in, span out. Window, FFT plan and mel weights are built once in the constructor; every method
/// uses stack scratch only, so an instance is immutable, thread-safe and allocation-free except for the allocating
/// convenience <see cref="ComputePatches(ReadOnlySpan{float}, out int)"/>. Use <see cref="Shared"/> rather than
/// constructing many.</para>
/// <para>Arithmetic is float32; the test suite bounds the difference to a float64 numpy reference
/// (training/infantcry_ref/yamnet_frontend.py) at 1e-4 in log-mel wherever the band is above -60 dB of a
/// full-scale sine's peak.</para>
/// </remarks>
public sealed class YamnetFrontend
{
    /// <summary>Input sample rate in Hz (params.sample_rate).</summary>
    public const int SampleRate = 16000;

    /// <summary>Samples per STFT frame: round(16000 · 0.025).</summary>
    public const int WindowLength = 400;

    /// <summary>Samples between frames: round(16000 · 0.010).</summary>
    public const int HopLength = 160;

    /// <summary>FFT length: the next power of two at or above <see cref="WindowLength"/>.</summary>
    public const int FftLength = 512;

    /// <summary>Magnitude bins of the FFT: FftLength / 2 + 1.</summary>
    public const int SpectrumBins = (FftLength / 2) + 1;

    /// <summary>Mel bands (params.mel_bands).</summary>
    public const int MelBands = 64;

    /// <summary>Lower edge of the mel filterbank in Hz (params.mel_min_hz).</summary>
    public const double MelMinHz = 125.0;

    /// <summary>Upper edge of the mel filterbank in Hz (params.mel_max_hz).</summary>
    public const double MelMaxHz = 7500.0;

    /// <summary>Added before the logarithm (params.log_offset).</summary>
    public const float LogOffset = 0.001f;

    /// <summary>Frames per patch: round(0.96 / 0.010).</summary>
    public const int PatchFrames = 96;

    /// <summary>Frames between patches: round(0.48 / 0.010).</summary>
    public const int PatchHopFrames = 48;

    /// <summary>Floats per patch: <see cref="PatchFrames"/> · <see cref="MelBands"/>.</summary>
    public const int PatchLength = PatchFrames * MelBands;

    /// <summary>pad_waveform's minimum: (0.96 + 0.025 - 0.010) · 16000 samples, one patch.</summary>
    public const int MinimumSamples = 15600;

    /// <summary>Samples between patches: 0.48 · 16000.</summary>
    public const int PatchHopSamples = PatchHopFrames * HopLength;

    private readonly float[] _window;
    private readonly RealFft _fft;
    private readonly MelFilterbank _mel;

    /// <summary>Builds the window, FFT plan and sparse mel weights.</summary>
    public YamnetFrontend()
    {
        _window = new float[WindowLength];
        for (int n = 0; n < WindowLength; n++)
        {
            _window[n] = (float)(0.5 - (0.5 * Math.Cos(2.0 * Math.PI * n / WindowLength)));   // periodic Hann
        }

        _fft = new RealFft(FftLength);
        _mel = new MelFilterbank(MelBands, SpectrumBins, SampleRate, MelMinHz, MelMaxHz);
    }

    /// <summary>A shared instance (the type is immutable and thread-safe).</summary>
    public static YamnetFrontend Shared { get; } = new();

    /// <summary>The sparse mel filterbank (for tests).</summary>
    internal MelFilterbank Filterbank => _mel;

    /// <summary>Complete frames in <paramref name="sampleCount"/> samples: 0 below 400, else 1 + (n - 400) / 160.</summary>
    /// <param name="sampleCount">Samples, zero or more.</param>
    /// <returns>The frame count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is negative.</exception>
    public static int GetFrameCount(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        return sampleCount < WindowLength ? 0 : 1 + ((sampleCount - WindowLength) / HopLength);
    }

    /// <summary>Complete patches in <paramref name="frameCount"/> log-mel frames: 0 below 96, else 1 + (f - 96) / 48.</summary>
    /// <param name="frameCount">Frames, zero or more.</param>
    /// <returns>The patch count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameCount"/> is negative.</exception>
    public static int GetPatchCountForFrames(int frameCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        return frameCount < PatchFrames ? 0 : 1 + ((frameCount - PatchFrames) / PatchHopFrames);
    }

    /// <summary>Length after YAMNet's pad_waveform: at least <see cref="MinimumSamples"/>, then rounded up to a whole number of <see cref="PatchHopSamples"/> after the first patch.</summary>
    /// <param name="sampleCount">Samples, zero or more.</param>
    /// <returns>The padded length.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is negative.</exception>
    /// <exception cref="OverflowException">The padded length exceeds <see cref="int.MaxValue"/>.</exception>
    public static int GetPaddedLength(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        if (sampleCount <= MinimumSamples)
        {
            return MinimumSamples;
        }

        long hops = ((long)sampleCount - MinimumSamples + PatchHopSamples - 1) / PatchHopSamples;
        return checked((int)(MinimumSamples + (hops * PatchHopSamples)));
    }

    /// <summary>Patches YAMNet makes from a waveform of <paramref name="sampleCount"/> samples after pad_waveform (1 + whole hops; at least 1).</summary>
    /// <param name="sampleCount">Samples, zero or more.</param>
    /// <returns>The patch count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is negative.</exception>
    public static int GetPatchCount(int sampleCount) => 1 + ((GetPaddedLength(sampleCount) - MinimumSamples) / PatchHopSamples);

    /// <summary>YAMNet's pad_waveform: a copy of the samples with zeros appended to <see cref="GetPaddedLength"/>.</summary>
    /// <param name="samples16k">16 kHz samples.</param>
    /// <returns>The padded waveform.</returns>
    public static float[] PadWaveform(ReadOnlySpan<float> samples16k)
    {
        var padded = new float[GetPaddedLength(samples16k.Length)];
        samples16k.CopyTo(padded);
        return padded;
    }

    /// <summary>The convenience the embedder calls: pad_waveform, log-mel and patches of a 16 kHz clip.</summary>
    /// <param name="samples16k">16 kHz mono samples (any length; short clips are zero-padded to one patch).</param>
    /// <param name="patchCount">The number of patches N.</param>
    /// <returns>N · 96 · 64 floats: patches [N, 96, 64], row-major.</returns>
    public static float[] ComputePatches(ReadOnlySpan<float> samples16k, out int patchCount)
    {
        patchCount = GetPatchCount(samples16k.Length);
        var patches = new float[patchCount * PatchLength];
        Shared.ComputePatches(samples16k, patches);
        return patches;
    }

    /// <summary>pad_waveform, log-mel and patches of a 16 kHz clip into a caller-owned buffer, without allocating.</summary>
    /// <param name="samples16k">16 kHz mono samples (any length).</param>
    /// <param name="destination">At least <see cref="GetPatchCount"/>(samples16k.Length) · <see cref="PatchLength"/> floats; receives [N, 96, 64].</param>
    /// <returns>The number of patches written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short or overlaps <paramref name="samples16k"/>.</exception>
    public int ComputePatches(ReadOnlySpan<float> samples16k, Span<float> destination)
    {
        int count = GetPatchCount(samples16k.Length);
        if (destination.Length < (long)count * PatchLength)
        {
            throw new ArgumentException($"Destination has {destination.Length} floats; {count} patches of {PatchFrames}x{MelBands} need {(long)count * PatchLength}.", nameof(destination));
        }

        ThrowIfOverlapping(samples16k, destination);

        for (int p = 0; p < count; p++)
        {
            Span<float> patch = destination.Slice(p * PatchLength, PatchLength);
            int firstNew = 0;
            if (p > 0)
            {
                // The first half of a patch is the second half of the previous one.
                destination.Slice(((p - 1) * PatchLength) + (PatchHopFrames * MelBands), PatchHopFrames * MelBands).CopyTo(patch);
                firstNew = PatchHopFrames;
            }

            for (int f = firstNew; f < PatchFrames; f++)
            {
                ComputeFrameAt(samples16k, ((p * PatchHopFrames) + f) * HopLength, patch.Slice(f * MelBands, MelBands));
            }
        }

        return count;
    }

    /// <summary>Log-mel frames of an unpadded 16 kHz waveform (features.py before patching; no pad_waveform).</summary>
    /// <param name="samples16k">16 kHz mono samples.</param>
    /// <param name="destination">At least <see cref="GetFrameCount"/>(samples16k.Length) · 64 floats; receives [frames, 64].</param>
    /// <returns>The number of frames written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short or overlaps <paramref name="samples16k"/>.</exception>
    public int ComputeLogMel(ReadOnlySpan<float> samples16k, Span<float> destination)
    {
        int frames = GetFrameCount(samples16k.Length);
        if (destination.Length < (long)frames * MelBands)
        {
            throw new ArgumentException($"Destination has {destination.Length} floats; {frames} frames of {MelBands} bands need {(long)frames * MelBands}.", nameof(destination));
        }

        ThrowIfOverlapping(samples16k, destination);

        for (int f = 0; f < frames; f++)
        {
            ComputeFrame(samples16k.Slice(f * HopLength, WindowLength), destination.Slice(f * MelBands, MelBands));
        }

        return frames;
    }

    /// <summary>Log-mel frames of an unpadded 16 kHz waveform as a new array [frames, 64].</summary>
    /// <param name="samples16k">16 kHz mono samples.</param>
    /// <param name="frameCount">The number of frames.</param>
    /// <returns>frames · 64 floats.</returns>
    public float[] ComputeLogMel(ReadOnlySpan<float> samples16k, out int frameCount)
    {
        frameCount = GetFrameCount(samples16k.Length);
        var result = new float[frameCount * MelBands];
        ComputeLogMel(samples16k, result);
        return result;
    }

    /// <summary>One log-mel frame: ln(mel(|FFT512(frame · hann)|) + 0.001).</summary>
    /// <param name="frame">Exactly <see cref="WindowLength"/> samples.</param>
    /// <param name="logMel">At least <see cref="MelBands"/> floats.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void ComputeFrame(ReadOnlySpan<float> frame, Span<float> logMel)
    {
        if (frame.Length != WindowLength)
        {
            throw new ArgumentException($"A frame has {WindowLength} samples, got {frame.Length}.", nameof(frame));
        }

        if (logMel.Length < MelBands)
        {
            throw new ArgumentException($"Need {MelBands} floats for the bands, got {logMel.Length}.", nameof(logMel));
        }

        Span<float> scratch = stackalloc float[FftLength];
        Span<float> magnitude = stackalloc float[SpectrumBins + MelFilterbank.RowAlignment];
        magnitude = magnitude[.._mel.InputLength];
        int bins = _mel.LastBin - _mel.FirstBin + 1;
        _fft.Magnitude(frame, _window, scratch, _mel.FirstBin, magnitude[..bins]);
        magnitude[bins..].Clear();
        Span<float> mel = logMel[..MelBands];
        _mel.Apply(magnitude, mel);
        TensorPrimitives.Add(mel, LogOffset, mel);
        TensorPrimitives.Log(mel, mel);
    }

    private static void ThrowIfOverlapping(ReadOnlySpan<float> samples, Span<float> destination)
    {
        if (samples.Overlaps(destination))
        {
            throw new ArgumentException("Samples and destination overlap; in-place computation is not supported (frames overlap and are read after earlier frames are written).", nameof(destination));
        }
    }

    /// <summary>The frame starting at <paramref name="start"/> of the samples followed by zeros.</summary>
    internal void ComputeFrameAt(ReadOnlySpan<float> samples, int start, Span<float> logMel)
    {
        if (start + WindowLength <= samples.Length)
        {
            ComputeFrame(samples.Slice(start, WindowLength), logMel);
            return;
        }

        Span<float> frame = stackalloc float[WindowLength];
        frame.Clear();
        if (start < samples.Length)
        {
            samples[start..].CopyTo(frame);
        }

        ComputeFrame(frame, logMel);
    }

    /// <summary>Frames [frames, 64] log-mel into patches [N, 96, 64] with hop 48 (complete patches only), as tf.signal.frame.</summary>
    /// <param name="logMel">frameCount · 64 floats.</param>
    /// <param name="frameCount">Frames in <paramref name="logMel"/>.</param>
    /// <param name="destination">At least <see cref="GetPatchCountForFrames"/>(frameCount) · <see cref="PatchLength"/> floats.</param>
    /// <returns>The number of patches written.</returns>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public static int FramePatches(ReadOnlySpan<float> logMel, int frameCount, Span<float> destination)
    {
        int count = GetPatchCountForFrames(frameCount);
        if (logMel.Length < (long)frameCount * MelBands)
        {
            throw new ArgumentException($"Log-mel has {logMel.Length} floats; {frameCount} frames need {(long)frameCount * MelBands}.", nameof(logMel));
        }

        if (destination.Length < (long)count * PatchLength)
        {
            throw new ArgumentException($"Destination has {destination.Length} floats; {count} patches need {(long)count * PatchLength}.", nameof(destination));
        }

        for (int p = 0; p < count; p++)
        {
            logMel.Slice(p * PatchHopFrames * MelBands, PatchLength).CopyTo(destination.Slice(p * PatchLength, PatchLength));
        }

        return count;
    }
}
