namespace ChatGateway.Domain;

/// <summary>Something to do once the operation that produced it has finished (EventHub delivers them in order).</summary>
public abstract record GatewayEvent;

/// <summary>A chat hub event to the conversation's group (but <c>Except</c>).</summary>
public sealed record ChatEvent(string ConversationId, string Name, object? Payload, string? Except = null) : GatewayEvent;

/// <summary>
/// A chat hub event to every chat hub connection of one user, joined to a conversation or not
/// (<c>Clients.User</c>): the <c>error</c> a message's author gets when the bot's reply failed.
/// </summary>
public sealed record ChatUserEvent(string UserId, string Name, object Payload) : GatewayEvent;

/// <summary>A notification hub event to every connection of each user.</summary>
public sealed record NotifyEvent(IReadOnlyList<string> UserIds, string Name, object Payload) : GatewayEvent;

/// <summary><c>presenceChanged</c> to the subscribers of one participant.</summary>
public sealed record PresenceEvent(string ParticipantId, object Payload) : GatewayEvent;

/// <summary>An event to one notification hub connection.</summary>
public sealed record CallerEvent(string ConnectionId, string Name, object Payload) : GatewayEvent;

/// <summary>A chat connection joins a conversation's group (after the membership check, in order with the rest).</summary>
public sealed record JoinGroupEvent(string ConnectionId, string ConversationId) : GatewayEvent;

/// <summary>A participant is no longer a member: every chat connection of theirs leaves the conversation's group.</summary>
public sealed record LeaveGroupEvent(string ParticipantId, string ConversationId) : GatewayEvent;

/// <summary>A user's message was stored and announced (the echo bot listens).</summary>
public sealed record UserMessageEvent(Message Message) : GatewayEvent;
