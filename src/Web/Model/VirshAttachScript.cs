using System.Text;
using Passthru.Core.Pci;

namespace Passthru.Web.Model;

/// <summary>
/// What a person would type to do the attach by hand: <c>virsh attach-device</c> takes one device per
/// file, so each function gets its own file, and the guest's name is quoted for the shell (a name may
/// hold spaces, quotes or an ampersand).
/// </summary>
public sealed record VirshAttachScript(string Guest, IReadOnlyList<(PciAddress Address, string Xml)> Devices, bool Live)
{
    public static string FileName(PciAddress address) => $"hostdev-{address.ToString().Replace(':', '-').Replace('.', '-')}.xml";

    /// <summary>The name in single quotes, each single quote inside written as <c>'\''</c>.</summary>
    public static string Quote(string text) => $"'{text.Replace("'", @"'\''", StringComparison.Ordinal)}'";

    private string Flags => Live ? "--config --live" : "--config";

    /// <summary>One command per file.</summary>
    public IReadOnlyList<string> Commands
        => Devices.Select(d => $"virsh attach-device {Quote(Guest)} {FileName(d.Address)} {Flags}").ToArray();

    /// <summary>A script that writes the files and runs the commands, for the copy button.</summary>
    public string ShellScript
    {
        get
        {
            var script = new StringBuilder();
            foreach (var (address, xml) in Devices)
            {
                script.Append("cat > ").Append(FileName(address)).Append(" <<'EOF'\n").Append(xml).Append("\nEOF\n");
            }

            foreach (var command in Commands)
            {
                script.Append(command).Append('\n');
            }

            return script.ToString();
        }
    }
}
