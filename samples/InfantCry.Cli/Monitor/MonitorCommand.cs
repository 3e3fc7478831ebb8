using System.CommandLine;
using System.Globalization;
using InfantCry.Audio.Detection;
using InfantCry.Audio.Monitoring;
using InfantCry.Onnx.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InfantCry.Cli.Monitor;

/// <summary>
/// <c>infantcry monitor SOURCE</c>: listens to a stream of any length at flat memory and reports cry events
/// (CryStarted / CryEnded with hysteresis) as JSON lines on stdout, to a webhook, and to an MQTT broker with Home
/// Assistant discovery. A live source (device, URL) that drops is reopened; a broker or web server that goes away gets
/// the events it missed once it is back.
/// </summary>
public static class MonitorCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A file, '-' for raw PCM on stdin, alsa:DEVICE or pulse:DEVICE (a microphone), or a URL ffmpeg opens (rtsp://, rtp://, http://, udp://)" };
        var models = new Option<string?>("--models") { Description = $"Models folder (default: ${ModelsFolder.Variable}, else artifacts/models above the executable, else ./models)" };
        var pcm = new Option<string>("--pcm") { Description = "Sample format of raw PCM on stdin: s16le or f32le", DefaultValueFactory = _ => "s16le" };
        var rate = new Option<int>("--rate") { Description = "Sample rate of raw PCM on stdin, Hz", DefaultValueFactory = _ => 16000 };
        var channels = new Option<int>("--channels") { Description = "Channels of raw PCM on stdin (down-mixed)", DefaultValueFactory = _ => 1 };
        var realtime = new Option<bool>("--realtime") { Description = "Read a file at its own pace (as if live), for demonstrations and tests" };
        var threshold = new Option<float?>("--threshold") { Description = "Window score from which a window counts as crying (default: the detector's)" };
        var start = new Option<string>("--start") { Description = "Cry windows needed to start a cry, as N/M (N of the last M windows)", DefaultValueFactory = _ => "3/4" };
        var hold = new Option<double>("--hold") { Description = "Seconds without a cry window that end a cry", DefaultValueFactory = _ => CryMonitorOptions.Default.Hold.TotalSeconds };
        var minimum = new Option<double>("--min-duration") { Description = "Seconds a cry must last before it is reported", DefaultValueFactory = _ => CryMonitorOptions.Default.MinimumDuration.TotalSeconds };
        var scores = new Option<bool>("--scores") { Description = "Also print every window's score as a JSON line" };
        var webhook = new Option<Uri?>("--webhook") { Description = "POST each event as JSON to this URL" };
        var mqtt = new Option<string?>("--mqtt") { Description = "Publish to this MQTT broker, HOST[:PORT], with Home Assistant discovery" };
        var mqttId = new Option<string>("--mqtt-id") { Description = "Device id in topics and discovery (infantcry/ID/...)", DefaultValueFactory = _ => "nursery" };
        var mqttUser = new Option<string?>("--mqtt-user") { Description = "MQTT user name (the password comes from $INFANTCRY_MQTT_PASSWORD)" };
        var discovery = new Option<string>("--discovery-prefix") { Description = "Home Assistant's discovery prefix", DefaultValueFactory = _ => "homeassistant" };
        var exitOnDrop = new Option<bool>("--exit-on-drop") { Description = "End when a live source drops instead of reopening it" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: its default, one per core). Default 1: a live stream needs one YAMNet patch about every half second, and a pool of threads that spin between runs costs more CPU than it saves", DefaultValueFactory = _ => 1 };
        var service = new Option<bool>("--service") { Description = "Run as a service (Microsoft.Extensions.Hosting: systemd notify and journal logging when run by systemd, clean stop on SIGTERM)" };
        var command = new Command("monitor", "Listen for crying in a stream of any length and report cry events (JSON lines, webhook, MQTT with Home Assistant discovery)")
        {
            source, models, pcm, rate, channels, realtime, threshold, start, hold, minimum, scores, webhook, mqtt, mqttId, mqttUser, discovery, exitOnDrop, service, threads,
        };
        command.SetAction((parse, cancellationToken) => CliOutput.RunAsync(async () =>
        {
            var settings = new MonitorSettings(
                parse.GetRequiredValue(source), parse.GetValue(models), parse.GetRequiredValue(pcm), parse.GetValue(rate), parse.GetValue(channels),
                parse.GetValue(realtime), parse.GetValue(threshold), parse.GetRequiredValue(start), parse.GetValue(hold), parse.GetValue(minimum),
                parse.GetValue(scores), parse.GetValue(webhook), parse.GetValue(mqtt), parse.GetRequiredValue(mqttId), parse.GetValue(mqttUser),
                parse.GetRequiredValue(discovery), parse.GetValue(exitOnDrop), parse.GetValue(threads));
            return parse.GetValue(service)
                ? await RunAsServiceAsync(settings, cancellationToken).ConfigureAwait(false)
                : await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Everything the command was given.</summary>
    internal sealed record MonitorSettings(
        string Source, string? Models, string Pcm, int Rate, int Channels, bool Realtime, float? Threshold, string Start, double Hold,
        double MinimumDuration, bool Scores, Uri? Webhook, string? Mqtt, string MqttId, string? MqttUser, string DiscoveryPrefix, bool ExitOnDrop, int Threads = 1)
    {
        public CryMonitorOptions MonitorOptions()
        {
            string[] nm = Start.Split('/');
            if (nm.Length != 2 || !int.TryParse(nm[0], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || !int.TryParse(nm[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) || n > m)
            {
                throw new ArgumentException($"--start must be N/M with N <= M (for example 3/4), not '{Start}'.");
            }

            if (!double.IsFinite(Hold) || !double.IsFinite(MinimumDuration))
            {
                throw new ArgumentException("--hold and --min-duration must be numbers of seconds.");
            }

            return new CryMonitorOptions
            {
                StartWindows = n,
                StartWindowSpan = m,
                Hold = TimeSpan.FromSeconds(Hold),
                MinimumDuration = TimeSpan.FromSeconds(MinimumDuration),
                Threshold = Threshold,
            };
        }
    }

    /// <summary>The monitor under Microsoft.Extensions.Hosting, for systemd (see the README's unit example).</summary>
    private static async Task<int> RunAsServiceAsync(MonitorSettings settings, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSystemd();
        var service = new MonitorService(settings);
        builder.Services.AddSingleton<IHostedService>(service);
        using IHost host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return service.ExitCode;
    }

    private sealed class MonitorService(MonitorSettings settings) : BackgroundService
    {
        public int ExitCode { get; private set; }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                ExitCode = await RunAsync(settings, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                ExitCode = 0;
            }
        }
    }

    /// <summary>The monitor loop: source -> streaming detector -> CryMonitor -> outputs.</summary>
    internal static async Task<int> RunAsync(MonitorSettings settings, CancellationToken cancellationToken)
    {
        CryMonitorOptions monitorOptions = settings.MonitorOptions();
        ModelsFolder folder = ModelsFolder.Resolve(settings.Models);
        folder.EnsureExists();
        if (settings.Threads < 0)
        {
            throw new ArgumentException($"--threads must be 0 (ONNX Runtime's default) or more, not {settings.Threads}.");
        }

        using CryDetector detector = CryDetector.Create(folder.Path, sessionOptions: new OnnxSessionOptions { IntraOpThreads = settings.Threads });
        var monitor = new CryMonitor(monitorOptions);
        var publishers = new List<QueuedPublisher>();
        MqttPublisher? mqtt = null;
        if (settings.Webhook is { } url)
        {
            publishers.Add(new WebhookPublisher(url));
        }

        if (settings.Mqtt is { } endpoint)
        {
            (string host, int port) = MqttSettings.ParseEndpoint(endpoint);
            mqtt = new MqttPublisher(new MqttSettings(host, port, settings.MqttId, settings.DiscoveryPrefix, settings.MqttUser, Environment.GetEnvironmentVariable("INFANTCRY_MQTT_PASSWORD")));
            publishers.Add(mqtt);
        }

        using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var buffer = new float[4096];
        var windows = new List<CryDetection>(64);
        var events = new List<CryEvent>(4);
        TimeSpan offset = TimeSpan.Zero;
        long indexOffset = 0;
        TimeSpan reconnect = TimeSpan.FromSeconds(1);
        int exitCode = 0;
        try
        {
            while (true)
            {
                using PcmSource source = PcmSource.Open(settings.Source, settings.Pcm, settings.Rate, settings.Channels, settings.Realtime);
                using StreamingCryDetector stream = detector.CreateStreaming(source.SampleRate);
                long samples = 0;
                int n;
                while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    samples += n;
                    stream.Process(buffer.AsSpan(0, n), windows, cancellationToken);
                    await HandleAsync().ConfigureAwait(false);
                }

                stream.Flush(windows, cancellationToken);
                await HandleAsync().ConfigureAwait(false);
                string? failure = source.Failure;
                if (source.IsLive && settings.ExitOnDrop)
                {
                    await Console.Error.WriteLineAsync($"infantcry monitor: {source.Name} ended{(failure is null ? string.Empty : $" ({failure})")}; exiting (--exit-on-drop)").ConfigureAwait(false);
                    break;
                }

                if (!source.IsLive)
                {
                    if (failure is not null)
                    {
                        await Console.Error.WriteLineAsync($"infantcry: {source.Name}: {failure}").ConfigureAwait(false);
                        exitCode = 1;
                    }

                    break;
                }

                // A live stream dropped: keep the stream clock going and open it again, with backoff.
                offset += TimeSpan.FromSeconds((double)samples / source.SampleRate);
                indexOffset += stream.WindowCount;
                await Console.Error.WriteLineAsync($"infantcry monitor: {source.Name} ended{(failure is null ? string.Empty : $" ({failure})")}; reopening in {reconnect.TotalSeconds:0} s").ConfigureAwait(false);
                await Task.Delay(reconnect, cancellationToken).ConfigureAwait(false);
                reconnect = samples > 0 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Min(30, reconnect.TotalSeconds * 2));
            }

            monitor.Flush(events);
            await EmitAsync().ConfigureAwait(false);
        }
        finally
        {
            foreach (QueuedPublisher p in publishers)
            {
                await p.DisposeAsync().ConfigureAwait(false);
            }
        }

        return exitCode;

        async Task HandleAsync()
        {
            foreach (CryDetection raw in windows)
            {
                CryDetection w = raw with { Index = raw.Index + indexOffset, Start = raw.Start + offset };
                monitor.Process(w, events);
                mqtt?.UpdateScore(w.Score);
                if (settings.Scores)
                {
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"score\",\"startSeconds\":{Math.Round(w.Start.TotalSeconds, 3)},\"score\":{Math.Round(w.Score, 4)},\"isCry\":{(w.IsCry ? "true" : "false")}}}")).ConfigureAwait(false);
                }

                await EmitAsync().ConfigureAwait(false);
            }

            windows.Clear();
        }

        async Task EmitAsync()
        {
            foreach (CryEvent e in events)
            {
                var message = new MonitorEvent(e, DateTimeOffset.UtcNow, settings.Source);
                await stdout.WriteLineAsync(message.ToJson()).ConfigureAwait(false);
                foreach (QueuedPublisher p in publishers)
                {
                    p.Enqueue(message);
                }
            }

            events.Clear();
        }
    }
}
