namespace ChatGateway.Dtos;

// /api/participants (section 5).

public sealed record ParticipantDto(
    string Id,
    string UniqueName,
    string FullName,
    MediaReference? Avatar,
    string? Gender,
    bool IsBot,
    bool IsOnline,
    DateTimeOffset? LastSeenAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of <c>POST /api/participants</c> (upsert by id).</summary>
public sealed record CreateOrUpdateParticipantRequest(
    string Id,
    string UniqueName,
    string FullName,
    MediaReference? Avatar = null,
    string? Gender = null);

/// <summary>Body of <c>POST /api/participants/batch</c>.</summary>
public sealed record GetParticipantsBatchRequest(IReadOnlyList<string> Ids);
