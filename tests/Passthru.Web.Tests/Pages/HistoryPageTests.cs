using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

public class HistoryPageTests : PageTestContext
{
    [Fact]
    public async Task Render_Journal_ShowsNewestFirstAndFiltersByDevice()
    {
        var journal = Services.GetRequiredService<OperationJournal>();
        var sound = PciAddress.Parse("0000:04:00.6");
        var first = await journal.BeginAsync(new Actor("127.0.0.1", "127.0.0.1"), OperationAction.Detach, "group 12", false, [new OperationDevice(sound, "8086", "293e", 12, "snd_hda_intel")]);
        await journal.FinishAsync(first, OperationStatus.Succeeded, "Done", new Dictionary<PciAddress, string?> { [sound] = "vfio-pci" });
        await journal.RecordRefusalAsync(new Actor("::1", "::1"), OperationAction.Detach, "0000:00:05.0",
            [new OperationDevice(PciAddress.Parse("0000:00:05.0"), "1af4", "1001", 5, "virtio-pci")], "mounted");

        var page = Render<History>();
        page.WaitForState(() => page.Instance.Records.Count == 2, Timeout);

        var rows = page.FindAll("#history-grid tbody tr");
        Assert.Contains("refused", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("snd_hda_intel → vfio-pci", rows[1].TextContent, StringComparison.Ordinal);

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("device", "0000:04:00.6"));
        var filtered = Render<History>();
        filtered.WaitForState(() => filtered.Instance.Records.Count == 1, Timeout);
        Assert.Equal("group 12", filtered.Instance.Records.Single().Target);
    }

    [Fact]
    public async Task Filters_SayWhatTheTableSays_AndAnIdShowsOneOperation()
    {
        var journal = Services.GetRequiredService<OperationJournal>();
        var sound = PciAddress.Parse("0000:04:00.6");
        var device = new OperationDevice(sound, "8086", "293e", 12, "snd_hda_intel");
        var first = await journal.BeginAsync(new Actor("root", "10.0.2.2"), OperationAction.AttachToGuest, "0000:04:00.6", false, [device], guest: "l2", mode: "persistent, managed");
        await journal.FinishAsync(first, OperationStatus.RolledBack, "libvirt said no", new Dictionary<PciAddress, string?> { [sound] = "snd_hda_intel" });
        await journal.RecordRefusalAsync(new Actor("root", "10.0.2.2"), OperationAction.Detach, "group 12", [device], "fbcon");

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["action"] = "AttachToGuest", ["status"] = "RolledBack" }));
        var page = Render<History>();
        page.WaitForState(() => page.Instance.Records.Count == 1, Timeout);

        Assert.Equal("attach to guest", page.Find("input#history-action").GetAttribute("value"));
        Assert.Equal("failed, undone", page.Find("input#history-status").GetAttribute("value"));
        Assert.Contains("attach to guest", page.Find("#history-grid tbody tr").TextContent, StringComparison.Ordinal);

        navigation.NavigateTo(navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["action"] = null, ["status"] = null, ["id"] = first }));
        var one = Render<History>();
        one.WaitForState(() => one.Instance.Records.Count == 1, Timeout);
        Assert.Equal(first, one.Instance.Records.Single().Id);
        Assert.Contains("chosen", one.Find("#history-grid tbody tr").ClassList);
    }
}
