using System.Text.Json;
using ChatGateway.Dtos;

namespace ChatGateway.Domain;

// What the store keeps (and writes to the state file on shutdown). The wire DTOs are built from
// these by ChatStore.

public sealed class Participant
{
    public string Id { get; set; } = "";
    public string UniqueName { get; set; } = "";
    public string FullName { get; set; } = "";
    public MediaReference? Avatar { get; set; }
    public string? Gender { get; set; }
    public bool IsBot { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
}

public sealed class Member
{
    public string ParticipantId { get; set; } = "";
    public DateTimeOffset JoinedAt { get; set; }
    public DateTimeOffset? LeftAt { get; set; }
    public bool IsActive { get; set; }
    public bool IsPinned { get; set; }
    public DateTimeOffset? PinnedAt { get; set; }
    public string? LastReadMessageId { get; set; }
    public DateTimeOffset? LastReadAt { get; set; }
    public int UnreadCount { get; set; }
    /// <summary>Messages before this are hidden (added with <c>canViewHistory: false</c>); null: all history.</summary>
    public DateTimeOffset? HistoryFrom { get; set; }

    public bool Sees(Message m) => HistoryFrom is null || m.CreatedAt >= HistoryFrom;
}

public sealed class Conversation
{
    public string Id { get; set; } = "";
    public ConversationType Type { get; set; }
    public string? Name { get; set; }
    public MediaReference? Avatar { get; set; }
    public string OwnerId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastMessageAt { get; set; }
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
    public SystemEventType Type { get; set; }
    public string? ActorId { get; set; }
    public List<string> TargetIds { get; set; } = [];
    public Dictionary<string, JsonElement>? Metadata { get; set; }
    public string? ActorName { get; set; }
    public List<string> TargetNames { get; set; } = [];
}

public sealed class Message
{
    public string Id { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public string SenderId { get; set; } = "";
    public SenderType SenderType { get; set; } = SenderType.User;
    public IReadOnlyList<Block> Blocks { get; set; } = [];
    public string? PlainText { get; set; }
    public string? ReplyToMessageId { get; set; }
    public IReadOnlyList<QuickReply>? QuickReplies { get; set; }
    public IReadOnlyList<Mention>? Mentions { get; set; }
    public string? ClientMessageId { get; set; }
    public bool IsEdited { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public bool IsDeleted { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<Reaction> Reactions { get; set; } = [];
    public SystemEvent? SystemEvent { get; set; }
}

/// <summary>What a new message carries, from REST or the hub.</summary>
public sealed record NewMessage(
    IReadOnlyList<Block> Blocks,
    string? ReplyToMessageId,
    IReadOnlyList<QuickReply>? QuickReplies,
    IReadOnlyList<Mention>? Mentions,
    string? ClientMessageId);

/// <summary>The whole store, as written to the state file on shutdown and read back on start.</summary>
public sealed class StoreSnapshot
{
    public List<Participant> Participants { get; set; } = [];
    public List<Conversation> Conversations { get; set; } = [];
    public Dictionary<string, string> ClientIds { get; set; } = [];
    public int TokenGeneration { get; set; } = 1;
}

public static class Clock
{
    public static DateTimeOffset Now() => DateTimeOffset.UtcNow;
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
