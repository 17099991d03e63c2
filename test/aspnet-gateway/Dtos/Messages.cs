namespace ChatGateway.Dtos;

// REST messages (section 7). The hub's versions are in ChatHub.cs.

public sealed record MessageDto(
    string Id,
    string ConversationId,
    string SenderId,
    SenderType SenderType,
    DateTimeOffset Timestamp,
    IReadOnlyList<Block> Blocks,
    string? PlainTextIndex,
    string? ReplyToMessageId,
    IReadOnlyList<QuickReply>? QuickReplies,
    bool IsEdited,
    DateTimeOffset? EditedAt,
    bool IsDeleted,
    DateTimeOffset? DeletedAt,
    ReactionSummary? ReactionSummary,
    IReadOnlyList<Mention>? Mentions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ClientMessageId,
    SystemEventInfo? SystemEvent);

public sealed record ReactionSummary(IReadOnlyList<ReactionGroup> Groups, int TotalCount);

public sealed record ReactionGroup(string Emoji, int Count, IReadOnlyList<string> ParticipantIds);

/// <summary>Body of <c>POST /api/conversations/{id}/messages</c>.</summary>
public sealed record SendMessageRequest(
    IReadOnlyList<Block> Blocks,
    string? ReplyToMessageId = null,
    IReadOnlyList<QuickReply>? QuickReplies = null,
    IReadOnlyList<Mention>? Mentions = null,
    string? ClientMessageId = null);

/// <summary>Body of <c>PUT /api/messages/{id}</c> (<c>{blocks, mentions}</c>; the hub says newBlocks/newMentions).</summary>
public sealed record EditMessageRequest(IReadOnlyList<Block> Blocks, IReadOnlyList<Mention>? Mentions = null);

/// <summary>Answer of <c>DELETE /api/messages/{id}</c>.</summary>
public sealed record DeleteMessageResult(string MessageId, DateTimeOffset DeletedAt);
