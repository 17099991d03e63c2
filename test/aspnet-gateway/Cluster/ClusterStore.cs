using System.Text.Json;
using ChatGateway.Domain;
using Npgsql;
using NpgsqlTypes;

namespace ChatGateway.Cluster;

/// <summary>
/// The shared database of a cluster (PostgreSQL): one row per entity with its latest document
/// and the global sequence number of the write that left it. Writes are serialized cluster-wide
/// by a session advisory lock held from the catch-up through the commit to the delivery of the
/// events (<see cref="Realtime.EventHub"/>), so sequence numbers are committed in order (a
/// reader never skips one that commits later), message ids increase across nodes, and live
/// events leave the cluster in the order their writes were made. A node that dies releases the
/// lock with its database session.
/// </summary>
public sealed class ClusterStore(NpgsqlDataSource db, JsonSerializerOptions json, ILogger<ClusterStore> log)
{
    // pg_advisory_lock keys: one for the writes, one for the schema.
    private const long WriteLock = 0x4348_4154_0001;
    private const long SchemaLock = 0x4348_4154_0002;

    public JsonSerializerOptions Json => json;

    /// <summary>Creates the tables once (both nodes may start together).</summary>
    public async Task Migrate(CancellationToken cancel = default)
    {
        await using var conn = await db.OpenConnectionAsync(cancel);
        await Exec(conn, $"SELECT pg_advisory_lock({SchemaLock})");
        try
        {
            // Documents as text, not jsonb: jsonb reorders keys, and a block's "$type" must stay first.
            await Exec(conn, """
                CREATE SEQUENCE IF NOT EXISTS chat_seq;
                CREATE TABLE IF NOT EXISTS chat_entities (
                    kind text NOT NULL,
                    id text NOT NULL,
                    doc text NOT NULL,
                    seq bigint NOT NULL,
                    PRIMARY KEY (kind, id));
                CREATE INDEX IF NOT EXISTS chat_entities_seq ON chat_entities (seq);
                CREATE TABLE IF NOT EXISTS chat_nodes (
                    name text PRIMARY KEY,
                    seen_at timestamptz NOT NULL);
                """);
        }
        finally
        {
            await Exec(conn, $"SELECT pg_advisory_unlock({SchemaLock})");
        }
    }

    /// <summary>Takes the cluster's write lock on a connection of its own; disposing releases both.</summary>
    public async Task<WriteScope> BeginWrite()
    {
        var conn = await db.OpenConnectionAsync();
        try
        {
            await Exec(conn, $"SELECT pg_advisory_lock({WriteLock})");
            return new WriteScope(conn, log);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public async Task<List<EntityRow>> FetchSince(NpgsqlConnection conn, long since)
    {
        await using var cmd = new NpgsqlCommand("SELECT kind, id, doc, seq FROM chat_entities WHERE seq > @since ORDER BY seq", conn);
        cmd.Parameters.AddWithValue("since", since);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<EntityRow>();
        while (await reader.ReadAsync()) rows.Add(new EntityRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        return rows;
    }

    /// <summary>The same, blocking: reads (<see cref="Realtime.EventHub.Read{T}"/>) are synchronous.</summary>
    public List<EntityRow> FetchSinceSync(long since)
    {
        using var conn = db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT kind, id, doc, seq FROM chat_entities WHERE seq > @since ORDER BY seq", conn);
        cmd.Parameters.AddWithValue("since", since);
        using var reader = cmd.ExecuteReader();
        var rows = new List<EntityRow>();
        while (reader.Read()) rows.Add(new EntityRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        return rows;
    }

    /// <summary>Writes the documents in one statement (atomic); answers the highest sequence number given.</summary>
    public async Task<long> Commit(NpgsqlConnection conn, IReadOnlyList<(string Kind, string Id, string Doc)> docs)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO chat_entities (kind, id, doc, seq)
            SELECT k, i, d, nextval('chat_seq') FROM unnest(@kinds, @ids, @docs) AS t(k, i, d)
            ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc, seq = excluded.seq
            RETURNING seq
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = docs.Select(d => d.Kind).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = docs.Select(d => d.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("docs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = docs.Select(d => d.Doc).ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync();
        long max = 0;
        while (await reader.ReadAsync()) max = Math.Max(max, reader.GetInt64(0));
        return max;
    }

    /// <summary>This node is alive; answers the nodes not seen for <paramref name="deadAfter"/>.</summary>
    public async Task<List<string>> Heartbeat(string node, TimeSpan deadAfter, CancellationToken cancel)
    {
        await using var conn = await db.OpenConnectionAsync(cancel);
        await using (var beat = new NpgsqlCommand("INSERT INTO chat_nodes (name, seen_at) VALUES (@n, now()) ON CONFLICT (name) DO UPDATE SET seen_at = now()", conn))
        {
            beat.Parameters.AddWithValue("n", node);
            await beat.ExecuteNonQueryAsync(cancel);
        }
        await using var dead = new NpgsqlCommand("SELECT name FROM chat_nodes WHERE seen_at < now() - @after", conn);
        dead.Parameters.AddWithValue("after", deadAfter);
        await using var reader = await dead.ExecuteReaderAsync(cancel);
        var names = new List<string>();
        while (await reader.ReadAsync(cancel)) names.Add(reader.GetString(0));
        return names;
    }

    public async Task ForgetNode(string node)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("DELETE FROM chat_nodes WHERE name = @n", conn);
        cmd.Parameters.AddWithValue("n", node);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The held write lock.</summary>
    public sealed class WriteScope(NpgsqlConnection conn, ILogger log) : IAsyncDisposable
    {
        public NpgsqlConnection Connection => conn;

        public async ValueTask DisposeAsync()
        {
            try { await Exec(conn, $"SELECT pg_advisory_unlock({WriteLock})"); }
            // A broken session has lost the lock with it; a pooled one is reset (DISCARD ALL) before reuse.
            catch (Exception ex) { log.LogWarning(ex, "releasing the cluster write lock failed"); }
            await conn.DisposeAsync();
        }
    }
}
