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

    /// <summary>The open connections: id, user and hub path (<c>GET /_test/connections</c>: which node holds whom).</summary>
    public List<ConnectionInfo> List() =>
        [.. _connections.Values.Select(c => new ConnectionInfo(c.ConnectionId, c.UserIdentifier, c.GetHttpContext()?.Request.Path.Value))];

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

public sealed record ConnectionInfo(string ConnectionId, string? UserId, string? Path);

/// <summary>Which lifetime manager the hubs really use: the default one, or Redis's in a cluster.</summary>
public sealed record LifetimeManagerChoice(bool Redis);

/// <summary>
/// The hubs' lifetime manager — the default one, or in a cluster the Redis backplane's — with
/// <see cref="ConnectionRegistry"/> kept up to date. A decorator rather than a subclass, so the
/// backplane's manager is not replaced by the tracking one (the last registration wins).
/// </summary>
public sealed class TrackingHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly HubLifetimeManager<THub> _inner;
    private readonly ConnectionRegistry _registry;

    public TrackingHubLifetimeManager(IServiceProvider services, ConnectionRegistry registry, LifetimeManagerChoice? choice = null)
    {
        _registry = registry;
        _inner = choice?.Redis == true
            ? ActivatorUtilities.CreateInstance<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisHubLifetimeManager<THub>>(services)
            : ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<THub>>(services);
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        _registry.Add(connection);
        await _inner.OnConnectedAsync(connection);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _registry.Remove(connection);
        await _inner.OnDisconnectedAsync(connection);
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendAllAsync(methodName, args, cancellationToken);
    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => _inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);
    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);
    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendGroupAsync(groupName, methodName, args, cancellationToken);
    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);
    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => _inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);
    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendUserAsync(userId, methodName, args, cancellationToken);
    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendUsersAsync(userIds, methodName, args, cancellationToken);
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => _inner.AddToGroupAsync(connectionId, groupName, cancellationToken);
    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) => _inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);
    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => _inner.SetConnectionResultAsync(connectionId, result);
    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) => _inner.TryGetReturnType(invocationId, out type);
}
