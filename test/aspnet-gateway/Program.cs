// The ASP.NET Core reference Chat Gateway: the REST routes, both SignalR hubs, the echo bot and
// the test-only fault endpoints (`/_test/...`) that the integration suites drive through
// test/support/test-gateway.ts when CHAT_GATEWAY_URL points here. See README.md.
//
//   dotnet ChatGateway.dll --urls http://127.0.0.1:5005 [--state-file PATH] [--signing-key HEX]
//                          [--token-lifetime-seconds N] [--bot-start-delay-ms N] [--bot-status-delay-ms N]
//                          [--bot-chunk-delay-ms N] [--dev-password P]
// Each option may also come from the environment: CHAT_GATEWAY_STATE_FILE, CHAT_GATEWAY_SIGNING_KEY,
// CHAT_GATEWAY_TOKEN_LIFETIME_SECONDS, CHAT_GATEWAY_BOT_START_DELAY_MS, … (upper case, `_`).
using System.Security.Cryptography;
using System.Text.Json;
using ChatGateway;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

string? Setting(string name) =>
    builder.Configuration[name] is { Length: > 0 } value ? value
    : Environment.GetEnvironmentVariable("CHAT_GATEWAY_" + name.ToUpperInvariant().Replace('-', '_')) is { Length: > 0 } env ? env
    : null;
int IntSetting(string name, int fallback) => int.TryParse(Setting(name), out var v) ? v : fallback;

var signingKey = Setting("signing-key") is { } hex ? Convert.FromHexString(hex) : RandomNumberGenerator.GetBytes(32);
var stateFile = Setting("state-file");
var devPassword = Setting("dev-password");
var tokens = new TokenService(signingKey, TimeSpan.FromSeconds(IntSetting("token-lifetime-seconds", 3600)));
var botOptions = new EchoBotOptions(
    StartDelayMs: IntSetting("bot-start-delay-ms", 20),
    StatusDelayMs: IntSetting("bot-status-delay-ms", 20),
    ChunkDelayMs: IntSetting("bot-chunk-delay-ms", 25));

builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
builder.Services.AddSingleton(tokens);
builder.Services.AddSingleton(botOptions);
builder.Services.AddSingleton<ChatStore>();
builder.Services.AddSingleton<EventHub>();
builder.Services.AddSingleton<EchoBot>();
builder.Services.AddSingleton<ConnectionRegistry>();
builder.Services.AddSingleton<FaultState>();
builder.Services.AddSingleton<RequestLog>();
builder.Services.AddProblemDetails();
builder.Services.AddAuthentication(HmacBearerHandler.SchemeName)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HmacBearerHandler>(HmacBearerHandler.SchemeName, null);
builder.Services.AddAuthorization();
builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.SetIsOriginAllowed(_ => true).AllowCredentials().AllowAnyHeader().AllowAnyMethod()));
builder.Services.AddHealthChecks()
    .AddCheck("store", () => HealthCheckResult.Healthy("In-memory store"))
    .AddCheck("signalr", () => HealthCheckResult.Healthy("Hubs up"));
builder.Services.AddSignalR();
builder.Services.AddSingleton<IUserIdProvider, SubUserIdProvider>();
// After AddSignalR: the last registration wins, so the hubs use the tracking manager.
builder.Services.AddSingleton(typeof(HubLifetimeManager<>), typeof(TrackingHubLifetimeManager<>));

var app = builder.Build();
var store = app.Services.GetRequiredService<ChatStore>();
var events = app.Services.GetRequiredService<EventHub>();
var bot = app.Services.GetRequiredService<EchoBot>();
var faults = app.Services.GetRequiredService<FaultState>();
var requestLog = app.Services.GetRequiredService<RequestLog>();
var registry = app.Services.GetRequiredService<ConnectionRegistry>();
var jsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);

// ---- state across restarts (the control server's POST /restart keeps the data, like gateway.restart())
if (stateFile is not null && File.Exists(stateFile))
{
    var snapshot = JsonSerializer.Deserialize<StoreSnapshot>(File.ReadAllBytes(stateFile), jsonOptions);
    if (snapshot is not null)
    {
        store.Restore(snapshot);
        tokens.Generation = snapshot.TokenGeneration;
    }
}
app.Lifetime.ApplicationStopping.Register(bot.Stop);
app.Lifetime.ApplicationStopped.Register(() =>
{
    if (stateFile is null) return;
    lock (store) File.WriteAllBytes(stateFile, JsonSerializer.SerializeToUtf8Bytes(store.Snapshot(tokens.Generation), jsonOptions));
});
bot.Seed();
events.OnUserMessage = bot.OnUserMessage;

app.UseCors();
// The refuse fault: negotiates and WebSocket upgrades answer 503 while it lasts.
app.Use(async (ctx, next) =>
{
    if (ctx.Request.Path.StartsWithSegments("/hubs") && faults.Refusing)
    {
        ctx.Response.StatusCode = 503;
        return;
    }
    await next();
});
app.Use(async (ctx, next) =>
{
    var path = ctx.Request.Path;
    if (path.StartsWithSegments("/api") || path.StartsWithSegments("/health"))
        requestLog.Add(ctx.Request.Method, path + ctx.Request.QueryString, ctx.Request.Headers.ContainsKey("Authorization"));
    try
    {
        await next();
    }
    catch (GatewayException e) when (!ctx.Response.HasStarted)
    {
        await Http.Problem(e).ExecuteAsync(ctx);
    }
});
app.UseAuthentication();
app.UseAuthorization();

app.MapHub<ChatHub>("/hubs/chat", o => o.AllowStatefulReconnects = true);
app.MapHub<NotificationHub>("/hubs/notifications", o => o.AllowStatefulReconnects = true);

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions
{
    ResponseWriter = (ctx, report) => ctx.Response.WriteAsJsonAsync(new Obj()
        .Put("status", report.Status.ToString())
        .Put("totalDuration", report.TotalDuration.ToString())
        .Put("results", report.Entries.ToDictionary(e => e.Key, e => (object?)new Obj()
            .Put("status", e.Value.Status.ToString())
            .Put("description", e.Value.Description)
            .Put("duration", e.Value.Duration.ToString())
            .Put("error", e.Value.Exception?.Message)))),
});

// ---- REST
app.MapPost("/api/auth/login/{provider}", async (HttpContext ctx, string provider) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    string? userId = null;
    string? role = null;
    switch (provider.ToLowerInvariant())
    {
        case "google":
            if (req.IsObject()) req.String("idToken");
            req.ThrowIfInvalid("login request");
            break;
        case "dsaccount":
            if (req.IsObject()) req.String("token");
            req.ThrowIfInvalid("login request");
            break;
        case "dev":
            string? username = null, password = null;
            if (req.IsObject()) { username = req.String("username"); password = req.String("password"); }
            req.ThrowIfInvalid("login request");
            if (username!.Trim() == "") throw GatewayException.BadRequest("The username field is required.", new() { ["username"] = ["The username field is required."] });
            if (devPassword is null || devPassword == password) userId = username;
            role = "dev";
            break;
        default:
            throw GatewayException.BadRequest($"Unsupported login provider '{provider}'.", new() { ["provider"] = [$"Unsupported login provider '{provider}'."] });
    }
    if (userId is null) throw new GatewayException(401, "The credentials are not valid.");
    // The participant is created on the first login: id = uniqueName = fullName = username.
    var participant = await events.Run(s =>
    {
        if (!s.HasParticipant(userId)) s.UpsertParticipant(userId, userId, userId, null, null);
        return s.Participant(userId)!;
    });
    var (token, expiresAt) = tokens.Issue(participant.Id, role, participant.FullName);
    return Results.Json(new Obj().Put("token", token).Put("expiresAt", expiresAt).Put("user", new Obj()
        .Put("id", participant.Id).Put("uniqueName", participant.UniqueName).Put("fullName", participant.FullName).Put("role", role)));
});

var api = app.MapGroup("/api").RequireAuthorization();

api.MapPost("/participants", async (HttpContext ctx) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    string? id = null, uniqueName = null, fullName = null, gender = null;
    JsonElement? avatar = null;
    if (req.IsObject())
    {
        id = req.String("id"); uniqueName = req.String("uniqueName"); fullName = req.String("fullName");
        avatar = req.Object("avatar").Value; gender = req.String("gender", false);
    }
    req.ThrowIfInvalid("participant");
    return Results.Json(await events.Run(s => s.UpsertParticipant(id, uniqueName, fullName, avatar, gender)));
});
api.MapPost("/participants/batch", async (HttpContext ctx) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    List<string>? ids = null;
    if (req.IsObject()) ids = req.Strings("ids");
    req.ThrowIfInvalid("batch request");
    return Results.Json(events.Read(s => s.GetParticipantBatch(ids!)));
});
api.MapGet("/participants/by-unique-name/{name}", (string name) => Results.Json(events.Read(s => s.GetParticipantByUniqueName(name))));
api.MapGet("/participants/{id}", (string id) => Results.Json(events.Read(s => s.GetParticipant(id))));

api.MapGet("/conversations", (HttpContext ctx) =>
    Results.Json(events.Read(s => s.ListConversations(ctx.User.UserId(), Http.IntQuery(ctx, "limit"), Http.Query(ctx, "cursor")))));
api.MapPost("/conversations", async (HttpContext ctx) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    string? type = null, name = null;
    List<string>? participantIds = null;
    JsonElement? avatar = null;
    if (req.IsObject())
    {
        type = req.String("type");
        if (type is not null and not ("Group" or "OneToOne" or "Self"))
            throw GatewayException.BadRequest($"The conversation type '{type}' is not valid.", new() { ["type"] = ["Expected 'Group', 'OneToOne' or 'Self'."] });
        participantIds = req.Strings("participantIds");
        name = req.String("name", false);
        avatar = req.Object("avatar").Value;
    }
    req.ThrowIfInvalid("conversation");
    var userId = ctx.User.UserId();
    var (conversation, created) = await events.Run(s => s.CreateConversation(userId, type!, participantIds!, name, avatar));
    return Results.Json(conversation, statusCode: created ? 201 : 200);
});
api.MapGet("/conversations/search", (HttpContext ctx) =>
    Results.Json(events.Read(s => s.SearchConversations(ctx.User.UserId(), Http.Query(ctx, "q") ?? "", Http.IntQuery(ctx, "limit")))));
api.MapGet("/conversations/one-to-one/{otherId}", (HttpContext ctx, string otherId) =>
    events.Read(s => s.FindOneToOne(ctx.User.UserId(), otherId)) is { } found ? Results.Json(found) : Results.NoContent());
api.MapGet("/conversations/{id}", (HttpContext ctx, string id) => Results.Json(events.Read(s => s.GetConversation(ctx.User.UserId(), id))));
api.MapPut("/conversations/{id}", async (HttpContext ctx, string id) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    string? name = null;
    (JsonElement? Value, bool IsNull) avatar = (null, false);
    if (req.IsObject()) { name = req.String("name", false); avatar = req.Object("avatar", nullable: true); }
    req.ThrowIfInvalid("conversation update");
    var userId = ctx.User.UserId();
    return Results.Json(await events.Run(s => s.UpdateConversation(userId, id, name, avatar.Value, avatar.IsNull)));
});
api.MapPost("/conversations/{id}/leave", async (HttpContext ctx, string id) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.LeaveConversation(userId, id));
    return Results.NoContent();
});
api.MapGet("/conversations/{id}/participants", (HttpContext ctx, string id) => Results.Json(events.Read(s => s.GetConversationParticipants(ctx.User.UserId(), id))));
api.MapPost("/conversations/{id}/participants", async (HttpContext ctx, string id) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    string? participantId = null;
    bool? canViewHistory = null;
    if (req.IsObject()) { participantId = req.String("participantId"); canViewHistory = req.Bool("canViewHistory"); }
    req.ThrowIfInvalid("participant request");
    var userId = ctx.User.UserId();
    await events.Run(s => s.AddParticipant(userId, id, participantId!, canViewHistory ?? true));
    return Results.NoContent();
});
api.MapDelete("/conversations/{id}/participants/{pid}", async (HttpContext ctx, string id, string pid) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.RemoveParticipant(userId, id, pid));
    return Results.NoContent();
});
api.MapPost("/conversations/{id}/pin", async (HttpContext ctx, string id) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.SetPinned(userId, id, true));
    return Results.NoContent();
});
api.MapDelete("/conversations/{id}/pin", async (HttpContext ctx, string id) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.SetPinned(userId, id, false));
    return Results.NoContent();
});
api.MapPost("/conversations/{id}/read", async (HttpContext ctx, string id) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    string? messageId = null;
    if (req.IsObject()) messageId = req.String("messageId");
    req.ThrowIfInvalid("read request");
    var userId = ctx.User.UserId();
    await events.Run(s => s.MarkAsRead(userId, id, messageId!));
    return Results.NoContent();
});
api.MapPost("/conversations/{id}/unread", async (HttpContext ctx, string id) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.MarkAsUnread(userId, id));
    return Results.NoContent();
});

api.MapPost("/conversations/{id}/messages", async (HttpContext ctx, string id) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    NewMessage? message = null;
    if (req.IsObject()) message = req.NewMessage();
    req.ThrowIfInvalid("message");
    var userId = ctx.User.UserId();
    var dto = await events.Run(s =>
    {
        var (m, created) = s.SendMessage(userId, id, message!);
        return (s.MessageDto(m), created);
    });
    return Results.Json(dto.Item1, statusCode: dto.created ? 201 : 200);
});
api.MapGet("/conversations/{id}/messages", (HttpContext ctx, string id) =>
{
    var direction = Http.Query(ctx, "direction");
    if (direction is not null and not ("older" or "newer"))
        throw GatewayException.BadRequest($"The value '{direction}' is not valid for direction.", new() { ["direction"] = ["The direction must be 'older' or 'newer'."] });
    var cursor = Http.Query(ctx, "cursor");
    var limit = Http.IntQuery(ctx, "limit");
    return Results.Json(events.Read(s => s.GetHistory(ctx.User.UserId(), id, limit, cursor is "" ? null : cursor, direction)));
});
api.MapGet("/conversations/{id}/messages/search", (HttpContext ctx, string id) =>
    Results.Json(events.Read(s => s.SearchMessages(ctx.User.UserId(), id, Http.Query(ctx, "q") ?? "", Http.IntQuery(ctx, "limit")))));
api.MapGet("/messages/{id}", (HttpContext ctx, string id) => Results.Json(events.Read(s => s.GetMessage(ctx.User.UserId(), id))));
api.MapPut("/messages/{id}", async (HttpContext ctx, string id) =>
{
    var req = new Req(await Http.ReadJson(ctx));
    JsonElement? blocks = null, mentions = null;
    if (req.IsObject()) { blocks = req.Array("blocks", true, typed: true); mentions = req.Array("mentions", false); }
    req.ThrowIfInvalid("edit request");
    var userId = ctx.User.UserId();
    return Results.Json(await events.Run(s => s.MessageDto(s.EditMessage(userId, id, blocks!.Value, mentions))));
});
api.MapDelete("/messages/{id}", async (HttpContext ctx, string id) =>
{
    var userId = ctx.User.UserId();
    return Results.Json(await events.Run(s => s.DeleteMessage(userId, id)));
});
api.MapPost("/messages/{id}/recover", async (HttpContext ctx, string id) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.RecoverMessage(userId, id));
    return Results.NoContent();
});
api.MapPost("/messages/{id}/reactions/{emoji}", async (HttpContext ctx, string id, string emoji) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.AddReaction(userId, id, emoji));
    return Results.NoContent();
});
api.MapDelete("/messages/{id}/reactions/{emoji}", async (HttpContext ctx, string id, string emoji) =>
{
    var userId = ctx.User.UserId();
    await events.Run(s => s.RemoveReaction(userId, id, emoji));
    return Results.NoContent();
});

// ---- test-only endpoints (what test/support/test-gateway.ts drives when CHAT_GATEWAY_URL is set)
app.MapGet("/_test/requests", () => Results.Json(requestLog.All()));
app.MapMethods("/_test/{**rest}", ["GET", "PUT", "DELETE", "PATCH"], () => Results.StatusCode(405));
app.MapPost("/_test/{**rest}", async (HttpContext ctx, string rest) =>
{
    JsonElement body;
    try
    {
        body = await Http.ReadJson(ctx, allowEmpty: true);
    }
    catch (GatewayException e)
    {
        return Results.StatusCode(e.Status);
    }
    if (body.ValueKind == JsonValueKind.Undefined) body = JsonSerializer.SerializeToElement(new Obj());
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
            await events.Run(s => { if (!s.HasParticipant(userId)) s.UpsertParticipant(userId, userId, userId, null, null); });
            return Results.Json(new Obj().Put("token", tokens.Issue(userId, Str("role")).Token));
        default:
            return Results.StatusCode(404);
    }
    return Results.NoContent();
});

app.Run();

/// <summary>The refuse fault's window.</summary>
public sealed class FaultState
{
    private long _refuseUntilMs;
    public bool Refusing => Iso.NowMs() < Interlocked.Read(ref _refuseUntilMs);
    public void Refuse(TimeSpan duration) => Interlocked.Exchange(ref _refuseUntilMs, duration <= TimeSpan.Zero ? 0 : Iso.NowMs() + (long)duration.TotalMilliseconds);
}

/// <summary>The last 1,000 REST requests (`GET /_test/requests`).</summary>
public sealed class RequestLog
{
    private readonly Queue<Obj> _entries = new();
    private long _seq;
    public void Add(string method, string path, bool authorization)
    {
        lock (_entries)
        {
            _seq += 1;
            _entries.Enqueue(new Obj().Put("seq", _seq).Put("method", method).Put("path", path).Put("authorization", authorization).Put("at", Iso.NowMs()));
            while (_entries.Count > 1000) _entries.Dequeue();
        }
    }
    public List<Obj> All() { lock (_entries) return [.. _entries]; }
}

/// <summary>Request helpers: JSON bodies (≤ 1 MB), query values, ProblemDetails.</summary>
public static class Http
{
    public const int JsonLimit = 1024 * 1024;

    public static async Task<JsonElement> ReadJson(HttpContext ctx, bool allowEmpty = false)
    {
        if (ctx.Request.ContentLength > JsonLimit) throw new GatewayException(413, $"The request body is larger than {JsonLimit} bytes.");
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await ctx.Request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > JsonLimit) throw new GatewayException(413, $"The request body is larger than {JsonLimit} bytes.");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            if (allowEmpty) return default;
            throw GatewayException.BadRequest("A non-empty request body is required.", new() { [""] = ["A non-empty request body is required."] });
        }
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw GatewayException.BadRequest("The request body is not valid JSON.", new() { ["$"] = [$"The JSON value could not be parsed. {e.Message}"] });
        }
    }

    public static string? Query(HttpContext ctx, string name) => ctx.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public static int? IntQuery(HttpContext ctx, string name)
    {
        var value = Query(ctx, name);
        if (string.IsNullOrEmpty(value)) return null;
        if (!int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
            throw GatewayException.BadRequest($"The value '{value}' is not valid for {name}.", new() { [name] = [$"The value '{value}' is not valid."] });
        return n;
    }

    /// <summary>ASP.NET's own ProblemDetails: a ValidationProblem for 400s, Problem otherwise.</summary>
    public static IResult Problem(GatewayException e) => e.Errors is not null
        ? Results.ValidationProblem(e.Errors, detail: e.Detail, statusCode: e.Status)
        : Results.Problem(detail: e.Detail, statusCode: e.Status);
}
