using System.Text.Json;
using ChatGateway.Domain;
using ChatGateway.Realtime;

namespace ChatGateway.Api;

/// <summary>
/// The test-only endpoints (<c>/_test/...</c>) that test/support/test-gateway.ts drives when
/// CHAT_GATEWAY_URL is set: faults, tokens, the request log. Not part of the Chat Gateway's
/// contract; their bodies are read loosely (any member may be missing).
/// </summary>
public static class TestApi
{
    public sealed record TokenResponse(string Token);

    public static void MapTestApi(this WebApplication app)
    {
        app.MapGet("/_test/requests", (RequestLog log) => TypedResults.Ok(log.All()));
        // Which hub connections this node holds (asked of each node directly by test/cluster, not through the load balancer).
        app.MapGet("/_test/connections", (ConnectionRegistry registry, ChatStore store) => TypedResults.Ok(new { node = store.NodeName, connections = registry.List() }));
        app.MapMethods("/_test/{**rest}", ["GET", "PUT", "DELETE", "PATCH"], () => Results.StatusCode(405));
        app.MapPost("/_test/{**rest}", async (HttpContext ctx, string rest, ConnectionRegistry registry, TokenService tokens, EventHub events, FaultState faults) =>
        {
            JsonElement body;
            try
            {
                body = await ReadBody(ctx);
            }
            catch (GatewayException e)
            {
                return Results.StatusCode(e.Status);
            }
            if (body.ValueKind != JsonValueKind.Object) return Results.StatusCode(400);
            string? Str(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            bool True(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
            double Num(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
            switch ("/" + rest)
            {
                case "/faults/drop":
                    await registry.DropAll(True("allowReconnect"), Str("error"));
                    break;
                case "/faults/kill":
                    registry.KillAll();
                    break;
                case "/faults/expire-tokens":
                    tokens.ExpireAll();
                    break;
                case "/faults/emit-raw":
                    await events.EmitRaw(Str("conversationId") ?? "", Str("event") ?? "", body.TryGetProperty("payload", out var payload) ? payload.Clone() : null);
                    break;
                case "/faults/refuse":
                    faults.Refuse(TimeSpan.FromMilliseconds(Num("durationMs")));
                    break;
                case "/faults/duplicate":
                    events.Duplicate = True("on");
                    break;
                case "/faults/delay":
                    events.DelayMs = (int)Num("delayMs");
                    break;
                case "/token":
                    var userId = Str("userId") ?? "";
                    if (userId == "") return Results.StatusCode(400);
                    await events.Run(s => s.EnsureParticipant(userId));
                    return TypedResults.Ok(new TokenResponse(tokens.Issue(userId, Str("role")).Token));
                default:
                    return Results.StatusCode(404);
            }
            return Results.NoContent();
        });
    }

    /// <summary>The JSON body (≤ 1 MB; empty is <c>{}</c>); 413 or 400 as a GatewayException.</summary>
    private static async Task<JsonElement> ReadBody(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > BodyLimit.Bytes) throw new GatewayException(413, "Too large.");
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await ctx.Request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > BodyLimit.Bytes) throw new GatewayException(413, "Too large.");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return JsonSerializer.SerializeToElement(new { });
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new GatewayException(400, "Not JSON.");
        }
    }
}

/// <summary>The refuse fault's window.</summary>
public sealed class FaultState
{
    private long _refuseUntilMs;
    public bool Refusing => Clock.NowMs() < Interlocked.Read(ref _refuseUntilMs);
    public void Refuse(TimeSpan duration) => Interlocked.Exchange(ref _refuseUntilMs, duration <= TimeSpan.Zero ? 0 : Clock.NowMs() + (long)duration.TotalMilliseconds);
}

/// <summary>One REST request as the gateway saw it (<c>at</c>: ms since the epoch).</summary>
public sealed record RequestLogEntry(long Seq, string Method, string Path, bool Authorization, long At);

/// <summary>The last 1,000 REST requests (<c>GET /_test/requests</c>).</summary>
public sealed class RequestLog
{
    private readonly Queue<RequestLogEntry> _entries = new();
    private long _seq;

    public void Add(string method, string path, bool authorization)
    {
        lock (_entries)
        {
            _seq += 1;
            _entries.Enqueue(new RequestLogEntry(_seq, method, path, authorization, Clock.NowMs()));
            while (_entries.Count > 1000) _entries.Dequeue();
        }
    }

    public List<RequestLogEntry> All() { lock (_entries) return [.. _entries]; }
}

/// <summary>JSON request bodies are limited to 1 MB (as the embedded gateway's).</summary>
public static class BodyLimit
{
    public const int Bytes = 1024 * 1024;
}
