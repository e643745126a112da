using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Passthru.Core.Libvirt.Native;

/// <summary>
/// Loads and initialises libvirt once per process. A host without libvirt is an ordinary case for
/// this dashboard (it also serves hosts that only bind devices): the failure is a sentence, not an exception.
/// </summary>
internal static unsafe class LibvirtLibrary
{
    public const string NotInstalledReason = "libvirt is not installed (libvirt.so.0 could not be loaded; install the libvirt0 package)";

    private static readonly Lazy<string?> Failure = new(Initialize);

    /// <summary>Null when libvirt is loaded and initialised, otherwise why it is not usable.</summary>
    public static string? InitializationFailure => Failure.Value;

    /// <summary>Null if the shared library <paramref name="name"/> loads, otherwise the reason shown to the user.</summary>
    internal static string? Probe(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var library))
        {
            return name == LibvirtNative.Library ? NotInstalledReason : $"libvirt is not installed ({name} could not be loaded)";
        }

        NativeLibrary.Free(library);
        return null;
    }

    private static string? Initialize()
    {
        if (Probe(LibvirtNative.Library) is { } failure)
        {
            return failure;
        }

        try
        {
            if (LibvirtNative.virInitialize() < 0)
            {
                return $"libvirt could not initialise: {LibvirtNative.Borrow(LibvirtNative.virGetLastErrorMessage())}";
            }

            // Without a handler libvirt prints every error to stderr as well; errors are read and reported by the caller.
            LibvirtNative.virSetErrorFunc(IntPtr.Zero, &IgnoreError);
            return null;
        }
        catch (DllNotFoundException)
        {
            return NotInstalledReason;
        }
        catch (EntryPointNotFoundException e)
        {
            return $"the installed libvirt is too old for Passthru (4.5 or later is needed): {e.Message}";
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void IgnoreError(IntPtr userData, IntPtr error)
    {
    }
}
