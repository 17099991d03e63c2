using System.Security.Cryptography;

namespace ChatGateway;

/// <summary>Monotonic ULIDs (48-bit ms time + 80 random bits, Crockford base32), like the embedded gateway's.</summary>
public sealed class UlidFactory
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private long _lastTime = -1;
    private readonly int[] _random = new int[16];
    private readonly object _lock = new();

    public string Next(long nowMs)
    {
        lock (_lock)
        {
            var time = nowMs;
            if (time <= _lastTime) { time = _lastTime; Increment(); }
            else
            {
                _lastTime = time;
                var bytes = RandomNumberGenerator.GetBytes(16);
                for (var i = 0; i < 16; i++) _random[i] = bytes[i] % 32;
            }
            var chars = new char[26];
            var rest = time;
            for (var i = 9; i >= 0; i--) { chars[i] = Alphabet[(int)(rest % 32)]; rest /= 32; }
            for (var i = 0; i < 16; i++) chars[10 + i] = Alphabet[_random[i]];
            return new string(chars);
        }
    }

    /// <summary>
    /// Makes every later id sort after <paramref name="ulid"/> (an id another node gave): the
    /// nodes of a cluster then agree on the order of what they write one after the other.
    /// </summary>
    public void Observe(string ulid)
    {
        if (ulid.Length != 26) return;
        long time = 0;
        var random = new int[16];
        for (var i = 0; i < 10; i++)
        {
            var v = Alphabet.IndexOf(ulid[i]);
            if (v < 0) return;
            time = time * 32 + v;
        }
        for (var i = 0; i < 16; i++)
        {
            random[i] = Alphabet.IndexOf(ulid[10 + i]);
            if (random[i] < 0) return;
        }
        lock (_lock)
        {
            if (time < _lastTime) return;
            if (time == _lastTime && _random.AsSpan().SequenceCompareTo(random) >= 0) return;
            _lastTime = time;
            random.CopyTo(_random, 0);
        }
    }

    private void Increment()
    {
        for (var i = _random.Length - 1; i >= 0; i--)
        {
            if (_random[i] < 31) { _random[i]++; return; }
            _random[i] = 0;
        }
    }
}
