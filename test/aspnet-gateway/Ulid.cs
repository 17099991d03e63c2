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

    private void Increment()
    {
        for (var i = _random.Length - 1; i >= 0; i--)
        {
            if (_random[i] < 31) { _random[i]++; return; }
            _random[i] = 0;
        }
    }
}
