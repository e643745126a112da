using Passthru.Core.Scanning;

namespace Passthru.Core.Interrupts;

/// <summary>Reads the interrupt counts and compares each read with the one before (see <see cref="InterruptSampler"/>).</summary>
public interface IInterruptSampler : IDisposable
{
    InterruptSample Sample(HostSnapshot host);
}
