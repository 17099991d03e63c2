namespace ChatGateway.Dtos;

// GET /health/ready (section 11). Durations are TimeSpans: System.Text.Json writes "00:00:00.0123456".

public sealed record HealthStatus(string Status, TimeSpan TotalDuration, IReadOnlyDictionary<string, HealthCheckResult> Results);

public sealed record HealthCheckResult(string Status, string? Description, TimeSpan Duration, string? Error);
