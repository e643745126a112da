using System.Text;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>libvirt-hook GUEST OPERATION SUBOPERATION EXTRA</c>, the domain XML on stdin, as libvirt calls its qemu hook
/// (deploy/libvirt/qemu.d-passthru runs it). At <c>prepare begin</c>, the first step of a start, a guest whose host
/// device address now holds another card than the one Passthru gave it is refused: exit 1, the reason on stderr,
/// which libvirt shows to whoever started the guest (<see cref="GuestStartGate"/>). Every other operation returns 0
/// at once, reading nothing: libvirt waits on its hooks, and a failing hook at a stop or a reconnect harms a running guest.
/// </summary>
/// <remarks>
/// Where it cannot check, it lets the start go on and says why (on stderr and in the system log): an unreadable
/// history or domain XML is Passthru's own trouble, and must not keep every guest with a host device from starting,
/// at boot with nobody watching least of all. A refusal needs evidence: a card read now that is not the one recorded.
/// </remarks>
internal static class LibvirtHookCommand
{
    public const string Usage = "libvirt-hook GUEST OPERATION SUBOPERATION EXTRA < DOMAIN-XML";

    /// <summary>libvirt's domain XML is kilobytes; more than this is not a domain, and is not read to the end.</summary>
    private const int MaxXmlCharacters = 16 * 1024 * 1024;

    /// <summary>Whether this call of the hook is a start's first step, the one the gate checks.</summary>
    public static bool IsStart(IReadOnlyList<string> hookArguments)
        => hookArguments is [_, "prepare", "begin", ..];

    public static async Task<int> RunAsync(IReadOnlyList<string> hookArguments, CommandSettings settings, TextReader input, TextWriter error, SystemLog log)
    {
        if (hookArguments.Count < 3 || hookArguments[0].Length == 0)
        {
            throw new UsageException($"usage: {Usage}");
        }

        if (!IsStart(hookArguments))
        {
            return HostCommands.Succeeded;
        }

        var guest = hookArguments[0];
        try
        {
            var xml = await ReadCappedAsync(input);
            var gate = new GuestStartGate(settings.HostRoot(), new HistoryDatabase(settings.Options.Database), TimeProvider.System);
            var verdict = await gate.CheckAsync(guest, xml);
            if (!verdict.Refused)
            {
                return HostCommands.Succeeded;
            }

            await error.WriteLineAsync(verdict.NotJournaled is { } why ? $"{verdict.Message} (Not written to Passthru's history: {why})" : verdict.Message);
            return HostCommands.Refused;
        }
        catch (Exception ex) when (ex is DomainXmlException or HistoryUnavailableException or IOException)
        {
            var warning = $"Passthru could not check the host devices of {guest} before its start, and let it start: {ex.Message}";
            await error.WriteLineAsync($"warning: {warning}");
            log.Warn(warning);
            return HostCommands.Succeeded;
        }
    }

    /// <exception cref="DomainXmlException">More than <see cref="MaxXmlCharacters"/>.</exception>
    private static async Task<string> ReadCappedAsync(TextReader input)
    {
        var text = new StringBuilder();
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await input.ReadAsync(buffer)) > 0)
        {
            if (text.Length + read > MaxXmlCharacters)
            {
                throw new DomainXmlException($"The domain XML on stdin is longer than {MaxXmlCharacters} characters; libvirt never writes that.");
            }

            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }
}
