using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Passthru.TestSupport;
using Passthru.Web.Live;
using Passthru.Web.Tests.Live;

namespace Passthru.Web.Tests.Api;

/// <summary>
/// The whole app on a writable copy of a captured tree, on a fake clock the tests move on: tests rewrite the
/// tree's proc/interrupts and driver links and watch the app notice (a FIXTURE ROOT: no kernel is involved).
/// The producer's samplers are counted (<see cref="SyntheticSamplers"/>).
/// </summary>
public sealed class LiveHostFactory : CapturedHostFactory
{
    public const int SampleMs = 200;

    public static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(SampleMs);

    public string Root { get; } = CapturedTrees.Copy(Tree);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    protected override string TreeRoot => Root;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Passthru:InterruptSampleMs", SampleMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Passthru:DevicePollMs", SampleMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Passthru:InterruptHistorySeconds", "0");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<SyntheticSamplers>();
            services.AddSingleton<IInterruptSamplerFactory>(sp => sp.GetRequiredService<SyntheticSamplers>());
        });
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
