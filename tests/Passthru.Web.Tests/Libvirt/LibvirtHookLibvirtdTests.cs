using Passthru.Core.History;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Libvirt;

/// <summary>
/// The hook as a real libvirtd runs it: deploy/libvirt/qemu.d-passthru as /etc/libvirt/hooks/qemu.d/passthru, calling
/// this build's Passthru.Web (as /usr/local/bin/passthru would) on the captured intel-initial tree and a real history.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LibvirtHookLibvirtdTests : IDisposable
{
    private const string Sound = "0000:00:1b.0";
    private const string Sata = "0000:00:1f.2";

    private readonly string _database = Scratch.NewPath("passthru-hook-libvirtd") + ".db";

    public void Dispose() => Scratch.DeleteDatabase(_database);

    [HookLibvirtdFact]
    public async Task VirshStart_CardChangedSinceItWasGiven_IsRefusedWithPassthrusReason_AndTheSameCardGetsPastTheHook()
    {
        var journal = new OperationJournal(new HistoryDatabase(_database), TimeProvider.System);
        // 0000:00:1f.2 holds 8086:2922 in the tree: given as 8086:293e, it is another card now. 0000:00:1b.0 is as given.
        await journal.GiveAsync("hook-changed", Sata, "8086:293e", "1af4:1100");
        await journal.GiveAsync("hook-same", Sound, "8086:293e", "1af4:1100");
        var web = Path.Combine(AppContext.BaseDirectory, "Passthru.Web");

        var output = await PrivateLibvirtd.RunAsync(
            new Dictionary<string, string> { ["qemu.d/passthru"] = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "deploy", "libvirt", "qemu.d-passthru")) },
            new Dictionary<string, string>
            {
                ["passthru"] = $"""
                    #!/bin/sh
                    exec {web} "$@" --host-root {CapturedTrees.Path("intel-initial")} --Passthru:Database {_database}
                    """,
            },
            $"""
            printf '%s' "{GivenCards.DomainXml("hook-changed", Sata)}" > $SCRATCH/changed.xml
            printf '%s' "{GivenCards.DomainXml("hook-same", Sound)}" > $SCRATCH/same.xml
            virsh -q define $SCRATCH/changed.xml >/dev/null && virsh -q define $SCRATCH/same.xml >/dev/null
            echo "== changed"; virsh start hook-changed 2>&1
            echo "== same"; virsh start hook-same 2>&1
            rm /etc/libvirt/hooks/qemu.d/passthru
            echo "== changed, hook removed"; virsh start hook-changed 2>&1
            echo "== end"
            """);

        var changed = Section(output, "== changed\n", "== same");
        var same = Section(output, "== same\n", "== changed, hook removed");
        var removed = Section(output, "== changed, hook removed\n", "== end");
        Assert.Contains($"Passthru refused to start hook-changed: {Sata} now holds 8086:2922 (subsystem 1af4:1100), not the 8086:293e (subsystem 1af4:1100) given to hook-changed on ",
            changed, StringComparison.Ordinal);
        // Past the hook, libvirt stops where this machine cannot pass a device through (no /dev/vfio): not at Passthru.
        Assert.Contains("error: Failed to start domain 'hook-same'", same, StringComparison.Ordinal);
        Assert.DoesNotContain("Hook script", same, StringComparison.Ordinal);
        Assert.Contains("passthrough of host PCI devices", same, StringComparison.Ordinal);
        // uninstall.sh removes the file alone: libvirt stops running it at once, without a restart.
        Assert.DoesNotContain("Hook script", removed, StringComparison.Ordinal);
        var refusal = Assert.Single(await journal.ListAsync(action: OperationAction.StartGuest));
        Assert.Equal(("libvirt hook", "hook-changed", OperationStatus.Refused), (refusal.Actor, refusal.Guest, refusal.Status));
    }

    private static string Section(string output, string start, string end)
    {
        var from = output.IndexOf(start, StringComparison.Ordinal);
        var to = output.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"The scenario did not run to its end:\n{output}");
        return output[(from + start.Length)..to];
    }
}

/// <summary>
/// Needs a private libvirtd (<see cref="PrivateLibvirtd"/>), and a machine where the tree's addresses hold no real
/// card and there is no /dev/vfio: past the hook, libvirt must find nothing it could give the test's guests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HookLibvirtdFactAttribute : FactAttribute
{
    public HookLibvirtdFactAttribute()
    {
        if (PrivateLibvirtd.CannotRunReason is { } reason)
        {
            Skip = reason;
        }
        else if (Directory.Exists("/dev/vfio") || new[] { "0000:00:1b.0", "0000:00:1f.2" }.Any(a => Directory.Exists($"/sys/bus/pci/devices/{a}")))
        {
            Skip = "this machine has /dev/vfio or a real card at 0000:00:1b.0 or 0000:00:1f.2: the test does not give a real card to a guest";
        }
    }
}
