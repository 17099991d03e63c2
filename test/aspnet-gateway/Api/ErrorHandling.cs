using System.Text.Json;
using System.Text.RegularExpressions;
using ChatGateway.Domain;
using Microsoft.AspNetCore.Diagnostics;

namespace ChatGateway.Api;

/// <summary>
/// Turns failures into RFC 7807 answers (the app runs <c>UseExceptionHandler()</c> with
/// <c>AddProblemDetails()</c>, and minimal APIs throw on bad requests):
/// <list type="bullet">
/// <item>a <see cref="GatewayException"/> → its status; a 400 with field errors is a ValidationProblem;</item>
/// <item>a body that does not bind (not JSON, a wrong type, a block whose "$type" is not first or
/// unknown, nested deeper than 64, …) → 400 ValidationProblem whose <c>errors</c> key is the JSON path
/// System.Text.Json reports, as MVC's <c>[ApiController]</c> would answer;</item>
/// <item>a block without "$type" as its first property: System.Text.Json throws NotSupportedException
/// ("must specify a type discriminator"), not JsonException, and minimal APIs let it through as a
/// 500 — here it is the 400 it is;</item>
/// <item>any other bad request (a query value that does not bind, no body, a wrong content type) → its status.</item>
/// </list>
/// Anything else is left to the framework (500).
/// </summary>
public sealed partial class GatewayExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var result = ToResult(context, exception);
        if (result is null) return false;
        await result.ExecuteAsync(context);
        return true;
    }

    [GeneratedRegex(@"Path: (\S+) \|")]
    private static partial Regex JsonPath();

    private static IResult? ToResult(HttpContext context, Exception exception) => exception switch
    {
        NotSupportedException { Source: "System.Text.Json" } e when context.Request.HasJsonContentType() =>
            TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [JsonPath().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : "$"] = [e.Message] },
                detail: "The request body does not match the expected JSON contract."),
        GatewayException e when e.Errors is not null => TypedResults.ValidationProblem(e.Errors, detail: e.Detail),
        GatewayException e => TypedResults.Problem(detail: e.Detail, statusCode: e.Status),
        BadHttpRequestException { InnerException: JsonException json } e =>
            TypedResults.ValidationProblem(new Dictionary<string, string[]> { [json.Path ?? "$"] = [json.Message] }, detail: e.Message),
        BadHttpRequestException e => TypedResults.Problem(detail: e.Message, statusCode: e.StatusCode),
        _ => null,
    };
}
