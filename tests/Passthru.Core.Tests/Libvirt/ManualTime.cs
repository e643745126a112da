namespace Passthru.Core.Tests.Libvirt;

/// <summary>A clock the test moves by hand (timers still run on real time: only "now" is faked).</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
