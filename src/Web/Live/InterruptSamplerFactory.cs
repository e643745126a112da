using Passthru.Core.Host;
using Passthru.Core.Interrupts;

namespace Passthru.Web.Live;

/// <summary>Where the live producer gets a sampler each time its loop starts (tests hand in their own).</summary>
public interface IInterruptSamplerFactory
{
    IInterruptSampler Create();
}

/// <summary>Samplers of the host's <c>/proc/interrupts</c>.</summary>
public sealed class InterruptSamplerFactory(HostRoot root, TimeProvider timeProvider) : IInterruptSamplerFactory
{
    public IInterruptSampler Create() => new InterruptSampler(root, timeProvider);
}
