namespace ChatGateway.Domain;

/// <summary>
/// A failure of a gateway operation: ProblemDetails over REST (see GatewayExceptionHandler), an
/// ack with <c>errorCode</c> or a HubException on the hubs.
/// </summary>
public sealed class GatewayException(int status, string detail, IDictionary<string, string[]>? errors = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Detail { get; } = detail;
    /// <summary>Field → messages, for a 400 (a ValidationProblem).</summary>
    public IDictionary<string, string[]>? Errors { get; } = errors;

    public string Code => Status switch
    {
        400 => "VALIDATION_ERROR",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        413 => "PAYLOAD_TOO_LARGE",
        _ => "SERVER_ERROR",
    };

    public static GatewayException BadRequest(string detail, IDictionary<string, string[]>? errors = null) => new(400, detail, errors ?? new Dictionary<string, string[]>());
    public static GatewayException BadRequest(string field, string message, string? detail = null) => new(400, detail ?? message, new Dictionary<string, string[]> { [field] = [message] });
    public static GatewayException Forbidden(string detail) => new(403, detail);
    public static GatewayException NotFound(string detail) => new(404, detail);
    public static GatewayException Conflict(string detail) => new(409, detail);
}
