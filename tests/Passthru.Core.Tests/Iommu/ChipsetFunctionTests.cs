using Passthru.Core.Advice;
using Passthru.Core.Binding;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Iommu;

/// <summary>
/// The chipset functions of the captured Q35 host (a real kernel's tree): the host bridge, the ICH9 LPC bridge
/// and the SMBus controller are endpoints to the kernel (in groups, with drivers possible), yet no guest can use
/// them. They are not passable, and a detach of them is refused for good.
/// </summary>
public sealed class ChipsetFunctionTests
{
    private readonly HostSnapshot _host = TreeScan.Scan(CapturedTrees.Path("intel-initial"));

    [Theory]
    [InlineData("0000:00:00.0", ChipsetRole.HostBridge, "host bridge")]
    [InlineData("0000:00:1f.0", ChipsetRole.LegacyBusBridge, "ISA/LPC bridge")]
    [InlineData("0000:00:1f.3", ChipsetRole.SmbusController, "SMBus controller")]
    public void Assess_ChipsetFunction_IsNotPassableAndSaysWhy(string address, ChipsetRole role, string named)
    {
        var device = _host.Find(PciAddress.Parse(address))!;

        var assessment = PassthroughAdvisor.Assess(_host, device);

        Assert.False(device.IsBridge);
        Assert.Equal(role, device.ChipsetRole);
        Assert.Equal(PassthroughVerdict.NotPassable, assessment.Verdict);
        Assert.Contains(named, assessment.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Assess_SataControllerBesideThem_IsStillPassable()
    {
        var sata = _host.Find(PciAddress.Parse("0000:00:1f.2"))!;

        Assert.Null(sata.ChipsetRole);
        Assert.NotEqual(PassthroughVerdict.NotPassable, PassthroughAdvisor.Assess(_host, sata).Verdict);
    }

    [Fact]
    public void PlanDetach_GroupWithChipsetFunctions_IsRefusedForGoodEvenWithForce()
    {
        var group = _host.GroupOf(_host.Find(PciAddress.Parse("0000:00:1f.0"))!)!;
        var members = _host.MembersOf(group).Where(d => !d.IsBridge).ToArray();

        var plan = BindingPlanner.PlanDetach(_host, HostUsage.Read(new HostRoot(CapturedTrees.Path("intel-initial"))), $"group {group.Number}", members);

        Assert.Equal(["0000:00:1f.0", "0000:00:1f.3"],
            plan.Refusals.Where(r => r.Kind == RefusalKind.ChipsetFunction).Select(r => r.Device.ToString()));
        Assert.All(plan.Refusals.Where(r => r.Kind == RefusalKind.ChipsetFunction), r => Assert.False(r.CanOverride));
        Assert.True(plan.IsRefused(force: true));
    }
}
