using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Passthru.Core.Host;

namespace Passthru.Core.Pci;

/// <summary>
/// A PCI function address, <c>DDDD:BB:DD.F</c> in hex, as the kernel names devices in sysfs.
/// Parsing is strict because addresses from requests end up in sysfs paths: anything that is
/// not exactly an address (a <c>..</c>, a slash, a NUL, a sign, spaces) is rejected.
/// </summary>
public readonly record struct PciAddress(ushort Domain, byte Bus, byte Device, byte Function) : IComparable<PciAddress>
{
    public const int MaxDevice = 0x1f;
    public const int MaxFunction = 7;

    /// <summary>Parses <c>DDDD:BB:DD.F</c> or the short <c>BB:DD.F</c> (domain 0000), as lspci prints them.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out PciAddress address)
        => TryParse(text, out address, out _);

    public static bool TryParse([NotNullWhen(true)] string? text, out PciAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "A PCI address is required, in the form 0000:04:00.6.";
            return false;
        }

        // Domain (4 hex digits) is optional; bus 2, device 2, function 1, nothing else.
        var span = text.AsSpan();
        ushort domain = 0;
        if (span.Length == 12)
        {
            if (span[4] != ':' || !TryParseHex(span[..4], out var d))
            {
                error = Malformed(text);
                return false;
            }

            domain = (ushort)d;
            span = span[5..];
        }

        if (span.Length != 7 || span[2] != ':' || span[5] != '.'
            || !TryParseHex(span[..2], out var bus)
            || !TryParseHex(span[3..5], out var device)
            || !TryParseHex(span[6..], out var function))
        {
            error = Malformed(text);
            return false;
        }

        if (device > MaxDevice || function > MaxFunction)
        {
            error = $"'{PrintableText.Of(text, 40)}' is not a valid PCI address: the device number is at most 1f and the function at most 7.";
            return false;
        }

        address = new PciAddress(domain, (byte)bus, (byte)device, (byte)function);
        error = null;
        return true;
    }

    /// <summary>
    /// A name as sysfs spells a PCI function: always with its domain (<c>0000:04:00.6</c>). Path
    /// segments like <c>pci0000:00</c>, <c>virtio2</c> or a short <c>04:00.6</c> are not functions.
    /// </summary>
    public static bool TryParseSysfsName(string? name, out PciAddress address)
    {
        address = default;
        return name is { Length: 12 } && TryParse(name, out address);
    }

    /// <summary>The function a sysfs path hangs off: the last segment that is a PCI function's name.</summary>
    public static PciAddress? LastInPath(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            if (TryParseSysfsName(segments[i], out var address))
            {
                return address;
            }
        }

        return null;
    }

    public static PciAddress Parse(string text)
        => TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}:{Device:x2}.{Function:x1}");

    public int CompareTo(PciAddress other)
    {
        var c = Domain.CompareTo(other.Domain);
        if (c == 0) { c = Bus.CompareTo(other.Bus); }
        if (c == 0) { c = Device.CompareTo(other.Device); }
        return c == 0 ? Function.CompareTo(other.Function) : c;
    }

    private static bool TryParseHex(ReadOnlySpan<char> digits, out int value)
    {
        // int.TryParse with AllowHexSpecifier still accepts surrounding whitespace; check digits first.
        value = 0;
        foreach (var ch in digits)
        {
            if (!char.IsAsciiHexDigit(ch))
            {
                return false;
            }
        }

        return int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static string Malformed(string text)
        => $"'{PrintableText.Of(text, 40)}' is not a PCI address: expected domain:bus:device.function in hex, like 0000:04:00.6.";
}
