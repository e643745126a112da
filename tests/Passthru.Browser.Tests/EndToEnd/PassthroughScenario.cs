using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Passthru.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// The product's promise, step by step, in a real browser against the dashboard running in the nested
/// lab's L1 (a real kernel with an emulated VT-d): the sound card 04:00.6 shares IOMMU group 12 with a
/// VGA function and a USB controller; the user sees why it cannot go alone, gives the whole group to the
/// guest L2, starts L2, watches the card's interrupts, shuts L2 down and sees the card come back. After
/// each step the backend is checked on its own: L1's sysfs drivers, <c>virsh</c>, L2's serial console.
/// <para>
/// The dashboard is reached through the NIC at 05:00.0 (its own group), so its rule never to take the
/// interface carrying the request does not touch group 12; the VGA function does carry L1's text
/// console (fbcon), which the dashboard asks the user to override by typing the devices.
/// </para>
/// </summary>
public sealed partial class PassthroughScenario(NestedLab lab, IPage page, ScenarioSteps steps)
{
    private const string Vga = "0000:04:00.0";
    private const string Usb = "0000:04:00.1";
    private const string Card = "0000:04:00.6";
    private const string Guest = "l2";
    private const string WholeGroup = $"{Vga}, {Usb}, {Card}";

    // The dashboard runs on an emulated CPU: pages, scans and libvirt calls take seconds, not milliseconds.
    private const float Page = 60_000;
    private const float Libvirt = 180_000;

    private int _group;

    public async Task RunAsync()
    {
        await steps.RunAsync("login", LogInAsync);
        await steps.RunAsync("groups-not-viable", GroupIsNotViableAsync);
        await steps.RunAsync("device-page-names-blockers", DevicePageNamesBlockersAsync);
        await steps.RunAsync("give-card-alone-refused", CardAloneIsRefusedAsync);
        await steps.RunAsync("attach-whole-group", AttachWholeGroupAsync);
        await steps.RunAsync("start-guest", StartGuestAsync);
        await steps.RunAsync("guest-driver-has-card", GuestDriverHasCardAsync);
        await steps.RunAsync("interrupts-live", InterruptsAreLiveAsync);
        await steps.RunAsync("shutdown-card-returns", ShutDownAndCardReturnsAsync);
        await steps.RunAsync("history", HistoryListsEveryStepAsync);
    }

    private string Url(string path) => new Uri(lab.BaseAddress, path).ToString();

    private async Task LogInAsync()
    {
        await page.GotoAsync(Url("groups"));
        await Expect(page).ToHaveURLAsync(Url("login?ReturnUrl=%2Fgroups"), new() { Timeout = Page });
        await page.Locator("#login-user").FillAsync(PamTestAccounts.Admin);
        await page.Locator("#login-password").FillAsync(PamTestAccounts.AdminPassword);
        await page.Locator("#login-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(Url("groups"), new() { Timeout = Page });
        await Expect(page.Locator("#logged-in-user")).ToHaveTextAsync(PamTestAccounts.Admin, new() { Timeout = Page });
    }

    private async Task GroupIsNotViableAsync()
    {
        _group = await lab.Backend.GroupAsync(Card);
        await ExpectDriversAsync("bochs-drm", "xhci_hcd", "snd_hda_intel");

        await page.GotoAsync(Url($"groups?q={Card}"));
        await InteractiveAsync();
        var group = page.Locator($"#group-{_group}");
        await Expect(group).ToHaveAttributeAsync("data-viable", "false", new() { Timeout = Page });
        var row = group.Locator($"tr[data-address='{Card}']");
        await Expect(row).ToHaveClassAsync("match");
        await Expect(row.Locator(".verdict-badge")).ToHaveAttributeAsync("data-verdict", "BlockedByGroup");
        await Expect(page.Locator($"#group-{_group}-blockers")).ToContainTextAsync($"{Vga} (bochs-drm), {Usb} (xhci_hcd)");
    }

    private async Task DevicePageNamesBlockersAsync()
    {
        await page.Locator($"#group-{_group} tr[data-address='{Card}'] .device-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(Url($"devices/{Card}"), new() { Timeout = Page });
        var summary = page.Locator("#verdict-summary");
        await Expect(summary).ToContainTextAsync($"{Card} cannot be passed alone: IOMMU group {_group} also holds {Vga}", new() { Timeout = Page });
        await Expect(summary).ToContainTextAsync("(driver bochs-drm)");
        await Expect(summary).ToContainTextAsync($"{Usb}");
        await Expect(summary).ToContainTextAsync("(driver xhci_hcd)");
        await Expect(page.Locator("#ways-out li[data-kind='PassWholeGroup']")).ToContainTextAsync($"Give the guest {Vga}, {Usb} as well");
    }

    private async Task CardAloneIsRefusedAsync()
    {
        // From the card's own page: Give to guest, L2.
        await page.Locator("#give-to-guest button").ClickAsync(new() { Timeout = Page });
        await page.Locator($".guest-choice[data-guest='{Guest}']").ClickAsync(new() { Timeout = Page });
        var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("#guest-attach-dialog") });
        await Expect(dialog).ToBeVisibleAsync(new() { Timeout = Page });

        var refusals = dialog.Locator("#attach-refusals");
        await Expect(refusals.Locator("li[data-kind='GroupNotViable']")).ToContainTextAsync(
            $"IOMMU group {_group} is not whole: {Vga} (bochs-drm), {Usb} (xhci_hcd) stay on the host", new() { Timeout = Page });
        await Expect(refusals).ToContainTextAsync("group is not viable");
        await Expect(dialog.Locator("#attach-run")).ToBeDisabledAsync();

        // The same request by a script with this login: refused before libvirt is asked, and journaled.
        var response = await page.Context.APIRequest.PostAsync(Url($"api/guests/{Guest}/devices"),
            new() { DataObject = new { address = Card }, Timeout = Page });
        Assert.Equal(409, response.Status);
        Assert.Contains($"IOMMU group {_group} is not whole", await response.TextAsync(), StringComparison.Ordinal);

        Assert.DoesNotContain("<hostdev", await lab.Backend.VirshAsync("dumpxml", "--inactive", Guest), StringComparison.Ordinal);
        await ExpectDriversAsync("bochs-drm", "xhci_hcd", "snd_hda_intel");
    }

    private async Task AttachWholeGroupAsync()
    {
        var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("#guest-attach-dialog") });
        await dialog.Locator("#attach-whole-group").ClickAsync();
        var xml = dialog.Locator("#hostdev-xml");
        foreach (var function in new[] { "0x0", "0x1", "0x6" })
        {
            await Expect(xml).ToContainTextAsync($"<address domain='0x0000' bus='0x04' slot='0x00' function='{function}'/>", new() { Timeout = Page });
        }

        // The group is whole now; what is left is L1's text console on the VGA function, which the user may override.
        var refusals = dialog.Locator("#attach-refusals");
        await Expect(refusals.Locator("li[data-kind='GroupNotViable']")).ToHaveCountAsync(0);
        await Expect(refusals.Locator("li[data-kind='InUseByHost']")).ToContainTextAsync("fbcon");
        await dialog.Locator("#attach-override-confirmation").FillAsync(WholeGroup);
        await Expect(dialog.Locator("#attach-run")).ToBeEnabledAsync();
        await steps.ShotAsync("override-typed");
        await dialog.Locator("#attach-run").ClickAsync();
        await Expect(dialog.Locator("#attach-outcome")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = Libvirt });
        await steps.ShotAsync("attached");

        var inactive = await lab.Backend.VirshAsync("dumpxml", "--inactive", Guest);
        Assert.Equal(3, Regex.Count(inactive, "<hostdev mode='subsystem' type='pci' managed='yes'>"));
        Assert.Contains("bus='0x04' slot='0x00' function='0x6'", inactive, StringComparison.Ordinal);
        // Managed: nothing leaves its host driver before the guest starts.
        await ExpectDriversAsync("bochs-drm", "xhci_hcd", "snd_hda_intel");

        await dialog.Locator("#attach-close").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        // The card's page now says which guest takes it at its next start.
        await Expect(page.Locator($"#device-guests .guest-badge[data-guest='{Guest}']")).ToBeVisibleAsync(new() { Timeout = Page });
    }

    private async Task StartGuestAsync()
    {
        var guest = await OpenGuestsAsync();
        foreach (var address in new[] { Vga, Usb, Card })
        {
            await Expect(GuestRow(address)).ToBeVisibleAsync(new() { Timeout = Page });
        }

        await guest.Locator(".start").ClickAsync();
        await Expect(guest.Locator(".guest-state")).ToHaveTextAsync("running", new() { Timeout = Libvirt });
        // libvirt moved the whole group to vfio-pci, and the page follows the kernel without a reload.
        await Expect(GuestRow(Card).Locator(".host-driver")).ToHaveTextAsync("vfio-pci", new() { Timeout = Page });

        Assert.Equal("running", (await lab.Backend.VirshAsync("domstate", Guest)).Trim());
        await ExpectDriversAsync("vfio-pci", "vfio-pci", "vfio-pci");
        Assert.Equal(3, Regex.Count(await lab.Backend.VirshAsync("dumpxml", Guest), "<hostdev mode='subsystem' type='pci' managed='yes'>"));
    }

    private async Task GuestDriverHasCardAsync()
    {
        // L2 runs the lab's kernel: its console shows lspci -nnk, then /proc/asound/cards, once snd_hda_intel has the card.
        // The console is read while L2 still writes it, so wait for the last section's end marker.
        string console;
        try
        {
            console = await WaitForAsync(lab.Backend.L2ConsoleAsync, c => c.Contains("=== l2: end /proc/asound/cards ===", StringComparison.Ordinal),
                TimeSpan.FromMinutes(4), "L2's console to show lspci -nnk and its sound cards");
        }
        catch (TimeoutException ex)
        {
            throw new NestedGuestStalledException(ex.Message, ex);
        }
        var lspci = Between(console, "=== l2: lspci -nnk ===", "=== l2: end lspci -nnk ===");
        var audio = DeviceBlock(lspci, "[8086:293e]");
        Assert.Contains("Kernel driver in use: snd_hda_intel", audio, StringComparison.Ordinal);
        Assert.Contains("HDA Intel", Between(console, "=== l2: /proc/asound/cards ===", "=== l2: end /proc/asound/cards ==="), StringComparison.Ordinal);
    }

    private async Task InterruptsAreLiveAsync()
    {
        await page.Locator("#nav-interrupts").ClickAsync();
        await InteractiveAsync();
        var row = page.Locator("#interrupt-table tbody tr.vfio").Filter(new() { HasText = $"vfio-msi[0]({Card})" });
        await Expect(row).ToBeVisibleAsync(new() { Timeout = Libvirt });
        await Expect(row.Locator(".row-guest")).ToContainTextAsync(Guest, new() { Timeout = Page });

        var first = Count(await row.Locator(".total").TextContentAsync());
        await Expect(row.Locator(".total")).Not.ToHaveTextAsync(first.ToString(CultureInfo.InvariantCulture), new() { Timeout = Page });
        var later = Count(await row.Locator(".total").TextContentAsync());
        Assert.True(later > first, $"the count went from {first} to {later}");
        await Expect(row.Locator(".rate")).ToHaveTextAsync(NonZeroRate(), new() { Timeout = Page });

        // The same counter in L1's own /proc/interrupts, read after the page's: at least as high.
        var line = (await lab.Backend.InterruptsAsync()).Split('\n').Single(l => l.Contains($"vfio-msi[0]({Card})", StringComparison.Ordinal));
        Assert.True(KernelTotal(line) >= later, $"L1's line '{line.Trim()}' is below the page's {later}");
    }

    private async Task ShutDownAndCardReturnsAsync()
    {
        var guest = await OpenGuestsAsync();
        await Expect(GuestRow(Card).Locator(".host-driver")).ToHaveTextAsync("vfio-pci", new() { Timeout = Page });
        // Marks this document: after the shutdown it must be the same page, updated in place, not reloaded.
        await page.EvaluateAsync("() => { window.passthruE2eMark = 'before shutdown'; }");

        await steps.ShotAsync("running");
        await guest.Locator(".shutdown").ClickAsync();
        await Expect(guest.Locator(".guest-state")).ToHaveTextAsync("shut off", new() { Timeout = Libvirt });
        await Expect(GuestRow(Card).Locator(".host-driver")).ToHaveTextAsync("snd_hda_intel", new() { Timeout = Page });
        await Expect(GuestRow(Vga).Locator(".host-driver")).ToHaveTextAsync("bochs-drm", new() { Timeout = Page });
        await Expect(GuestRow(Usb).Locator(".host-driver")).ToHaveTextAsync("xhci_hcd", new() { Timeout = Page });
        Assert.Equal("before shutdown", await page.EvaluateAsync<string?>("() => window.passthruE2eMark ?? null"));

        Assert.Equal("shut off", (await lab.Backend.VirshAsync("domstate", Guest)).Trim());
        await ExpectDriversAsync("bochs-drm", "xhci_hcd", "snd_hda_intel");
        // L2's OS saw the ACPI power button (a real shutdown, not a kill), and its driver had used the card. Its last
        // lines reach the console file after the domain shows shut off (virtlogd writes them), so wait for the last one.
        var console = await WaitForAsync(lab.Backend.L2ConsoleAsync, c => c.Contains("=== l2: end /proc/interrupts ===", StringComparison.Ordinal),
            TimeSpan.FromMinutes(1), "L2's console to end with its interrupts");
        Assert.Contains("l2: power button pressed", console, StringComparison.Ordinal);
        Assert.Matches(@"PCI-MSI.*snd_hda_intel:card0", Between(console, "=== l2: /proc/interrupts ===", "=== l2: end /proc/interrupts ==="));
    }

    private async Task HistoryListsEveryStepAsync()
    {
        await page.Locator("#nav-history").ClickAsync();
        var rows = page.Locator("#history-grid tbody tr");
        await Expect(rows.Filter(new() { HasText = "shut down guest" })).ToHaveCountAsync(1, new() { Timeout = Page });

        // Newest first: each of the user's steps, with the user, the address the browser came from (qemu's
        // user network: 10.0.2.2), and the result.
        var expected = new (string Action, string Target, string Result)[]
        {
            ("shut down guest", Guest, "succeeded"),
            // The start took the console's display from the host: overridden when the group was given, so not asked again.
            ("start guest (forced)", Guest, "succeeded"),
            ("attach to guest (forced)", WholeGroup, "succeeded"),
            ("attach to guest", Card, "refused"),
        };
        for (var i = 0; i < expected.Length; i++)
        {
            var row = rows.Nth(i);
            await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(expected[i].Action);
            await Expect(row.Locator(".history-target")).ToHaveTextAsync(expected[i].Target);
            await Expect(row.Locator(".history-actor")).ToHaveTextAsync(PamTestAccounts.Admin);
            await Expect(row.Locator(".history-address")).ToHaveTextAsync("10.0.2.2");
            await Expect(row.Locator(".operation-status")).ToHaveTextAsync(expected[i].Result);
        }

        await Expect(rows.Nth(1).Locator(".history-overridden")).ToContainTextAsync("fbcon");
        await Expect(rows.Nth(2).Locator(".history-overridden")).ToContainTextAsync("fbcon");
        await Expect(rows.Nth(2).Locator($".history-device[data-address='{Card}']")).ToContainTextAsync("snd_hda_intel");
        await Expect(rows.Nth(3)).ToContainTextAsync($"IOMMU group {_group} is not whole");
    }

    private async Task<ILocator> OpenGuestsAsync()
    {
        await page.Locator("#nav-guests").ClickAsync();
        await InteractiveAsync();
        var guest = page.Locator($".guest-card[data-guest='{Guest}']");
        await Expect(guest).ToBeVisibleAsync(new() { Timeout = Page });
        return guest;
    }

    private ILocator GuestRow(string address) => page.Locator($".guest-card[data-guest='{Guest}'] tr[data-address='{address}']");

    private Task InteractiveAsync() => page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = Page });

    private async Task ExpectDriversAsync(string vga, string usb, string card)
    {
        var drivers = await lab.Backend.DriversAsync(Vga, Usb, Card);
        Assert.Equal((vga, usb, card), (drivers[Vga], drivers[Usb], drivers[Card]));
    }

    private static async Task<string> WaitForAsync(Func<Task<string>> read, Func<string, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; last seen:\n{value[Math.Max(0, value.Length - 2000)..]}");
            }

            await Task.Delay(2000);
        }
    }

    /// <summary>The text between two marker lines of L2's console.</summary>
    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = from < 0 ? -1 : text.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"L2's console has no '{start}' ... '{end}' section:\n{text}");
        return text[(from + start.Length)..to];
    }

    /// <summary>One device's lines of <c>lspci -nnk</c>: its first line (containing <paramref name="ids"/>) and the indented lines under it.</summary>
    private static string DeviceBlock(string lspci, string ids)
    {
        var lines = lspci.Split('\n').SkipWhile(l => !l.Contains(ids, StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length > 0, $"lspci in L2 shows no {ids}:\n{lspci}");
        return string.Join('\n', lines.Take(1).Concat(lines.Skip(1).TakeWhile(l => l.StartsWith('\t'))));
    }

    private static long Count(string? text) => long.Parse(text!.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    /// <summary>A rate as the page writes it, and not zero: "0.3", "12", "1,204".</summary>
    [GeneratedRegex(@"^(0\.[1-9]|[1-9][0-9,]*(\.[0-9])?)$")]
    private static partial Regex NonZeroRate();

    /// <summary>The sum of a /proc/interrupts line's per-CPU counts.</summary>
    private static long KernelTotal(string line)
        => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .TakeWhile(f => f.All(char.IsAsciiDigit))
            .Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
}
