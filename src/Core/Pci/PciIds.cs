using System.Globalization;

namespace Passthru.Core.Pci;

/// <summary>
/// The names in a <c>pci.ids</c> file: vendors, devices, subsystems and classes. Parsed once,
/// in one pass over the file (about 1.3 MB, 40,000 lines); lookups are dictionary hits.
/// A missing name is null: the dashboard then shows IDs only.
/// </summary>
public sealed class PciIds
{
    public static readonly PciIds Empty = new(null);

    private readonly Dictionary<ushort, Vendor> _vendors = [];
    private readonly Dictionary<byte, DeviceClass> _classes = [];

    private PciIds(string? sourcePath) => SourcePath = sourcePath;

    /// <summary>The file the names came from, or null when none was found.</summary>
    public string? SourcePath { get; }

    public int VendorCount => _vendors.Count;

    public static PciIds Load(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses pci.ids text. Lines it does not understand are skipped: the file is hand-edited upstream.</summary>
    public static PciIds Parse(TextReader reader, string? sourcePath = null)
    {
        var ids = new PciIds(sourcePath);
        Vendor? vendor = null;
        Device? device = null;
        DeviceClass? deviceClass = null;
        Subclass? subclass = null;
        var inClasses = false;

        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var span = line.AsSpan();
            if (span.StartsWith("C ") && TryHex(span.Slice(2), 2, out var classId, out var className))
            {
                inClasses = true;
                deviceClass = new DeviceClass(className);
                ids._classes[(byte)classId] = deviceClass;
                subclass = null;
                continue;
            }

            if (span[0] != '\t')
            {
                // A top-level line that is not a class ends the class section (e.g. "C" then "X" lists).
                inClasses = false;
                device = null;
                vendor = TryHex(span, 4, out var vendorId, out var vendorName) ? new Vendor(vendorName) : null;
                if (vendor is not null)
                {
                    ids._vendors[(ushort)vendorId] = vendor;
                }

                continue;
            }

            var isSecondLevel = span.Length > 1 && span[1] == '\t';
            var body = span.Slice(isSecondLevel ? 2 : 1);
            if (inClasses)
            {
                if (!isSecondLevel && deviceClass is not null && TryHex(body, 2, out var subclassId, out var subclassName))
                {
                    subclass = new Subclass(subclassName);
                    deviceClass.Subclasses[(byte)subclassId] = subclass;
                }
                else if (isSecondLevel && subclass is not null && TryHex(body, 2, out var progIf, out var progIfName))
                {
                    subclass.ProgrammingInterfaces[(byte)progIf] = progIfName;
                }
            }
            else if (!isSecondLevel && vendor is not null && TryHex(body, 4, out var deviceId, out var deviceName))
            {
                device = new Device(deviceName);
                vendor.Devices[(ushort)deviceId] = device;
            }
            else if (isSecondLevel && device is not null && body.Length > 10 && body[4] == ' '
                && TryHexDigits(body[..4], out var subVendor) && TryHex(body.Slice(5), 4, out var subDevice, out var subName))
            {
                device.Subsystems[(subVendor << 16) | subDevice] = subName;
            }
        }

        return ids;
    }

    public string? VendorName(ushort vendorId) => _vendors.GetValueOrDefault(vendorId)?.Name;

    public string? DeviceName(ushort vendorId, ushort deviceId)
        => _vendors.GetValueOrDefault(vendorId)?.Devices.GetValueOrDefault(deviceId)?.Name;

    /// <summary>
    /// The subsystem's name as lspci finds it: the entry under the device, or, when the
    /// subsystem IDs equal the device's own, the device's name.
    /// </summary>
    public string? SubsystemName(ushort vendorId, ushort deviceId, ushort subVendorId, ushort subDeviceId)
    {
        var device = _vendors.GetValueOrDefault(vendorId)?.Devices.GetValueOrDefault(deviceId);
        if (device?.Subsystems.GetValueOrDefault(((uint)subVendorId << 16) | subDeviceId) is { } name)
        {
            return name;
        }

        return vendorId == subVendorId && deviceId == subDeviceId ? device?.Name : null;
    }

    /// <summary>The most specific class name: the subclass's ("Audio device"), else the base class's ("Multimedia controller").</summary>
    public string? ClassName(uint classCode)
    {
        var deviceClass = _classes.GetValueOrDefault((byte)(classCode >> 16));
        return deviceClass?.Subclasses.GetValueOrDefault((byte)(classCode >> 8))?.Name ?? deviceClass?.Name;
    }

    public string? ProgrammingInterfaceName(uint classCode)
        => _classes.GetValueOrDefault((byte)(classCode >> 16))?.Subclasses.GetValueOrDefault((byte)(classCode >> 8))
            ?.ProgrammingInterfaces.GetValueOrDefault((byte)classCode);

    /// <summary>Parses "<paramref name="digits"/> hex digits, two spaces, name".</summary>
    private static bool TryHex(ReadOnlySpan<char> span, int digits, out uint id, out string name)
    {
        name = "";
        id = 0;
        if (span.Length < digits + 2 || span[digits] != ' ' || !TryHexDigits(span[..digits], out id))
        {
            return false;
        }

        name = span[(digits + 1)..].Trim().ToString();
        return name.Length > 0;
    }

    private static bool TryHexDigits(ReadOnlySpan<char> span, out uint value)
    {
        foreach (var ch in span)
        {
            if (!char.IsAsciiHexDigit(ch))
            {
                value = 0;
                return false;
            }
        }

        return uint.TryParse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private sealed record Vendor(string Name)
    {
        public Dictionary<ushort, Device> Devices { get; } = [];
    }

    private sealed record Device(string Name)
    {
        public Dictionary<uint, string> Subsystems { get; } = [];
    }

    private sealed record DeviceClass(string Name)
    {
        public Dictionary<byte, Subclass> Subclasses { get; } = [];
    }

    private sealed record Subclass(string Name)
    {
        public Dictionary<byte, string> ProgrammingInterfaces { get; } = [];
    }
}
