using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ChatGateway.Realtime;

/// <summary>The open chat hub connections of each user, so a removed member's connections can all leave the conversation's group.</summary>
public sealed class ChatConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byUser = new();

    public void Add(string userId, string connectionId) => _byUser.GetOrAdd(userId, _ => new())[connectionId] = 0;

    public void Remove(string userId, string connectionId)
    {
        if (_byUser.TryGetValue(userId, out var set)) set.TryRemove(connectionId, out _);
    }

    public IReadOnlyList<string> Of(string userId) => _byUser.TryGetValue(userId, out var set) ? [.. set.Keys] : [];
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
