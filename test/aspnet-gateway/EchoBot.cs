using System.Text.RegularExpressions;
using ChatGateway.Domain;
using ChatGateway.Dtos;
using ChatGateway.Realtime;

namespace ChatGateway;

/// <summary>Timing of the echo bot (milliseconds), like the embedded gateway's `EchoBotOptions`.</summary>
public sealed record EchoBotOptions(string Id = "echo-bot", int StartDelayMs = 20, int StatusDelayMs = 20, int ChunkDelayMs = 25, int Chunks = 5, string AbortWord = "abort");

/// <summary>
/// The `echo-bot` participant: in a conversation that includes it, every user message gets
/// streamStarted → streamStatusUpdated("thinking") → streamChunkReceived × n → streamCompleted
/// (`You said: <text>`, stored in history); a message with the word `abort` ends in streamAborted.
/// </summary>
public sealed class EchoBot(EventHub events, EchoBotOptions options, ILogger<EchoBot> log)
{
    private readonly CancellationTokenSource _stopping = new();

    public string Id => options.Id;

    public void Seed() => events.Run(s =>
    {
        if (!s.HasParticipant(options.Id)) s.UpsertParticipant(new CreateOrUpdateParticipantRequest(options.Id, options.Id, "Echo Bot"), isBot: true);
    }).GetAwaiter().GetResult();

    public void Stop() => _stopping.Cancel();

    /// <summary>Called after a user's message was stored and announced.</summary>
    public void OnUserMessage(Message message)
    {
        if (message.SenderType != SenderType.User || message.SenderId == options.Id) return;
        if (!events.Read(s => s.IsActiveMember(options.Id, message.ConversationId))) return;
        _ = Task.Run(() => Reply(message));
    }

    private async Task Reply(Message message)
    {
        try
        {
            var text = $"You said: {message.PlainText ?? ""}";
            var pieces = Split(text, options.Chunks);
            var abort = Regex.IsMatch(message.PlainText ?? "", $"\\b{Regex.Escape(options.AbortWord)}\\b", RegexOptions.IgnoreCase);
            var (streamId, messageId) = events.Read(s => ($"stream_{s.NewId()}", s.NewId()));
            var conversationId = message.ConversationId;
            var token = _stopping.Token;

            await Task.Delay(options.StartDelayMs, token);
            await events.Run(s =>
            {
                var bot = s.Participant(options.Id);
                s.Outbox.Add(new ChatEvent(conversationId, "streamStarted", new StreamStartedDto(
                    streamId, messageId, conversationId, options.Id, bot?.FullName ?? options.Id, bot?.Avatar, message.Id, Clock.Now())));
            });
            await Task.Delay(options.StatusDelayMs, token);
            await events.Run(s => s.Outbox.Add(new ChatEvent(conversationId, "streamStatusUpdated",
                new StreamStatusUpdatedDto(streamId, messageId, conversationId, "thinking", null, Clock.Now()))));
            var sent = abort ? pieces.Take(Math.Min(2, pieces.Count)).ToList() : pieces;
            for (var i = 0; i < sent.Count; i++)
            {
                await Task.Delay(options.ChunkDelayMs, token);
                var index = i;
                await events.Run(s => s.Outbox.Add(new ChatEvent(conversationId, "streamChunkReceived",
                    new StreamChunkReceivedDto(streamId, messageId, conversationId, sent[index], index))));
            }
            await Task.Delay(options.ChunkDelayMs, token);
            if (abort)
            {
                await events.Run(s => s.Outbox.Add(new ChatEvent(conversationId, "streamAborted",
                    new StreamAbortedDto(streamId, messageId, conversationId, $"The message contained the word '{options.AbortWord}'.", Clock.Now()))));
            }
            else
            {
                await events.Run(s =>
                {
                    var stored = s.StoreStreamedMessage(options.Id, conversationId, messageId, text, message.Id);
                    s.Outbox.Add(new ChatEvent(conversationId, "streamCompleted",
                        new StreamCompletedDto(streamId, stored.Id, conversationId, s.ToChatMessageDto(stored), Clock.Now())));
                });
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception ex) { log.LogWarning(ex, "the echo bot failed"); }
    }

    /// <summary>Cuts the text into at most <paramref name="count"/> pieces, at spaces where possible.</summary>
    private static List<string> Split(string text, int count)
    {
        var size = Math.Max(1, (int)Math.Ceiling(text.Length / (double)Math.Max(1, count)));
        var pieces = new List<string>();
        var rest = text;
        while (rest.Length > 0)
        {
            if (rest.Length <= size) { pieces.Add(rest); break; }
            var cut = rest.LastIndexOf(' ', size);
            if (cut <= 0) cut = size;
            var skip = cut < rest.Length && rest[cut] == ' ' ? 1 : 0;
            pieces.Add(rest[..(cut + skip)]);
            rest = rest[(cut + skip)..];
        }
        return pieces;
    }
}
