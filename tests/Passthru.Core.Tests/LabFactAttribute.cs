using Passthru.TestSupport;

namespace Passthru.Core.Tests;

/// <summary>
/// A test that needs the lab's fresh capture. The test command always runs the lab; a run without it
/// (a quick `dotnet test`) reports these as skipped, with the reason, never as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (FreshCapture.Directory is null)
        {
            Skip = $"needs a fresh lab capture: run ./test.sh (it boots the lab and sets {FreshCapture.Variable})";
        }
    }
}
