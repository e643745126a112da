using System.Net;
using Passthru.Core.Binding;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Safety;

/// <summary>
/// NICs the host uses in layouts the lab's guest did not have (a Proxmox bridge, a bond, a VLAN, an
/// address or a route of their own), each built on a copy of the captured intel-initial tree: its e1000e
/// eth1 at 05:00.0 (alone in its group, only a link-local address) stays, and the layout's SYNTHETIC
/// files (see <see cref="HostLayouts"/>) are added: virtual devices, sysfs links, /proc/net tables.
/// </summary>
public sealed class NetworkUseLayoutTests : IDisposable
{
    private const string Nic = "0000:05:00.0";

    private readonly string _tree = CapturedTrees.Copy("intel-initial");

    private BindingPlan PlanDetach(IReadOnlyDictionary<string, IReadOnlyList<string>>? bridgeUsers = null, IPAddress? connection = null)
    {
        var host = TreeScan.Scan(_tree);
        Assert.Equal("eth1", host.Find(PciAddress.Parse(Nic))!.HostInterfaces.Single().Name);
        return BindingPlanner.PlanDetach(host, HostUsage.Read(new HostRoot(_tree), bridgeUsers), Nic, [host.Find(PciAddress.Parse(Nic))!], connectionAddress: connection);
    }

    /// <summary>The plan is refused for exactly these reasons, each overridable, and the dry run's loss names them.</summary>
    private static void AssertRefusedFor(BindingPlan plan, params string[] reasons)
    {
        Assert.All(plan.Refusals, r => Assert.Equal((RefusalKind.InUseByHost, true), (r.Kind, r.CanOverride)));
        Assert.Equal(reasons.Select(r => $"{Nic} (82574L Gigabit Network Connection): {r}."), plan.Refusals.Select(r => r.Reason));
        Assert.Equal(reasons, plan.Devices.Single().Losses.Single().InUse);
        Assert.True(plan.IsRefused(force: false));
        Assert.False(plan.IsRefused(force: true));
    }

    [Fact]
    public void Detach_ProxmoxBridgeOnIntelInitial_PortIsRefusedNamingTheBridgesRouteAndGuests()
    {
        // Proxmox's default: eth1 the only port of vmbr0, which holds the host's address and default route; guests web1 and db on vmbr0.
        HostLayouts.VirtualNetDevice(_tree, "vmbr0", "bridge", ifIndex: 6);
        HostLayouts.Enslave(_tree, "eth1", "vmbr0");
        HostLayouts.Routes(_tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
        HostLayouts.LocalAddresses(_tree, "192.168.1.10");

        var plan = PlanDetach(new Dictionary<string, IReadOnlyList<string>> { ["vmbr0"] = ["web1", "db"], ["vmbr9"] = ["other"] });

        AssertRefusedFor(plan, "eth1 is a port of bridge vmbr0, which carries the default route (192.168.1.10/24)", "guests web1, db use vmbr0");
    }

    [Fact]
    public void Detach_ProxmoxBridgePortTheDashboardIsReachedThrough_IsRefusedEvenForced()
    {
        // The dashboard is reached at vmbr0's address: its traffic runs through eth1, the bridge's port.
        HostLayouts.VirtualNetDevice(_tree, "vmbr0", "bridge", ifIndex: 6);
        HostLayouts.Enslave(_tree, "eth1", "vmbr0");
        HostLayouts.Routes(_tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
        HostLayouts.LocalAddresses(_tree, "192.168.1.10");

        var plan = PlanDetach(connection: IPAddress.Parse("192.168.1.10"));

        Assert.Contains(plan.Refusals, r => r.Kind == RefusalKind.DashboardConnection && !r.CanOverride
            && r.Reason.Contains("carries eth1, the interface this dashboard is reached through", StringComparison.Ordinal));
        Assert.True(plan.IsRefused(force: true));
    }

    [Fact]
    public void Detach_BridgePortReachedThroughADualStackListener_IsRefusedEvenForced()
    {
        // Kestrel on [::] sees the IPv4 connection's local end as ::ffff:192.168.1.10.
        HostLayouts.VirtualNetDevice(_tree, "vmbr0", "bridge", ifIndex: 6);
        HostLayouts.Enslave(_tree, "eth1", "vmbr0");
        HostLayouts.Routes(_tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
        HostLayouts.LocalAddresses(_tree, "192.168.1.10");

        var plan = PlanDetach(connection: IPAddress.Parse("::ffff:192.168.1.10"));

        Assert.Contains(plan.Refusals, r => r.Kind == RefusalKind.DashboardConnection && !r.CanOverride);
        Assert.True(plan.IsRefused(force: true));
    }

    [Fact]
    public void Detach_BridgePortThatRoutesToTheFarClientOfALocalProxy_IsRefusedEvenForced()
    {
        // A proxy on this host forwards the client 203.0.113.50: the connection arrives on loopback, and the
        // client's traffic goes out by vmbr0's default route, through eth1. A more specific route elsewhere does not cover it.
        HostLayouts.VirtualNetDevice(_tree, "vmbr0", "bridge", ifIndex: 6);
        HostLayouts.Enslave(_tree, "eth1", "vmbr0");
        HostLayouts.VirtualNetDevice(_tree, "vmbr1", "bridge", ifIndex: 7);
        HostLayouts.Routes(_tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null), ("vmbr1", "10.50.0.0/16", null));
        HostLayouts.LocalAddresses(_tree, "192.168.1.10");

        var plan = PlanDetach(connection: IPAddress.Parse("203.0.113.50"));

        Assert.Contains(plan.Refusals, r => r.Kind == RefusalKind.DashboardConnection && !r.CanOverride
            && r.Reason.Contains("carries eth1, the interface this dashboard is reached through", StringComparison.Ordinal));
        Assert.True(plan.IsRefused(force: true));
    }

    [Fact]
    public void Detach_NicThatDoesNotRouteToTheFarClient_IsNotTheDashboardsConnection()
    {
        // The client 10.50.3.4 is reached through vmbr1 (its more specific route), not through eth1's vmbr0.
        HostLayouts.VirtualNetDevice(_tree, "vmbr0", "bridge", ifIndex: 6);
        HostLayouts.Enslave(_tree, "eth1", "vmbr0");
        HostLayouts.VirtualNetDevice(_tree, "vmbr1", "bridge", ifIndex: 7);
        HostLayouts.Routes(_tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null), ("vmbr1", "10.50.0.0/16", null));
        HostLayouts.LocalAddresses(_tree, "192.168.1.10");

        var plan = PlanDetach(connection: IPAddress.Parse("10.50.3.4"));

        Assert.DoesNotContain(plan.Refusals, r => r.Kind == RefusalKind.DashboardConnection);
    }

    [Fact]
    public void Detach_BondMemberOnIntelInitial_IsRefusedNamingTheBondsAddress()
    {
        // eth1 and eth0 bonded (active-backup) as bond0, which has the host's storage network address but no default route.
        HostLayouts.VirtualNetDevice(_tree, "bond0", "bond", ifIndex: 6);
        HostLayouts.Enslave(_tree, "eth1", "bond0");
        HostLayouts.Enslave(_tree, "eth0", "bond0");
        HostLayouts.Routes(_tree, ("bond0", "10.10.0.0/24", null));
        HostLayouts.LocalAddresses(_tree, "10.10.0.5");

        AssertRefusedFor(PlanDetach(), "eth1 is a member of bond bond0, which has the address 10.10.0.5/24");
    }

    [Fact]
    public void Detach_VlanLowerOnIntelInitial_IsRefusedFollowingTheVlanIntoItsBridge()
    {
        // A VLAN-aware host: eth1.10 on eth1, a port of vmbr10, which carries the default route; eth1 itself has no address.
        HostLayouts.VirtualNetDevice(_tree, "eth1.10", "vlan", ifIndex: 6);
        HostLayouts.Stack(_tree, "eth1", "eth1.10");
        HostLayouts.VirtualNetDevice(_tree, "vmbr10", "bridge", ifIndex: 7);
        HostLayouts.Enslave(_tree, "eth1.10", "vmbr10");
        HostLayouts.Routes(_tree, ("vmbr10", "0.0.0.0/0", "192.168.10.1"), ("vmbr10", "192.168.10.0/24", null));
        HostLayouts.LocalAddresses(_tree, "192.168.10.5");

        var plan = PlanDetach(new Dictionary<string, IReadOnlyList<string>> { ["vmbr10"] = ["router"] });

        AssertRefusedFor(plan,
            "eth1 is under VLAN eth1.10, which is a port of bridge vmbr10, which carries the default route (192.168.10.5/24)",
            "guest router uses vmbr10");
    }

    [Fact]
    public void Detach_NicWithOnlyAnAddressOnIntelInitial_IsRefused()
    {
        // A second network with no gateway (a storage or backup LAN): an address and the prefix route the kernel adds with it.
        HostLayouts.Routes(_tree, ("eth1", "10.0.3.0/24", null));
        HostLayouts.LocalAddresses(_tree, "10.0.3.15");

        AssertRefusedFor(PlanDetach(), "eth1 has the address 10.0.3.15/24");
    }

    [Fact]
    public void Detach_NicWithOnlyANonDefaultRouteOnIntelInitial_IsRefused()
    {
        // ip route add 10.20.0.0/16 dev eth1: the host sends that network through eth1, with no address on it.
        HostLayouts.Routes(_tree, ("eth1", "10.20.0.0/16", null));

        AssertRefusedFor(PlanDetach(), "eth1 holds the route to 10.20.0.0/16");
    }

    [Fact]
    public void Detach_NicWithNoAddressRouteOrMasterOnIntelInitial_IsNotRefused()
    {
        // As captured: eth1 is up with only its link-local fe80:: address, and others' routes and bridges do not count.
        HostLayouts.VirtualNetDevice(_tree, "vmbr0", "bridge", ifIndex: 6);
        HostLayouts.Enslave(_tree, "eth0", "vmbr0");
        HostLayouts.Routes(_tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
        HostLayouts.LocalAddresses(_tree, "192.168.1.10");

        var plan = PlanDetach(new Dictionary<string, IReadOnlyList<string>> { ["vmbr0"] = ["web1"] });

        Assert.Empty(plan.Refusals);
        Assert.Equal("network interface eth1 (fe80::5054:ff:fe12:3458/64)", plan.Devices.Single().Losses.Single().Details);
    }

    public void Dispose() => Directory.Delete(_tree, recursive: true);
}
