using System.Text.Json.Serialization;

namespace ChatGateway.Dtos;

// /hubs/chat: events (section 12, 16), the methods' arguments (the seed's Chat*Request) and their acks.

public enum DeleteType
{
    [JsonStringEnumMemberName("recall")] Recall,
    [JsonStringEnumMemberName("delete")] Delete,
}

/// <summary>A message as the chat hub sends it (sender name, <c>plainTextContent</c>, flat reactions).</summary>
public sealed record ChatMessageDto(
    string Id,
    string ConversationId,
    string SenderId,
    string SenderName,
    MediaReference? SenderAvatar,
    SenderType SenderType,
    IReadOnlyList<Block> Blocks,
    string? PlainTextContent,
    string? ReplyToMessageId,
    IReadOnlyList<QuickReply>? QuickReplies,
    bool IsEdited,
    IReadOnlyList<ReactionGroupDto>? Reactions,
    IReadOnlyList<Mention>? Mentions,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    string? ClientMessageId,
    SystemEventDto? SystemEvent);

public sealed record ReactionGroupDto(string Emoji, int Count, IReadOnlyList<string> ParticipantIds);

public sealed record MessageUpdatedDto(
    string MessageId,
    string ConversationId,
    IReadOnlyList<Block> Blocks,
    string? PlainTextContent,
    IReadOnlyList<Mention>? Mentions,
    DateTimeOffset UpdatedAt);

public sealed record MessageDeletedDto(string MessageId, string ConversationId, DeleteType DeleteType, string DeletedBy, DateTimeOffset DeletedAt);

public sealed record ReactionAddedDto(string MessageId, string ConversationId, string ParticipantId, string ParticipantName, string Emoji, DateTimeOffset CreatedAt);

public sealed record ReactionRemovedDto(string MessageId, string ConversationId, string ParticipantId, string ParticipantName, string Emoji, DateTimeOffset RemovedAt);

public sealed record TypingDto(string ConversationId, string ParticipantId, string ParticipantName);

public sealed record ReadReceiptUpdatedDto(string ConversationId, string ParticipantId, string LastReadMessageId, DateTimeOffset ReadAt);

public sealed record StreamStartedDto(
    string StreamId,
    string MessageId,
    string ConversationId,
    string SenderId,
    string SenderName,
    MediaReference? SenderAvatar,
    string? ReplyToMessageId,
    DateTimeOffset StartedAt);

public sealed record StreamStatusUpdatedDto(string StreamId, string MessageId, string ConversationId, string Status, string? Detail, DateTimeOffset UpdatedAt);

public sealed record StreamChunkReceivedDto(string StreamId, string MessageId, string ConversationId, string Text, int ChunkIndex);

public sealed record StreamCompletedDto(string StreamId, string MessageId, string ConversationId, ChatMessageDto Message, DateTimeOffset CompletedAt);

public sealed record StreamAbortedDto(string StreamId, string MessageId, string ConversationId, string Reason, DateTimeOffset AbortedAt);

/// <summary>
/// The <c>error</c> event: a failure on the server with no invocation to answer (an invocation's
/// failure is its HubException or its ack). <c>Details</c> keys are written as given (camelCase).
/// </summary>
public sealed record HubErrorDto(string Code, string Message, IReadOnlyDictionary<string, object?>? Details = null);

// ---- the methods' arguments

public sealed record ChatSendMessageRequest(
    string ConversationId,
    IReadOnlyList<Block> Blocks,
    string? ReplyToMessageId = null,
    IReadOnlyList<QuickReply>? QuickReplies = null,
    IReadOnlyList<Mention>? Mentions = null,
    string? ClientMessageId = null);

public sealed record ChatEditMessageRequest(string MessageId, IReadOnlyList<Block> NewBlocks, IReadOnlyList<Mention>? NewMentions = null);

public sealed record ChatDeleteMessageRequest(string MessageId);

public sealed record ChatRecoverMessageRequest(string MessageId);

public sealed record ChatAddReactionRequest(string MessageId, string ConversationId, string Emoji);

public sealed record ChatRemoveReactionRequest(string MessageId, string Emoji);

// ---- acks (what the methods return); a failure has success: false, errorCode and errorMessage

public sealed record SendMessageAck(
    bool Success,
    string? MessageId = null,
    string? ClientMessageId = null,
    DateTimeOffset? CreatedAt = null,
    string? ErrorCode = null,
    string? ErrorMessage = null);

public sealed record EditMessageAck(bool Success, string? MessageId = null, DateTimeOffset? EditedAt = null, string? ErrorCode = null, string? ErrorMessage = null);

public sealed record DeleteMessageAck(bool Success, string? MessageId = null, DateTimeOffset? DeletedAt = null, string? ErrorCode = null, string? ErrorMessage = null);

public sealed record RecoverMessageAck(bool Success, string? MessageId = null, string? ErrorCode = null, string? ErrorMessage = null);

public sealed record ReactionAck(bool Success, string? MessageId = null, string? Emoji = null, string? ErrorCode = null, string? ErrorMessage = null);

public sealed record MarkAsReadAck(bool Success, string? ConversationId = null, string? ErrorCode = null, string? ErrorMessage = null);
