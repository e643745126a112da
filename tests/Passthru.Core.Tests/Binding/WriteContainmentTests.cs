using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Binding;

/// <summary>
/// A detach on a FIXTURE ROOT (a copy of a captured tree: files, no kernel) whose device's driver link was
/// changed to point outside the tree, at a directory with an <c>unbind</c> file: the unbind write must
/// not follow the link out of the root.
/// </summary>
public sealed class WriteContainmentTests : IDisposable
{
    private readonly string _tree = CapturedTrees.Copy("intel-initial");
    private readonly string _outside = Directory.CreateDirectory(Scratch.NewPath("passthru-outside-driver")).FullName;
    private readonly string _database = Scratch.NewPath("passthru-containment") + ".db";

    [Fact]
    public async Task Detach_DriverLinkLeadingOutsideTheRoot_WritesNothingThere()
    {
        var unbind = Path.Combine(_outside, "unbind");
        await File.WriteAllTextAsync(unbind, "untouched");
        var driver = Path.Combine(_tree, "sys/devices/pci0000:00/0000:00:1b.0/driver");
        File.Delete(driver);
        File.CreateSymbolicLink(driver, _outside);
        var root = new HostRoot(_tree);
        var journal = new OperationJournal(new HistoryDatabase(_database), TimeProvider.System);
        var service = new BindingService(new HostScanner(root, TreeScan.SystemIds, TimeProvider.System), new SysfsBinder(root, TimeSpan.FromSeconds(5)), journal, new HostChangeQueue());

        var result = await service.RunAsync(new BindingRequest(OperationAction.Detach, PciAddress.Parse("0000:00:1b.0"), null, new Actor("anonymous", "127.0.0.1"), Force: true));

        Assert.Equal("untouched", await File.ReadAllTextAsync(unbind));
        Assert.NotEqual(OperationStatus.Succeeded, result.Status);
        Assert.Contains("leads outside it", result.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Scratch.DeleteDatabase(_database);
        Directory.Delete(_tree, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }
}
