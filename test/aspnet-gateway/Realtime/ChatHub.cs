using ChatGateway.Domain;
using ChatGateway.Dtos;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ChatGateway.Realtime;

/// <summary>
/// <c>/hubs/chat</c>: the contract's methods with typed arguments. A request that does not bind
/// (a wrong JSON type, a block whose "$type" is not first or unknown, nesting deeper than 64)
/// fails in the framework before the method runs; what binds but is not valid, and every domain
/// failure, answers the ack with <c>success: false</c>. The methods without an ack throw HubException.
/// </summary>
[Authorize]
public sealed class ChatHub(EventHub events, ChatConnections connections) : Hub
{
    private string UserId => Context.User!.UserId();

    public override Task OnConnectedAsync()
    {
        connections.Add(UserId, Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(UserId, Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    // A null id binds (as for any string parameter) and is simply no conversation of the caller's.
    public async Task JoinConversation(string conversationId)
    {
        var id = conversationId ?? "";
        var userId = UserId;
        var connectionId = Context.ConnectionId;
        try
        {
            // In the gate, so a removal cannot slip in between the check and the join.
            await events.Run(s =>
            {
                if (!s.IsActiveMember(userId, id)) throw GatewayException.Forbidden("You are not a participant of this conversation.");
                s.Outbox.Add(new JoinGroupEvent(connectionId, id));
            });
        }
        catch (GatewayException e)
        {
            throw new HubException(e.Detail);
        }
    }

    public Task LeaveConversation(string conversationId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, EventHub.ConversationGroup(conversationId ?? ""));

    public async Task<SendMessageAck> SendMessage(ChatSendMessageRequest request)
    {
        var userId = UserId;
        try
        {
            RequireObject(request, "SendMessage");
            new FieldErrors()
                .Required("conversationId", request.ConversationId)
                .Blocks("blocks", request.Blocks)
                .QuickReplies("quickReplies", request.QuickReplies)
                .Mentions("mentions", request.Mentions)
                .ThrowIfAny("SendMessage request");
            var message = new NewMessage(request.Blocks, request.ReplyToMessageId, request.QuickReplies, request.Mentions, request.ClientMessageId);
            var (id, clientMessageId, createdAt) = await events.Run(s =>
            {
                var (m, _) = s.SendMessage(userId, request.ConversationId, message);
                return (m.Id, m.ClientMessageId, m.CreatedAt);
            });
            return new SendMessageAck(true, id, clientMessageId, createdAt);
        }
        catch (GatewayException e)
        {
            return new SendMessageAck(false, ErrorCode: e.Code, ErrorMessage: e.Detail);
        }
    }

    public async Task<EditMessageAck> EditMessage(ChatEditMessageRequest request)
    {
        var userId = UserId;
        try
        {
            RequireObject(request, "EditMessage");
            new FieldErrors()
                .Required("messageId", request.MessageId)
                .Blocks("newBlocks", request.NewBlocks)
                .Mentions("newMentions", request.NewMentions)
                .ThrowIfAny("EditMessage request");
            var (id, editedAt) = await events.Run(s =>
            {
                var m = s.EditMessage(userId, request.MessageId, request.NewBlocks, request.NewMentions);
                return (m.Id, m.EditedAt);
            });
            return new EditMessageAck(true, id, editedAt);
        }
        catch (GatewayException e)
        {
            return new EditMessageAck(false, ErrorCode: e.Code, ErrorMessage: e.Detail);
        }
    }

    public async Task<DeleteMessageAck> DeleteMessage(ChatDeleteMessageRequest request)
    {
        var userId = UserId;
        try
        {
            RequireObject(request, "DeleteMessage");
            new FieldErrors().Required("messageId", request.MessageId).ThrowIfAny("DeleteMessage request");
            var result = await events.Run(s => s.DeleteMessage(userId, request.MessageId));
            return new DeleteMessageAck(true, result.MessageId, result.DeletedAt);
        }
        catch (GatewayException e)
        {
            return new DeleteMessageAck(false, ErrorCode: e.Code, ErrorMessage: e.Detail);
        }
    }

    public async Task<RecoverMessageAck> RecoverMessage(ChatRecoverMessageRequest request)
    {
        var userId = UserId;
        try
        {
            RequireObject(request, "RecoverMessage");
            new FieldErrors().Required("messageId", request.MessageId).ThrowIfAny("RecoverMessage request");
            var id = await events.Run(s => s.RecoverMessage(userId, request.MessageId).Id);
            return new RecoverMessageAck(true, id);
        }
        catch (GatewayException e)
        {
            return new RecoverMessageAck(false, ErrorCode: e.Code, ErrorMessage: e.Detail);
        }
    }

    public async Task<ReactionAck> AddReaction(ChatAddReactionRequest request)
    {
        var userId = UserId;
        try
        {
            RequireObject(request, "AddReaction");
            new FieldErrors()
                .Required("messageId", request.MessageId)
                .Required("conversationId", request.ConversationId)
                .Required("emoji", request.Emoji)
                .ThrowIfAny("AddReaction request");
            await events.Run(s =>
            {
                if (s.StoredMessage(request.MessageId) is { } m && m.ConversationId != request.ConversationId)
                    throw GatewayException.BadRequest("The message is not in that conversation.");
                s.AddReaction(userId, request.MessageId, request.Emoji);
            });
            return new ReactionAck(true, request.MessageId, request.Emoji);
        }
        catch (GatewayException e)
        {
            return new ReactionAck(false, ErrorCode: e.Code, ErrorMessage: e.Detail);
        }
    }

    public async Task<ReactionAck> RemoveReaction(ChatRemoveReactionRequest request)
    {
        var userId = UserId;
        try
        {
            RequireObject(request, "RemoveReaction");
            new FieldErrors().Required("messageId", request.MessageId).Required("emoji", request.Emoji).ThrowIfAny("RemoveReaction request");
            await events.Run(s => s.RemoveReaction(userId, request.MessageId, request.Emoji));
            return new ReactionAck(true, request.MessageId, request.Emoji);
        }
        catch (GatewayException e)
        {
            return new ReactionAck(false, ErrorCode: e.Code, ErrorMessage: e.Detail);
        }
    }

    public async Task<MarkAsReadAck> MarkAsRead(string conversationId, string messageId)
    {
        var id = conversationId ?? "";
        if (string.IsNullOrEmpty(messageId)) return new MarkAsReadAck(false, ErrorCode: "VALIDATION_ERROR", ErrorMessage: "messageId is required.");
        var userId = UserId;
        try
        {
            await events.Run(s => s.MarkAsRead(userId, id, messageId));
            return new MarkAsReadAck(true, id);
        }
        catch (GatewayException e)
        {
            return new MarkAsReadAck(false, id, e.Code, e.Detail);
        }
    }

    public Task StartTyping(string conversationId) => Typing(conversationId ?? "", true);

    public Task StopTyping(string conversationId) => Typing(conversationId ?? "", false);

    private async Task Typing(string conversationId, bool started)
    {
        var userId = UserId;
        var connectionId = Context.ConnectionId;
        try { await events.Run(s => s.Typing(userId, conversationId, started, connectionId)); }
        catch (GatewayException e) { throw new HubException(e.Detail); }
    }

    /// <summary>A JSON <c>null</c> argument binds to a record parameter; it is a validation failure, not a binding one.</summary>
    private static void RequireObject(object? request, string method)
    {
        if (request is null) throw GatewayException.BadRequest($"Invalid {method} request: $: Expected an object, got null.", new Dictionary<string, string[]> { ["$"] = ["Expected an object, got null."] });
    }
}
