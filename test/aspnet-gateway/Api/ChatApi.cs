using System.Security.Claims;
using ChatGateway.Domain;
using ChatGateway.Dtos;
using ChatGateway.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatGateway.Api;

/// <summary>
/// The REST routes of the contract as minimal APIs: typed request bodies bound by System.Text.Json
/// (a body that does not bind is a 400, see <see cref="GatewayExceptionHandler"/>), the checks a
/// DTO cannot express in <see cref="FieldErrors"/>, and the domain in <see cref="ChatStore"/>
/// behind <see cref="EventHub"/> (every write answers after the events it caused were sent).
/// </summary>
public static class ChatApi
{
    public sealed record LoginSettings(string? DevPassword);

    public static void MapChatApi(this WebApplication app)
    {
        MapAuth(app);
        var api = app.MapGroup("/api").RequireAuthorization();
        MapParticipants(api);
        MapConversations(api);
        MapMessages(api);
    }

    // ---------------------------------------------------------------- auth (no JWT)

    private static void MapAuth(WebApplication app)
    {
        var login = app.MapGroup("/api/auth/login");
        // This gateway accepts no Google ID token and no DS Account token: a valid body is a 401.
        login.MapPost("/google", IResult (GoogleLoginRequest request) =>
        {
            new FieldErrors().Required("idToken", request.IdToken).ThrowIfAny("login request");
            throw InvalidCredentials();
        });
        login.MapPost("/dsaccount", IResult (DsAccountLoginRequest request) =>
        {
            new FieldErrors().Required("token", request.Token).ThrowIfAny("login request");
            throw InvalidCredentials();
        });
        login.MapPost("/dev", async (DevLoginRequest request, LoginSettings settings, TokenService tokens, EventHub events) =>
        {
            new FieldErrors().Required("username", request.Username).Required("password", request.Password).ThrowIfAny("login request");
            if (request.Username.Trim() == "") throw GatewayException.BadRequest("username", "The username field is required.");
            if (settings.DevPassword is not null && settings.DevPassword != request.Password) throw InvalidCredentials();
            // The participant is created on the first login: id = uniqueName = fullName = username.
            var participant = await events.Run(s => s.EnsureParticipant(request.Username));
            const string role = "dev";
            var (token, expiresAt) = tokens.Issue(participant.Id, role, participant.FullName);
            return TypedResults.Ok(new AuthResponse(token, expiresAt, new AuthUserInfo(participant.Id, participant.UniqueName, participant.FullName, participant.Avatar?.Url, role)));
        });
        login.MapPost("/{provider}", IResult (string provider) =>
            throw GatewayException.BadRequest("provider", $"Unsupported login provider '{provider}'."));
    }

    private static GatewayException InvalidCredentials() => new(StatusCodes.Status401Unauthorized, "The credentials are not valid.");

    // ---------------------------------------------------------------- participants

    private static void MapParticipants(RouteGroupBuilder api)
    {
        // A user creates or updates their own participant only; a dev (role=dev) any.
        api.MapPost("/participants", async (CreateOrUpdateParticipantRequest request, ClaimsPrincipal user, EventHub events) =>
        {
            new FieldErrors().Required("id", request.Id).Required("uniqueName", request.UniqueName).Required("fullName", request.FullName).ThrowIfAny("participant");
            if (request.Id != user.UserId() && user.Role() != "dev")
                throw GatewayException.Forbidden("You can only create or update your own participant.");
            return TypedResults.Ok(await events.Run(s => s.UpsertParticipant(request)));
        });
        api.MapPost("/participants/batch", (GetParticipantsBatchRequest request, EventHub events) =>
        {
            new FieldErrors().Strings("ids", request.Ids).ThrowIfAny("batch request");
            return TypedResults.Ok(events.Read(s => s.GetParticipantBatch(request.Ids)));
        });
        api.MapGet("/participants/by-unique-name/{name}", (string name, EventHub events) => TypedResults.Ok(events.Read(s => s.GetParticipantByUniqueName(name))));
        api.MapGet("/participants/{id}", (string id, EventHub events) => TypedResults.Ok(events.Read(s => s.GetParticipant(id))));
    }

    // ---------------------------------------------------------------- conversations

    private static void MapConversations(RouteGroupBuilder api)
    {
        api.MapGet("/conversations", (int? limit, string? cursor, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(events.Read(s => s.ListConversations(user.UserId(), limit, cursor))));
        api.MapPost("/conversations", async Task<Results<Created<ConversationDto>, Ok<ConversationDto>>> (CreateConversationRequest request, ClaimsPrincipal user, EventHub events) =>
        {
            var (conversation, created) = await events.Run(s => s.CreateConversation(user.UserId(), request));
            return created ? TypedResults.Created($"/api/conversations/{conversation.Id}", conversation) : TypedResults.Ok(conversation);
        });
        api.MapGet("/conversations/search", (string? q, int? limit, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(events.Read(s => s.SearchConversations(user.UserId(), q ?? "", limit))));
        api.MapGet("/conversations/one-to-one/{otherId}", Results<Ok<ConversationDto>, NoContent> (string otherId, ClaimsPrincipal user, EventHub events) =>
            events.Read(s => s.FindOneToOne(user.UserId(), otherId)) is { } found ? TypedResults.Ok(found) : TypedResults.NoContent());
        api.MapGet("/conversations/{id}", (string id, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(events.Read(s => s.GetConversation(user.UserId(), id))));
        api.MapPut("/conversations/{id}", async (string id, UpdateConversationRequest request, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(await events.Run(s => s.UpdateConversation(user.UserId(), id, request))));
        api.MapPost("/conversations/{id}/leave", async (string id, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.LeaveConversation(user.UserId(), id));
            return TypedResults.NoContent();
        });
        api.MapGet("/conversations/{id}/participants", (string id, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(events.Read(s => s.GetConversationParticipants(user.UserId(), id))));
        api.MapPost("/conversations/{id}/participants", async (string id, AddParticipantRequest request, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.AddParticipant(user.UserId(), id, request));
            return TypedResults.NoContent();
        });
        api.MapDelete("/conversations/{id}/participants/{pid}", async (string id, string pid, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.RemoveParticipant(user.UserId(), id, pid));
            return TypedResults.NoContent();
        });
        api.MapPost("/conversations/{id}/pin", async (string id, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.SetPinned(user.UserId(), id, true));
            return TypedResults.NoContent();
        });
        api.MapDelete("/conversations/{id}/pin", async (string id, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.SetPinned(user.UserId(), id, false));
            return TypedResults.NoContent();
        });
        api.MapPost("/conversations/{id}/read", async (string id, MarkAsReadRequest request, ClaimsPrincipal user, EventHub events) =>
        {
            new FieldErrors().Required("messageId", request.MessageId).ThrowIfAny("read request");
            await events.Run(s => s.MarkAsRead(user.UserId(), id, request.MessageId));
            return TypedResults.NoContent();
        });
        api.MapPost("/conversations/{id}/unread", async (string id, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.MarkAsUnread(user.UserId(), id));
            return TypedResults.NoContent();
        });
    }

    // ---------------------------------------------------------------- messages

    private static void MapMessages(RouteGroupBuilder api)
    {
        api.MapPost("/conversations/{id}/messages", async Task<Results<Created<MessageDto>, Ok<MessageDto>>> (string id, SendMessageRequest request, ClaimsPrincipal user, EventHub events) =>
        {
            new FieldErrors()
                .Blocks("blocks", request.Blocks)
                .QuickReplies("quickReplies", request.QuickReplies)
                .Mentions("mentions", request.Mentions)
                .ThrowIfAny("message");
            var message = new NewMessage(request.Blocks, request.ReplyToMessageId, request.QuickReplies, request.Mentions, request.ClientMessageId);
            var (dto, created) = await events.Run(s =>
            {
                var (m, isNew) = s.SendMessage(user.UserId(), id, message);
                return (s.ToMessageDto(m), isNew);
            });
            return created ? TypedResults.Created($"/api/messages/{dto.Id}", dto) : TypedResults.Ok(dto);
        });
        api.MapGet("/conversations/{id}/messages", (string id, int? limit, string? cursor, string? direction, ClaimsPrincipal user, EventHub events) =>
        {
            if (direction is not null and not ("older" or "newer"))
                throw GatewayException.BadRequest("direction", "The direction must be 'older' or 'newer'.", $"The value '{direction}' is not valid for direction.");
            return TypedResults.Ok(events.Read(s => s.GetHistory(user.UserId(), id, limit, cursor is "" ? null : cursor, direction)));
        });
        api.MapGet("/conversations/{id}/messages/search", (string id, string? q, int? limit, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(events.Read(s => s.SearchMessages(user.UserId(), id, q ?? "", limit))));
        api.MapGet("/messages/{id}", (string id, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(events.Read(s => s.GetMessage(user.UserId(), id))));
        api.MapPut("/messages/{id}", async (string id, EditMessageRequest request, ClaimsPrincipal user, EventHub events) =>
        {
            new FieldErrors().Blocks("blocks", request.Blocks).Mentions("mentions", request.Mentions).ThrowIfAny("edit request");
            return TypedResults.Ok(await events.Run(s => s.ToMessageDto(s.EditMessage(user.UserId(), id, request.Blocks, request.Mentions))));
        });
        api.MapDelete("/messages/{id}", async (string id, ClaimsPrincipal user, EventHub events) =>
            TypedResults.Ok(await events.Run(s => s.DeleteMessage(user.UserId(), id))));
        api.MapPost("/messages/{id}/recover", async (string id, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.RecoverMessage(user.UserId(), id));
            return TypedResults.NoContent();
        });
        api.MapPost("/messages/{id}/reactions/{emoji}", async (string id, string emoji, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.AddReaction(user.UserId(), id, emoji));
            return TypedResults.NoContent();
        });
        api.MapDelete("/messages/{id}/reactions/{emoji}", async (string id, string emoji, ClaimsPrincipal user, EventHub events) =>
        {
            await events.Run(s => s.RemoveReaction(user.UserId(), id, emoji));
            return TypedResults.NoContent();
        });
    }
}
