using System.Text.Json;
using ChatGateway.Dtos;

namespace ChatGateway.Domain;

/// <summary>
/// What is wrong with a request body after System.Text.Json bound it (field → messages): members
/// the DTO needs that were missing or null. Type errors never get here — they fail binding.
/// </summary>
public sealed class FieldErrors
{
    /// <summary>
    /// How deep a custom block's <c>data</c> may nest (the data object itself is level 1).
    /// System.Text.Json writes at most 64 levels (its default MaxDepth, which applies to output
    /// too), and the deepest place a stored block is written is the conversation list's
    /// <c>lastMessage</c>: page → items → item → lastMessage → blocks → block → data puts the data
    /// object at level 7. Deeper data would be stored and then break every read of it with a 500.
    /// </summary>
    public const int MaxDataDepth = 58;

    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        (_errors.TryGetValue(field, out var list) ? list : _errors[field] = []).Add(message);
        return this;
    }

    public FieldErrors Required(string field, object? value) => value is null ? Add(field, $"The {field} field is required.") : this;

    public FieldErrors Blocks(string field, IReadOnlyList<Block>? blocks)
    {
        if (blocks is null) return Add(field, $"The {field} field is required.");
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i] is not { } block) { Add($"{field}.{i}", "Expected a block, got null."); continue; }
            foreach (var member in MissingMembers(block)) Add($"{field}.{i}.{member}", $"The {member} field is required.");
            if (block is CustomBlock { Data: { } data } && DepthOf(data) > MaxDataDepth)
                Add($"{field}.{i}.data", $"The data may be nested at most {MaxDataDepth} levels deep.");
        }
        return this;
    }

    public FieldErrors Mentions(string field, IReadOnlyList<Mention>? mentions)
    {
        if (mentions is null) return this;
        for (var i = 0; i < mentions.Count; i++)
        {
            if (mentions[i] is null) Add($"{field}.{i}", "Expected a mention, got null.");
            else Required($"{field}.{i}.displayName", mentions[i].DisplayName);
        }
        return this;
    }

    public FieldErrors QuickReplies(string field, IReadOnlyList<QuickReply>? replies)
    {
        if (replies is null) return this;
        for (var i = 0; i < replies.Count; i++)
        {
            if (replies[i] is null) Add($"{field}.{i}", "Expected a quick reply, got null.");
            else Required($"{field}.{i}.label", replies[i].Label);
        }
        return this;
    }

    public FieldErrors Strings(string field, IReadOnlyList<string>? values)
    {
        if (values is null) return Add(field, $"The {field} field is required.");
        for (var i = 0; i < values.Count; i++)
            if (values[i] is null) Add($"{field}.{i}", "Expected a string, got null.");
        return this;
    }

    /// <summary>A 400 naming every field, when there is one.</summary>
    public void ThrowIfAny(string what)
    {
        if (!Any) return;
        var summary = string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        throw GatewayException.BadRequest($"Invalid {what}: {summary}", _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    private static int DepthOf(Dictionary<string, JsonElement> data) => 1 + data.Values.Select(DepthOf).DefaultIfEmpty(0).Max();

    private static int DepthOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => 1 + e.EnumerateObject().Select(p => DepthOf(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + e.EnumerateArray().Select(DepthOf).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    /// <summary>The non-nullable members of a block that came as null (or were missing).</summary>
    private static IEnumerable<string> MissingMembers(Block block)
    {
        switch (block)
        {
            case TextBlock b:
                if (b.Content is null) yield return "content";
                break;
            case ImageBlock b:
                if (b.Source is null) yield return "source";
                break;
            case VideoBlock b:
                if (b.Source is null) yield return "source";
                break;
            case AudioBlock b:
                if (b.Source is null) yield return "source";
                break;
            case FileBlock b:
                if (b.Source is null) yield return "source";
                if (b.FileName is null) yield return "fileName";
                break;
            case LinkPreviewBlock b:
                if (b.Url is null) yield return "url";
                break;
            case EmbedBlock b:
                if (b.Url is null) yield return "url";
                break;
            case ContactBlock b:
                if (b.DisplayName is null) yield return "displayName";
                break;
            case ChoiceBlock b:
                if (b.Prompt is null) yield return "prompt";
                if (b.Options is null || b.Options.Any(o => o is null || o.Label is null || o.Value is null)) yield return "options";
                break;
            case CardBlock b:
                if (b.Fields?.Any(f => f is null || f.Label is null || f.Value is null) == true) yield return "fields";
                if (b.Buttons?.Any(x => x is null || x.Label is null) == true) yield return "buttons";
                break;
            case CarouselBlock b:
                if (b.Cards is null || b.Cards.Any(c => c is null || MissingMembers(c).Any())) yield return "cards";
                break;
            case CustomBlock b:
                if (b.Type is null) yield return "type";
                break;
        }
    }
}
