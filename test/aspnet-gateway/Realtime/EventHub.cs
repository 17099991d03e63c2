using System.Runtime.ExceptionServices;
using ChatGateway.Cluster;
using ChatGateway.Domain;
using Microsoft.AspNetCore.SignalR;

namespace ChatGateway.Realtime;

/// <summary>
/// Runs every domain operation one at a time (an async gate around the store's lock) and delivers
/// the events it produced, in order, before the operation's caller answers — so a REST response
/// or a hub completion always follows the events it caused, as with the embedded gateway.
/// Also applies the duplicate and delay faults to chat hub events (to a group or to one user).
/// In cluster mode (<paramref name="cluster"/> set) an operation also holds the cluster's write
/// lock from catching up with the other nodes' writes, through storing its own, to the delivery of
/// its events; a read catches up first (see <see cref="ClusterStore"/>).
/// </summary>
public sealed class EventHub(
    ChatStore store,
    IHubContext<ChatHub> chat,
    IHubContext<NotificationHub> notifications,
    ChatConnections chatConnections,
    ILogger<EventHub> log,
    ClusterStore? cluster = null,
    RedisBackplane? backplane = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _duplicate;
    private int _delayMs;

    /// <summary>Called after a user's message was stored and announced (the echo bot).</summary>
    public Action<Message>? OnUserMessage { get; set; }
    public bool Duplicate { get => _duplicate; set => _duplicate = value; }
    public int DelayMs { get => Volatile.Read(ref _delayMs); set => Volatile.Write(ref _delayMs, Math.Max(0, value)); }

    public static string ConversationGroup(string id) => $"conversation:{id}";
    public static string PresenceGroup(string id) => $"presence:{id}";

    public async Task<T> Run<T>(Func<ChatStore, T> operation)
    {
        if (cluster is not null) return await RunClustered(operation, cluster);
        await _gate.WaitAsync();
        try
        {
            T result;
            List<GatewayEvent> events;
            lock (store)
            {
                store.Outbox.Clear();
                try { result = operation(store); }
                finally { events = [.. store.Outbox]; store.Outbox.Clear(); }
            }
            foreach (var e in events) await Deliver(e);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> RunClustered<T>(Func<ChatStore, T> operation, ClusterStore cluster)
    {
        await _gate.WaitAsync();
        try
        {
            await using var write = await cluster.BeginWrite();
            var rows = await cluster.FetchSince(write.Connection, store.SyncedSeq);
            T result = default!;
            ExceptionDispatchInfo? failure = null;
            List<GatewayEvent> events;
            List<(string, string, string)> docs;
            lock (store)
            {
                store.Apply(rows, cluster.Json);
                store.Outbox.Clear();
                try { result = operation(store); }
                catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
                events = [.. store.Outbox];
                store.Outbox.Clear();
                // What a failed operation changed before it threw stays, as it does in memory.
                docs = store.Documents(store.TakeChanges(), cluster.Json);
            }
            if (docs.Count > 0)
            {
                try
                {
                    var seq = await cluster.Commit(write.Connection, docs);
                    lock (store) store.Committed(seq);
                }
                catch
                {
                    lock (store) store.Invalidate();
                    throw;
                }
            }
            failure?.Throw();
            foreach (var e in events) await Deliver(e);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task Run(Action<ChatStore> operation) => Run(s => { operation(s); return true; });

    /// <summary>A read without events.</summary>
    public T Read<T>(Func<ChatStore, T> read)
    {
        if (cluster is null) { lock (store) return read(store); }
        var rows = cluster.FetchSinceSync(store.SyncedSeq);
        lock (store)
        {
            store.Apply(rows, cluster.Json);
            return read(store);
        }
    }

    /// <summary>Any payload as a chat hub event to the conversation's joined connections (the emit-raw fault).</summary>
    public Task EmitRaw(string conversationId, string name, object? payload) => Deliver(new ChatEvent(conversationId, name, payload));

    private async Task Deliver(GatewayEvent e)
    {
        try
        {
            switch (e)
            {
                case ChatEvent or ChatUserEvent:
                    var delay = DelayMs;
                    if (delay > 0)
                    {
                        _ = Task.Run(async () =>
                        {
                            await Task.Delay(delay);
                            try { await SendChat(e); } catch (Exception ex) { log.LogWarning(ex, "delayed send failed"); }
                        });
                    }
                    else await SendChat(e);
                    break;
                case NotifyEvent n:
                    if (n.UserIds.Count > 0) await notifications.Clients.Users(n.UserIds).SendAsync(n.Name, n.Payload);
                    break;
                case PresenceEvent p:
                    await notifications.Clients.Group(PresenceGroup(p.ParticipantId)).SendAsync("presenceChanged", p.Payload);
                    break;
                case CallerEvent k:
                    await notifications.Clients.Client(k.ConnectionId).SendAsync(k.Name, k.Payload);
                    break;
                case JoinGroupEvent j:
                    await chat.Groups.AddToGroupAsync(j.ConnectionId, ConversationGroup(j.ConversationId));
                    break;
                case LeaveGroupEvent l when backplane is not null:
                    await backplane.LeaveGroup(chat, l.ParticipantId, l.ConversationId);
                    break;
                case LeaveGroupEvent l:
                    foreach (var connectionId in chatConnections.Of(l.ParticipantId))
                        await chat.Groups.RemoveFromGroupAsync(connectionId, ConversationGroup(l.ConversationId));
                    break;
                case UserMessageEvent u:
                    OnUserMessage?.Invoke(u.Message);
                    break;
            }
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "delivering {Event} failed", e);
        }
    }

    /// <summary>A chat hub event, to a conversation's group or to one user's connections; sent twice under the duplicate fault.</summary>
    private async Task SendChat(GatewayEvent e)
    {
        var (clients, name, payload) = e switch
        {
            ChatEvent { Except: null } c => (chat.Clients.Group(ConversationGroup(c.ConversationId)), c.Name, c.Payload),
            ChatEvent c => (chat.Clients.GroupExcept(ConversationGroup(c.ConversationId), [c.Except]), c.Name, c.Payload),
            ChatUserEvent u => (chat.Clients.User(u.UserId), u.Name, u.Payload),
            _ => throw new ArgumentException($"not a chat hub event: {e}", nameof(e)),
        };
        await clients.SendAsync(name, payload);
        if (_duplicate) await clients.SendAsync(name, payload);
    }
}
