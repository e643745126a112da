using System.Text;

namespace Passthru.TestSupport;

/// <summary>
/// Seeded mutations of real inputs for the parsers' fuzz tests: what a damaged capture, a hand-edited
/// file, a kernel of another version or a hostile source could hand a parser. Each call applies a few
/// mutations chosen by <see cref="Random"/>, so a failing case is reproduced from the seed alone.
/// </summary>
public static class Mutations
{
    /// <summary>Numbers that sit on the edges of the parsers' integer types, and things that look almost like numbers.</summary>
    private static readonly string[] Numbers =
    [
        "0", "-1", "-0", "+1", "255", "256", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296",
        "18446744073709551615", "18446744073709551616", "99999999999999999999999999999999", "0x", "0x0", "0xffffffff",
        "0x100000000", "ffff", "fffff", "1e9", "1.5", "٣", "３", "0x１", "NaN", "\u00a0",
    ];

    /// <summary>Bytes that are not UTF-8 on their own: a continuation byte, an overlong NUL, a cut sequence, a surrogate's encoding, 0xff.</summary>
    private static readonly byte[][] InvalidUtf8 = [[0x80], [0xc0, 0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80]];

    private delegate void Mutation(List<byte> bytes, Random random);

    private static readonly Mutation[] All =
    [
        FlipBit, InsertByte, DeleteRange, Truncate, DuplicateSlice, SpliceNumber, InsertNul, InsertInvalidUtf8, InsertLongLine,
        ReplaceByteWithSeparator,
    ];

    /// <summary>The input with 1 to <paramref name="maxMutations"/> random mutations applied; the input itself is not changed.</summary>
    public static byte[] Mutate(ReadOnlySpan<byte> input, Random random, int maxMutations = 8)
    {
        var bytes = new List<byte>(input.Length + 64);
        bytes.AddRange(input);
        var count = random.Next(1, maxMutations + 1);
        for (var i = 0; i < count; i++)
        {
            All[random.Next(All.Length)](bytes, random);
        }

        return [.. bytes];
    }

    /// <summary>A text mutation: the bytes mutated, read back as UTF-8 (invalid sequences become U+FFFD), with now and then a lone surrogate.</summary>
    public static string Mutate(string input, Random random, int maxMutations = 8)
    {
        var text = Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(input), random, maxMutations));
        // A .NET string can hold what UTF-8 cannot: a lone surrogate half (from a P/Invoke, say).
        return random.Next(8) == 0 && text.Length > 0 ? text.Insert(random.Next(text.Length + 1), "\ud800") : text;
    }

    /// <summary>Random bytes, up to <paramref name="maxLength"/>, drawn half the time from <paramref name="alphabet"/> (the bytes the parser cares about).</summary>
    public static byte[] RandomBytes(Random random, int maxLength, ReadOnlySpan<byte> alphabet = default)
    {
        var bytes = new byte[random.Next(maxLength + 1)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = alphabet.Length > 0 && random.Next(2) == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)random.Next(256);
        }

        return bytes;
    }

    /// <summary>Random text from <paramref name="alphabet"/>, up to <paramref name="maxLength"/> characters.</summary>
    public static string RandomText(Random random, int maxLength, string alphabet)
        => string.Create(random.Next(maxLength + 1), (random, alphabet), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });

    /// <summary>Mutated copies of <paramref name="input"/> concatenated until at least <paramref name="minLength"/> bytes: a large input for the allocation bounds.</summary>
    public static byte[] Large(ReadOnlySpan<byte> input, Random random, int minLength)
    {
        var bytes = new List<byte>(minLength + input.Length * 2);
        while (bytes.Count < minLength)
        {
            bytes.AddRange(random.Next(2) == 0 ? input : Mutate(input, random, 4));
        }

        return [.. bytes];
    }

    private static void FlipBit(List<byte> bytes, Random random)
    {
        if (bytes.Count > 0)
        {
            var i = random.Next(bytes.Count);
            bytes[i] ^= (byte)(1 << random.Next(8));
        }
    }

    private static void InsertByte(List<byte> bytes, Random random)
        => bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));

    private static void DeleteRange(List<byte> bytes, Random random)
    {
        if (bytes.Count > 0)
        {
            var start = random.Next(bytes.Count);
            bytes.RemoveRange(start, random.Next(1, Math.Min(bytes.Count - start, 64) + 1));
        }
    }

    private static void Truncate(List<byte> bytes, Random random)
    {
        if (bytes.Count > 0)
        {
            var keep = random.Next(bytes.Count);
            bytes.RemoveRange(keep, bytes.Count - keep);
        }
    }

    /// <summary>A slice copied elsewhere: a line or an element twice, an attribute where another should be.</summary>
    private static void DuplicateSlice(List<byte> bytes, Random random)
    {
        if (bytes.Count > 0)
        {
            var start = random.Next(bytes.Count);
            var slice = bytes.GetRange(start, random.Next(1, Math.Min(bytes.Count - start, 256) + 1));
            bytes.InsertRange(random.Next(bytes.Count + 1), slice);
        }
    }

    /// <summary>A run of digits replaced with (or a position given) an edge-case number.</summary>
    private static void SpliceNumber(List<byte> bytes, Random random)
    {
        var number = Encoding.UTF8.GetBytes(Numbers[random.Next(Numbers.Length)]);
        var digits = Enumerable.Range(0, bytes.Count).Where(i => bytes[i] is >= (byte)'0' and <= (byte)'9').ToArray();
        if (digits.Length == 0)
        {
            bytes.InsertRange(random.Next(bytes.Count + 1), number);
            return;
        }

        var start = digits[random.Next(digits.Length)];
        var end = start;
        while (end < bytes.Count && (char.IsAsciiHexDigit((char)bytes[end]) || bytes[end] == 'x'))
        {
            end++;
        }

        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, number);
    }

    private static void InsertNul(List<byte> bytes, Random random)
        => bytes.Insert(random.Next(bytes.Count + 1), 0);

    private static void InsertInvalidUtf8(List<byte> bytes, Random random)
        => bytes.InsertRange(random.Next(bytes.Count + 1), InvalidUtf8[random.Next(InvalidUtf8.Length)]);

    /// <summary>A line of up to 64 KiB without a newline: of one letter, of digits, or of spaces.</summary>
    private static void InsertLongLine(List<byte> bytes, Random random)
    {
        var line = new byte[random.Next(1, 64 * 1024)];
        Array.Fill(line, "a9 \t:"u8[random.Next(5)]);
        bytes.InsertRange(random.Next(bytes.Count + 1), line); // an array: List inserts an IEnumerable one item at a time
    }

    /// <summary>A byte replaced with one that means something to a parser: a separator, a quote, markup.</summary>
    private static void ReplaceByteWithSeparator(List<byte> bytes, Random random)
    {
        if (bytes.Count > 0)
        {
            var separators = "\n\r\t :=.,-@/\\\"'<>&;#x"u8;
            bytes[random.Next(bytes.Count)] = separators[random.Next(separators.Length)];
        }
    }
}
