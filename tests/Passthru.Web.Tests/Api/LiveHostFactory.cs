using Microsoft.AspNetCore.Hosting;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

/// <summary>
/// The whole app on a writable copy of a captured tree, sampling fast: tests rewrite the tree's
/// proc/interrupts and driver links and watch the app notice (a FIXTURE ROOT: no kernel is involved).
/// </summary>
public sealed class LiveHostFactory : CapturedHostFactory
{
    public const int SampleMs = 200;

    public string Root { get; } = CapturedTrees.Copy(Tree);

    protected override string TreeRoot => Root;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Passthru:InterruptSampleMs", SampleMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Passthru:DevicePollMs", SampleMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Passthru:InterruptHistorySeconds", "0");
    }

    public string TreePath(string relative) => Path.Combine(Root, relative);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
