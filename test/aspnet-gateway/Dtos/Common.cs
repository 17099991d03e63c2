using System.Text.Json;

namespace ChatGateway.Dtos;

// The seed SDK's shared types (section 16). Enums travel as their names (JsonStringEnumConverter).

public enum ConversationType { Group, OneToOne, Self }

public enum SenderType { User, Bot, System }

public enum QuickReplyAction { SendText, Postback, Url }

public enum MentionType { User, All, Here, Role }

public enum SystemEventType { ConversationRenamed, AvatarChanged, MemberAdded, MemberRemoved, MemberLeft, Custom }

/// <summary>A file in the gateway's storage (<c>storageKey</c>) or an external <c>url</c>.</summary>
public sealed record MediaReference(string? StorageKey = null, string? Url = null);

/// <summary>A quick-reply button under a (bot) message.</summary>
public sealed record QuickReply(string Label, QuickReplyAction Action, string? Value, string? Icon);

/// <summary>A mention inside a message's plain text (<c>targetId</c> is null for All/Here).</summary>
public sealed record Mention(MentionType Type, string? TargetId, string DisplayName, int? Offset, int? Length);

/// <summary>A cursor-paged list; <c>nextCursor</c> is the opaque <c>"&lt;UnixMs&gt;_&lt;ULID&gt;"</c>.</summary>
public sealed record CursorPaginatedResult<T>(IReadOnlyList<T> Items, string? NextCursor, bool HasMore);

/// <summary>A system event on a REST <see cref="MessageDto"/>.</summary>
public record SystemEventInfo(
    SystemEventType Type,
    string? ActorId,
    IReadOnlyList<string>? TargetIds,
    Dictionary<string, JsonElement>? Metadata);

/// <summary>A system event on a hub <see cref="ChatMessageDto"/>: <see cref="SystemEventInfo"/> plus display names.</summary>
public sealed record SystemEventDto(
    SystemEventType Type,
    string? ActorId,
    IReadOnlyList<string>? TargetIds,
    Dictionary<string, JsonElement>? Metadata,
    string? ActorName,
    IReadOnlyList<string>? TargetNames) : SystemEventInfo(Type, ActorId, TargetIds, Metadata);
