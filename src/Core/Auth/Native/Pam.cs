using System.Runtime.InteropServices;

namespace Passthru.Core.Auth.Native;

/// <summary>The few Linux-PAM calls a password login needs (<c>libpam.so.0</c>, see pam_start(3)).</summary>
internal static unsafe partial class Pam
{
    private const string Library = "libpam.so.0";

    public const int Success = 0;
    public const int BufferError = 5;
    public const int ConversationError = 19;

    // Items for pam_set_item / pam_get_item.
    public const int ItemUser = 2;
    public const int ItemRemoteHost = 4;

    // Message styles the conversation is asked to answer.
    public const int PromptEchoOff = 1;
    public const int PromptEchoOn = 2;

    /// <summary><c>struct pam_conv</c>: the callback and the pointer handed back to it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Conversation
    {
        public delegate* unmanaged[Cdecl]<int, IntPtr*, IntPtr*, IntPtr, int> Converse;
        public IntPtr AppData;
    }

    /// <summary><c>struct pam_message</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int Style;
        public IntPtr Text;
    }

    /// <summary><c>struct pam_response</c>: libpam frees <see cref="Text"/> and the array with free(3).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Response
    {
        public IntPtr Text;
        public int ReturnCode;
    }

    [LibraryImport(Library, EntryPoint = "pam_start", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Start(string service, string user, Conversation* conversation, out IntPtr handle);

    [LibraryImport(Library, EntryPoint = "pam_authenticate")]
    public static partial int Authenticate(IntPtr handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_acct_mgmt")]
    public static partial int AccountManagement(IntPtr handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_end")]
    public static partial int End(IntPtr handle, int status);

    [LibraryImport(Library, EntryPoint = "pam_set_item", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetItem(IntPtr handle, int item, string value);

    [LibraryImport(Library, EntryPoint = "pam_get_item")]
    public static partial int GetItem(IntPtr handle, int item, out IntPtr value);

    [LibraryImport(Library, EntryPoint = "pam_strerror")]
    public static partial IntPtr StrError(IntPtr handle, int code);
}
