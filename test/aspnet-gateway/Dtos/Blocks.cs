using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatGateway.Dtos;

// The 14 block kinds of the seed (section 15), discriminated by "$type". System.Text.Json's
// polymorphism: on input "$type" must be the first property of a block and one of these ids;
// on output it is written first.

public enum TextFormat { Plain, Markdown, Html, ProseMirrorJson }

public enum ButtonAction { Postback, Url, Call, Copy }

public enum ButtonStyle { Default, Primary, Danger }

public enum ChoiceMode { Single, Multiple }

[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(TextBlock), "text")]
[JsonDerivedType(typeof(ImageBlock), "image")]
[JsonDerivedType(typeof(VideoBlock), "video")]
[JsonDerivedType(typeof(AudioBlock), "audio")]
[JsonDerivedType(typeof(FileBlock), "file")]
[JsonDerivedType(typeof(LinkPreviewBlock), "linkPreview")]
[JsonDerivedType(typeof(EmbedBlock), "embed")]
[JsonDerivedType(typeof(LocationBlock), "location")]
[JsonDerivedType(typeof(ContactBlock), "contact")]
[JsonDerivedType(typeof(ChoiceBlock), "choice")]
[JsonDerivedType(typeof(CardBlock), "card")]
[JsonDerivedType(typeof(CarouselBlock), "carousel")]
[JsonDerivedType(typeof(DividerBlock), "divider")]
[JsonDerivedType(typeof(CustomBlock), "custom")]
public abstract record Block;

public sealed record TextBlock(TextFormat Format, string Content, string? PlainText) : Block;

public sealed record ImageBlock(
    MediaReference Source,
    MediaReference? Thumbnail,
    string? AltText,
    int? Width,
    int? Height,
    string? Caption,
    long? FileSizeBytes) : Block;

public sealed record VideoBlock(
    MediaReference Source,
    MediaReference? Thumbnail,
    string? Caption,
    double? DurationSeconds,
    string? MimeType,
    long? FileSizeBytes) : Block;

public sealed record AudioBlock(
    MediaReference Source,
    double? DurationSeconds,
    string? MimeType,
    string? Transcript,
    long? FileSizeBytes) : Block;

public sealed record FileBlock(MediaReference Source, string FileName, string? MimeType, long? FileSizeBytes) : Block;

public sealed record LinkPreviewBlock(string Url, string? Title, string? Description, MediaReference? Image, string? SiteName) : Block;

public sealed record EmbedBlock(string Url, string? Html, int? Width, int? Height) : Block;

public sealed record LocationBlock(double Latitude, double Longitude, string? Name, string? Address) : Block;

public sealed record ContactBlock(string DisplayName, string? Phone, string? Email, string? Organization) : Block;

public sealed record ChoiceOption(string Label, string Value, bool Selected);

public sealed record ChoiceBlock(string Prompt, IReadOnlyList<ChoiceOption> Options, ChoiceMode Mode, bool Submitted) : Block;

public sealed record CardField(string Label, string Value);

public sealed record ActionButton(string Label, ButtonAction Action, string? Value, ButtonStyle Style);

// A carousel's cards are CardBlocks with their own "$type": "card" (the seed's CardBlock[]), so the
// card type is polymorphic on its own too — without this, cards inside a carousel would be written
// without "$type". (Polymorphic types cannot be sealed, hence not sealed.)
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(CardBlock), "card")]
public record CardBlock(
    string? Title,
    string? Subtitle,
    MediaReference? Image,
    IReadOnlyList<CardField>? Fields,
    IReadOnlyList<ActionButton>? Buttons) : Block;

public sealed record CarouselBlock(IReadOnlyList<CardBlock> Cards) : Block;

public sealed record DividerBlock : Block;

public sealed record CustomBlock(string Type, Dictionary<string, JsonElement>? Data) : Block;

public static class BlockText
{
    /// <summary>The plain text of the text blocks, joined by new lines (the client's <c>plainTextOf</c>).</summary>
    public static string PlainTextOf(IEnumerable<Block> blocks)
    {
        var parts = new List<string>();
        foreach (var block in blocks)
        {
            if (block is not TextBlock text) continue;
            var plain = text.PlainText ?? (text.Format == TextFormat.Plain ? text.Content : "");
            if (!string.IsNullOrEmpty(plain)) parts.Add(plain);
        }
        return string.Join("\n", parts);
    }

    /// <summary>One plain text block.</summary>
    public static IReadOnlyList<Block> Plain(string text) => [new TextBlock(TextFormat.Plain, text, text)];
}
