namespace Passthru.Web.Components.Controls;

/// <summary>What the groups page's labels mean: the chips' tooltips and the page's legend say the same.</summary>
public static class GroupLabels
{
    public const string Alone = "The only device in its IOMMU group: it can go to a guest on its own.";
    public const string Viable = "Several devices, none held by a host driver: a guest can use the group now (give it all of them).";
    public const string Shared = "Several devices, some held by host drivers: a guest gets the group only once every member is on vfio-pci or has no driver.";
    public const string HostNeeds = "The host uses something vital through it (a mounted disk, the default route, the console, a keyboard): a detach is refused unless you override it.";
    public const string Domain = "The group's default DMA domain. identity: the host's own DMA bypasses translation (iommu=pt), which costs nothing and is usual on KVM hosts; DMA or DMA-FQ: translated. It does not limit passthrough: vfio gives a guest's group its own domain.";
}
