using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Binding;

/// <summary>
/// Tests of changes on a FIXTURE ROOT: a writable copy of the intel-initial capture, whose writes land in
/// plain files that no kernel acts on, with a history database of its own.
/// </summary>
public abstract class FixtureRootTests : IDisposable
{
    protected static readonly Actor Localhost = new("anonymous", "127.0.0.1");

    protected string Tree { get; } = CapturedTrees.Copy("intel-initial");

    protected string Database { get; } = Scratch.NewPath("passthru-binding") + ".db";

    /// <summary>The scanner every service of the test uses, so a test can count its scans.</summary>
    protected HostScanner Scanner => field ??= new HostScanner(new HostRoot(Tree), TreeScan.SystemIds, TimeProvider.System);

    /// <param name="stepTimeout">How long one sysfs write may take before it counts as a hang.</param>
    protected (BindingService Service, OperationJournal Journal) CreateBinding(string? databasePath = null, TimeSpan? stepTimeout = null)
    {
        var root = new HostRoot(Tree);
        var journal = new OperationJournal(new HistoryDatabase(databasePath ?? Database), TimeProvider.System);
        var service = new BindingService(Scanner, new SysfsBinder(root, stepTimeout ?? TimeSpan.FromSeconds(5)), journal, new HostChangeQueue());
        return (service, journal);
    }

    public void Dispose()
    {
        Directory.Delete(Tree, recursive: true);
        Scratch.DeleteDatabase(Database);
        GC.SuppressFinalize(this);
    }
}
