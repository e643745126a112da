using Microsoft.AspNetCore.Hosting;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

/// <summary>The captured host, with boot files (claims, the kernel command line) written under a scratch configuration root of its own.</summary>
public class ScratchConfigRootFactory : CapturedHostFactory
{
    public string ConfigRoot { get; } = Directory.CreateDirectory(Scratch.NewPath("passthru-config-root")).FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Passthru:Boot:ConfigRoot", ConfigRoot);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(ConfigRoot))
        {
            Directory.Delete(ConfigRoot, recursive: true);
        }
    }
}
