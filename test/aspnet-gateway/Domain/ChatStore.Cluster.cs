using System.Text.Json;

namespace ChatGateway.Domain;

/// <summary>One stored entity as the shared database holds it: its latest document and the sequence number of that write.</summary>
public sealed record EntityRow(string Kind, string Id, string Doc, long Seq);

/// <summary>What one operation changed, to be written to the shared database.</summary>
public sealed class StoreChanges
{
    public Dictionary<string, Participant> Participants { get; } = [];
    public Dictionary<string, Conversation> Conversations { get; } = [];
    public Dictionary<string, Message> Messages { get; } = [];
    public HashSet<string> Presence { get; } = [];
    public bool IsEmpty => Participants.Count == 0 && Conversations.Count == 0 && Messages.Count == 0 && Presence.Count == 0;
}

/// <summary>
/// Cluster mode (docs/scale-out.md): the in-memory store stays the working copy of every node,
/// and the shared database is the source of truth. Every write runs under a cluster-wide lock
/// after catching up with what other nodes wrote (<see cref="Apply"/>), and what it touched is
/// written back (<see cref="TakeChanges"/>). Keeping the domain logic in one place means both
/// modes answer exactly alike; the price is that every node holds all data, fine for a reference
/// gateway, not for a production one.
/// </summary>
public sealed partial class ChatStore
{
    public const string ParticipantKind = "p";
    public const string ConversationKind = "c";
    public const string MessageKind = "m";
    public const string PresenceKind = "o";

    private StoreChanges _changes = new();

    /// <summary>Whether operations record what they touch (cluster mode only: a single node has nothing to write back).</summary>
    public bool Tracking { get; set; }

    /// <summary>This node's name: presence counts are kept per node so a restarted node can clear its own.</summary>
    public string NodeName { get; set; } = "local";

    /// <summary>The highest database sequence number this copy has applied.</summary>
    public long SyncedSeq { get; private set; }

    private void Touch(Participant p) { if (Tracking) _changes.Participants[p.Id] = p; }
    private void Touch(Conversation c) { if (Tracking) _changes.Conversations[c.Id] = c; }
    private void Touch(Message m) { if (Tracking) _changes.Messages[m.Id] = m; }
    private void TouchPresence(string participantId) { if (Tracking) _changes.Presence.Add(participantId); }

    public StoreChanges TakeChanges()
    {
        var taken = _changes;
        _changes = new();
        return taken;
    }

    /// <summary>The touched entities as documents (a conversation without its messages: they are rows of their own).</summary>
    public List<(string Kind, string Id, string Doc)> Documents(StoreChanges changes, JsonSerializerOptions json)
    {
        var docs = new List<(string, string, string)>();
        foreach (var p in changes.Participants.Values) docs.Add((ParticipantKind, p.Id, JsonSerializer.Serialize(p, json)));
        foreach (var c in changes.Conversations.Values) docs.Add((ConversationKind, c.Id, JsonSerializer.Serialize(WithoutMessages(c), json)));
        foreach (var m in changes.Messages.Values) docs.Add((MessageKind, m.Id, JsonSerializer.Serialize(m, json)));
        foreach (var id in changes.Presence)
            docs.Add((PresenceKind, id, JsonSerializer.Serialize(_online.GetValueOrDefault(id) ?? [], json)));
        return docs;
    }

    private static Conversation WithoutMessages(Conversation c) => new()
    {
        Id = c.Id,
        Type = c.Type,
        Name = c.Name,
        Avatar = c.Avatar,
        OwnerId = c.OwnerId,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        LastMessageAt = c.LastMessageAt,
        LastMessageId = c.LastMessageId,
        Members = c.Members,
    };

    /// <summary>
    /// Applies rows newer than <see cref="SyncedSeq"/> (others are already here). Conversations
    /// before messages: a conversation's row may carry a higher sequence number than its messages.
    /// </summary>
    public void Apply(IReadOnlyList<EntityRow> rows, JsonSerializerOptions json)
    {
        var fresh = rows.Where(r => r.Seq > SyncedSeq).ToList();
        if (fresh.Count == 0) return;
        foreach (var r in fresh.Where(r => r.Kind == ParticipantKind))
        {
            var p = JsonSerializer.Deserialize<Participant>(r.Doc, json)!;
            _participants[p.Id] = p;
        }
        foreach (var r in fresh.Where(r => r.Kind == ConversationKind))
        {
            var c = JsonSerializer.Deserialize<Conversation>(r.Doc, json)!;
            if (_conversations.TryGetValue(c.Id, out var held)) c.Messages = held.Messages;
            _conversations[c.Id] = c;
            _ulids.Observe(c.Id);
        }
        foreach (var r in fresh.Where(r => r.Kind == MessageKind))
        {
            var m = JsonSerializer.Deserialize<Message>(r.Doc, json)!;
            if (!_conversations.TryGetValue(m.ConversationId, out var c)) continue;
            var at = LowerBound(c.Messages, m.Id);
            if (at < c.Messages.Count && c.Messages[at].Id == m.Id) c.Messages[at] = m;
            else c.Messages.Insert(at, m);
            _messages[m.Id] = m;
            if (m.ClientMessageId is not null) _clientIds[ClientKey(c.Id, m.SenderId, m.ClientMessageId)] = m.Id;
            // Ids are ULIDs and history is ordered by id: a new id must sort after every id any node gave.
            _ulids.Observe(m.Id);
        }
        foreach (var r in fresh.Where(r => r.Kind == PresenceKind))
        {
            var byNode = JsonSerializer.Deserialize<Dictionary<string, int>>(r.Doc, json) ?? [];
            if (byNode.Count == 0) _online.Remove(r.Id);
            else _online[r.Id] = byNode;
        }
        SyncedSeq = Math.Max(SyncedSeq, fresh.Max(r => r.Seq));
    }

    /// <summary>This node wrote everything up to <paramref name="seq"/> itself (it held the cluster lock).</summary>
    public void Committed(long seq) => SyncedSeq = Math.Max(SyncedSeq, seq);

    /// <summary>A write could not be stored: the working copy may hold what the database does not, so it is loaded anew.</summary>
    public void Invalidate()
    {
        _participants.Clear();
        _conversations.Clear();
        _messages.Clear();
        _clientIds.Clear();
        _online.Clear();
        _changes = new();
        SyncedSeq = 0;
    }

    /// <summary>
    /// Forgets the presence counts of a node that restarted or stopped answering (its connections
    /// are gone); who is then connected nowhere goes offline.
    /// </summary>
    public void ClearNode(string node)
    {
        foreach (var (id, byNode) in _online.ToList())
        {
            if (!byNode.Remove(node)) continue;
            if (byNode.Count == 0) _online.Remove(id);
            TouchPresence(id);
            if (!IsOnline(id)) WentOffline(id);
        }
    }

    /// <summary>Nodes that hold presence counts.</summary>
    public HashSet<string> NodesWithPresence() => _online.Values.SelectMany(byNode => byNode.Keys).ToHashSet();
}
