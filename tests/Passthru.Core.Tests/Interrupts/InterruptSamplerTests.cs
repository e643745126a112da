using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Interrupts;

/// <summary>The sampler on a copy of a captured lab tree whose proc/interrupts the test rewrites between samples.</summary>
public sealed class InterruptSamplerTests : IDisposable
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:00:1b.0");

    private readonly string _root = CapturedTrees.Copy("intel-initial");
    private readonly FakeTimeProvider _clock = new();
    private readonly InterruptSampler _sampler;

    public InterruptSamplerTests() => _sampler = new InterruptSampler(new HostRoot(_root), _clock);

    public void Dispose()
    {
        _sampler.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Captured => File.ReadAllText(Path.Combine(CapturedTrees.Path("intel-initial"), "proc/interrupts"));

    private void Write(string text) => File.WriteAllText(Path.Combine(_root, "proc/interrupts"), text);

    /// <summary>The captured file with the sound card's row (snd_hda_intel:card0) counting <paramref name="cpu0"/> and <paramref name="cpu1"/>.</summary>
    private string WithSoundCounts(ulong cpu0, ulong cpu1)
        => string.Join('\n', Captured.Split('\n').Select(l => l.EndsWith("snd_hda_intel:card0", StringComparison.Ordinal)
            ? $"{l[..l.IndexOf(':', StringComparison.Ordinal)]}: {cpu0,10} {cpu1,10}  IR-PCI-MSI 442368-edge      snd_hda_intel:card0"
            : l));

    [Fact]
    public void Sample_FirstThenSecond_GivesRatesPerRowAndDevice()
    {
        var host = TreeScan.Scan(_root);
        Write(WithSoundCounts(100, 50));
        var first = _sampler.Sample(host);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Write(WithSoundCounts(130, 60));
        var second = _sampler.Sample(host);

        Assert.False(first.HasRates);
        Assert.Null(first.RowsOf(Sound).Single().PerSecond);
        var row = second.RowsOf(Sound).Single();
        Assert.Equal((40UL, 20.0), (row.Delta, row.PerSecond));
        Assert.Equal(InterruptSource.MsiIrqsDirectory, row.Owner!.Source);
        Assert.Equal(new DeviceInterruptRate(Sound, 190, 40, 20.0, 1), second.Devices[Sound]);
    }

    [Fact]
    public void WithoutRates_ASecondSample_LooksLikeAFirstRead()
    {
        var host = TreeScan.Scan(_root);
        Write(WithSoundCounts(100, 50));
        var first = _sampler.Sample(host);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Write(WithSoundCounts(130, 60));

        var shown = _sampler.Sample(host).WithoutRates();

        Assert.False(shown.HasRates);
        Assert.Equal(first.Rows.Select(r => (r.Line.Label, r.Delta, r.PerSecond, r.Previous)), shown.Rows.Select(r => (r.Line.Label, r.Delta, r.PerSecond, r.Previous)));
        Assert.Equal(new DeviceInterruptRate(Sound, 190, 0, null, 1), shown.Devices[Sound]);
        Assert.Equal(190UL, shown.RowsOf(Sound).Single().Line.Total);
    }

    [Fact]
    public void Sample_Counter32Wrap_GivesTheTrueRate()
    {
        var host = TreeScan.Scan(_root);
        Write(WithSoundCounts(uint.MaxValue - 9, 0));
        _ = _sampler.Sample(host);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Write(WithSoundCounts(5, 0));

        Assert.Equal(15.0, _sampler.Sample(host).Devices[Sound].PerSecond);
    }

    [Fact]
    public void Sample_RowsAppearAndVanish_NewRowsHaveNoRateAndVanishedOnesAreGone()
    {
        var host = TreeScan.Scan(_root);
        Write(WithSoundCounts(100, 0));
        _ = _sampler.Sample(host);
        _clock.Advance(TimeSpan.FromSeconds(1));
        // A guest took the card: its host row is gone, vfio's rows are there (the shapes the nested lab showed).
        var withoutHost = string.Join('\n', Captured.Split('\n').Where(l => !l.EndsWith("snd_hda_intel:card0", StringComparison.Ordinal)));
        Write(withoutHost.TrimEnd('\n') + "\n 49:          3          0  IR-IO-APIC  16-fasteoi   vfio-intx(0000:00:1b.0)\n 60:         57          0  IR-PCI-MSI 442368-edge      vfio-msi[0](0000:00:1b.0)\n");
        var second = _sampler.Sample(host);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Write(withoutHost.TrimEnd('\n') + "\n 49:          3          0  IR-IO-APIC  16-fasteoi   vfio-intx(0000:00:1b.0)\n 60:         77          0  IR-PCI-MSI 442368-edge      vfio-msi[0](0000:00:1b.0)\n");
        var third = _sampler.Sample(host);

        Assert.DoesNotContain(second.Rows, r => r.Line.Actions == "snd_hda_intel:card0");
        Assert.All(second.RowsOf(Sound), r => Assert.Equal((InterruptSource.Vfio, (double?)null), (r.Owner!.Source, r.PerSecond)));
        Assert.Equal(20.0, third.Rows.Single(r => r.Line.Label == "60").PerSecond);
        Assert.Equal(new DeviceInterruptRate(Sound, 80, 20, 20.0, 2), third.Devices[Sound]);
    }

    [Fact]
    public void Sample_IrqNumberReusedByAnotherDevice_RestartsInsteadOfJumping()
    {
        var host = TreeScan.Scan(_root);
        Write(" CPU0\n 60: 900000  IR-PCI-MSI 442368-edge  snd_hda_intel:card0\n");
        _ = _sampler.Sample(host);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Write(" CPU0\n 60: 5  IR-PCI-MSI 524288-edge  vfio-msi[0](0000:01:00.0)\n");

        var row = _sampler.Sample(host).Rows.Single();
        Assert.Null(row.Previous);
        Assert.Equal((0UL, (double?)null), (row.Delta, row.PerSecond));
    }

    [Fact]
    public void Sample_FileMissing_SaysSoAndRecovers()
    {
        var host = TreeScan.Scan(_root);
        File.Delete(Path.Combine(_root, "proc/interrupts"));
        var missing = _sampler.Sample(host);
        Write(Captured);

        Assert.Contains("missing", missing.Problem);
        Assert.Empty(missing.Rows);
        Assert.NotEmpty(_sampler.Sample(host).Rows);
    }
}

/// <summary>The sampler on this machine's own kernel (read-only: /proc/interrupts and /sys are only read).</summary>
public class ThisMachineInterruptTests
{
    [Fact]
    public void Sample_ThisMachine_MapsPciRowsToItsDevices()
    {
        var root = new HostRoot("/");
        var host = TreeScan.Scan("/");
        using var sampler = new InterruptSampler(root, TimeProvider.System);

        _ = sampler.Sample(host);
        var second = sampler.Sample(host);

        Assert.Null(second.Problem);
        Assert.True(second.HasRates);
        var pciRows = second.Rows.Where(r => r.Line.Chip?.Contains("PCI", StringComparison.Ordinal) == true).ToArray();
        Assert.NotEmpty(pciRows);
        Assert.All(pciRows, r => Assert.Contains(host.Devices, d => d.Address == r.Owner?.Address));
    }
}
