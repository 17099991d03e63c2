using System.Text.Json;
using System.Text.RegularExpressions;
using ChatGateway.Dtos;

namespace ChatGateway.Domain;

/// <summary>
/// The Chat Gateway's domain in memory — a port of the embedded gateway's <c>ChatService</c>
/// (src/gateway/chat-service.ts) with the same rules, answering with the seed's DTOs. Not
/// thread-safe by itself: <c>EventHub</c> runs every operation under one lock and then delivers
/// the events the operation left in <see cref="Outbox"/>.
/// </summary>
public sealed partial class ChatStore
{
    private const int MaxPage = 100;
    private static readonly TimeSpan RecoverWindow = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, Participant> _participants = [];
    private readonly Dictionary<string, Conversation> _conversations = [];
    private readonly Dictionary<string, Message> _messages = [];
    private readonly Dictionary<string, string> _clientIds = [];
    // participant → node → open notification connections (one node, "local", unless clustered).
    private readonly Dictionary<string, Dictionary<string, int>> _online = [];
    private readonly UlidFactory _ulids = new();

    /// <summary>Events of the running operation.</summary>
    public List<GatewayEvent> Outbox { get; } = [];

    public string NewId() => _ulids.Next(Clock.NowMs());

    private void Chat(string conversationId, string name, object payload, string? except = null) => Outbox.Add(new ChatEvent(conversationId, name, payload, except));
    private void Notify(IEnumerable<string> users, string name, object payload) => Outbox.Add(new NotifyEvent(users.ToList(), name, payload));

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

    public ParticipantDto UpsertParticipant(CreateOrUpdateParticipantRequest request, bool isBot = false)
    {
        RequireText("id", request.Id);
        RequireText("uniqueName", request.UniqueName);
        RequireText("fullName", request.FullName);
        var byName = FindByUniqueName(request.UniqueName);
        if (byName is not null && byName.Id != request.Id) throw GatewayException.Conflict($"The unique name '{request.UniqueName}' is already taken.");
        var now = Clock.Now();
        _participants.TryGetValue(request.Id, out var existing);
        var record = new Participant
        {
            Id = request.Id,
            UniqueName = request.UniqueName,
            FullName = request.FullName,
            IsBot = existing?.IsBot ?? isBot,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
            LastSeenAt = existing?.LastSeenAt,
            Avatar = request.Avatar ?? existing?.Avatar,
            Gender = request.Gender ?? existing?.Gender,
        };
        _participants[record.Id] = record;
        Touch(record);
        return ToParticipantDto(record);
    }

    /// <summary>The participant, created on first sight with id = uniqueName = fullName (dev logins, test tokens).</summary>
    public Participant EnsureParticipant(string id)
    {
        if (!_participants.ContainsKey(id)) UpsertParticipant(new CreateOrUpdateParticipantRequest(id, id, id));
        return _participants[id];
    }

    public bool HasParticipant(string id) => _participants.ContainsKey(id);
    public Participant? Participant(string id) => _participants.GetValueOrDefault(id);

    public ParticipantDto GetParticipant(string id) =>
        _participants.TryGetValue(id, out var p) ? ToParticipantDto(p) : throw GatewayException.NotFound($"Participant '{id}' was not found.");

    public ParticipantDto GetParticipantByUniqueName(string name) =>
        FindByUniqueName(name) is { } p ? ToParticipantDto(p) : throw GatewayException.NotFound($"Participant '{name}' was not found.");

    public List<ParticipantDto> GetParticipantBatch(IEnumerable<string> ids) =>
        ids.Distinct().Where(_participants.ContainsKey).Select(id => ToParticipantDto(_participants[id])).ToList();

    private Participant? FindByUniqueName(string name) => _participants.Values.FirstOrDefault(p => p.UniqueName == name);

    private string DisplayName(string id) => _participants.TryGetValue(id, out var p) ? p.FullName : id;

    // ---------------------------------------------------------------- presence

    public bool IsOnline(string id) => OnlineCount(id) > 0;

    private int OnlineCount(string id) => _online.TryGetValue(id, out var byNode) ? byNode.Values.Sum() : 0;

    public void ConnectionOpened(string id)
    {
        var before = OnlineCount(id);
        if (!_online.TryGetValue(id, out var byNode)) _online[id] = byNode = [];
        byNode[NodeName] = byNode.GetValueOrDefault(NodeName) + 1;
        TouchPresence(id);
        if (before != 0) return;
        if (_participants.TryGetValue(id, out var p)) { p.LastSeenAt = null; Touch(p); }
        Outbox.Add(new PresenceEvent(id, new PresenceChangedDto(id, true, null)));
    }

    public void ConnectionClosed(string id)
    {
        if (_online.TryGetValue(id, out var byNode))
        {
            var own = byNode.GetValueOrDefault(NodeName) - 1;
            if (own > 0) byNode[NodeName] = own;
            else byNode.Remove(NodeName);
            if (byNode.Count == 0) _online.Remove(id);
            TouchPresence(id);
        }
        if (IsOnline(id)) return;
        WentOffline(id);
    }

    private void WentOffline(string id)
    {
        var lastSeenAt = Clock.Now();
        if (_participants.TryGetValue(id, out var p)) { p.LastSeenAt = lastSeenAt; Touch(p); }
        Outbox.Add(new PresenceEvent(id, new PresenceChangedDto(id, false, lastSeenAt)));
    }

    public List<PresenceStateItem> PresenceOf(IEnumerable<string> ids) => ids.Select(id =>
    {
        var online = IsOnline(id);
        return new PresenceStateItem(id, online, online ? null : _participants.GetValueOrDefault(id)?.LastSeenAt);
    }).ToList();

    // ---------------------------------------------------------------- conversations

    public CursorPaginatedResult<ConversationListItemDto> ListConversations(string userId, int? limit, string? cursor)
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
            if (index < 0) throw GatewayException.BadRequest("cursor", "Unknown cursor.", "The cursor does not point into this list.");
            start = index + 1;
        }
        var slice = rows.Skip(start).Take(size).ToList();
        var hasMore = start + size < rows.Count;
        string? next = null;
        if (hasMore && slice.Count > 0)
        {
            var last = slice[^1].c;
            next = $"{(last.LastMessageAt ?? last.CreatedAt).ToUnixTimeMilliseconds()}_{last.Id}";
        }
        return new CursorPaginatedResult<ConversationListItemDto>(slice.Select(r => ToListItem(r.c, r.m)).ToList(), next, hasMore);
    }

    public (ConversationDto Conversation, bool Created) CreateConversation(string userId, CreateConversationRequest request)
    {
        new FieldErrors().Required("type", request.Type).Strings("participantIds", request.ParticipantIds).ThrowIfAny("conversation");
        var type = request.Type!.Value;
        var others = request.ParticipantIds.Where(id => id != userId).Distinct().ToList();
        foreach (var id in others)
            if (!_participants.ContainsKey(id)) throw GatewayException.BadRequest("participantIds", $"Unknown participant '{id}'.", $"Participant '{id}' was not found.");
        if (type == ConversationType.OneToOne)
        {
            if (others.Count != 1) throw GatewayException.BadRequest("participantIds", "Exactly one other participant is required.", "A one-to-one conversation needs exactly one other participant.");
            var existing = FindOneToOneRecord(userId, others[0]);
            if (existing is not null) return (ToConversationDto(existing), false);
        }
        if (type == ConversationType.Self)
        {
            if (others.Count > 0) throw GatewayException.BadRequest("participantIds", "Must be empty for a Self conversation.", "A self conversation has no other participants.");
            var existing = _conversations.Values.FirstOrDefault(c => c.Type == ConversationType.Self && c.OwnerId == userId);
            if (existing is not null) return (ToConversationDto(existing), false);
        }
        var now = Clock.Now();
        var conversation = new Conversation
        {
            Id = NewId(),
            Type = type,
            OwnerId = userId,
            CreatedAt = now,
            UpdatedAt = now,
            Name = type == ConversationType.Group ? request.Name : null,
            Avatar = request.Avatar,
        };
        foreach (var id in others.Prepend(userId)) conversation.Members.Add(NewMember(id, null));
        _conversations[conversation.Id] = conversation;
        Touch(conversation);
        Notify(conversation.ActiveIds(), "conversationCreated", ToCreatedDto(conversation));
        return (ToConversationDto(conversation), true);
    }

    public List<ConversationListItemDto> SearchConversations(string userId, string query, int? limit)
    {
        var needle = query.Trim().ToLowerInvariant();
        if (needle == "") throw GatewayException.BadRequest("q", "The q field is required.", "The search query must not be empty.");
        var size = PageSize(limit, 20);
        var output = new List<ConversationListItemDto>();
        foreach (var c in _conversations.Values)
        {
            var member = c.MemberOf(userId);
            if (member?.IsActive != true) continue;
            var names = new List<string> { c.Name ?? "" };
            foreach (var m in c.Members)
                if (_participants.TryGetValue(m.ParticipantId, out var p)) { names.Add(p.FullName); names.Add(p.UniqueName); }
            if (names.Any(n => n.ToLowerInvariant().Contains(needle))) output.Add(ToListItem(c, member));
            if (output.Count >= size) break;
        }
        return output;
    }

    public ConversationDto GetConversation(string userId, string id) => ToConversationDto(MemberConversation(userId, id, false));

    public ConversationDto UpdateConversation(string userId, string id, UpdateConversationRequest request)
    {
        var c = MemberConversation(userId, id, true);
        if (c.Type != ConversationType.Group) throw GatewayException.BadRequest("Only group conversations can be updated.");
        var renamed = request.Name is not null && request.Name != c.Name;
        if (request.Name is not null) c.Name = request.Name;
        if (request.AvatarSpecified) c.Avatar = request.Avatar;
        c.UpdatedAt = Clock.Now();
        Touch(c);
        Notify(c.ActiveIds(), "conversationUpdated", new ConversationUpdatedDto(c.Id, c.Type, c.Name, c.Avatar, c.ActiveIds().Count));
        if (renamed) SystemMessage(c, userId, SystemEventType.ConversationRenamed, [], new() { ["name"] = JsonSerializer.SerializeToElement(c.Name ?? "") });
        return ToConversationDto(c);
    }

    public void LeaveConversation(string userId, string id)
    {
        var c = MemberConversation(userId, id, true);
        var member = c.MemberOf(userId)!;
        member.IsActive = false;
        member.LeftAt = Clock.Now();
        Touch(c);
        Outbox.Add(new LeaveGroupEvent(userId, c.Id));
        Notify(c.ActiveIds().Append(userId), "participantLeft", ToParticipantLeft(c, userId, member.LeftAt.Value));
        SystemMessage(c, null, SystemEventType.MemberLeft, [userId]);
    }

    public ConversationDto? FindOneToOne(string userId, string otherId) => FindOneToOneRecord(userId, otherId) is { } c ? ToConversationDto(c) : null;

    private Conversation? FindOneToOneRecord(string userId, string otherId) =>
        _conversations.Values.FirstOrDefault(c => c.Type == ConversationType.OneToOne && c.MemberOf(userId) is not null && c.MemberOf(otherId) is not null);

    public void AddParticipant(string userId, string id, AddParticipantRequest request)
    {
        new FieldErrors().Required("participantId", request.ParticipantId).ThrowIfAny("participant request");
        var participantId = request.ParticipantId;
        var c = MemberConversation(userId, id, true);
        if (c.Type != ConversationType.Group) throw GatewayException.BadRequest("Participants can only be added to group conversations.");
        if (!_participants.ContainsKey(participantId)) throw GatewayException.NotFound($"Participant '{participantId}' was not found.");
        var existing = c.MemberOf(participantId);
        if (existing?.IsActive == true) throw GatewayException.Conflict($"Participant '{participantId}' is already in this conversation.");
        var member = NewMember(participantId, (request.CanViewHistory ?? true) ? null : Clock.Now());
        if (existing is not null) c.Members[c.Members.IndexOf(existing)] = member;
        else c.Members.Add(member);
        Touch(c);
        Notify([participantId], "conversationCreated", ToCreatedDto(c));
        Notify(c.ActiveIds().Where(m => m != participantId), "participantJoined",
            new ParticipantJoinedDto(c.Id, participantId, DisplayName(participantId), _participants.GetValueOrDefault(participantId)?.Avatar, member.JoinedAt));
        SystemMessage(c, userId, SystemEventType.MemberAdded, [participantId]);
    }

    /// <summary>The owner removes a member, or a member removes themself.</summary>
    public void RemoveParticipant(string userId, string id, string participantId)
    {
        var c = MemberConversation(userId, id, true);
        if (c.Type != ConversationType.Group) throw GatewayException.BadRequest("Participants can only be removed from group conversations.");
        if (userId != c.OwnerId && userId != participantId) throw GatewayException.Forbidden("Only the owner can remove participants.");
        var member = c.MemberOf(participantId);
        if (member?.IsActive != true) throw GatewayException.NotFound($"Participant '{participantId}' is not in this conversation.");
        member.IsActive = false;
        member.LeftAt = Clock.Now();
        Touch(c);
        Outbox.Add(new LeaveGroupEvent(participantId, c.Id));
        Notify(c.ActiveIds().Append(participantId), "participantLeft", ToParticipantLeft(c, participantId, member.LeftAt.Value));
        SystemMessage(c, userId, SystemEventType.MemberRemoved, [participantId]);
    }

    public List<ConversationParticipantDto> GetConversationParticipants(string userId, string id) =>
        MemberConversation(userId, id, false).Members.Select(ToMemberDto).ToList();

    public void SetPinned(string userId, string id, bool pinned)
    {
        var c = MemberConversation(userId, id, true);
        var member = c.MemberOf(userId)!;
        member.IsPinned = pinned;
        member.PinnedAt = pinned ? Clock.Now() : null;
        Touch(c);
        if (pinned) Notify([userId], "conversationPinned", new ConversationPinnedDto(c.Id, member.PinnedAt!.Value));
        else Notify([userId], "conversationUnpinned", new ConversationUnpinnedDto(c.Id));
    }

    public void MarkAsRead(string userId, string id, string messageId)
    {
        var c = MemberConversation(userId, id, true);
        if (!_messages.TryGetValue(messageId, out var message) || message.ConversationId != c.Id)
            throw GatewayException.NotFound($"Message '{messageId}' was not found in this conversation.");
        var member = c.MemberOf(userId)!;
        var readAt = Clock.Now();
        if (member.LastReadMessageId is null || string.CompareOrdinal(member.LastReadMessageId, messageId) < 0)
        {
            member.LastReadMessageId = messageId;
            member.LastReadAt = readAt;
        }
        member.UnreadCount = c.Messages.Count(m =>
            string.CompareOrdinal(m.Id, member.LastReadMessageId ?? "") > 0 && m.SenderId != userId && member.Sees(m));
        Touch(c);
        var lastRead = member.LastReadMessageId ?? messageId;
        Notify([userId], "readStatusChanged", new ReadStatusChangedDto(c.Id, lastRead, member.UnreadCount, false));
        Chat(c.Id, "readReceiptUpdated", new ReadReceiptUpdatedDto(c.Id, userId, lastRead, readAt));
    }

    public void MarkAsUnread(string userId, string id)
    {
        var c = MemberConversation(userId, id, true);
        var member = c.MemberOf(userId)!;
        member.UnreadCount = Math.Max(1, member.UnreadCount);
        Touch(c);
        Notify([userId], "readStatusChanged", new ReadStatusChangedDto(c.Id, member.LastReadMessageId, member.UnreadCount, true));
    }

    public bool IsActiveMember(string userId, string conversationId) =>
        _conversations.TryGetValue(conversationId, out var c) && c.MemberOf(userId)?.IsActive == true;

    // ---------------------------------------------------------------- messages

    /// <summary>Stores and announces a message; a repeated clientMessageId from the same sender returns the first one.</summary>
    public (Message Message, bool Created) SendMessage(string userId, string conversationId, NewMessage request)
    {
        var c = MemberConversation(userId, conversationId, true);
        if (request.Blocks.Count == 0) throw GatewayException.BadRequest("blocks", "At least one block is required.", "A message needs at least one block.");
        if (request.ClientMessageId is { Length: > 128 })
            throw GatewayException.BadRequest("clientMessageId", "The field clientMessageId must be a string with a maximum length of 128.", "clientMessageId is longer than 128 characters.");
        if (request.ClientMessageId is not null
            && _clientIds.TryGetValue(ClientKey(c.Id, userId, request.ClientMessageId), out var previous)
            && _messages.TryGetValue(previous, out var found))
            return (found, false);
        if (request.ReplyToMessageId is not null
            && (!_messages.TryGetValue(request.ReplyToMessageId, out var target) || target.ConversationId != c.Id))
            throw GatewayException.BadRequest("replyToMessageId", "Unknown message.", $"Message '{request.ReplyToMessageId}' to reply to was not found.");
        var sender = _participants.GetValueOrDefault(userId);
        var message = StoreMessage(c, new Message
        {
            SenderId = userId,
            SenderType = sender?.IsBot == true ? SenderType.Bot : SenderType.User,
            Blocks = request.Blocks,
            ReplyToMessageId = request.ReplyToMessageId,
            QuickReplies = request.QuickReplies,
            Mentions = request.Mentions,
            ClientMessageId = request.ClientMessageId,
        });
        Chat(c.Id, "messageReceived", ToChatMessageDto(message));
        if (message.SenderType == SenderType.User) Outbox.Add(new UserMessageEvent(message));
        return (message, true);
    }

    /// <summary>A bot's finished streamed reply under its pre-allocated id (no messageReceived: streamCompleted carries it).</summary>
    public Message StoreStreamedMessage(string botId, string conversationId, string messageId, string text, string? replyTo)
    {
        if (!_conversations.TryGetValue(conversationId, out var c)) throw GatewayException.NotFound($"Conversation '{conversationId}' was not found.");
        return StoreMessage(c, new Message { Id = messageId, SenderId = botId, SenderType = SenderType.Bot, Blocks = BlockText.Plain(text), ReplyToMessageId = replyTo });
    }

    private static string ClientKey(string conversationId, string senderId, string clientMessageId) => $"{conversationId}\u0000{senderId}\u0000{clientMessageId}";

    private Message StoreMessage(Conversation c, Message message)
    {
        var now = Clock.Now();
        message.Id = message.Id != "" && !_messages.ContainsKey(message.Id) ? message.Id : NewId();
        message.ConversationId = c.Id;
        var text = BlockText.PlainTextOf(message.Blocks);
        message.PlainText = text == "" ? null : text;
        message.CreatedAt = now;
        message.UpdatedAt = now;
        c.Messages.Insert(UpperBound(c.Messages, message.Id), message);
        _messages[message.Id] = message;
        if (message.ClientMessageId is not null) _clientIds[ClientKey(c.Id, message.SenderId, message.ClientMessageId)] = message.Id;
        if (c.LastMessageId is null || string.CompareOrdinal(message.Id, c.LastMessageId) > 0)
        {
            c.LastMessageAt = message.CreatedAt;
            c.LastMessageId = message.Id;
        }
        c.UpdatedAt = message.CreatedAt;
        Touch(c);
        Touch(message);
        var others = c.ActiveIds().Where(m => m != message.SenderId).ToList();
        foreach (var memberId in others)
        {
            var member = c.MemberOf(memberId)!;
            member.UnreadCount += 1;
            Notify([memberId], "unreadCountChanged", new UnreadCountChangedDto(c.Id, member.UnreadCount, message.CreatedAt, message.Id));
        }
        var sender = _participants.GetValueOrDefault(message.SenderId);
        var plain = message.PlainText ?? "";
        var preview = plain.Length > 100 ? plain[..100] : plain;
        var senderName = DisplayName(message.SenderId);
        Notify(others, "newMessageNotification",
            new NewMessageNotificationDto(c.Id, c.Type, c.Name, message.Id, message.SenderId, senderName, sender?.Avatar, preview, message.CreatedAt));
        var mentioned = new List<string>();
        foreach (var mention in message.Mentions ?? [])
        {
            if (mention.Type == MentionType.User && mention.TargetId is { } target && target != message.SenderId && !mentioned.Contains(target)) mentioned.Add(target);
            if (mention.Type is MentionType.All or MentionType.Here) foreach (var m in others) if (!mentioned.Contains(m)) mentioned.Add(m);
        }
        var mentionedMembers = mentioned.Where(m => c.MemberOf(m)?.IsActive == true).ToList();
        if (mentionedMembers.Count > 0)
            Notify(mentionedMembers, "mentionedNotification", new MentionedNotificationDto(c.Id, message.Id, message.SenderId, senderName, preview, message.CreatedAt));
        return message;
    }

    private void SystemMessage(Conversation c, string? actorId, SystemEventType type, List<string> targetIds, Dictionary<string, JsonElement>? metadata = null)
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
        var message = StoreMessage(c, new Message { SenderId = actorId ?? "system", SenderType = SenderType.System, Blocks = [], SystemEvent = systemEvent });
        Chat(c.Id, "messageReceived", ToChatMessageDto(message));
    }

    /// <summary><c>older</c> (default) walks back from the cursor, newest first; <c>newer</c> forward, oldest first.</summary>
    public CursorPaginatedResult<MessageDto> GetHistory(string userId, string conversationId, int? limit, string? cursor, string? direction)
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
                if (!member.Sees(m)) break;
                if (picked.Count == size) { hasMore = true; break; }
                picked.Add(m);
            }
        }
        else
        {
            for (var i = from is null ? 0 : UpperBound(list, from); i < list.Count; i++)
            {
                var m = list[i];
                if (!member.Sees(m)) continue;
                if (picked.Count == size) { hasMore = true; break; }
                picked.Add(m);
            }
        }
        var last = picked.Count > 0 ? picked[^1] : null;
        var next = hasMore && last is not null ? $"{last.CreatedAt.ToUnixTimeMilliseconds()}_{last.Id}" : null;
        return new CursorPaginatedResult<MessageDto>(picked.Select(ToMessageDto).ToList(), next, hasMore);
    }

    public List<MessageDto> SearchMessages(string userId, string conversationId, string query, int? limit)
    {
        var c = MemberConversation(userId, conversationId, true);
        var member = c.MemberOf(userId)!;
        var needle = query.Trim().ToLowerInvariant();
        if (needle == "") throw GatewayException.BadRequest("q", "The q field is required.", "The search query must not be empty.");
        var size = PageSize(limit, 20);
        var output = new List<MessageDto>();
        for (var i = c.Messages.Count - 1; i >= 0 && output.Count < size; i--)
        {
            var m = c.Messages[i];
            if (m.IsDeleted || !member.Sees(m)) continue;
            if ((m.PlainText ?? "").ToLowerInvariant().Contains(needle)) output.Add(ToMessageDto(m));
        }
        return output;
    }

    public MessageDto GetMessage(string userId, string messageId) => ToMessageDto(VisibleMessage(userId, messageId));

    public Message? StoredMessage(string messageId) => _messages.GetValueOrDefault(messageId);

    public Message EditMessage(string userId, string messageId, IReadOnlyList<Block> blocks, IReadOnlyList<Mention>? mentions)
    {
        var m = VisibleMessage(userId, messageId);
        if (m.SenderId != userId) throw GatewayException.Forbidden("Only the sender can edit a message.");
        if (m.IsDeleted) throw GatewayException.BadRequest("A deleted message cannot be edited.");
        if (blocks.Count == 0) throw GatewayException.BadRequest("blocks", "At least one block is required.", "A message needs at least one block.");
        var now = Clock.Now();
        m.Blocks = blocks;
        var text = BlockText.PlainTextOf(blocks);
        m.PlainText = text == "" ? null : text;
        if (mentions is not null) m.Mentions = mentions;
        m.IsEdited = true;
        m.EditedAt = now;
        m.UpdatedAt = now;
        Touch(m);
        Chat(m.ConversationId, "messageUpdated", new MessageUpdatedDto(m.Id, m.ConversationId, m.Blocks, m.PlainText, m.Mentions, now));
        return m;
    }

    public DeleteMessageResult DeleteMessage(string userId, string messageId)
    {
        var m = VisibleMessage(userId, messageId);
        if (m.SenderId != userId) throw GatewayException.Forbidden("Only the sender can delete a message.");
        if (m.IsDeleted) throw GatewayException.Conflict("The message is already deleted.");
        var deletedAt = Clock.Now();
        m.IsDeleted = true;
        m.DeletedAt = deletedAt;
        m.UpdatedAt = deletedAt;
        Touch(m);
        Chat(m.ConversationId, "messageDeleted", new MessageDeletedDto(m.Id, m.ConversationId, DeleteType.Recall, userId, deletedAt));
        return new DeleteMessageResult(m.Id, deletedAt);
    }

    public Message RecoverMessage(string userId, string messageId)
    {
        var m = VisibleMessage(userId, messageId);
        if (m.SenderId != userId) throw GatewayException.Forbidden("Only the sender can recover a message.");
        if (!m.IsDeleted) throw GatewayException.BadRequest("The message is not deleted.");
        var now = Clock.Now();
        if (now - (m.DeletedAt ?? now) > RecoverWindow) throw GatewayException.BadRequest("A message can only be recovered within 10 minutes of its deletion.");
        m.IsDeleted = false;
        m.DeletedAt = null;
        m.UpdatedAt = now;
        Touch(m);
        Chat(m.ConversationId, "messageRecovered", ToChatMessageDto(m));
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
        Touch(m);
        Chat(m.ConversationId, "reactionAdded", new ReactionAddedDto(m.Id, m.ConversationId, userId, DisplayName(userId), emoji, Clock.Now()));
    }

    public void RemoveReaction(string userId, string messageId, string emoji)
    {
        var m = VisibleMessage(userId, messageId);
        var group = m.Reactions.Find(r => r.Emoji == emoji);
        if (group is null || !group.ParticipantIds.Remove(userId)) throw GatewayException.NotFound($"You have not reacted with {emoji}.");
        if (group.ParticipantIds.Count == 0) m.Reactions.Remove(group);
        Touch(m);
        Chat(m.ConversationId, "reactionRemoved", new ReactionRemovedDto(m.Id, m.ConversationId, userId, DisplayName(userId), emoji, Clock.Now()));
    }

    public void Typing(string userId, string conversationId, bool started, string? exceptConnectionId)
    {
        var c = MemberConversation(userId, conversationId, true);
        Chat(c.Id, started ? "typingStarted" : "typingStopped", new TypingDto(c.Id, userId, DisplayName(userId)), exceptConnectionId);
    }

    // ---------------------------------------------------------------- mapping to the wire DTOs

    public MessageDto ToMessageDto(Message m)
    {
        var groups = m.Reactions.Select(r => new ReactionGroup(r.Emoji, r.ParticipantIds.Count, [.. r.ParticipantIds])).ToList();
        SystemEventInfo? systemEvent = m.SystemEvent is { } se ? new SystemEventInfo(se.Type, se.ActorId, se.TargetIds, se.Metadata) : null;
        return new MessageDto(
            Id: m.Id,
            ConversationId: m.ConversationId,
            SenderId: m.SenderId,
            SenderType: m.SenderType,
            Timestamp: m.CreatedAt,
            Blocks: m.IsDeleted ? [] : m.Blocks,
            PlainTextIndex: m.IsDeleted ? null : m.PlainText,
            ReplyToMessageId: m.ReplyToMessageId,
            QuickReplies: m.QuickReplies,
            IsEdited: m.IsEdited,
            EditedAt: m.EditedAt,
            IsDeleted: m.IsDeleted,
            DeletedAt: m.DeletedAt,
            ReactionSummary: groups.Count > 0 ? new ReactionSummary(groups, m.Reactions.Sum(r => r.ParticipantIds.Count)) : null,
            Mentions: m.Mentions,
            CreatedAt: m.CreatedAt,
            UpdatedAt: m.UpdatedAt,
            ClientMessageId: m.ClientMessageId,
            SystemEvent: systemEvent);
    }

    public ChatMessageDto ToChatMessageDto(Message m)
    {
        var sender = _participants.GetValueOrDefault(m.SenderId);
        var reactions = m.Reactions.Select(r => new ReactionGroupDto(r.Emoji, r.ParticipantIds.Count, [.. r.ParticipantIds])).ToList();
        SystemEventDto? systemEvent = m.SystemEvent is { } se
            ? new SystemEventDto(se.Type, se.ActorId, se.TargetIds, se.Metadata, se.ActorName, se.TargetNames)
            : null;
        return new ChatMessageDto(
            Id: m.Id,
            ConversationId: m.ConversationId,
            SenderId: m.SenderId,
            SenderName: m.SenderType == SenderType.System && sender is null ? "System" : DisplayName(m.SenderId),
            SenderAvatar: sender?.Avatar,
            SenderType: m.SenderType,
            Blocks: m.Blocks,
            PlainTextContent: m.PlainText,
            ReplyToMessageId: m.ReplyToMessageId,
            QuickReplies: m.QuickReplies,
            IsEdited: m.IsEdited,
            Reactions: reactions.Count > 0 ? reactions : null,
            Mentions: m.Mentions,
            CreatedAt: m.CreatedAt,
            UpdatedAt: m.IsEdited ? m.UpdatedAt : null,
            ClientMessageId: m.ClientMessageId,
            SystemEvent: systemEvent);
    }

    private ParticipantDto ToParticipantDto(Participant p)
    {
        var online = IsOnline(p.Id);
        return new ParticipantDto(p.Id, p.UniqueName, p.FullName, p.Avatar, p.Gender, p.IsBot, online, online ? null : p.LastSeenAt, p.CreatedAt, p.UpdatedAt);
    }

    private static ConversationDto ToConversationDto(Conversation c) =>
        new(c.Id, c.Type, c.Name, c.Avatar, c.OwnerId, c.LastMessageAt, c.LastMessageId, c.CreatedAt, c.UpdatedAt, c.Members.Select(ToMemberDto).ToList());

    private ConversationListItemDto ToListItem(Conversation c, Member member)
    {
        var last = c.LastMessageId is not null ? _messages.GetValueOrDefault(c.LastMessageId) : null;
        return new ConversationListItemDto(
            c.Id, c.Type, c.Name, c.Avatar, c.LastMessageAt, c.LastMessageId, last is null ? null : ToMessageDto(last),
            member.IsPinned, member.PinnedAt, member.UnreadCount, c.ActiveIds().Count);
    }

    private static ConversationCreatedDto ToCreatedDto(Conversation c) => new(c.Id, c.Type, c.Name, c.Avatar, c.ActiveIds().Count);

    private ParticipantLeftDto ToParticipantLeft(Conversation c, string participantId, DateTimeOffset changedAt) =>
        new(c.Id, participantId, DisplayName(participantId), _participants.GetValueOrDefault(participantId)?.Avatar, changedAt);

    private static ConversationParticipantDto ToMemberDto(Member m) =>
        new(m.ParticipantId, m.JoinedAt, m.LeftAt, m.IsActive, m.IsPinned, m.PinnedAt, m.LastReadMessageId, m.LastReadAt, m.UnreadCount);

    // ---------------------------------------------------------------- helpers

    private static Member NewMember(string id, DateTimeOffset? historyFrom) => new()
    {
        ParticipantId = id,
        JoinedAt = Clock.Now(),
        IsActive = true,
        HistoryFrom = historyFrom,
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
        if (!c.MemberOf(userId)!.Sees(m)) throw GatewayException.NotFound($"Message '{messageId}' was not found.");
        return m;
    }

    private static int CompareListRows((Conversation c, Member m) a, (Conversation c, Member m) b)
    {
        if (a.m.IsPinned != b.m.IsPinned) return a.m.IsPinned ? -1 : 1;
        if (a.m.IsPinned && b.m.IsPinned && a.m.PinnedAt != b.m.PinnedAt) return Nullable.Compare(b.m.PinnedAt, a.m.PinnedAt);
        var at = a.c.LastMessageAt ?? a.c.CreatedAt;
        var bt = b.c.LastMessageAt ?? b.c.CreatedAt;
        if (at != bt) return bt.CompareTo(at);
        return -string.CompareOrdinal(a.c.Id, b.c.Id);
    }

    private static int PageSize(int? limit, int fallback)
    {
        if (limit is null) return fallback;
        if (limit < 1 || limit > MaxPage)
            throw GatewayException.BadRequest("limit", $"The field limit must be between 1 and {MaxPage}.", $"The limit must be between 1 and {MaxPage}.");
        return limit.Value;
    }

    [GeneratedRegex("^(\\d+)_([0-9A-HJKMNP-TV-Z]{26})$")]
    private static partial Regex CursorPattern();

    public static (long Ms, string Id) ParseCursor(string cursor)
    {
        var match = CursorPattern().Match(cursor);
        if (!match.Success) throw GatewayException.BadRequest("cursor", "The cursor must look like \"<UnixMs>_<ULID>\".", "The cursor is not valid.");
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
        if (string.IsNullOrWhiteSpace(value)) throw GatewayException.BadRequest(field, $"The {field} field is required.");
    }
}
