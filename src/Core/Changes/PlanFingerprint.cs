using System.Security.Cryptography;
using System.Text;

namespace Passthru.Core.Changes;

/// <summary>
/// A short digest of a plan as a person saw it: the devices, their drivers now and after, what the
/// host loses and the refusals. A run that carries it is done only if the plan is still the same,
/// so an override never covers a refusal that appeared after the dry run.
/// </summary>
public static class PlanFingerprint
{
    public const int Length = 16;

    /// <summary>True for what <see cref="Of"/> makes: sixteen lower-case hex digits. A caller's <c>plan</c> is checked with it before use.</summary>
    public static bool IsWellFormed(string? text)
        => text is { Length: Length } && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>Sixteen hex digits of SHA-256 over the plan's lines, in their order.</summary>
    public static string Of(IEnumerable<string?> lines)
    {
        var text = string.Join('\n', lines.Select(line => (line ?? "").Replace('\n', ' ')));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..Length];
    }
}
