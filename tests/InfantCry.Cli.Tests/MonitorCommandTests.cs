using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Monitoring;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Wav;
using MQTTnet;

namespace InfantCry.Cli.Tests;

/// <summary>
/// <c>infantcry monitor</c> with real components: a Mosquitto broker started on loopback by the test, ffmpeg decoding
/// the stream, MQTT with Home Assistant discovery; the broker is restarted in the middle of a real-time stream.
/// </summary>
[Category("Models")]
[Category("SharedAssets")]
[Category("MachineTools")]
[NonParallelizable]
public sealed class MonitorCommandTests
{
    /// <summary>Same models, same 16 kHz samples, another process: float32 rounding noise on the scores, no more.</summary>
    private const double ScoreNoise = 1e-4;

    private static string Models => Path.GetDirectoryName(Artifacts.Require("yamnet.onnx", "20-yamnet.sh"))!;

    /// <summary>
    /// A 16 kHz mono stream of known content: 6 s of quiet room (pink noise at about -50 dBFS), ESC-50 infant cries
    /// from three source recordings (15 s), 10 s quiet, the same cries again, 8 s quiet: about 54 s.
    /// </summary>
    private static string MakeStream()
    {
        string[] cries = Directory.GetFiles(Path.Combine(Artifacts.AssetsDirectory, "data", "realworld", "esc50", "crying_baby"), "*.ogg")
            .Order(StringComparer.Ordinal).Where((_, i) => i % 8 == 0).Take(3).ToArray();
        Assert.That(cries, Has.Length.EqualTo(3), "ESC-50 crying_baby clips are missing from the asset folder");
        float[][] decoded = [.. cries.Select(Decode16k)];
        var rng = new Random(11);
        double b0 = 0, b1 = 0, b2 = 0;
        var samples = new List<double>();
        void Quiet(double seconds)
        {
            for (int i = 0; i < (int)(seconds * 16000); i++)
            {
                double white = (rng.NextDouble() * 2) - 1;   // Paul Kellet's economy pink filter
                b0 = (0.99765 * b0) + (white * 0.0990460);
                b1 = (0.96300 * b1) + (white * 0.2965164);
                b2 = (0.57000 * b2) + (white * 1.0526913);
                samples.Add((b0 + b1 + b2 + (white * 0.1848)) * 0.001);
            }
        }

        Quiet(6);
        foreach (float[] c in decoded)
        {
            samples.AddRange(c.Select(x => (double)x));
        }

        Quiet(10);
        foreach (float[] c in decoded)
        {
            samples.AddRange(c.Select(x => (double)x));
        }

        Quiet(8);
        string path = Path.Combine(CliRunner.TempDir(), "stream.wav");
        File.WriteAllBytes(path, InfantCry.Audio.Tests.Wav.WavBuilder.Simple([.. samples], AudioSampleFormat.Pcm16, 1, 16000));
        return path;
    }

    /// <summary>A file decoded by ffmpeg to 16 kHz mono float.</summary>
    private static float[] Decode16k(string path)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-v", "error", "-i", path, "-f", "f32le", "-ac", "1", "-ar", "16000", "-" })
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        using var bytes = new MemoryStream();
        Task err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(bytes);
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"ffmpeg could not decode {path}");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.ToArray()).ToArray();
    }

    /// <summary>The events the library gives for the whole recording with the default monitor.</summary>
    private static List<CryEvent> Expected(string wav)
    {
        AudioClip clip = WavReader.Read(wav);
        using CryDetector detector = CryDetector.Create(Models);
        CryDetectionResult result = detector.Detect(clip.Samples, clip.SampleRate);
        var monitor = new CryMonitor();
        var events = new List<CryEvent>();
        foreach (CryDetection w in result.Windows)
        {
            monitor.Process(w, events);
        }

        monitor.Flush(events);
        return events;
    }

    [Test]
    public void Json_lines_report_the_libraries_cry_events_for_a_file()
    {
        string wav = MakeStream();
        List<CryEvent> expected = Expected(wav);
        Assert.That(expected.Count(e => e.Kind == CryEventKind.Started), Is.GreaterThanOrEqualTo(1), "the detector hears no cry in the ESC-50 cries: the test stream proves nothing");

        CliRun run = CliRunner.Run("monitor", wav, "--models", Models);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        JsonElement[] lines = [.. run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        AssertSameEvents(lines, expected);
    }

    [Test]
    public void Mqtt_gets_discovery_states_and_every_event_across_a_broker_restart()
    {
        string wav = MakeStream();
        List<CryEvent> expected = Expected(wav);
        Assert.That(expected.Count(e => e.Kind == CryEventKind.Started), Is.GreaterThanOrEqualTo(2), "the stream should give two separate cries");
        int port = FreePort();
        using var broker = Broker.Start(port);
        using var subscriber = new Subscriber(port, "infantcry-test-subscriber");
        subscriber.WaitConnected();

        var environment = new Dictionary<string, string?>();
        Task<CliRun> monitor = Task.Run(() => CliRunner.Run(environment, "monitor", wav, "--models", Models, "--realtime", "--mqtt", $"127.0.0.1:{port}", "--mqtt-id", "crib"));

        // Stop the broker after the first cry was reported, while the stream plays on; start it again 6 s later.
        Assert.That(subscriber.WaitFor(m => m.Topic == "infantcry/crib/event" && m.Payload.Contains("cry_started", StringComparison.Ordinal), TimeSpan.FromSeconds(40)), Is.True, "no cry_started before the restart");
        broker.Stop();
        Thread.Sleep(TimeSpan.FromSeconds(6));
        broker.Restart();
        CliRun run = monitor.Result;

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Stderr, Does.Contain("retrying"), "the broker restart was not noticed: " + run.Stderr);
        Assert.That(subscriber.WaitFor(m => m.Topic == "infantcry/crib/status" && m.Payload == "offline", TimeSpan.FromSeconds(20)), Is.True, "no offline status at exit");
        MqttMessage[] messages = subscriber.Messages;
        JsonElement[] events = [.. messages.Where(m => m.Topic == "infantcry/crib/event").Select(m => JsonDocument.Parse(m.Payload).RootElement)];
        AssertSameEvents(events, expected);
        JsonElement[] stdoutEvents = [.. run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        AssertSameEvents(stdoutEvents, expected);

        MqttMessage config = messages.First(m => m.Topic == "homeassistant/binary_sensor/infantcry_crib/crying/config");
        using JsonDocument discovery = JsonDocument.Parse(config.Payload);
        Assert.That(discovery.RootElement.GetProperty("state_topic").GetString(), Is.EqualTo("infantcry/crib/crying"));
        Assert.That(discovery.RootElement.GetProperty("device_class").GetString(), Is.EqualTo("sound"));
        Assert.That(discovery.RootElement.GetProperty("availability_topic").GetString(), Is.EqualTo("infantcry/crib/status"));
        // The discovery configuration is retained: a subscriber that comes later (Home Assistant starting up) gets it.
        using (var late = new Subscriber(port, "infantcry-test-late"))
        {
            late.WaitConnected();
            Assert.That(late.WaitFor(m => m.Topic == config.Topic && m.Retain, TimeSpan.FromSeconds(5)), Is.True, "the discovery configuration is not retained");
        }

        Assert.That(messages.Any(m => m.Topic == "homeassistant/sensor/infantcry_crib/cry_score/config"), Is.True);
        string[] states = [.. messages.Where(m => m.Topic == "infantcry/crib/crying").Select(m => m.Payload)];
        Assert.That(states, Does.Contain("ON"));
        Assert.That(states[^1], Is.EqualTo("OFF"));
        Assert.That(messages.Any(m => m.Topic == "infantcry/crib/score" && float.TryParse(m.Payload, System.Globalization.CultureInfo.InvariantCulture, out float s) && s is >= 0 and <= 1), Is.True);
    }

    /// <summary>Sends SIGINT (Ctrl+C) and waits up to 30 s for the process to end; kills it when it does not, so that none is left running.</summary>
    private static bool Interrupt(Process process)
    {
        using (Process kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            kill.WaitForExit();
        }

        bool stopped = process.WaitForExit(TimeSpan.FromSeconds(30));
        if (!stopped)
        {
            process.Kill(entireProcessTree: true);
        }

        return stopped;
    }

    [Test]
    public void A_live_stream_with_no_data_stops_on_sigint()
    {
        // Nobody sends to this port: ffmpeg waits for packets and the monitor waits on ffmpeg's pipe.
        using Process listener = CliRunner.Start("monitor", $"rtp://127.0.0.1:{FreePort()}", "--models", Models);
        Task<string> stderr = listener.StandardError.ReadToEndAsync();
        Thread.Sleep(TimeSpan.FromSeconds(5));   // the models loaded, ffmpeg listening, the monitor reading its pipe
        Assert.That(listener.HasExited, Is.False, "the monitor is still waiting for the stream");
        Assert.That(Interrupt(listener), Is.True, "the monitor did not stop on SIGINT");
        Assert.That(listener.ExitCode, Is.EqualTo(130), stderr.Result);
    }

    [Test]
    public void A_live_rtp_stream_served_by_ffmpeg_gives_the_cries_at_their_times()
    {
        string wav = MakeStream();
        List<CryEvent> expected = Expected(wav);
        int port = FreePort();
        using Process listener = CliRunner.Start("monitor", $"rtp://127.0.0.1:{port}", "--models", Models);
        Task<string> stdout = listener.StandardOutput.ReadToEndAsync();
        Task<string> stderr = listener.StandardError.ReadToEndAsync();
        Thread.Sleep(TimeSpan.FromSeconds(3));   // the monitor loads its models and ffmpeg starts listening
        var server = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-v", "error", "-re", "-i", wav, "-c:a", "mp2", "-b:a", "160k", "-f", "rtp_mpegts", $"rtp://127.0.0.1:{port}" })
        {
            server.ArgumentList.Add(a);
        }

        using (Process p = Process.Start(server)!)
        {
            string serverErrors = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                listener.Kill(entireProcessTree: true);
                Assert.Fail($"ffmpeg could not serve the RTP stream: {serverErrors}");
            }
        }

        // A UDP stream has no end: stop the monitor as a user does (Ctrl+C) once the last windows have been analysed.
        Thread.Sleep(TimeSpan.FromSeconds(4));
        Assert.That(Interrupt(listener), Is.True, "the monitor did not stop on SIGINT");
        Assert.That(listener.ExitCode, Is.EqualTo(130), stderr.Result);
        JsonElement[] started = [.. stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "cry_started")];
        CryEvent[] expectedStarts = [.. expected.Where(e => e.Kind == CryEventKind.Started)];
        Assert.That(expectedStarts, Is.Not.Empty);
        Assert.That(started, Has.Length.EqualTo(expectedStarts.Length), stdout.Result);
        for (int i = 0; i < started.Length; i++)
        {
            // The stream went through MP2 at 160 kb/s and its clock starts at the first packet: within a window.
            Assert.That(started[i].GetProperty("startSeconds").GetDouble(), Is.EqualTo(expectedStarts[i].Start.TotalSeconds).Within(0.96), $"cry {i}");
        }
    }

    private static void AssertSameEvents(JsonElement[] lines, List<CryEvent> expected)
    {
        JsonElement[] events = [.. lines.Where(l => l.GetProperty("type").GetString() is "cry_started" or "cry_ended")];
        Assert.That(events.Select(e => e.GetProperty("type").GetString()), Is.EqualTo(expected.Select(e => e.Kind == CryEventKind.Started ? "cry_started" : "cry_ended")));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(events[i].GetProperty("startSeconds").GetDouble(), Is.EqualTo(Math.Round(expected[i].Start.TotalSeconds, 3)).Within(1e-9), $"event {i} start");
            Assert.That(events[i].GetProperty("endSeconds").GetDouble(), Is.EqualTo(Math.Round(expected[i].End.TotalSeconds, 3)).Within(1e-9), $"event {i} end");
            Assert.That(events[i].GetProperty("peakScore").GetDouble(), Is.EqualTo(expected[i].PeakScore).Within(ScoreNoise), $"event {i} peak");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal sealed record MqttMessage(string Topic, string Payload, bool Retain);

    /// <summary>A Mosquitto broker on a loopback port (Debian's mosquitto; without a configuration file it listens on loopback only).</summary>
    private sealed class Broker : IDisposable
    {
        private readonly int _port;
        private Process? _process;

        private Broker(int port) => _port = port;

        public static Broker Start(int port)
        {
            var b = new Broker(port);
            b.Restart();
            return b;
        }

        public void Restart()
        {
            // Debian installs the broker in /usr/sbin, which a non-login PATH may lack.
            string program = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
            var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("-p");
            psi.ArgumentList.Add(_port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _process = Process.Start(psi)!;
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    using var probe = new TcpClient();
                    probe.Connect(IPAddress.Loopback, _port);
                    return;
                }
                catch (SocketException)
                {
                    Thread.Sleep(50);
                }
            }

            Assert.Fail($"mosquitto did not listen on port {_port}");
        }

        public void Stop()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process?.Dispose();
            _process = null;
        }

        public void Dispose() => Stop();
    }

    /// <summary>A subscriber to every topic that reconnects (every 200 ms) while the broker is away.</summary>
    private sealed class Subscriber : IDisposable
    {
        private readonly ConcurrentQueue<MqttMessage> _messages = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private volatile bool _connected;

        public Subscriber(int port, string clientId) => _loop = Task.Run(() => RunAsync(port, clientId, _stop.Token));

        public MqttMessage[] Messages => [.. _messages];

        public void WaitConnected()
        {
            for (int i = 0; i < 100 && !_connected; i++)
            {
                Thread.Sleep(50);
            }

            Assert.That(_connected, Is.True, "the test subscriber could not connect");
        }

        public bool WaitFor(Func<MqttMessage, bool> match, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                if (_messages.Any(match))
                {
                    return true;
                }

                Thread.Sleep(100);
            }

            return false;
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // cancelled
            }

            _stop.Dispose();
        }

        private async Task RunAsync(int port, string clientId, CancellationToken cancellationToken)
        {
            using IMqttClient client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += e =>
            {
                _messages.Enqueue(new MqttMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString(), e.ApplicationMessage.Retain));
                return Task.CompletedTask;
            };
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!client.IsConnected)
                {
                    _connected = false;
                    try
                    {
                        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).Build(), cancellationToken);
                        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
                        _connected = true;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // the broker is away
                    }
                }

                await Task.Delay(200, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
