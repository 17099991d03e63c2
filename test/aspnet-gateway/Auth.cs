using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatGateway;

/// <summary>
/// Issues and checks HS256 JWTs with `sub`, `role`, `iat`, `exp` and `gen` (the token
/// generation: the expire-tokens fault bumps it so every token issued before is refused).
/// </summary>
public sealed class TokenService
{
    private readonly byte[] _key;
    private int _generation = 1;

    public TokenService(byte[] key, TimeSpan lifetime)
    {
        _key = key;
        Lifetime = lifetime;
    }

    public TimeSpan Lifetime { get; }

    public int Generation
    {
        get => Volatile.Read(ref _generation);
        set => Volatile.Write(ref _generation, value);
    }

    public void ExpireAll() => Interlocked.Increment(ref _generation);

    public (string Token, DateTimeOffset ExpiresAt) Issue(string userId, string? role, string? name = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var exp = now + (long)Lifetime.TotalSeconds;
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new JwtHeader("HS256", "JWT"), JwtJson));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new JwtClaims(userId, now, exp, Generation, role, name), JwtJson));
        var signature = B64(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return ($"{header}.{payload}.{signature}", DateTimeOffset.FromUnixTimeSeconds(exp));
    }

    private static readonly JsonSerializerOptions JwtJson = new(JsonSerializerDefaults.Web);

    private sealed record JwtHeader(string Alg, string Typ);

    private sealed record JwtClaims(string Sub, long Iat, long Exp, int Gen, string? Role, string? Name);

    /// <summary>The claims of a valid, unexpired token of the current generation; else null and why.</summary>
    public (ClaimsPrincipal? User, string? Error) Validate(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return (null, "The token is malformed.");
        byte[] given;
        try { given = FromB64(parts[2]); } catch (FormatException) { return (null, "The signature is invalid."); }
        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        if (!CryptographicOperations.FixedTimeEquals(given, expected)) return (null, "The signature is invalid.");
        try
        {
            using var head = JsonDocument.Parse(FromB64(parts[0]));
            if (!head.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256") return (null, "The algorithm is not HS256.");
            using var doc = JsonDocument.Parse(FromB64(parts[1]));
            var root = doc.RootElement;
            if (!root.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String) return (null, "The token has no subject.");
            if (!root.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number) return (null, "The token has no expiry.");
            var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64());
            if (expiresAt <= DateTimeOffset.UtcNow) return (null, $"The token expired at '{expiresAt:O}'.");
            var gen = root.TryGetProperty("gen", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : 0;
            if (gen != Generation) return (null, $"The token expired at '{DateTimeOffset.UtcNow:O}' (token generation {gen} is no longer valid).");
            var claims = new List<Claim> { new("sub", sub.GetString()!) };
            if (root.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String) claims.Add(new Claim("role", role.GetString()!));
            if (root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String) claims.Add(new Claim("name", name.GetString()!));
            return (new ClaimsPrincipal(new ClaimsIdentity(claims, HmacBearerHandler.SchemeName, "sub", "role")), null);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return (null, "The token is malformed.");
        }
    }

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromB64(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        return Convert.FromBase64String(s);
    }
}

/// <summary>
/// `Authorization: Bearer …`, or the `access_token` query on `/hubs/*` (browsers cannot set headers
/// on WebSockets) — what JwtBearer with the usual OnMessageReceived hook does, without the package.
/// </summary>
public sealed class HmacBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private string? _error;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = header["Bearer ".Length..].Trim();
        else if (Request.Path.StartsWithSegments("/hubs")) token = Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(token)) return Task.FromResult(AuthenticateResult.NoResult());
        var (user, error) = tokens.Validate(token);
        if (user is null)
        {
            _error = error;
            return Task.FromResult(AuthenticateResult.Fail(error ?? "invalid token"));
        }
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(user, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        // JwtBearer's wording: a bare `Bearer` without a token, `error="invalid_token"` with a bad one.
        Response.Headers.WWWAuthenticate = _error is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{_error.Replace("\"", "'")}\"";
        return Task.CompletedTask;
    }
}

/// <summary>`Clients.User(id)` addresses the `sub` claim (the participant id).</summary>
public sealed class SubUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User?.FindFirst("sub")?.Value;
}

public static class ClaimsExtensions
{
    public static string UserId(this ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "";
    public static string? Role(this ClaimsPrincipal user) => user.FindFirst("role")?.Value;
}
