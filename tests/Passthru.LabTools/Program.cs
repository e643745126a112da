using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.LabTools;

// `detach-and-pause GROUP DATABASE MARKER`: Passthru's own detach of a group (forced), on the real root, journaled
// in DATABASE as the command line journals it, stopping after the first device until it is killed. The next start
// of the real `passthru` must find the operation and say what it found (LabBindingRun, step 08).
if (args is not ["detach-and-pause", var groupText, var database, var marker] || !int.TryParse(groupText, out var group))
{
    await Console.Error.WriteLineAsync("usage: Passthru.LabTools detach-and-pause GROUP DATABASE MARKER");
    return 2;
}

var root = new HostRoot("/");
var journal = new OperationJournal(new HistoryDatabase(database), TimeProvider.System);
var binding = new BindingService(new HostScanner(root, PciIds.Empty, TimeProvider.System), new SysfsBinder(root, SysfsBinder.DefaultStepTimeout), journal,
    new HostChangeQueue(database + ".changes.lock"), new PauseAfterFirstDevice(marker));
var result = await binding.RunAsync(new BindingRequest(OperationAction.Detach, null, group, new Actor("lab (fault injection)", null), Force: true));
Console.WriteLine($"{result.Status}: {result.Message}");
return 0;
