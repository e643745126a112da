namespace Passthru.Browser.Tests;

/// <summary>
/// The install script and container image tests: run alone, after the parallel ones, so that an image
/// build (seconds of disk and CPU on two cores) does not slow the browser tests beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeploymentCollection
{
    public const string Name = "Deployment";
}
