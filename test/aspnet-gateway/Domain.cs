using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatGateway;

/// <summary>A failure of a gateway operation: ProblemDetails over REST, an ack or HubException on the hubs.</summary>
public sealed class GatewayException(int status, string detail, Dictionary<string, string[]>? errors = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Detail { get; } = detail;
    public Dictionary<string, string[]>? Errors { get; } = errors;

    public string Code => Status switch
    {
        400 => "VALIDATION_ERROR",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        413 => "PAYLOAD_TOO_LARGE",
        _ => "SERVER_ERROR",
    };

    public static GatewayException BadRequest(string detail, Dictionary<string, string[]>? errors = null) => new(400, detail, errors ?? new());
    public static GatewayException Forbidden(string detail) => new(403, detail);
    public static GatewayException NotFound(string detail) => new(404, detail);
    public static GatewayException Conflict(string detail) => new(409, detail);
}

// ------------------------------------------------------------------ events

/// <summary>Something to send once the operation that produced it has finished.</summary>
public abstract record GatewayEvent;
/// <summary>A chat hub event to the conversation's group (but <c>Except</c>).</summary>
public sealed record ChatEvent(string ConversationId, string Name, object? Payload, string? Except = null) : GatewayEvent;
/// <summary>A notification hub event to every connection of each user.</summary>
public sealed record NotifyEvent(IReadOnlyList<string> UserIds, string Name, object? Payload) : GatewayEvent;
/// <summary>`presenceChanged` to the subscribers of one participant.</summary>
public sealed record PresenceEvent(string ParticipantId, object? Payload) : GatewayEvent;
/// <summary>An event to one notification hub connection.</summary>
public sealed record CallerEvent(string ConnectionId, string Name, object? Payload) : GatewayEvent;
/// <summary>A user's message was stored and announced (the echo bot listens).</summary>
public sealed record UserMessageEvent(Message Message) : GatewayEvent;

// ------------------------------------------------------------------ stored state (serializable for restarts)

public sealed class Participant
{
    public string Id { get; set; } = "";
    public string UniqueName { get; set; } = "";
    public string FullName { get; set; } = "";
    public JsonElement? Avatar { get; set; }
    public string? Gender { get; set; }
    public bool IsBot { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
    public string? LastSeenAt { get; set; }
}

public sealed class Member
{
    public string ParticipantId { get; set; } = "";
    public string JoinedAt { get; set; } = "";
    public string? LeftAt { get; set; }
    public bool IsActive { get; set; }
    public bool IsPinned { get; set; }
    public string? PinnedAt { get; set; }
    public string? LastReadMessageId { get; set; }
    public string? LastReadAt { get; set; }
    public int UnreadCount { get; set; }
    public long HistoryFromMs { get; set; }
}

public sealed class Conversation
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Name { get; set; }
    public JsonElement? Avatar { get; set; }
    public string OwnerId { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
    public string? LastMessageAt { get; set; }
    public string? LastMessageId { get; set; }
    public List<Member> Members { get; set; } = [];
    /// <summary>Sorted by id (ULIDs: creation order).</summary>
    public List<Message> Messages { get; set; } = [];

    public Member? MemberOf(string id) => Members.Find(m => m.ParticipantId == id);
    public List<string> ActiveIds() => Members.Where(m => m.IsActive).Select(m => m.ParticipantId).ToList();
}

public sealed class Reaction
{
    public string Emoji { get; set; } = "";
    public List<string> ParticipantIds { get; set; } = [];
}

public sealed class SystemEvent
{
    public string Type { get; set; } = "";
    public string? ActorId { get; set; }
    public List<string> TargetIds { get; set; } = [];
    public JsonElement? Metadata { get; set; }
    public string? ActorName { get; set; }
    public List<string> TargetNames { get; set; } = [];
}

public sealed class Message
{
    public string Id { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public string SenderId { get; set; } = "";
    public string SenderType { get; set; } = "User";
    public JsonElement Blocks { get; set; }
    public string? PlainText { get; set; }
    public string? ReplyToMessageId { get; set; }
    public JsonElement? QuickReplies { get; set; }
    public JsonElement? Mentions { get; set; }
    public string? ClientMessageId { get; set; }
    public bool IsEdited { get; set; }
    public string? EditedAt { get; set; }
    public bool IsDeleted { get; set; }
    public string? DeletedAt { get; set; }
    public long? DeletedMs { get; set; }
    public string CreatedAt { get; set; } = "";
    public long CreatedMs { get; set; }
    public string UpdatedAt { get; set; } = "";
    public List<Reaction> Reactions { get; set; } = [];
    public SystemEvent? SystemEvent { get; set; }
}

/// <summary>What a new message carries, from REST or the hub.</summary>
public sealed record NewMessage(JsonElement Blocks, string? ReplyToMessageId, JsonElement? QuickReplies, JsonElement? Mentions, string? ClientMessageId);

/// <summary>The whole store, as written to the state file on shutdown and read back on start.</summary>
public sealed class StoreSnapshot
{
    public List<Participant> Participants { get; set; } = [];
    public List<Conversation> Conversations { get; set; } = [];
    public Dictionary<string, string> ClientIds { get; set; } = [];
    public int TokenGeneration { get; set; } = 1;
}

// ------------------------------------------------------------------ the domain

/// <summary>
/// The Chat Gateway's domain in memory — a port of the embedded gateway's `ChatService`
/// (src/gateway/chat-service.ts) with the same rules and payload shapes. Not thread-safe by
/// itself: <see cref="EventHub"/> runs every operation under one lock and then sends the
/// events the operation left in <see cref="Outbox"/>.
/// </summary>
public sealed partial class ChatStore
{
    private const int MaxPage = 100;
    private const long RecoverWindowMs = 10 * 60 * 1000;

    private readonly Dictionary<string, Participant> _participants = [];
    private readonly Dictionary<string, Conversation> _conversations = [];
    private readonly Dictionary<string, Message> _messages = [];
    private readonly Dictionary<string, string> _clientIds = [];
    private readonly Dictionary<string, int> _online = [];
    private readonly UlidFactory _ulids = new();

    /// <summary>Events of the running operation.</summary>
    public List<GatewayEvent> Outbox { get; } = [];

    public string NewId() => _ulids.Next(Iso.NowMs());

    private void Chat(string conversationId, string name, object? payload, string? except = null) => Outbox.Add(new ChatEvent(conversationId, name, payload, except));
    private void Notify(IEnumerable<string> users, string name, object? payload) => Outbox.Add(new NotifyEvent(users.ToList(), name, payload));

    // ---------------------------------------------------------------- snapshot

    public StoreSnapshot Snapshot(int generation) => new()
    {
        Participants = [.. _participants.Values],
        Conversations = [.. _conversations.Values],
        ClientIds = new(_clientIds),
        TokenGeneration = generation,
    };

    public void Restore(StoreSnapshot snapshot)
    {
        foreach (var p in snapshot.Participants) _participants[p.Id] = p;
        foreach (var c in snapshot.Conversations)
        {
            _conversations[c.Id] = c;
            foreach (var m in c.Messages) _messages[m.Id] = m;
        }
        foreach (var (k, v) in snapshot.ClientIds) _clientIds[k] = v;
    }

    // ---------------------------------------------------------------- participants

    public Obj UpsertParticipant(string? id, string? uniqueName, string? fullName, JsonElement? avatar, string? gender, bool isBot = false)
    {
        RequireText("id", id);
        RequireText("uniqueName", uniqueName);
        RequireText("fullName", fullName);
        var byName = FindByUniqueName(uniqueName!);
        if (byName is not null && byName.Id != id) throw GatewayException.Conflict($"The unique name '{uniqueName}' is already taken.");
        var now = Iso.Now();
        _participants.TryGetValue(id!, out var existing);
        var record = new Participant
        {
            Id = id!,
            UniqueName = uniqueName!,
            FullName = fullName!,
            IsBot = existing?.IsBot ?? isBot,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
            LastSeenAt = existing?.LastSeenAt,
            Avatar = avatar ?? existing?.Avatar,
            Gender = gender ?? existing?.Gender,
        };
        _participants[record.Id] = record;
        return ParticipantDto(record);
    }

    public bool HasParticipant(string id) => _participants.ContainsKey(id);
    public Participant? Participant(string id) => _participants.GetValueOrDefault(id);

    public Obj GetParticipant(string id) =>
        _participants.TryGetValue(id, out var p) ? ParticipantDto(p) : throw GatewayException.NotFound($"Participant '{id}' was not found.");

    public Obj GetParticipantByUniqueName(string name) =>
        FindByUniqueName(name) is { } p ? ParticipantDto(p) : throw GatewayException.NotFound($"Participant '{name}' was not found.");

    public List<Obj> GetParticipantBatch(IEnumerable<string> ids) =>
        ids.Distinct().Where(_participants.ContainsKey).Select(id => ParticipantDto(_participants[id])).ToList();

    private Participant? FindByUniqueName(string name) => _participants.Values.FirstOrDefault(p => p.UniqueName == name);

    private string DisplayName(string id) => _participants.TryGetValue(id, out var p) ? p.FullName : id;

    // ---------------------------------------------------------------- presence

    public bool IsOnline(string id) => _online.GetValueOrDefault(id) > 0;

    public void ConnectionOpened(string id)
    {
        var count = _online.GetValueOrDefault(id) + 1;
        _online[id] = count;
        if (count != 1) return;
        if (_participants.TryGetValue(id, out var p)) p.LastSeenAt = null;
        Outbox.Add(new PresenceEvent(id, new Obj().Put("participantId", id).Put("isOnline", true).Put("lastSeenAt", null)));
    }

    public void ConnectionClosed(string id)
    {
        var count = _online.GetValueOrDefault(id) - 1;
        if (count > 0) { _online[id] = count; return; }
        _online.Remove(id);
        var lastSeenAt = Iso.Now();
        if (_participants.TryGetValue(id, out var p)) p.LastSeenAt = lastSeenAt;
        Outbox.Add(new PresenceEvent(id, new Obj().Put("participantId", id).Put("isOnline", false).Put("lastSeenAt", lastSeenAt)));
    }

    public List<Obj> PresenceOf(IEnumerable<string> ids) => ids.Select(id =>
    {
        var online = IsOnline(id);
        return new Obj().Put("participantId", id).Put("isOnline", online).Put("lastSeenAt", online ? null : _participants.GetValueOrDefault(id)?.LastSeenAt);
    }).ToList();

    // ---------------------------------------------------------------- conversations

    public Obj ListConversations(string userId, int? limit, string? cursor)
    {
        var size = PageSize(limit, 20);
        var rows = _conversations.Values
            .Select(c => (c, m: c.MemberOf(userId)))
            .Where(r => r.m?.IsActive == true)
            .Select(r => (r.c, m: r.m!))
            .ToList();
        rows.Sort(CompareListRows);
        var start = 0;
        if (cursor is not null)
        {
            var (_, id) = ParseCursor(cursor);
            var index = rows.FindIndex(r => r.c.Id == id);
            if (index < 0) throw GatewayException.BadRequest("The cursor does not point into this list.", new() { ["cursor"] = ["Unknown cursor."] });
            start = index + 1;
        }
        var slice = rows.Skip(start).Take(size).ToList();
        var hasMore = start + size < rows.Count;
        string? next = null;
        if (hasMore && slice.Count > 0)
        {
            var last = slice[^1].c;
            next = $"{IsoMs(last.LastMessageAt ?? last.CreatedAt)}_{last.Id}";
        }
        return new Obj().Put("items", slice.Select(r => ListItem(r.c, r.m)).ToList()).Put("hasMore", hasMore).Put("nextCursor", next);
    }

    public (Obj Conversation, bool Created) CreateConversation(string userId, string type, List<string> participantIds, string? name, JsonElement? avatar)
    {
        var others = participantIds.Where(id => id != userId).Distinct().ToList();
        foreach (var id in others)
            if (!_participants.ContainsKey(id)) throw GatewayException.BadRequest($"Participant '{id}' was not found.", new() { ["participantIds"] = [$"Unknown participant '{id}'."] });
        if (type == "OneToOne")
        {
            if (others.Count != 1) throw GatewayException.BadRequest("A one-to-one conversation needs exactly one other participant.", new() { ["participantIds"] = ["Exactly one other participant is required."] });
            var existing = FindOneToOneRecord(userId, others[0]);
            if (existing is not null) return (ConversationDto(existing), false);
        }
        if (type == "Self")
        {
            if (others.Count > 0) throw GatewayException.BadRequest("A self conversation has no other participants.", new() { ["participantIds"] = ["Must be empty for a Self conversation."] });
            var existing = _conversations.Values.FirstOrDefault(c => c.Type == "Self" && c.OwnerId == userId);
            if (existing is not null) return (ConversationDto(existing), false);
        }
        var now = Iso.Now();
        var conversation = new Conversation
        {
            Id = NewId(),
            Type = type,
            OwnerId = userId,
            CreatedAt = now,
            UpdatedAt = now,
            Name = type == "Group" ? name : null,
            Avatar = avatar,
        };
        foreach (var id in others.Prepend(userId)) conversation.Members.Add(NewMember(id, 0));
        _conversations[conversation.Id] = conversation;
        Notify(conversation.ActiveIds(), "conversationCreated", CreatedDto(conversation));
        return (ConversationDto(conversation), true);
    }

    public List<Obj> SearchConversations(string userId, string query, int? limit)
    {
        var needle = query.Trim().ToLowerInvariant();
        if (needle == "") throw GatewayException.BadRequest("The search query must not be empty.", new() { ["q"] = ["The q field is required."] });
        var size = PageSize(limit, 20);
        var output = new List<Obj>();
        foreach (var c in _conversations.Values)
        {
            var member = c.MemberOf(userId);
            if (member?.IsActive != true) continue;
            var names = new List<string> { c.Name ?? "" };
            foreach (var m in c.Members)
                if (_participants.TryGetValue(m.ParticipantId, out var p)) { names.Add(p.FullName); names.Add(p.UniqueName); }
            if (names.Any(n => n.ToLowerInvariant().Contains(needle))) output.Add(ListItem(c, member));
            if (output.Count >= size) break;
        }
        return output;
    }

    public Obj GetConversation(string userId, string id) => ConversationDto(MemberConversation(userId, id, false));

    public Obj UpdateConversation(string userId, string id, string? name, JsonElement? avatar, bool avatarNull)
    {
        var c = MemberConversation(userId, id, true);
        if (c.Type != "Group") throw GatewayException.BadRequest("Only group conversations can be updated.");
        var renamed = name is not null && name != c.Name;
        if (name is not null) c.Name = name;
        if (avatarNull) c.Avatar = null;
        else if (avatar is not null) c.Avatar = avatar;
        c.UpdatedAt = Iso.Now();
        Notify(c.ActiveIds(), "conversationUpdated", new Obj()
            .Put("conversationId", c.Id).Put("type", c.Type).Put("participantCount", c.ActiveIds().Count).Opt("name", c.Name).Put("avatar", c.Avatar));
        if (renamed) SystemMessage(c, userId, "ConversationRenamed", [], JsonSerializer.SerializeToElement(new Obj().Put("name", c.Name ?? "")));
        return ConversationDto(c);
    }

    public void LeaveConversation(string userId, string id)
    {
        var c = MemberConversation(userId, id, true);
        var member = c.MemberOf(userId)!;
        member.IsActive = false;
        member.LeftAt = Iso.Now();
        Notify(c.ActiveIds().Append(userId), "participantLeft", ParticipantChange(c, userId, member.LeftAt));
        SystemMessage(c, null, "MemberLeft", [userId]);
    }

    public Obj? FindOneToOne(string userId, string otherId) => FindOneToOneRecord(userId, otherId) is { } c ? ConversationDto(c) : null;

    private Conversation? FindOneToOneRecord(string userId, string otherId) =>
        _conversations.Values.FirstOrDefault(c => c.Type == "OneToOne" && c.MemberOf(userId) is not null && c.MemberOf(otherId) is not null);

    public void AddParticipant(string userId, string id, string participantId, bool canViewHistory)
    {
        var c = MemberConversation(userId, id, true);
        if (c.Type != "Group") throw GatewayException.BadRequest("Participants can only be added to group conversations.");
        if (!_participants.ContainsKey(participantId)) throw GatewayException.NotFound($"Participant '{participantId}' was not found.");
        var existing = c.MemberOf(participantId);
        if (existing?.IsActive == true) throw GatewayException.Conflict($"Participant '{participantId}' is already in this conversation.");
        var member = NewMember(participantId, canViewHistory ? 0 : Iso.NowMs());
        if (existing is not null) c.Members[c.Members.IndexOf(existing)] = member;
        else c.Members.Add(member);
        Notify([participantId], "conversationCreated", CreatedDto(c));
        Notify(c.ActiveIds().Where(m => m != participantId), "participantJoined", ParticipantChange(c, participantId, member.JoinedAt));
        SystemMessage(c, userId, "MemberAdded", [participantId]);
    }

    public void RemoveParticipant(string userId, string id, string participantId)
    {
        var c = MemberConversation(userId, id, true);
        if (c.Type != "Group") throw GatewayException.BadRequest("Participants can only be removed from group conversations.");
        if (userId != c.OwnerId && userId != participantId) throw GatewayException.Forbidden("Only the owner can remove participants.");
        var member = c.MemberOf(participantId);
        if (member?.IsActive != true) throw GatewayException.NotFound($"Participant '{participantId}' is not in this conversation.");
        member.IsActive = false;
        member.LeftAt = Iso.Now();
        Notify(c.ActiveIds().Append(participantId), "participantLeft", ParticipantChange(c, participantId, member.LeftAt));
        SystemMessage(c, userId, "MemberRemoved", [participantId]);
    }

    public List<Obj> GetConversationParticipants(string userId, string id) => MemberConversation(userId, id, false).Members.Select(MemberDto).ToList();

    public void SetPinned(string userId, string id, bool pinned)
    {
        var c = MemberConversation(userId, id, true);
        var member = c.MemberOf(userId)!;
        member.IsPinned = pinned;
        member.PinnedAt = pinned ? Iso.Now() : null;
        if (pinned) Notify([userId], "conversationPinned", new Obj().Put("conversationId", c.Id).Put("pinnedAt", member.PinnedAt));
        else Notify([userId], "conversationUnpinned", new Obj().Put("conversationId", c.Id));
    }

    public void MarkAsRead(string userId, string id, string messageId)
    {
        var c = MemberConversation(userId, id, true);
        if (!_messages.TryGetValue(messageId, out var message) || message.ConversationId != c.Id)
            throw GatewayException.NotFound($"Message '{messageId}' was not found in this conversation.");
        var member = c.MemberOf(userId)!;
        var readAt = Iso.Now();
        if (member.LastReadMessageId is null || string.CompareOrdinal(member.LastReadMessageId, messageId) < 0)
        {
            member.LastReadMessageId = messageId;
            member.LastReadAt = readAt;
        }
        member.UnreadCount = c.Messages.Count(m =>
            string.CompareOrdinal(m.Id, member.LastReadMessageId ?? "") > 0 && m.SenderId != userId && m.CreatedMs >= member.HistoryFromMs);
        Notify([userId], "readStatusChanged", new Obj()
            .Put("conversationId", c.Id).Put("lastReadMessageId", member.LastReadMessageId ?? messageId).Put("unreadCount", member.UnreadCount).Put("markedAsUnread", false));
        Chat(c.Id, "readReceiptUpdated", new Obj()
            .Put("conversationId", c.Id).Put("participantId", userId).Put("lastReadMessageId", member.LastReadMessageId ?? messageId).Put("readAt", readAt));
    }

    public void MarkAsUnread(string userId, string id)
    {
        var c = MemberConversation(userId, id, true);
        var member = c.MemberOf(userId)!;
        member.UnreadCount = Math.Max(1, member.UnreadCount);
        Notify([userId], "readStatusChanged", new Obj()
            .Put("conversationId", c.Id).Put("unreadCount", member.UnreadCount).Put("markedAsUnread", true).Opt("lastReadMessageId", member.LastReadMessageId));
    }

    public bool IsActiveMember(string userId, string conversationId) =>
        _conversations.TryGetValue(conversationId, out var c) && c.MemberOf(userId)?.IsActive == true;

    // ---------------------------------------------------------------- messages

    /// <summary>Stores and announces a message; a repeated clientMessageId from the same sender returns the first one.</summary>
    public (Message Message, bool Created) SendMessage(string userId, string conversationId, NewMessage request)
    {
        var c = MemberConversation(userId, conversationId, true);
        ValidateNewMessage(request);
        if (request.ClientMessageId is not null
            && _clientIds.TryGetValue($"{c.Id}\u0000{userId}\u0000{request.ClientMessageId}", out var previous)
            && _messages.TryGetValue(previous, out var found))
            return (found, false);
        if (request.ReplyToMessageId is not null)
        {
            if (!_messages.TryGetValue(request.ReplyToMessageId, out var target) || target.ConversationId != c.Id)
                throw GatewayException.BadRequest($"Message '{request.ReplyToMessageId}' to reply to was not found.", new() { ["replyToMessageId"] = ["Unknown message."] });
        }
        var sender = _participants.GetValueOrDefault(userId);
        var message = StoreMessage(c, new Message
        {
            SenderId = userId,
            SenderType = sender?.IsBot == true ? "Bot" : "User",
            Blocks = request.Blocks,
            ReplyToMessageId = request.ReplyToMessageId,
            QuickReplies = request.QuickReplies,
            Mentions = request.Mentions,
            ClientMessageId = request.ClientMessageId,
        });
        Chat(c.Id, "messageReceived", ChatMessageDto(message));
        if (message.SenderType == "User") Outbox.Add(new UserMessageEvent(message));
        return (message, true);
    }

    /// <summary>A bot's finished streamed reply under its pre-allocated id (no messageReceived: streamCompleted carries it).</summary>
    public Message StoreStreamedMessage(string botId, string conversationId, string messageId, string text, string? replyTo)
    {
        if (!_conversations.TryGetValue(conversationId, out var c)) throw GatewayException.NotFound($"Conversation '{conversationId}' was not found.");
        return StoreMessage(c, new Message { Id = messageId, SenderId = botId, SenderType = "Bot", Blocks = Blocks.Text(text), ReplyToMessageId = replyTo });
    }

    private Message StoreMessage(Conversation c, Message message)
    {
        var nowMs = Iso.NowMs();
        message.Id = message.Id != "" && !_messages.ContainsKey(message.Id) ? message.Id : NewId();
        message.ConversationId = c.Id;
        var text = Blocks.PlainTextOf(message.Blocks);
        message.PlainText = text == "" ? null : text;
        message.CreatedAt = Iso.Of(nowMs);
        message.CreatedMs = nowMs;
        message.UpdatedAt = message.CreatedAt;
        var at = UpperBound(c.Messages, message.Id);
        c.Messages.Insert(at, message);
        _messages[message.Id] = message;
        if (message.ClientMessageId is not null) _clientIds[$"{c.Id}\u0000{message.SenderId}\u0000{message.ClientMessageId}"] = message.Id;
        if (c.LastMessageId is null || string.CompareOrdinal(message.Id, c.LastMessageId) > 0)
        {
            c.LastMessageAt = message.CreatedAt;
            c.LastMessageId = message.Id;
        }
        c.UpdatedAt = message.CreatedAt;
        var others = c.ActiveIds().Where(m => m != message.SenderId).ToList();
        foreach (var memberId in others)
        {
            var member = c.MemberOf(memberId)!;
            member.UnreadCount += 1;
            Notify([memberId], "unreadCountChanged", new Obj()
                .Put("conversationId", c.Id).Put("unreadCount", member.UnreadCount).Put("lastMessageAt", message.CreatedAt).Put("lastMessageId", message.Id));
        }
        var sender = _participants.GetValueOrDefault(message.SenderId);
        var plain = message.PlainText ?? "";
        var preview = plain.Length > 100 ? plain[..100] : plain;
        Notify(others, "newMessageNotification", new Obj()
            .Put("conversationId", c.Id).Put("conversationType", c.Type).Put("messageId", message.Id).Put("senderId", message.SenderId)
            .Put("senderName", DisplayName(message.SenderId)).Put("contentPreview", preview).Put("sentAt", message.CreatedAt)
            .Opt("conversationName", c.Name).Opt("senderAvatar", sender?.Avatar));
        var mentioned = new List<string>();
        if (message.Mentions is { ValueKind: JsonValueKind.Array } mentions)
        {
            foreach (var mention in mentions.EnumerateArray())
            {
                var type = mention.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var target = mention.TryGetProperty("targetId", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
                if (type == "User" && target is not null && target != message.SenderId && !mentioned.Contains(target)) mentioned.Add(target);
                if (type is "All" or "Here") foreach (var m in others) if (!mentioned.Contains(m)) mentioned.Add(m);
            }
        }
        var mentionedMembers = mentioned.Where(m => c.MemberOf(m)?.IsActive == true).ToList();
        if (mentionedMembers.Count > 0)
        {
            Notify(mentionedMembers, "mentionedNotification", new Obj()
                .Put("conversationId", c.Id).Put("messageId", message.Id).Put("senderId", message.SenderId)
                .Put("senderName", DisplayName(message.SenderId)).Put("contentPreview", preview).Put("sentAt", message.CreatedAt));
        }
        return message;
    }

    private void SystemMessage(Conversation c, string? actorId, string type, List<string> targetIds, JsonElement? metadata = null)
    {
        var systemEvent = new SystemEvent
        {
            Type = type,
            ActorId = actorId,
            TargetIds = targetIds,
            Metadata = metadata,
            ActorName = actorId is null ? null : DisplayName(actorId),
            TargetNames = targetIds.Select(DisplayName).ToList(),
        };
        var message = StoreMessage(c, new Message { SenderId = actorId ?? "system", SenderType = "System", Blocks = Blocks.EmptyArray(), SystemEvent = systemEvent });
        Chat(c.Id, "messageReceived", ChatMessageDto(message));
    }

    /// <summary>`older` (default) walks back from the cursor, newest first; `newer` forward, oldest first.</summary>
    public Obj GetHistory(string userId, string conversationId, int? limit, string? cursor, string? direction)
    {
        var c = MemberConversation(userId, conversationId, true);
        var member = c.MemberOf(userId)!;
        var size = PageSize(limit, 50);
        var list = c.Messages;
        var from = cursor is not null ? ParseCursor(cursor).Id : null;
        var picked = new List<Message>();
        var hasMore = false;
        if ((direction ?? "older") == "older")
        {
            for (var i = from is null ? list.Count - 1 : LowerBound(list, from) - 1; i >= 0; i--)
            {
                var m = list[i];
                if (m.CreatedMs < member.HistoryFromMs) break;
                if (picked.Count == size) { hasMore = true; break; }
                picked.Add(m);
            }
        }
        else
        {
            for (var i = from is null ? 0 : UpperBound(list, from); i < list.Count; i++)
            {
                var m = list[i];
                if (m.CreatedMs < member.HistoryFromMs) continue;
                if (picked.Count == size) { hasMore = true; break; }
                picked.Add(m);
            }
        }
        var last = picked.Count > 0 ? picked[^1] : null;
        return new Obj()
            .Put("items", picked.Select(MessageDto).ToList())
            .Put("hasMore", hasMore)
            .Put("nextCursor", hasMore && last is not null ? $"{last.CreatedMs}_{last.Id}" : null);
    }

    public List<Obj> SearchMessages(string userId, string conversationId, string query, int? limit)
    {
        var c = MemberConversation(userId, conversationId, true);
        var member = c.MemberOf(userId)!;
        var needle = query.Trim().ToLowerInvariant();
        if (needle == "") throw GatewayException.BadRequest("The search query must not be empty.", new() { ["q"] = ["The q field is required."] });
        var size = PageSize(limit, 20);
        var output = new List<Obj>();
        for (var i = c.Messages.Count - 1; i >= 0 && output.Count < size; i--)
        {
            var m = c.Messages[i];
            if (m.IsDeleted || m.CreatedMs < member.HistoryFromMs) continue;
            if ((m.PlainText ?? "").ToLowerInvariant().Contains(needle)) output.Add(MessageDto(m));
        }
        return output;
    }

    public Obj GetMessage(string userId, string messageId) => MessageDto(VisibleMessage(userId, messageId));

    public Message? StoredMessage(string messageId) => _messages.GetValueOrDefault(messageId);

    public Message EditMessage(string userId, string messageId, JsonElement blocks, JsonElement? mentions)
    {
        var m = VisibleMessage(userId, messageId);
        if (m.SenderId != userId) throw GatewayException.Forbidden("Only the sender can edit a message.");
        if (m.IsDeleted) throw GatewayException.BadRequest("A deleted message cannot be edited.");
        if (Blocks.Count(blocks) == 0) throw GatewayException.BadRequest("A message needs at least one block.", new() { ["blocks"] = ["At least one block is required."] });
        var now = Iso.Now();
        m.Blocks = blocks;
        var text = Blocks.PlainTextOf(blocks);
        m.PlainText = text == "" ? null : text;
        if (mentions is not null) m.Mentions = mentions;
        m.IsEdited = true;
        m.EditedAt = now;
        m.UpdatedAt = now;
        Chat(m.ConversationId, "messageUpdated", new Obj()
            .Put("messageId", m.Id).Put("conversationId", m.ConversationId).Put("blocks", m.Blocks).Put("plainTextContent", m.PlainText)
            .Put("updatedAt", now).Opt("mentions", m.Mentions));
        return m;
    }

    public Obj DeleteMessage(string userId, string messageId)
    {
        var m = VisibleMessage(userId, messageId);
        if (m.SenderId != userId) throw GatewayException.Forbidden("Only the sender can delete a message.");
        if (m.IsDeleted) throw GatewayException.Conflict("The message is already deleted.");
        var nowMs = Iso.NowMs();
        var deletedAt = Iso.Of(nowMs);
        m.IsDeleted = true;
        m.DeletedAt = deletedAt;
        m.DeletedMs = nowMs;
        m.UpdatedAt = deletedAt;
        Chat(m.ConversationId, "messageDeleted", new Obj()
            .Put("messageId", m.Id).Put("conversationId", m.ConversationId).Put("deleteType", "recall").Put("deletedBy", userId).Put("deletedAt", deletedAt));
        return new Obj().Put("messageId", m.Id).Put("deletedAt", deletedAt);
    }

    public Message RecoverMessage(string userId, string messageId)
    {
        var m = VisibleMessage(userId, messageId);
        if (m.SenderId != userId) throw GatewayException.Forbidden("Only the sender can recover a message.");
        if (!m.IsDeleted) throw GatewayException.BadRequest("The message is not deleted.");
        if (Iso.NowMs() - (m.DeletedMs ?? 0) > RecoverWindowMs) throw GatewayException.BadRequest("A message can only be recovered within 10 minutes of its deletion.");
        m.IsDeleted = false;
        m.DeletedAt = null;
        m.DeletedMs = null;
        m.UpdatedAt = Iso.Now();
        Chat(m.ConversationId, "messageRecovered", ChatMessageDto(m));
        return m;
    }

    public void AddReaction(string userId, string messageId, string emoji)
    {
        var m = VisibleMessage(userId, messageId);
        RequireText("emoji", emoji);
        var group = m.Reactions.Find(r => r.Emoji == emoji);
        if (group?.ParticipantIds.Contains(userId) == true) throw GatewayException.Conflict($"You already reacted with {emoji}.");
        if (group is null) m.Reactions.Add(group = new Reaction { Emoji = emoji });
        group.ParticipantIds.Add(userId);
        Chat(m.ConversationId, "reactionAdded", new Obj()
            .Put("messageId", m.Id).Put("conversationId", m.ConversationId).Put("participantId", userId)
            .Put("participantName", DisplayName(userId)).Put("emoji", emoji).Put("createdAt", Iso.Now()));
    }

    public void RemoveReaction(string userId, string messageId, string emoji)
    {
        var m = VisibleMessage(userId, messageId);
        var group = m.Reactions.Find(r => r.Emoji == emoji);
        if (group is null || !group.ParticipantIds.Remove(userId)) throw GatewayException.NotFound($"You have not reacted with {emoji}.");
        if (group.ParticipantIds.Count == 0) m.Reactions.Remove(group);
        Chat(m.ConversationId, "reactionRemoved", new Obj()
            .Put("messageId", m.Id).Put("conversationId", m.ConversationId).Put("participantId", userId)
            .Put("participantName", DisplayName(userId)).Put("emoji", emoji).Put("removedAt", Iso.Now()));
    }

    public void Typing(string userId, string conversationId, bool started, string? exceptConnectionId)
    {
        var c = MemberConversation(userId, conversationId, true);
        Chat(c.Id, started ? "typingStarted" : "typingStopped",
            new Obj().Put("conversationId", c.Id).Put("participantId", userId).Put("participantName", DisplayName(userId)), exceptConnectionId);
    }

    // ---------------------------------------------------------------- mapping

    public Obj MessageDto(Message m)
    {
        var groups = m.Reactions.Select(r => new Obj().Put("emoji", r.Emoji).Put("count", r.ParticipantIds.Count).Put("participantIds", r.ParticipantIds.ToList())).ToList();
        Obj? systemEvent = null;
        if (m.SystemEvent is { } se)
            systemEvent = new Obj().Put("type", se.Type).Put("actorId", se.ActorId).Put("targetIds", se.TargetIds).Opt("metadata", se.Metadata);
        return new Obj()
            .Put("id", m.Id)
            .Put("conversationId", m.ConversationId)
            .Put("senderId", m.SenderId)
            .Put("senderType", m.SenderType)
            .Put("timestamp", m.CreatedAt)
            .Put("blocks", m.IsDeleted ? Blocks.EmptyArray() : m.Blocks)
            .Put("plainTextIndex", m.IsDeleted ? null : m.PlainText)
            .Put("replyToMessageId", m.ReplyToMessageId)
            .Put("quickReplies", m.QuickReplies)
            .Put("isEdited", m.IsEdited)
            .Put("editedAt", m.EditedAt)
            .Put("isDeleted", m.IsDeleted)
            .Put("deletedAt", m.DeletedAt)
            .Put("reactionSummary", groups.Count > 0 ? new Obj().Put("groups", groups).Put("totalCount", m.Reactions.Sum(r => r.ParticipantIds.Count)) : null)
            .Put("mentions", m.Mentions)
            .Put("createdAt", m.CreatedAt)
            .Put("updatedAt", m.UpdatedAt)
            .Put("clientMessageId", m.ClientMessageId)
            .Put("systemEvent", systemEvent);
    }

    public Obj ChatMessageDto(Message m)
    {
        var sender = _participants.GetValueOrDefault(m.SenderId);
        var reactions = m.Reactions.Select(r => new Obj().Put("emoji", r.Emoji).Put("count", r.ParticipantIds.Count).Put("participantIds", r.ParticipantIds.ToList())).ToList();
        Obj? systemEvent = null;
        if (m.SystemEvent is { } se)
            systemEvent = new Obj().Put("type", se.Type).Put("actorId", se.ActorId).Put("targetIds", se.TargetIds).Opt("metadata", se.Metadata)
                .Opt("actorName", se.ActorName).Put("targetNames", se.TargetNames);
        return new Obj()
            .Put("id", m.Id)
            .Put("conversationId", m.ConversationId)
            .Put("senderId", m.SenderId)
            .Put("senderName", m.SenderType == "System" && sender is null ? "System" : DisplayName(m.SenderId))
            .Put("senderType", m.SenderType)
            .Put("blocks", m.Blocks)
            .Put("plainTextContent", m.PlainText)
            .Put("replyToMessageId", m.ReplyToMessageId)
            .Put("quickReplies", m.QuickReplies)
            .Put("isEdited", m.IsEdited)
            .Put("reactions", reactions.Count > 0 ? reactions : null)
            .Put("mentions", m.Mentions)
            .Put("createdAt", m.CreatedAt)
            .Put("updatedAt", m.IsEdited ? m.UpdatedAt : null)
            .Put("clientMessageId", m.ClientMessageId)
            .Put("systemEvent", systemEvent)
            .Opt("senderAvatar", sender?.Avatar);
    }

    private Obj ParticipantDto(Participant p)
    {
        var online = IsOnline(p.Id);
        return new Obj()
            .Put("id", p.Id).Put("uniqueName", p.UniqueName).Put("fullName", p.FullName).Put("isBot", p.IsBot)
            .Put("isOnline", online).Put("lastSeenAt", online ? null : p.LastSeenAt).Put("createdAt", p.CreatedAt).Put("updatedAt", p.UpdatedAt)
            .Opt("avatar", p.Avatar).Opt("gender", p.Gender);
    }

    private Obj ConversationDto(Conversation c) => new Obj()
        .Put("id", c.Id).Put("type", c.Type).Put("ownerId", c.OwnerId).Put("lastMessageAt", c.LastMessageAt).Put("lastMessageId", c.LastMessageId)
        .Put("createdAt", c.CreatedAt).Put("updatedAt", c.UpdatedAt).Put("participants", c.Members.Select(MemberDto).ToList())
        .Opt("name", c.Name).Opt("avatar", c.Avatar);

    private Obj ListItem(Conversation c, Member member)
    {
        var last = c.LastMessageId is not null ? _messages.GetValueOrDefault(c.LastMessageId) : null;
        return new Obj()
            .Put("id", c.Id).Put("type", c.Type).Put("lastMessageAt", c.LastMessageAt).Put("lastMessageId", c.LastMessageId)
            .Put("lastMessage", last is null ? null : MessageDto(last)).Put("isPinned", member.IsPinned).Put("pinnedAt", member.PinnedAt)
            .Put("unreadCount", member.UnreadCount).Put("participantCount", c.ActiveIds().Count).Opt("name", c.Name).Opt("avatar", c.Avatar);
    }

    private Obj CreatedDto(Conversation c) => new Obj()
        .Put("conversationId", c.Id).Put("type", c.Type).Put("participantCount", c.ActiveIds().Count).Opt("name", c.Name).Opt("avatar", c.Avatar);

    private Obj ParticipantChange(Conversation c, string participantId, string changedAt) => new Obj()
        .Put("conversationId", c.Id).Put("participantId", participantId).Put("participantName", DisplayName(participantId)).Put("changedAt", changedAt)
        .Opt("participantAvatar", _participants.GetValueOrDefault(participantId)?.Avatar);

    private static Obj MemberDto(Member m) => new Obj()
        .Put("participantId", m.ParticipantId).Put("joinedAt", m.JoinedAt).Put("leftAt", m.LeftAt).Put("isActive", m.IsActive)
        .Put("isPinned", m.IsPinned).Put("pinnedAt", m.PinnedAt).Put("lastReadMessageId", m.LastReadMessageId)
        .Put("lastReadAt", m.LastReadAt).Put("unreadCount", m.UnreadCount);

    // ---------------------------------------------------------------- helpers

    private static Member NewMember(string id, long historyFromMs) => new()
    {
        ParticipantId = id,
        JoinedAt = Iso.Now(),
        IsActive = true,
        HistoryFromMs = historyFromMs,
    };

    private Conversation MemberConversation(string userId, string id, bool mustBeActive)
    {
        if (!_conversations.TryGetValue(id, out var c)) throw GatewayException.NotFound($"Conversation '{id}' was not found.");
        var member = c.MemberOf(userId);
        if (member is null || (mustBeActive && !member.IsActive)) throw GatewayException.Forbidden("You are not a participant of this conversation.");
        return c;
    }

    private Message VisibleMessage(string userId, string messageId)
    {
        if (!_messages.TryGetValue(messageId, out var m)) throw GatewayException.NotFound($"Message '{messageId}' was not found.");
        var c = MemberConversation(userId, m.ConversationId, true);
        if (m.CreatedMs < c.MemberOf(userId)!.HistoryFromMs) throw GatewayException.NotFound($"Message '{messageId}' was not found.");
        return m;
    }

    private static int CompareListRows((Conversation c, Member m) a, (Conversation c, Member m) b)
    {
        if (a.m.IsPinned != b.m.IsPinned) return a.m.IsPinned ? -1 : 1;
        if (a.m.IsPinned && b.m.IsPinned && a.m.PinnedAt != b.m.PinnedAt) return string.CompareOrdinal(b.m.PinnedAt ?? "", a.m.PinnedAt ?? "") < 0 ? -1 : 1;
        var at = a.c.LastMessageAt ?? a.c.CreatedAt;
        var bt = b.c.LastMessageAt ?? b.c.CreatedAt;
        if (at != bt) return string.CompareOrdinal(bt, at) < 0 ? -1 : 1;
        return -string.CompareOrdinal(a.c.Id, b.c.Id);
    }

    private static long IsoMs(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private static int PageSize(int? limit, int fallback)
    {
        if (limit is null) return fallback;
        if (limit < 1 || limit > MaxPage)
            throw GatewayException.BadRequest($"The limit must be between 1 and {MaxPage}.", new() { ["limit"] = [$"The field limit must be between 1 and {MaxPage}."] });
        return limit.Value;
    }

    [GeneratedRegex("^(\\d+)_([0-9A-HJKMNP-TV-Z]{26})$")]
    private static partial Regex CursorPattern();

    public static (long Ms, string Id) ParseCursor(string cursor)
    {
        var match = CursorPattern().Match(cursor);
        if (!match.Success) throw GatewayException.BadRequest("The cursor is not valid.", new() { ["cursor"] = ["The cursor must look like \"<UnixMs>_<ULID>\"."] });
        return (long.Parse(match.Groups[1].Value), match.Groups[2].Value);
    }

    private static int LowerBound(List<Message> list, string id)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi) { var mid = (lo + hi) >>> 1; if (string.CompareOrdinal(list[mid].Id, id) < 0) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static int UpperBound(List<Message> list, string id)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi) { var mid = (lo + hi) >>> 1; if (string.CompareOrdinal(list[mid].Id, id) <= 0) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static void RequireText(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw GatewayException.BadRequest($"The {field} field is required.", new() { [field] = [$"The {field} field is required."] });
    }

    private static void ValidateNewMessage(NewMessage request)
    {
        if (Blocks.Count(request.Blocks) == 0) throw GatewayException.BadRequest("A message needs at least one block.", new() { ["blocks"] = ["At least one block is required."] });
        if (request.ClientMessageId is { Length: > 128 })
            throw GatewayException.BadRequest("clientMessageId is longer than 128 characters.", new() { ["clientMessageId"] = ["The field clientMessageId must be a string with a maximum length of 128."] });
    }
}
