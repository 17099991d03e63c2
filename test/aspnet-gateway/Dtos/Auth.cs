namespace ChatGateway.Dtos;

// POST /api/auth/login/{provider} (section 4).

public sealed record GoogleLoginRequest(string IdToken);

public sealed record DsAccountLoginRequest(string Token);

public sealed record DevLoginRequest(string Username, string Password);

public sealed record AuthResponse(string Token, DateTimeOffset ExpiresAt, AuthUserInfo User);

/// <summary><c>avatar</c> is a plain URL here (not a MediaReference); <c>role</c> is "dev" for dev users.</summary>
public sealed record AuthUserInfo(string Id, string UniqueName, string FullName, string? Avatar, string? Role);
