namespace ChatGateway.Dtos;

// /hubs/notifications events (section 13).

public sealed record PresenceStateItem(string ParticipantId, bool IsOnline, DateTimeOffset? LastSeenAt);

public sealed record PresenceChangedDto(string ParticipantId, bool IsOnline, DateTimeOffset? LastSeenAt);

public sealed record NewMessageNotificationDto(
    string ConversationId,
    ConversationType ConversationType,
    string? ConversationName,
    string MessageId,
    string SenderId,
    string SenderName,
    MediaReference? SenderAvatar,
    string ContentPreview,
    DateTimeOffset SentAt);

public sealed record MentionedNotificationDto(
    string ConversationId,
    string MessageId,
    string SenderId,
    string SenderName,
    string ContentPreview,
    DateTimeOffset SentAt);

public sealed record UnreadCountChangedDto(string ConversationId, int UnreadCount, DateTimeOffset LastMessageAt, string LastMessageId);

public sealed record ConversationCreatedDto(string ConversationId, ConversationType Type, string? Name, MediaReference? Avatar, int ParticipantCount);

/// <summary><c>avatar: null</c> also means the avatar was removed.</summary>
public sealed record ConversationUpdatedDto(string ConversationId, ConversationType Type, string? Name, MediaReference? Avatar, int ParticipantCount);

public sealed record ParticipantJoinedDto(
    string ConversationId,
    string ParticipantId,
    string ParticipantName,
    MediaReference? ParticipantAvatar,
    DateTimeOffset ChangedAt);

public sealed record ParticipantLeftDto(
    string ConversationId,
    string ParticipantId,
    string ParticipantName,
    MediaReference? ParticipantAvatar,
    DateTimeOffset ChangedAt);

public sealed record ConversationPinnedDto(string ConversationId, DateTimeOffset PinnedAt);

public sealed record ConversationUnpinnedDto(string ConversationId);

public sealed record ReadStatusChangedDto(string ConversationId, string? LastReadMessageId, int UnreadCount, bool MarkedAsUnread);
