using System.Globalization;
using Passthru.Core.Interrupts;

namespace Passthru.Web.Model;

/// <summary>How interrupt numbers and sources read on the pages.</summary>
public static class InterruptFormat
{
    /// <summary>A rate per second: a dash when there is nothing to compare with yet, one decimal below 10.</summary>
    public static string Rate(double? perSecond) => perSecond switch
    {
        null => "–",
        < 10 => perSecond.Value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => perSecond.Value.ToString("N0", CultureInfo.InvariantCulture),
    };

    /// <summary>How a row was tied to its device, in a word or two.</summary>
    public static string Source(DeviceInterrupt owner) => owner.Source switch
    {
        InterruptSource.Vfio => $"guest ({owner.VfioKind})",
        InterruptSource.ChipName => "MSI domain",
        InterruptSource.MsiIrqsDirectory => "msi_irqs",
        InterruptSource.MsiHardwareIrq => "requester ID",
        _ => "INTx",
    };
}
