using InfantCry.Audio.Wav;

namespace InfantCry.Audio.Tests.Wav;

public class AudioClipTests
{
    [Test]
    public void FromPcm16_scales_and_averages_channels()
    {
        short[] stereo = [-32768, 0, 16384, 16384, 32767, -32768, 1];   // trailing partial frame ignored

        AudioClip clip = AudioClip.FromPcm16(stereo, 8000, channels: 2);

        Assert.That(clip.Samples, Is.EqualTo(new[] { -0.5f, 0.5f, -0.5f / 32768f }));
        Assert.That(clip.Channels, Is.EqualTo(2));
        Assert.That(clip.Format, Is.EqualTo(AudioSampleFormat.Pcm16));
        Assert.That(clip.Duration, Is.EqualTo(TimeSpan.FromSeconds(3.0 / 8000)));
    }

    [Test]
    public void FromFloat_copies_mono_and_averages_multichannel()
    {
        float[] mono = [0.1f, -0.2f];
        Assert.That(AudioClip.FromFloat(mono, 16000).Samples, Is.EqualTo(mono).And.Not.SameAs(mono));
        Assert.That(AudioClip.FromFloat([0.25f, 0.5f, 0.75f], 16000, 3).Samples, Is.EqualTo(new[] { 0.5f }));
    }

    [TestCase(0, 1)]
    [TestCase(999, 1)]
    [TestCase(768_001, 1)]
    [TestCase(16000, 0)]
    [TestCase(16000, 1025)]
    public void Bad_rates_and_channel_counts_are_rejected(int rate, int channels)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioClip.FromFloat([0f], rate, channels));
    }
}
