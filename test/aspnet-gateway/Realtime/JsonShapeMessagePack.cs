using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace ChatGateway.Realtime;

// The MessagePack hub protocol's serializer options for the chat DTOs.
//
// ASP.NET's default MessagePack resolver (DynamicEnumAsStringResolver + ContractlessStandardResolver)
// cannot write a ChatMessageDto at all — `Block` is abstract and polymorphic, and the contractless
// resolver knows no union: "Block is not registered in resolver", the connection is aborted — and it
// writes C# member names (PascalCase), which Microsoft's own MessagePack page warns a JavaScript
// client about. A gateway that offers MessagePack therefore configures a resolver
// (`AddMessagePackProtocol(o => o.SerializerOptions = ….WithResolver(…))`, the documented hook).
// This one keeps ONE wire shape for both hub protocols: the DTOs are written with the JSON
// protocol's contract (System.Text.Json's metadata for the same options: camelCase names, "$type"
// first in a block, enums as names, unset members as nil), while every value MessagePack has a
// native form for — a DateTimeOffset above all, written `[timestamp, offset minutes]` as the stock
// resolver writes it — stays in MessagePack's form. Reading (hub arguments) goes through JSON with
// the same options, so a block's "$type" is checked exactly as over the JSON protocol.
public static class JsonShapeMessagePack
{
    /// <summary>The options `AddMessagePackProtocol` is configured with.</summary>
    public static MessagePackSerializerOptions Options(JsonSerializerOptions json)
    {
        // The contract is read from the options' metadata, which exists once they are read-only
        // (the JSON protocol would make them so on first use, but a MessagePack client may come first).
        if (!json.IsReadOnly) json.MakeReadOnly(populateMissingResolver: true);
        return MessagePackSerializerOptions.Standard
            .WithResolver(new JsonShapeResolver(json))
            .WithSecurity(MessagePackSecurity.UntrustedData);
    }
}

/// <summary>The chat DTOs in the JSON protocol's shape; anything else as ASP.NET's default resolver writes it.</summary>
public sealed class JsonShapeResolver(JsonSerializerOptions json) : IFormatterResolver
{
    /// <summary>What ASP.NET's MessagePack hub protocol resolves with by default.</summary>
    internal static readonly IFormatterResolver Stock =
        CompositeResolver.Create(DynamicEnumAsStringResolver.Instance, ContractlessStandardResolver.Instance);

    private readonly ConcurrentDictionary<Type, object?> _formatters = new();

    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        (IMessagePackFormatter<T>?)_formatters.GetOrAdd(typeof(T), type =>
            IsChatDto(type) ? new JsonShapeFormatter<T>(json) : Stock.GetFormatter<T>());

    // A JsonElement too: a payload the app relays as it got it (the emit-raw fault) is JSON.
    private static bool IsChatDto(Type type) =>
        type == typeof(JsonElement) || (type.Namespace == "ChatGateway.Dtos" && !type.IsEnum && !type.IsValueType);
}

/// <summary>One DTO type: written by walking System.Text.Json's contract, read through JSON.</summary>
public sealed class JsonShapeFormatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T>
{
    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options) =>
        JsonShapeWriter.Write(ref writer, value, typeof(T), json, options);

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var raw = reader.ReadRaw();
        var text = MessagePackSerializer.ConvertToJson(raw, options);
        return JsonSerializer.Deserialize<T>(text, json)!;
    }
}

internal static class JsonShapeWriter
{
    public static void Write(ref MessagePackWriter writer, object? value, Type declared, JsonSerializerOptions json, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        switch (value)
        {
            case string text:
                writer.Write(text);
                return;
            case Enum e:
                // As the JSON protocol names it (JsonStringEnumConverter, [JsonStringEnumMemberName]).
                WriteElement(ref writer, JsonSerializer.SerializeToElement(e, e.GetType(), json));
                return;
            case JsonElement element:
                WriteElement(ref writer, element);
                return;
        }
        var info = json.GetTypeInfo(declared);
        var discriminator = Discriminator(info, value.GetType());
        if (value.GetType() != declared) info = json.GetTypeInfo(value.GetType());
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                WriteObject(ref writer, value, info, discriminator, json, options);
                return;
            case JsonTypeInfoKind.Dictionary:
                WriteDictionary(ref writer, (IDictionary)value, info, json, options);
                return;
            case JsonTypeInfoKind.Enumerable:
                WriteList(ref writer, (IEnumerable)value, info, json, options);
                return;
            default:
                // Scalars (numbers, booleans, DateTimeOffset, TimeSpan…): MessagePack's own form.
                MessagePackSerializer.Serialize(value.GetType(), ref writer, value, options.WithResolver(JsonShapeResolver.Stock));
                return;
        }
    }

    private static string? Discriminator(JsonTypeInfo info, Type runtime)
    {
        if (info.PolymorphismOptions is not { } polymorphism) return null;
        foreach (var derived in polymorphism.DerivedTypes)
        {
            if (derived.DerivedType == runtime) return derived.TypeDiscriminator?.ToString();
        }
        throw new NotSupportedException($"{runtime.Name} is not a known derived type of {info.Type.Name}.");
    }

    private static void WriteObject(ref MessagePackWriter writer, object value, JsonTypeInfo info, string? discriminator, JsonSerializerOptions json, MessagePackSerializerOptions options)
    {
        var properties = info.Properties.Where(p => p.Get is not null).ToList();
        writer.WriteMapHeader(properties.Count + (discriminator is null ? 0 : 1));
        if (discriminator is not null)
        {
            writer.Write("$type");
            writer.Write(discriminator);
        }
        foreach (var property in properties)
        {
            writer.Write(property.Name);
            Write(ref writer, property.Get!(value), property.PropertyType, json, options);
        }
    }

    private static void WriteDictionary(ref MessagePackWriter writer, IDictionary value, JsonTypeInfo info, JsonSerializerOptions json, MessagePackSerializerOptions options)
    {
        writer.WriteMapHeader(value.Count);
        foreach (DictionaryEntry entry in value)
        {
            writer.Write(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture));
            Write(ref writer, entry.Value, info.ElementType ?? typeof(object), json, options);
        }
    }

    private static void WriteList(ref MessagePackWriter writer, IEnumerable value, JsonTypeInfo info, JsonSerializerOptions json, MessagePackSerializerOptions options)
    {
        var items = value.Cast<object?>().ToList();
        writer.WriteArrayHeader(items.Count);
        foreach (var item in items) Write(ref writer, item, info.ElementType ?? typeof(object), json, options);
    }

    private static void WriteElement(ref MessagePackWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteMapHeader(element.EnumerateObject().Count());
                foreach (var member in element.EnumerateObject())
                {
                    writer.Write(member.Name);
                    WriteElement(ref writer, member.Value);
                }
                return;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray()) WriteElement(ref writer, item);
                return;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                return;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var whole)) writer.Write(whole);
                else writer.Write(element.GetDouble());
                return;
            case JsonValueKind.True:
                writer.Write(true);
                return;
            case JsonValueKind.False:
                writer.Write(false);
                return;
            default:
                writer.WriteNil();
                return;
        }
    }
}
