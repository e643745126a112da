using System.Globalization;
using Passthru.Core.Host;
using Passthru.Core.Scanning;

namespace Passthru.Core.Interrupts;

/// <summary>
/// Reads what the mapper needs of each device: its <c>irq</c> file, the IRQs listed in its
/// <c>msi_irqs/</c> directory, and the names its handlers use (the driver and the host's interfaces:
/// <c>enp1s0-rx-0</c>, <c>snd_hda_intel:card0</c>). Read again only when the interrupt rows or the
/// devices change, not every sample.
/// </summary>
public static class InterruptOwners
{
    public static IReadOnlyList<InterruptOwner> Read(HostRoot root, HostSnapshot host)
    {
        var owners = new List<InterruptOwner>(host.Devices.Count);
        var ignored = new List<string>();
        foreach (var device in host.Devices)
        {
            using var directory = new SysfsDirectory(root.Resolve(device.SysfsPath), ignored);
            var msiIrqs = new List<int>();
            using (var msi = new SysfsDirectory(System.IO.Path.Combine(directory.Path, "msi_irqs"), ignored))
            {
                foreach (var name in msi.List())
                {
                    if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var irq))
                    {
                        msiIrqs.Add(irq);
                    }
                }
            }

            var handlers = device.HostInterfaces.Select(i => i.Name).ToList();
            if (device.Driver is { } driver)
            {
                handlers.Add(driver);
            }

            owners.Add(new InterruptOwner(device.Address, directory.ReadInt("irq") is > 0 and var irqNumber ? irqNumber : null, msiIrqs, handlers));
        }

        return owners;
    }
}
