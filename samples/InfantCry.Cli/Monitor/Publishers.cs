using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using InfantCry.Audio.Monitoring;
using MQTTnet;
using MQTTnet.Protocol;

namespace InfantCry.Cli.Monitor;

/// <summary>One cry event as every output carries it.</summary>
internal sealed record MonitorEvent(CryEvent Event, DateTimeOffset WallClock, string Source)
{
    public bool Crying => Event.Kind == CryEventKind.Started;

    public string Type => Event.Kind == CryEventKind.Started ? "cry_started" : "cry_ended";

    /// <summary>The event as one line of JSON.</summary>
    public string ToJson()
    {
        return CliOutput.JsonText(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", Type);
            w.WriteString("time", WallClock.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("source", Source);
            w.WriteNumber("startSeconds", Math.Round(Event.Start.TotalSeconds, 3));
            w.WriteNumber("endSeconds", Math.Round(Event.End.TotalSeconds, 3));
            w.WriteNumber("decidedAtSeconds", Math.Round(Event.DecidedAt.TotalSeconds, 3));
            w.WriteNumber("peakScore", Math.Round(Event.PeakScore, 4));
            w.WriteNumber("meanScore", Math.Round(Event.MeanScore, 4));
            w.WriteNumber("windows", Event.Windows);
            w.WriteEndObject();
        });
    }
}

/// <summary>
/// Delivers events to a remote end that can go away (a broker, a web server): events wait in a bounded queue and are
/// sent in order; a failed send is retried after a reconnect with backoff (1 s doubling to 30 s), so an outage loses
/// no event unless more than <see cref="Capacity"/> pile up (then the oldest are dropped and counted).
/// </summary>
internal abstract class QueuedPublisher : IAsyncDisposable
{
    public const int Capacity = 10_000;

    private readonly Channel<MonitorEvent> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _dropped;

    protected QueuedPublisher(string name)
    {
        Name = name;
        _queue = Channel.CreateBounded<MonitorEvent>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public string Name { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events sent so far.</summary>
    public long Sent { get; private set; }

    public void Enqueue(MonitorEvent e) => _queue.Writer.TryWrite(e);

    /// <summary>Sends what is queued (waiting up to 10 s for the remote end), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != _loop)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped while the remote end was away
        }

        int left = _queue.Reader.Count;
        if (left > 0 || Dropped > 0)
        {
            await Console.Error.WriteLineAsync($"infantcry monitor: {Name}: {left} event(s) not delivered at exit, {Dropped} dropped from a full queue").ConfigureAwait(false);
        }

        await CloseAsync().ConfigureAwait(false);
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract Task EnsureConnectedAsync(CancellationToken cancellationToken);

    protected abstract Task SendAsync(MonitorEvent e, CancellationToken cancellationToken);

    /// <summary>Called every second or so while connected (the MQTT publisher sends the latest score).</summary>
    protected virtual Task TickAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task DropConnectionAsync();

    protected abstract Task CloseAsync();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan backoff = TimeSpan.FromSeconds(1);
        ChannelReader<MonitorEvent> reader = _queue.Reader;
        while (!reader.Completion.IsCompleted)
        {
            try
            {
                await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
                while (reader.TryPeek(out MonitorEvent? next))
                {
                    await SendAsync(next, cancellationToken).ConfigureAwait(false);
                    reader.TryRead(out _);
                    Sent++;
                }

                await TickAsync(cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromSeconds(1);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // a tick
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                await Console.Error.WriteLineAsync($"infantcry monitor: {Name}: {ex.Message}; retrying in {backoff.TotalSeconds:0} s ({reader.Count} event(s) waiting)").ConfigureAwait(false);
                await DropConnectionAsync().ConfigureAwait(false);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromSeconds(Math.Min(30, backoff.TotalSeconds * 2));
            }
        }
    }
}

/// <summary>POSTs each event as JSON to a URL (an automation webhook).</summary>
internal sealed class WebhookPublisher(Uri url) : QueuedPublisher($"webhook {url}")
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    protected override Task EnsureConnectedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task SendAsync(MonitorEvent e, CancellationToken cancellationToken)
    {
        using var content = new StringContent(e.ToJson(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await _http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    protected override Task DropConnectionAsync() => Task.CompletedTask;

    protected override Task CloseAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Where <see cref="MqttPublisher"/> publishes, and how it announces itself to Home Assistant.</summary>
internal sealed record MqttSettings(string Host, int Port, string DeviceId, string DiscoveryPrefix, string? User, string? Password)
{
    public string BaseTopic => $"infantcry/{DeviceId}";

    public string StatusTopic => $"{BaseTopic}/status";

    public string CryingTopic => $"{BaseTopic}/crying";

    public string ScoreTopic => $"{BaseTopic}/score";

    public string EventTopic => $"{BaseTopic}/event";

    public string BinarySensorConfigTopic => $"{DiscoveryPrefix}/binary_sensor/infantcry_{DeviceId}/crying/config";

    public string ScoreSensorConfigTopic => $"{DiscoveryPrefix}/sensor/infantcry_{DeviceId}/cry_score/config";

    /// <summary>Parses <c>HOST[:PORT]</c> (port 1883 by default).</summary>
    public static (string Host, int Port) ParseEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        if (colon > 0 && int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536)
        {
            return (endpoint[..colon], port);
        }

        return (endpoint, 1883);
    }
}

/// <summary>
/// Publishes to an MQTT broker with Home Assistant's MQTT discovery: a "baby crying" binary sensor (device class
/// sound, retained ON/OFF state) and a cry-score sensor, an availability topic with a last will, and each event as
/// JSON on <c>infantcry/ID/event</c> (QoS 1).
/// </summary>
internal sealed class MqttPublisher : QueuedPublisher
{
    private readonly MqttSettings _settings;
    private readonly IMqttClient _client;
    private bool _crying;
    private float _score = float.NaN;
    private float _sentScore = float.NaN;

    public MqttPublisher(MqttSettings settings)
        : base($"MQTT {settings.Host}:{settings.Port}")
    {
        _settings = settings;
        _client = new MqttClientFactory().CreateMqttClient();
    }

    /// <summary>The latest window score, published (retained) about once a second while connected.</summary>
    public void UpdateScore(float score) => Volatile.Write(ref _score, score);

    protected override async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            return;
        }

        MqttClientOptionsBuilder builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_settings.Host, _settings.Port)
            .WithClientId($"infantcry-{_settings.DeviceId}")
            .WithCleanSession()
            .WithWillTopic(_settings.StatusTopic)
            .WithWillPayload("offline")
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTimeout(TimeSpan.FromSeconds(5));
        if (_settings.User is { } user)
        {
            builder = builder.WithCredentials(user, _settings.Password);
        }

        await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"infantcry monitor: {Name}: connected").ConfigureAwait(false);
        await PublishAsync(_settings.BinarySensorConfigTopic, DiscoveryConfig(binary: true), retain: true, cancellationToken).ConfigureAwait(false);
        await PublishAsync(_settings.ScoreSensorConfigTopic, DiscoveryConfig(binary: false), retain: true, cancellationToken).ConfigureAwait(false);
        await PublishAsync(_settings.StatusTopic, "online", retain: true, cancellationToken).ConfigureAwait(false);
        await PublishAsync(_settings.CryingTopic, _crying ? "ON" : "OFF", retain: true, cancellationToken).ConfigureAwait(false);
        _sentScore = float.NaN;
    }

    protected override async Task SendAsync(MonitorEvent e, CancellationToken cancellationToken)
    {
        await PublishAsync(_settings.EventTopic, e.ToJson(), retain: false, cancellationToken).ConfigureAwait(false);
        await PublishAsync(_settings.CryingTopic, e.Crying ? "ON" : "OFF", retain: true, cancellationToken).ConfigureAwait(false);
        _crying = e.Crying;
    }

    protected override async Task TickAsync(CancellationToken cancellationToken)
    {
        float score = Volatile.Read(ref _score);
        if (!float.IsNaN(score) && score != _sentScore)
        {
            await PublishAsync(_settings.ScoreTopic, score.ToString("0.####", CultureInfo.InvariantCulture), retain: true, cancellationToken, MqttQualityOfServiceLevel.AtMostOnce).ConfigureAwait(false);
            _sentScore = score;
        }
    }

    protected override async Task DropConnectionAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the connection is already broken
        }
    }

    protected override async Task CloseAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await PublishAsync(_settings.StatusTopic, "offline", retain: true, CancellationToken.None).ConfigureAwait(false);
                await _client.DisconnectAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // leaving anyway; the broker publishes the last will
        }

        _client.Dispose();
    }

    private async Task PublishAsync(string topic, string payload, bool retain, CancellationToken cancellationToken, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce)
    {
        MqttApplicationMessage message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(qos)
            .Build();
        MqttClientPublishResult result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publishing to {topic} failed: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>Home Assistant's discovery payload for the binary sensor or the score sensor.</summary>
    private string DiscoveryConfig(bool binary)
    {
        return CliOutput.JsonText(w =>
        {
            w.WriteStartObject();
            w.WriteString("name", binary ? "Baby crying" : "Cry score");
            w.WriteString("unique_id", $"infantcry_{_settings.DeviceId}_{(binary ? "crying" : "cry_score")}");
            w.WriteString("state_topic", binary ? _settings.CryingTopic : _settings.ScoreTopic);
            if (binary)
            {
                w.WriteString("device_class", "sound");
                w.WriteString("payload_on", "ON");
                w.WriteString("payload_off", "OFF");
            }
            else
            {
                w.WriteString("state_class", "measurement");
                w.WriteString("icon", "mdi:emoticon-cry-outline");
            }

            w.WriteString("availability_topic", _settings.StatusTopic);
            w.WriteStartObject("device");
            w.WriteStartArray("identifiers");
            w.WriteStringValue($"infantcry_{_settings.DeviceId}");
            w.WriteEndArray();
            w.WriteString("name", $"InfantCry {_settings.DeviceId}");
            w.WriteString("manufacturer", "InfantCry");
            w.WriteString("model", "cry monitor");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}
