using System.Globalization;
using System.Text.Json;

namespace ChatGateway;

/// <summary>
/// A JSON object whose keys are written exactly as given (camelCase by hand) and in insertion
/// order. Optional members are added only when present, which is what `?:` fields of the seed's
/// DTOs need; `T | null` members are always added, possibly as null.
/// </summary>
public sealed class Obj : Dictionary<string, object?>
{
    public Obj Put(string key, object? value) { this[key] = value; return this; }
    /// <summary>Adds the member only when the value is not null.</summary>
    public Obj Opt(string key, object? value) { if (value is not null) this[key] = value; return this; }
}

public static class Iso
{
    /// <summary>Milliseconds since the epoch as `Date.prototype.toISOString` writes them.</summary>
    public static string Of(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public static string Now() => Of(NowMs());
}

public static class Blocks
{
    /// <summary>The plain text of text blocks, joined by new lines (the codecs' `plainTextOf`).</summary>
    public static string PlainTextOf(JsonElement blocks)
    {
        var parts = new List<string>();
        if (blocks.ValueKind != JsonValueKind.Array) return "";
        foreach (var block in blocks.EnumerateArray())
        {
            if (block.ValueKind != JsonValueKind.Object) continue;
            if (!block.TryGetProperty("$type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "text") continue;
            string text = "";
            if (block.TryGetProperty("plainText", out var plain) && plain.ValueKind == JsonValueKind.String) text = plain.GetString() ?? "";
            else if (block.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() == "Plain"
                     && block.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String) text = content.GetString() ?? "";
            if (text != "") parts.Add(text);
        }
        return string.Join("\n", parts);
    }

    /// <summary>One plain text block.</summary>
    public static JsonElement Text(string text) =>
        JsonSerializer.SerializeToElement(new[] { new Obj().Put("$type", "text").Put("format", "Plain").Put("content", text).Put("plainText", text) });

    public static int Count(JsonElement blocks) => blocks.ValueKind == JsonValueKind.Array ? blocks.GetArrayLength() : 0;

    public static JsonElement EmptyArray() => JsonSerializer.SerializeToElement(Array.Empty<object>());
}
