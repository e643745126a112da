using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Core.Scanning;
using Passthru.Web.Live;

namespace Passthru.Web.Tests.Live;

/// <summary>
/// The live producer's samplers for tests: real ones on the test's tree, counted, and, when told, failing
/// the next sample once with a SYNTHETIC exception (nothing in the product fails this way on purpose).
/// </summary>
public sealed class SyntheticSamplers(HostRoot root, TimeProvider timeProvider) : IInterruptSamplerFactory
{
    private int _samples;
    private string? _failure;

    /// <summary>How many samples were taken, by every sampler handed out.</summary>
    public int Samples => Volatile.Read(ref _samples);

    /// <summary>The next sample throws once, with this message.</summary>
    public void FailNextSample(string message) => Volatile.Write(ref _failure, message);

    public IInterruptSampler Create() => new Sampler(this, new InterruptSampler(root, timeProvider));

    private sealed class Sampler(SyntheticSamplers owner, InterruptSampler real) : IInterruptSampler
    {
        public InterruptSample Sample(HostSnapshot host)
        {
            if (Interlocked.Exchange(ref owner._failure, null) is { } message)
            {
                throw new InvalidOperationException(message);
            }

            Interlocked.Increment(ref owner._samples);
            return real.Sample(host);
        }

        public void Dispose() => real.Dispose();
    }
}
