using System.Text.RegularExpressions;
using ChatGateway.Domain;
using ChatGateway.Dtos;
using ChatGateway.Realtime;

namespace ChatGateway;

/// <summary>Timing and trigger words of the echo bot (milliseconds), like the embedded gateway's `EchoBotOptions`.</summary>
public sealed record EchoBotOptions(
    string Id = "echo-bot",
    int StartDelayMs = 20,
    int StatusDelayMs = 20,
    int ChunkDelayMs = 25,
    int Chunks = 5,
    string AbortWord = "abort",
    string FailWord = "fail");

/// <summary>
/// The `echo-bot` participant: in a conversation that includes it, every user message gets
/// streamStarted → streamStatusUpdated("thinking") → streamChunkReceived × n → streamCompleted
/// (`You said: <text>`, stored in history); a message with the word `abort` ends in streamAborted.
/// A reply that fails on the server (any exception; the word `fail` makes it throw after at most
/// two chunks) ends, once started, in streamAborted to the conversation, and its author's chat
/// connections get the hub's `error` event (<see cref="HubErrorDto"/>, code <c>BOT_STREAM_FAILED</c>):
/// the message was accepted, so there is no invocation left to fail.
/// </summary>
public sealed class EchoBot(EventHub events, EchoBotOptions options, ILogger<EchoBot> log)
{
    public const string StreamFailedCode = "BOT_STREAM_FAILED";
    public const string FailedReason = "The bot failed while replying.";
    public const string FailedMessage = "The bot failed while replying to your message.";

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
        var (streamId, messageId) = events.Read(s => ($"stream_{s.NewId()}", s.NewId()));
        var conversationId = message.ConversationId;
        var token = _stopping.Token;
        var started = false;
        try
        {
            var text = Reply(message.PlainText, message.Blocks);
            var pieces = Split(text, options.Chunks);
            var fail = HasWord(message.PlainText, options.FailWord);
            var abort = !fail && HasWord(message.PlainText, options.AbortWord);

            await Task.Delay(options.StartDelayMs, token);
            await events.Run(s =>
            {
                var bot = s.Participant(options.Id);
                s.Outbox.Add(new ChatEvent(conversationId, "streamStarted", new StreamStartedDto(
                    streamId, messageId, conversationId, options.Id, bot?.FullName ?? options.Id, bot?.Avatar, message.Id, Clock.Now())));
            });
            started = true;
            await Task.Delay(options.StatusDelayMs, token);
            await events.Run(s => s.Outbox.Add(new ChatEvent(conversationId, "streamStatusUpdated",
                new StreamStatusUpdatedDto(streamId, messageId, conversationId, "thinking", null, Clock.Now()))));
            var sent = abort || fail ? pieces.Take(Math.Min(2, pieces.Count)).ToList() : pieces;
            for (var i = 0; i < sent.Count; i++)
            {
                await Task.Delay(options.ChunkDelayMs, token);
                var index = i;
                await events.Run(s => s.Outbox.Add(new ChatEvent(conversationId, "streamChunkReceived",
                    new StreamChunkReceivedDto(streamId, messageId, conversationId, sent[index], index))));
            }
            await Task.Delay(options.ChunkDelayMs, token);
            if (fail)
            {
                throw new InvalidOperationException($"The message contained the word '{options.FailWord}'.");
            }
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
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
        catch (Exception ex)
        {
            log.LogWarning(ex, "the echo bot failed replying to message {MessageId} in {ConversationId}", message.Id, conversationId);
            await Failed(message, streamId, messageId, started);
        }
    }

    /// <summary>
    /// The reply failed on the server: the stream, once announced, ends in streamAborted for every
    /// viewer (nothing is stored), then every chat connection of the message's author gets `error`.
    /// </summary>
    private async Task Failed(Message message, string streamId, string messageId, bool started)
    {
        var conversationId = message.ConversationId;
        var details = new Dictionary<string, object?> { ["conversationId"] = conversationId, ["messageId"] = message.Id };
        if (started) details["streamId"] = streamId;
        details["botId"] = options.Id;
        try
        {
            await events.Run(s =>
            {
                if (started)
                    s.Outbox.Add(new ChatEvent(conversationId, "streamAborted", new StreamAbortedDto(streamId, messageId, conversationId, FailedReason, Clock.Now())));
                s.Outbox.Add(new ChatUserEvent(message.SenderId, "error", new HubErrorDto(StreamFailedCode, FailedMessage, details)));
            });
        }
        catch (Exception ex)
        {
            log.LogError(ex, "the echo bot could not report its failure on message {MessageId}", message.Id);
        }
    }

    /// <summary>
    /// Whether the text contains the word (whole word, case-insensitive); an empty word never
    /// matches. ECMAScript semantics (ASCII word boundaries): the embedded gateway's `hasWord`
    /// (a JavaScript `\b…\b` regex with the `i` flag) to the letter.
    /// </summary>
    private static bool HasWord(string? text, string word) =>
        word != "" && Regex.IsMatch(text ?? "", $"\\b{Regex.Escape(word)}\\b", RegexOptions.IgnoreCase | RegexOptions.ECMAScript);

    /// <summary>`You said: <text>`, or for a message without text a description of its blocks
    /// (`You sent a file: report.pdf`), as the embedded gateway's `echoReply`.</summary>
    public static string Reply(string? plainText, IReadOnlyList<Block> blocks)
    {
        if (!string.IsNullOrEmpty(plainText)) return $"You said: {plainText}";
        var parts = blocks.Select(Describe).ToList();
        if (parts.Count == 0) return "You sent an empty message";
        var list = parts.Count == 1 ? parts[0] : $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}";
        return $"You sent {list}";
    }

    private static string Describe(Block block)
    {
        static string Named(string what, string? name) => string.IsNullOrWhiteSpace(name) ? what : $"{what}: {name.Trim()}";
        return block switch
        {
            TextBlock t => t.Content.Trim() == "" ? "an empty text" : $"a {t.Format} text",
            FileBlock f => Named("a file", f.FileName),
            ImageBlock i => Named("an image", i.Caption ?? i.AltText),
            VideoBlock v => Named("a video", v.Caption),
            AudioBlock => "an audio clip",
            LinkPreviewBlock l => Named("a link", l.Url),
            EmbedBlock e => Named("an embed", e.Url),
            LocationBlock l => Named("a location", l.Name ?? l.Address ?? FormattableString.Invariant($"{l.Latitude}, {l.Longitude}")),
            ContactBlock c => Named("a contact", c.DisplayName),
            ChoiceBlock c => Named("a question", c.Prompt),
            CarouselBlock c => $"a carousel of {c.Cards.Count} card{(c.Cards.Count == 1 ? "" : "s")}",
            CardBlock c => Named("a card", c.Title),
            DividerBlock => "a divider",
            CustomBlock c => Named("a custom block", c.Type),
            _ => "a block",
        };
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
