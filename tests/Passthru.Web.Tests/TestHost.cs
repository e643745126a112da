using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Passthru.TestSupport;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Tests;

/// <summary>The dashboard's host model over a captured real-kernel tree, with the names lspci uses.</summary>
internal static class TestHost
{
    public const string PciIds = TreeScan.SystemPciIds;

    public static HostModel Model(string capturedTree) => new(
        Options.Create(new PassthruOptions { HostRoot = CapturedTrees.Path(capturedTree), PciIdsPath = PciIds }),
        TimeProvider.System,
        NullLogger<HostModel>.Instance);
}
