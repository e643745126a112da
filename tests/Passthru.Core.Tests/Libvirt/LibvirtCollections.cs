using Passthru.TestSupport;

namespace Passthru.Core.Tests.Libvirt;

/// <summary>
/// Tests that open libvirt connections run one at a time, after the parallel tests: libvirt's event
/// loop is one per process, and the test that checks it stops on dispose must be its only user.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibvirtClientCollection
{
    public const string Name = "libvirt client";
}

/// <summary>Tests against a real libvirtd (qemu:///system), started for them if it is not running.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibvirtdCollection : ICollectionFixture<LibvirtDaemon>
{
    public const string Name = "libvirtd";
}

/// <summary>A test that stops and starts libvirtd: only where the tests start it themselves (never a daemon that was already running).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LibvirtdRestartFactAttribute : FactAttribute
{
    public LibvirtdRestartFactAttribute()
    {
        if (LibvirtDaemon.CannotRunReason is { } reason)
        {
            Skip = reason;
        }
        else if (LibvirtDaemon.ForeignLibvirtd is { } pid)
        {
            Skip = $"libvirtd was already running (pid {pid}); the tests restart only a daemon they started themselves";
        }
    }
}
