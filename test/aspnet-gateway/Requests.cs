using System.Text.Json;

namespace ChatGateway;

/// <summary>
/// Reads a JSON request body field by field, collecting what is wrong (field → messages) the way
/// the embedded gateway's io-ts codecs do; <see cref="ThrowIfInvalid"/> turns them into a 400.
/// </summary>
public sealed class Req(JsonElement root)
{
    private readonly Dictionary<string, List<string>> _errors = [];
    public JsonElement Root { get; } = root;

    private void Fail(string field, string message) => (_errors.TryGetValue(field, out var list) ? list : _errors[field] = []).Add(message);

    private JsonElement? Get(string field)
    {
        if (Root.ValueKind != JsonValueKind.Object) return null;
        return Root.TryGetProperty(field, out var value) ? value : null;
    }

    public bool IsObject()
    {
        if (Root.ValueKind == JsonValueKind.Object) return true;
        Fail("$", $"Expected an object, got {Describe(Root)}.");
        return false;
    }

    public string? String(string field, bool required = true)
    {
        var v = Get(field);
        if (v is null) { if (required) Fail(field, $"The {field} field is required."); return null; }
        if (v.Value.ValueKind == JsonValueKind.String) return v.Value.GetString();
        Fail(field, $"Expected a string, got {Describe(v.Value)}.");
        return null;
    }

    public bool? Bool(string field)
    {
        var v = Get(field);
        if (v is null) return null;
        if (v.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.Value.GetBoolean();
        Fail(field, $"Expected a boolean, got {Describe(v.Value)}.");
        return null;
    }

    public List<string>? Strings(string field, bool required = true)
    {
        var v = Get(field);
        if (v is null) { if (required) Fail(field, $"The {field} field is required."); return null; }
        if (v.Value.ValueKind != JsonValueKind.Array || v.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            Fail(field, $"Expected an array of strings, got {Describe(v.Value)}.");
            return null;
        }
        return v.Value.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>An array of objects; with <paramref name="typed"/> each needs a string `$type` (a Block).</summary>
    public JsonElement? Array(string field, bool required, bool typed = false)
    {
        var v = Get(field);
        if (v is null) { if (required) Fail(field, $"The {field} field is required."); return null; }
        if (v.Value.ValueKind != JsonValueKind.Array) { Fail(field, $"Expected an array, got {Describe(v.Value)}."); return null; }
        var i = 0;
        foreach (var item in v.Value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) Fail($"{field}.{i}", $"Expected an object, got {Describe(item)}.");
            else if (typed && (!item.TryGetProperty("$type", out var t) || t.ValueKind != JsonValueKind.String)) Fail($"{field}.{i}.$type", "A block needs a string $type.");
            i++;
        }
        return v.Value.Clone();
    }

    /// <summary>An object (a MediaReference), or null when <paramref name="nullable"/>.</summary>
    public (JsonElement? Value, bool IsNull) Object(string field, bool nullable = false)
    {
        var v = Get(field);
        if (v is null) return (null, false);
        if (v.Value.ValueKind == JsonValueKind.Null && nullable) return (null, true);
        if (v.Value.ValueKind == JsonValueKind.Object) return (v.Value.Clone(), false);
        Fail(field, $"Expected an object, got {Describe(v.Value)}.");
        return (null, false);
    }

    public void ThrowIfInvalid(string what)
    {
        if (_errors.Count == 0) return;
        var summary = string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        throw GatewayException.BadRequest($"Invalid {what}: {summary}", _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => JsonSerializer.Serialize(e.GetString()),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => e.GetRawText(),
        _ => e.GetRawText(),
    };

    // ---- the bodies of the contract

    public NewMessage NewMessage(string blocksField = "blocks", string mentionsField = "mentions")
    {
        var blocks = Array(blocksField, true, typed: true);
        var reply = String("replyToMessageId", false);
        var quick = Array("quickReplies", false);
        var mentions = Array(mentionsField, false);
        var client = String("clientMessageId", false);
        return new NewMessage(blocks ?? default, reply, quick, mentions, client);
    }
}
