using ChatGateway.Realtime;

namespace ChatGateway.Cluster;

/// <summary>The cluster settings of one node (<c>--node-name</c>, <c>--redis</c>, <c>--postgres</c>).</summary>
public sealed record ClusterSettings(string NodeName, string? Redis, string? Postgres)
{
    /// <summary>A node whose heartbeat is older than this is taken for dead: its presence counts are dropped.</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan HeartbeatEvery { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Keeps this node's heartbeat in the shared database and clears what dead nodes leave behind.
/// A node killed with SIGKILL never runs <c>OnDisconnectedAsync</c>, so its users would stay
/// "online" for good: the surviving nodes drop its presence counts once its heartbeat is older
/// than <see cref="ClusterSettings.DeadAfter"/> (who reconnected elsewhere stays online; the rest
/// go offline), and a node that starts clears its own (see Program.cs).
/// <para>
/// A node that dies between storing a write and publishing its events leaves a message in the
/// shared history that no connected client was told about (the author's retry with the same
/// clientMessageId finds it stored and announces nothing). Clients only look for gaps when they
/// reconnect, so once a dead node is detected the survivors close their own hub connections with
/// allowReconnect: every client re-joins and recovers, at the price of one reconnect each.
/// </para>
/// </summary>
public sealed class ClusterNode(ClusterSettings settings, ClusterStore store, EventHub events, ConnectionRegistry connections, ILogger<ClusterNode> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var dead = await store.Heartbeat(settings.NodeName, settings.DeadAfter, stopping);
                foreach (var node in dead.Where(n => n != settings.NodeName))
                {
                    log.LogWarning("node {Node} stopped beating: clearing its presence", node);
                    await events.Run(s => s.ClearNode(node));
                    await store.ForgetNode(node);
                    await connections.DropAll(allowReconnect: true, error: null);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                log.LogWarning(ex, "cluster heartbeat failed");
            }
            try { await Task.Delay(settings.HeartbeatEvery, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }
}
