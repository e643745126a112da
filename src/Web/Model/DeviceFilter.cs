using Passthru.Core.Pci;

namespace Passthru.Web.Model;

/// <summary>
/// The groups page's filter: free text over what a person would search for (address, IDs, names,
/// class, driver, what the host uses through the device), words for kinds of device ("sound",
/// "gpu", "network", "disk", "usb"), and an optional class name. Case does not matter.
/// </summary>
public sealed record DeviceFilter(string? Text, string? ClassName)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Text) && string.IsNullOrEmpty(ClassName);

    public bool Matches(PciDevice device)
    {
        if (!string.IsNullOrEmpty(ClassName) && !string.Equals(device.Names.Class, ClassName, StringComparison.Ordinal))
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(Text))
        {
            return true;
        }

        var text = Text.Trim();
        return SearchableFields(device).Any(field => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true)
            || DeviceKinds.Matches(text, device);
    }

    private static IEnumerable<string?> SearchableFields(PciDevice device)
    {
        yield return device.Address.ToString();
        yield return device.IdPair;
        yield return device.Names.Vendor;
        yield return device.Names.Device;
        yield return device.Names.Subsystem;
        yield return device.Names.Class;
        yield return device.Driver;
        foreach (var hostInterface in device.HostInterfaces)
        {
            yield return hostInterface.ToString();
        }
    }
}
