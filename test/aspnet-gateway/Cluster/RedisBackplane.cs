using System.Text.Json;
using ChatGateway.Realtime;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace ChatGateway.Cluster;

/// <summary>
/// The Redis side of a cluster, beside SignalR's own use of it (<c>AddStackExchangeRedis</c>, whose
/// connections this class opens through <c>RedisOptions.ConnectionFactory</c>):
/// <list type="bullet">
/// <item>SignalR does not buffer what is published while Redis is away: those hub messages are
/// lost for the members on other nodes, and their connections stay open, so no client would ever
/// look for the gap. When a lost subscription comes back, this node therefore closes every hub
/// connection it holds with <c>allowReconnect</c>: the clients reconnect, re-join and recover the
/// gap from the shared history.</item>
/// <item>A member removed from a conversation must leave its SignalR group on every node, but
/// each node knows only its own connections: the removal is broadcast on a channel of its own.</item>
/// </list>
/// </summary>
public sealed class RedisBackplane(string configuration, string node, ChatConnections chatConnections, IServiceProvider services, ILogger<RedisBackplane> log)
{
    private const string LeaveChannel = "chat-gateway:leave-group";
    private readonly object _lock = new();
    private bool _subscriptionLost;
    private IConnectionMultiplexer? _broadcaster;
    private long _lastDropMs;

    /// <summary>How long after the subscription is back before the clients are sent to reconnect (SignalR resubscribes its channels first).</summary>
    public TimeSpan DropDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether the backplane lost its subscription and has not got it back yet.</summary>
    public bool Degraded { get { lock (_lock) return _subscriptionLost; } }

    /// <summary>For <c>RedisOptions.ConnectionFactory</c>: one multiplexer per hub, each watched.</summary>
    public async Task<IConnectionMultiplexer> Connect(TextWriter writer)
    {
        var options = ConfigurationOptions.Parse(configuration);
        // Start even while Redis is away, and keep trying: the hubs come back with it.
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 3;
        options.ReconnectRetryPolicy = new LinearRetry(250);
        options.ClientName = $"chat-gateway-{node}";
        var connection = await ConnectionMultiplexer.ConnectAsync(options, writer);
        connection.ConnectionFailed += (_, e) =>
        {
            log.LogWarning("Redis connection failed ({Type}): {Failure}", e.ConnectionType, e.FailureType);
            if (e.ConnectionType == ConnectionType.Subscription) lock (_lock) _subscriptionLost = true;
        };
        connection.ConnectionRestored += (_, e) =>
        {
            log.LogWarning("Redis connection restored ({Type})", e.ConnectionType);
            if (e.ConnectionType != ConnectionType.Subscription) return;
            lock (_lock)
            {
                if (!_subscriptionLost) return;
                _subscriptionLost = false;
            }
            _ = DropAfterOutage();
        };
        lock (_lock)
        {
            if (_broadcaster is not null) return connection;
            _broadcaster = connection;
        }
        await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(LeaveChannel), (_, value) => OnLeave(value));
        return connection;
    }

    private async Task DropAfterOutage()
    {
        await Task.Delay(DropDelay);
        // Both hubs' multiplexers report the outage: one round of closes is enough.
        var now = Environment.TickCount64;
        lock (_lock)
        {
            if (now - _lastDropMs < 2000) return;
            _lastDropMs = now;
        }
        var registry = services.GetRequiredService<ConnectionRegistry>();
        log.LogWarning("the backplane was away: closing {Count} hub connection(s) with allowReconnect so their clients recover the gap", registry.Count);
        await registry.DropAll(allowReconnect: true, error: null);
    }

    private sealed record Leave(string Node, string ParticipantId, string ConversationId);

    /// <summary>Every node's chat connections of the participant leave the conversation's group (this node's at once).</summary>
    public async Task LeaveGroup(IHubContext<ChatHub> chat, string participantId, string conversationId)
    {
        await LeaveLocally(chat, participantId, conversationId);
        if (_broadcaster is null) return;
        await _broadcaster.GetSubscriber().PublishAsync(RedisChannel.Literal(LeaveChannel), JsonSerializer.Serialize(new Leave(node, participantId, conversationId)));
    }

    private void OnLeave(RedisValue value)
    {
        var leave = JsonSerializer.Deserialize<Leave>(value.ToString());
        if (leave is null || leave.Node == node) return;
        var chat = services.GetRequiredService<IHubContext<ChatHub>>();
        _ = LeaveLocally(chat, leave.ParticipantId, leave.ConversationId);
    }

    private async Task LeaveLocally(IHubContext<ChatHub> chat, string participantId, string conversationId)
    {
        foreach (var connectionId in chatConnections.Of(participantId))
        {
            try { await chat.Groups.RemoveFromGroupAsync(connectionId, EventHub.ConversationGroup(conversationId)); }
            catch (Exception ex) { log.LogWarning(ex, "removing {Connection} from {Conversation} failed", connectionId, conversationId); }
        }
    }
}
