using Xunit;

namespace Passthru.TestSupport;

/// <summary>A test that needs a real libvirtd: skipped, with the reason, only where libvirtd cannot run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LibvirtdFactAttribute : FactAttribute
{
    public LibvirtdFactAttribute()
    {
        if (LibvirtDaemon.CannotRunReason is { } reason)
        {
            Skip = reason;
        }
    }
}
