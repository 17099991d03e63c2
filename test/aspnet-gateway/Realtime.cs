using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ChatGateway;

/// <summary>
/// Runs every domain operation one at a time (an async gate around the store's lock) and sends
/// the events it produced, in order, before the operation's caller answers — so a REST response
/// or a hub completion always follows the events it caused, as with the embedded gateway.
/// Also applies the duplicate and delay faults to chat hub events.
/// </summary>
public sealed class EventHub(ChatStore store, IHubContext<ChatHub> chat, IHubContext<NotificationHub> notifications, ILogger<EventHub> log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _duplicate;
    private int _delayMs;

    public ChatStore Store => store;
    /// <summary>Called after a user's message was stored and announced (the echo bot).</summary>
    public Action<Message>? OnUserMessage { get; set; }
    public bool Duplicate { get => _duplicate; set => _duplicate = value; }
    public int DelayMs { get => Volatile.Read(ref _delayMs); set => Volatile.Write(ref _delayMs, Math.Max(0, value)); }

    public static string ConversationGroup(string id) => $"conversation:{id}";
    public static string PresenceGroup(string id) => $"presence:{id}";

    public async Task<T> Run<T>(Func<ChatStore, T> operation)
    {
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

    public Task Run(Action<ChatStore> operation) => Run(s => { operation(s); return true; });

    /// <summary>A read without events.</summary>
    public T Read<T>(Func<ChatStore, T> read) { lock (store) return read(store); }

    /// <summary>Any payload as a chat hub event to the conversation's joined connections (the emit-raw fault).</summary>
    public Task EmitRaw(string conversationId, string name, object? payload) => Deliver(new ChatEvent(conversationId, name, payload));

    private async Task Deliver(GatewayEvent e)
    {
        try
        {
            switch (e)
            {
                case ChatEvent c:
                    var delay = DelayMs;
                    if (delay > 0)
                    {
                        _ = Task.Run(async () =>
                        {
                            await Task.Delay(delay);
                            try { await SendChat(c); } catch (Exception ex) { log.LogWarning(ex, "delayed send failed"); }
                        });
                    }
                    else await SendChat(c);
                    break;
                case NotifyEvent n:
                    if (n.UserIds.Count > 0) await notifications.Clients.Users(n.UserIds).SendAsync(n.Name, n.Payload);
                    break;
                case PresenceEvent p:
                    await notifications.Clients.Group(PresenceGroup(p.ParticipantId)).SendAsync("presenceChanged", p.Payload);
                    break;
                case UserMessageEvent u:
                    OnUserMessage?.Invoke(u.Message);
                    break;
                case CallerEvent k:
                    await notifications.Clients.Client(k.ConnectionId).SendAsync(k.Name, k.Payload);
                    break;
            }
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "sending {Event} failed", e);
        }
    }

    private async Task SendChat(ChatEvent c)
    {
        var group = ConversationGroup(c.ConversationId);
        var clients = c.Except is null ? chat.Clients.Group(group) : chat.Clients.GroupExcept(group, [c.Except]);
        await clients.SendAsync(c.Name, c.Payload);
        if (_duplicate) await clients.SendAsync(c.Name, c.Payload);
    }
}

/// <summary>Every open hub connection (both hubs), for the drop and kill faults.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new();

    public void Add(HubConnectionContext c) => _connections[c.ConnectionId] = c;
    public void Remove(HubConnectionContext c) => _connections.TryRemove(c.ConnectionId, out _);
    public int Count => _connections.Count;

    /// <summary>
    /// A Close message to every connection. A Close with `allowReconnect: true` and no error is what
    /// ASP.NET itself sends on a graceful shutdown: <see cref="IConnectionLifetimeNotificationFeature.RequestClose"/>
    /// makes the framework send it. Otherwise the Close is written with the public
    /// <see cref="HubConnectionContext.WriteAsync(HubMessage, CancellationToken)"/>; the client then
    /// closes its side. A connection still open two seconds later is aborted.
    /// </summary>
    public async Task DropAll(bool allowReconnect, string? error)
    {
        foreach (var c in _connections.Values.ToList())
        {
            var lifetime = c.Features.Get<IConnectionLifetimeNotificationFeature>();
            if (allowReconnect && error is null && lifetime is not null) lifetime.RequestClose();
            else
            {
                try { await c.WriteAsync(new CloseMessage(error, allowReconnect)); } catch { /* the connection is going anyway */ }
            }
            _ = Task.Delay(2000).ContinueWith(_ => { if (_connections.ContainsKey(c.ConnectionId)) c.Abort(); }, TaskScheduler.Default);
        }
    }

    /// <summary>The TCP connections of every hub connection are aborted: no Close message; a stateful connection cannot resume.</summary>
    public void KillAll()
    {
        foreach (var c in _connections.Values.ToList())
        {
            c.GetHttpContext()?.Abort();
            c.Abort();
        }
    }
}

/// <summary>The default lifetime manager, also keeping <see cref="ConnectionRegistry"/> up to date.</summary>
public sealed class TrackingHubLifetimeManager<THub>(ILogger<DefaultHubLifetimeManager<THub>> logger, ConnectionRegistry registry)
    : DefaultHubLifetimeManager<THub>(logger) where THub : Hub
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        registry.Add(connection);
        await base.OnConnectedAsync(connection);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        registry.Remove(connection);
        await base.OnDisconnectedAsync(connection);
    }
}

// ------------------------------------------------------------------ hubs

/// <summary>`/hubs/chat`: the contract's methods; acks report domain failures, the others throw HubException.</summary>
[Authorize]
public sealed class ChatHub(EventHub events) : Hub
{
    private string UserId => Context.User!.UserId();

    private static Obj Failure(GatewayException e) => new Obj().Put("success", false).Put("errorCode", e.Code).Put("errorMessage", e.Detail);

    private async Task<Obj> Acked(JsonElement request, string what, Func<Req, Func<ChatStore, Obj>> parse)
    {
        try
        {
            var req = new Req(request);
            Func<ChatStore, Obj> op = _ => new Obj();
            if (req.IsObject()) op = parse(req);
            req.ThrowIfInvalid(what);
            var fields = await events.Run(op);
            var ack = new Obj().Put("success", true);
            foreach (var (k, v) in fields) ack[k] = v;
            return ack;
        }
        catch (GatewayException e)
        {
            return Failure(e);
        }
    }

    private void RequireMember(string conversationId)
    {
        if (!events.Read(s => s.IsActiveMember(UserId, conversationId))) throw new HubException("You are not a participant of this conversation.");
    }

    // A null id binds (as for any `string` parameter) and is simply no conversation of the caller's.
    public async Task JoinConversation(string? conversationId)
    {
        conversationId ??= "";
        RequireMember(conversationId);
        await Groups.AddToGroupAsync(Context.ConnectionId, EventHub.ConversationGroup(conversationId));
    }

    public Task LeaveConversation(string? conversationId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, EventHub.ConversationGroup(conversationId ?? ""));

    public Task<Obj> SendMessage(JsonElement request) => Acked(request, "SendMessage request", req =>
    {
        var conversationId = req.String("conversationId");
        var message = req.NewMessage();
        var userId = UserId;
        return s =>
        {
            var (m, _) = s.SendMessage(userId, conversationId!, message);
            return new Obj().Put("messageId", m.Id).Put("createdAt", m.CreatedAt).Opt("clientMessageId", m.ClientMessageId);
        };
    });

    public Task<Obj> EditMessage(JsonElement request) => Acked(request, "EditMessage request", req =>
    {
        var messageId = req.String("messageId");
        var blocks = req.Array("newBlocks", true, typed: true);
        var mentions = req.Array("newMentions", false);
        var userId = UserId;
        return s =>
        {
            var m = s.EditMessage(userId, messageId!, blocks!.Value, mentions);
            return new Obj().Put("messageId", m.Id).Put("editedAt", m.EditedAt);
        };
    });

    public Task<Obj> DeleteMessage(JsonElement request) => Acked(request, "DeleteMessage request", req =>
    {
        var messageId = req.String("messageId");
        var userId = UserId;
        return s => s.DeleteMessage(userId, messageId!);
    });

    public Task<Obj> RecoverMessage(JsonElement request) => Acked(request, "RecoverMessage request", req =>
    {
        var messageId = req.String("messageId");
        var userId = UserId;
        return s => new Obj().Put("messageId", s.RecoverMessage(userId, messageId!).Id);
    });

    public Task<Obj> AddReaction(JsonElement request) => Acked(request, "AddReaction request", req =>
    {
        var messageId = req.String("messageId");
        var conversationId = req.String("conversationId");
        var emoji = req.String("emoji");
        var userId = UserId;
        return s =>
        {
            var m = s.StoredMessage(messageId!);
            if (m is not null && m.ConversationId != conversationId) throw new GatewayException(400, "The message is not in that conversation.");
            s.AddReaction(userId, messageId!, emoji!);
            return new Obj().Put("messageId", messageId).Put("emoji", emoji);
        };
    });

    public Task<Obj> RemoveReaction(JsonElement request) => Acked(request, "RemoveReaction request", req =>
    {
        var messageId = req.String("messageId");
        var emoji = req.String("emoji");
        var userId = UserId;
        return s =>
        {
            s.RemoveReaction(userId, messageId!, emoji!);
            return new Obj().Put("messageId", messageId).Put("emoji", emoji);
        };
    });

    public async Task<Obj> MarkAsRead(string? conversationId, string? messageId)
    {
        conversationId ??= "";
        if (string.IsNullOrEmpty(messageId)) return new Obj().Put("success", false).Put("errorCode", "VALIDATION_ERROR").Put("errorMessage", "messageId is required.");
        var userId = UserId;
        try
        {
            await events.Run(s => s.MarkAsRead(userId, conversationId, messageId));
            return new Obj().Put("success", true).Put("conversationId", conversationId);
        }
        catch (GatewayException e)
        {
            return new Obj().Put("success", false).Put("conversationId", conversationId).Put("errorCode", e.Code).Put("errorMessage", e.Detail);
        }
    }

    public Task StartTyping(string? conversationId) => Typing(conversationId ?? "", true);
    public Task StopTyping(string? conversationId) => Typing(conversationId ?? "", false);

    private async Task Typing(string conversationId, bool started)
    {
        RequireMember(conversationId);
        var userId = UserId;
        var connectionId = Context.ConnectionId;
        try { await events.Run(s => s.Typing(userId, conversationId, started, connectionId)); }
        catch (GatewayException e) { throw new HubException(e.Detail); }
    }
}

/// <summary>`/hubs/notifications`: online while connected; presence subscriptions (≤ 200 ids a call).</summary>
[Authorize]
public sealed class NotificationHub(EventHub events) : Hub
{
    private const int MaxPresenceIds = 200;

    private static List<string> Ids(string[]? ids)
    {
        ids ??= [];
        if (ids.Length > MaxPresenceIds) throw new HubException($"Cannot subscribe to more than {MaxPresenceIds} participants in one call.");
        return ids.Distinct().ToList();
    }

    public async Task SubscribeToPresence(string[]? ids)
    {
        var unique = Ids(ids);
        foreach (var id in unique) await Groups.AddToGroupAsync(Context.ConnectionId, EventHub.PresenceGroup(id));
        var connectionId = Context.ConnectionId;
        await events.Run(s => s.Outbox.Add(new CallerEvent(connectionId, "presenceState", s.PresenceOf(unique))));
    }

    public async Task UnsubscribeFromPresence(string[]? ids)
    {
        foreach (var id in Ids(ids)) await Groups.RemoveFromGroupAsync(Context.ConnectionId, EventHub.PresenceGroup(id));
    }

    public override async Task OnConnectedAsync()
    {
        var userId = Context.User!.UserId();
        await events.Run(s => s.ConnectionOpened(userId));
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        var userId = Context.User!.UserId();
        await events.Run(s => s.ConnectionClosed(userId));
    }
}
