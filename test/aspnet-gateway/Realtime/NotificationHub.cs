using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ChatGateway.Domain;

namespace ChatGateway.Realtime;

/// <summary><c>/hubs/notifications</c>: online while connected; presence subscriptions (≤ 200 ids a call).</summary>
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

    public async Task SubscribeToPresence(string[] ids)
    {
        var unique = Ids(ids);
        foreach (var id in unique) await Groups.AddToGroupAsync(Context.ConnectionId, EventHub.PresenceGroup(id));
        var connectionId = Context.ConnectionId;
        await events.Run(s => s.Outbox.Add(new CallerEvent(connectionId, "presenceState", s.PresenceOf(unique))));
    }

    public async Task UnsubscribeFromPresence(string[] ids)
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
