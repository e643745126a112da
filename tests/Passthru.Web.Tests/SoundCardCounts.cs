using System.Globalization;
using Passthru.Core.Pci;

namespace Passthru.Web.Tests;

/// <summary>The captured tree's sound card (00:1b.0, row snd_hda_intel:card0) made to count: its row of a tree copy's proc/interrupts rewritten.</summary>
internal static class SoundCardCounts
{
    public const string Handler = "snd_hda_intel:card0";

    public static readonly PciAddress Address = PciAddress.Parse("0000:00:1b.0");

    /// <summary>Sets the card's row to <paramref name="count"/> on CPU0; the file is replaced whole, so a reader never sees half of it.</summary>
    public static void Write(string treeRoot, ulong count)
    {
        var path = Path.Combine(treeRoot, "proc/interrupts");
        var lines = File.ReadAllLines(path).Select(l => l.EndsWith(Handler, StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{l[..l.IndexOf(':', StringComparison.Ordinal)]}: {count,10} {0,10}  IR-PCI-MSI 442368-edge      {Handler}")
            : l);
        var staged = path + ".new";
        File.WriteAllLines(staged, lines);
        File.Move(staged, path, overwrite: true);
    }
}
