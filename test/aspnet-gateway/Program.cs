// The ASP.NET Core reference Chat Gateway: the REST routes, both SignalR hubs, the echo bot and
// the test-only fault endpoints (`/_test/...`) that the integration suites drive through
// test/support/test-gateway.ts when CHAT_GATEWAY_URL points here. See README.md.
//
//   dotnet ChatGateway.dll --urls http://127.0.0.1:5005 [--state-file PATH] [--signing-key HEX]
//                          [--token-lifetime-seconds N] [--bot-start-delay-ms N] [--bot-status-delay-ms N]
//                          [--bot-chunk-delay-ms N] [--dev-password P]
//                          [--node-name NAME --redis HOST:PORT --postgres CONNECTION-STRING]  (cluster mode: docs/scale-out.md)
// Each option may also come from the environment: CHAT_GATEWAY_STATE_FILE, CHAT_GATEWAY_SIGNING_KEY,
// CHAT_GATEWAY_TOKEN_LIFETIME_SECONDS, CHAT_GATEWAY_BOT_START_DELAY_MS, … (upper case, `_`).
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatGateway;
using ChatGateway.Api;
using ChatGateway.Cluster;
using ChatGateway.Domain;
using ChatGateway.Realtime;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using HealthStatusDto = ChatGateway.Dtos.HealthStatus;
using HealthCheckResultDto = ChatGateway.Dtos.HealthCheckResult;

var builder = WebApplication.CreateBuilder(args);

string? Setting(string name) =>
    builder.Configuration[name] is { Length: > 0 } value ? value
    : Environment.GetEnvironmentVariable("CHAT_GATEWAY_" + name.ToUpperInvariant().Replace('-', '_')) is { Length: > 0 } env ? env
    : null;
int IntSetting(string name, int fallback) => int.TryParse(Setting(name), out var v) ? v : fallback;

var signingKey = Setting("signing-key") is { } hex ? Convert.FromHexString(hex) : RandomNumberGenerator.GetBytes(32);
var stateFile = Setting("state-file");

builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

// JSON: the Web defaults (camelCase, case-insensitive reading) and enums as their names, for REST
// and for the hubs alike. Nothing else is tuned: unset members are written as null, timestamps
// are DateTimeOffsets, max depth is 64, "$type" must come first in a block.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
var hubJson = new JsonSerializerOptions(JsonSerializerDefaults.Web);
hubJson.Converters.Add(new JsonStringEnumConverter());
var signalR = builder.Services.AddSignalR()
    .AddJsonProtocol(o => o.PayloadSerializerOptions = hubJson)
    // MessagePack: ASP.NET's default resolver cannot write the polymorphic blocks and writes
    // PascalCase names, so the gateway configures the documented hook with a resolver that writes
    // the DTOs in the JSON protocol's shape (Realtime/JsonShapeMessagePack.cs; DIFFERENCES.md 13).
    .AddMessagePackProtocol(o => o.SerializerOptions = JsonShapeMessagePack.Options(hubJson));
// Cluster mode (test/cluster, docs/scale-out.md), only when the settings are given: the Redis
// backplane carries hub messages between nodes, PostgreSQL holds the data all nodes share.
var cluster = new ClusterSettings(Setting("node-name") ?? "local", Setting("redis"), Setting("postgres"));
if (cluster.Redis is { } redisConfig)
{
    signalR.AddStackExchangeRedis(redisConfig, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("chat-gateway"));
    builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RedisBackplane>(sp, redisConfig, cluster.NodeName));
    builder.Services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
        .Configure<RedisBackplane>((o, backplane) => o.ConnectionFactory = backplane.Connect);
    builder.Services.AddSingleton(new LifetimeManagerChoice(Redis: true));
}
if (cluster.Postgres is { } postgres)
{
    builder.Services.AddSingleton(cluster);
    builder.Services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(postgres));
    builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ClusterStore>(sp,
        new JsonSerializerOptions(sp.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions) { MaxDepth = 128 }));
    builder.Services.AddHostedService<ClusterNode>();
}
// After AddSignalR (and the backplane): the last registration wins, so the hubs use the tracking
// manager, which wraps the default manager or the backplane's.
builder.Services.AddSingleton(typeof(HubLifetimeManager<>), typeof(TrackingHubLifetimeManager<>));
builder.Services.AddSingleton<IUserIdProvider, SubUserIdProvider>();

// Errors: RFC 7807 everywhere; a request whose body or query does not bind throws, so it gets one too.
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<GatewayExceptionHandler>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

builder.Services.AddSingleton(new TokenService(signingKey, TimeSpan.FromSeconds(IntSetting("token-lifetime-seconds", 3600))));
builder.Services.AddSingleton(new ChatApi.LoginSettings(Setting("dev-password")));
builder.Services.AddSingleton(new EchoBotOptions(
    StartDelayMs: IntSetting("bot-start-delay-ms", 20),
    StatusDelayMs: IntSetting("bot-status-delay-ms", 20),
    ChunkDelayMs: IntSetting("bot-chunk-delay-ms", 25)));
builder.Services.AddSingleton<ChatStore>();
builder.Services.AddSingleton<EventHub>();
builder.Services.AddSingleton<EchoBot>();
builder.Services.AddSingleton<ChatConnections>();
builder.Services.AddSingleton<ConnectionRegistry>();
builder.Services.AddSingleton<FaultState>();
builder.Services.AddSingleton<RequestLog>();
builder.Services.AddAuthentication(HmacBearerHandler.SchemeName)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HmacBearerHandler>(HmacBearerHandler.SchemeName, null);
builder.Services.AddAuthorization();
builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.SetIsOriginAllowed(_ => true).AllowCredentials().AllowAnyHeader().AllowAnyMethod()));
builder.Services.AddHealthChecks()
    .AddCheck("store", () => HealthCheckResult.Healthy("In-memory store"))
    .AddCheck("signalr", () => HealthCheckResult.Healthy("Hubs up"));

var app = builder.Build();
var store = app.Services.GetRequiredService<ChatStore>();
var events = app.Services.GetRequiredService<EventHub>();
var bot = app.Services.GetRequiredService<EchoBot>();
var tokens = app.Services.GetRequiredService<TokenService>();
// The state file is the app's own storage, not the wire: the REST options, with room for the
// envelope (snapshot → conversations → messages) around the deepest block the API accepts.
var stateJson = new JsonSerializerOptions(app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions) { MaxDepth = 128 };

// ---- cluster mode: the shared database is the state (no state file); this node's presence counts
// from before a restart are void.
if (app.Services.GetService<ClusterStore>() is { } clusterStore)
{
    clusterStore.Migrate().GetAwaiter().GetResult();
    store.Tracking = true;
    store.NodeName = cluster.NodeName;
    stateFile = null;
    events.Run(s => s.ClearNode(cluster.NodeName)).GetAwaiter().GetResult();
}
if (cluster.Postgres is not null || cluster.Redis is not null)
{
    // A node that stops drains first: its liveness fails so the load balancer takes it out (and
    // redispatches its sticky clients), then its hub connections are closed with allowReconnect,
    // so clients move at once instead of when the shutdown timeout cuts their sockets.
    var draining = false;
    app.Lifetime.ApplicationStopping.Register(() =>
    {
        draining = true;
        Thread.Sleep(1000);
        app.Services.GetRequiredService<ConnectionRegistry>().DropAll(allowReconnect: true, error: null).Wait(TimeSpan.FromSeconds(2));
    });
    app.Use((ctx, next) =>
    {
        // Which node answered: for operators and the cluster scenarios' logs.
        ctx.Response.Headers["X-Gateway-Node"] = cluster.NodeName;
        if (draining && ctx.Request.Path.StartsWithSegments("/health"))
        {
            ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }
        return next();
    });
}

// ---- state across restarts (the control server's POST /restart keeps the data, like gateway.restart())
if (stateFile is not null && File.Exists(stateFile))
{
    var snapshot = JsonSerializer.Deserialize<StoreSnapshot>(File.ReadAllBytes(stateFile), stateJson);
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
    lock (store) File.WriteAllBytes(stateFile, JsonSerializer.SerializeToUtf8Bytes(store.Snapshot(tokens.Generation), stateJson));
});
bot.Seed();
events.OnUserMessage = bot.OnUserMessage;

app.UseExceptionHandler();
app.UseCors();
// The refuse fault: negotiates and WebSocket upgrades answer 503 while it lasts.
app.Use(async (ctx, next) =>
{
    if (ctx.Request.Path.StartsWithSegments("/hubs") && ctx.RequestServices.GetRequiredService<FaultState>().Refusing)
    {
        ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return;
    }
    await next();
});
// The request log (GET /_test/requests) and the 1 MB limit of REST bodies.
app.Use(async (ctx, next) =>
{
    var path = ctx.Request.Path;
    if (path.StartsWithSegments("/api") || path.StartsWithSegments("/health"))
    {
        ctx.RequestServices.GetRequiredService<RequestLog>().Add(ctx.Request.Method, path + ctx.Request.QueryString, ctx.Request.Headers.ContainsKey("Authorization"));
        if (ctx.Request.ContentLength > BodyLimit.Bytes) throw new GatewayException(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {BodyLimit.Bytes} bytes.");
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = BodyLimit.Bytes;
    }
    await next();
});
app.UseAuthentication();
app.UseAuthorization();

app.MapHub<ChatHub>("/hubs/chat", o => o.AllowStatefulReconnects = true);
app.MapHub<NotificationHub>("/hubs/notifications", o => o.AllowStatefulReconnects = true);

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions
{
    ResponseWriter = (ctx, report) => ctx.Response.WriteAsJsonAsync(new HealthStatusDto(
        report.Status.ToString(),
        report.TotalDuration,
        report.Entries.ToDictionary(
            e => e.Key,
            e => new HealthCheckResultDto(e.Value.Status.ToString(), e.Value.Description, e.Value.Duration, e.Value.Exception?.Message)))),
});

app.MapChatApi();
app.MapTestApi();

app.Run();
