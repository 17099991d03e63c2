using System.Text.Json.Serialization;

namespace ChatGateway.Dtos;

// /api/conversations (section 6).

public sealed record ConversationDto(
    string Id,
    ConversationType Type,
    string? Name,
    MediaReference? Avatar,
    string OwnerId,
    DateTimeOffset? LastMessageAt,
    string? LastMessageId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ConversationParticipantDto> Participants);

public sealed record ConversationParticipantDto(
    string ParticipantId,
    DateTimeOffset JoinedAt,
    DateTimeOffset? LeftAt,
    bool IsActive,
    bool IsPinned,
    DateTimeOffset? PinnedAt,
    string? LastReadMessageId,
    DateTimeOffset? LastReadAt,
    int UnreadCount);

public sealed record ConversationListItemDto(
    string Id,
    ConversationType Type,
    string? Name,
    MediaReference? Avatar,
    DateTimeOffset? LastMessageAt,
    string? LastMessageId,
    MessageDto? LastMessage,
    bool IsPinned,
    DateTimeOffset? PinnedAt,
    int UnreadCount,
    int ParticipantCount);

/// <summary>Body of <c>POST /api/conversations</c> (the caller is added by the server).</summary>
public sealed record CreateConversationRequest(
    ConversationType? Type,
    IReadOnlyList<string> ParticipantIds,
    string? Name = null,
    MediaReference? Avatar = null);

/// <summary>
/// Body of <c>PUT /api/conversations/{id}</c> (Group only). An absent member is left as it is;
/// <c>"avatar": null</c> removes the avatar, so whether it was sent is remembered.
/// </summary>
public sealed record UpdateConversationRequest
{
    private readonly MediaReference? _avatar;

    public string? Name { get; init; }

    public MediaReference? Avatar
    {
        get => _avatar;
        init { _avatar = value; AvatarSpecified = true; }
    }

    [JsonIgnore]
    public bool AvatarSpecified { get; private init; }
}

/// <summary>Body of <c>POST /api/conversations/{id}/participants</c> (<c>canViewHistory</c> defaults to true).</summary>
public sealed record AddParticipantRequest(string ParticipantId, bool? CanViewHistory = null);

/// <summary>Body of <c>POST /api/conversations/{id}/read</c>.</summary>
public sealed record MarkAsReadRequest(string MessageId);
