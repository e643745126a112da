using System.Runtime.InteropServices;
using System.Text;
using Passthru.Core.Auth.Native;

namespace Passthru.Core.Auth;

/// <summary>
/// Checks a host account's password through PAM, as <c>login</c> and Cockpit do: pam_start with the
/// service's stack, a conversation that answers the password prompt, pam_authenticate, then
/// pam_acct_mgmt (an expired or locked account is refused even with the right password).
/// </summary>
/// <remarks>
/// Blocking, and slow on purpose when the password is wrong (pam_unix waits about two seconds): call
/// it off the request thread. No session is opened: a dashboard login starts no shell.
/// </remarks>
public static unsafe class PamAuthenticator
{
    // PAM return codes (security/_pam_types.h) that mean "this user, this password: no".
    private const int PermissionDenied = 6;
    private const int AuthenticationError = 7;
    private const int CredentialsInsufficient = 8;
    private const int UserUnknown = 10;
    private const int MaxTries = 11;
    private const int NewPasswordRequired = 12;
    private const int AccountExpired = 13;

    public static PamResult Authenticate(string service, string user, string password, string? remoteHost)
    {
        // C strings end at NUL: "secret\0anything" would reach PAM as "secret". Never let a prefix log in.
        if (user.Contains('\0', StringComparison.Ordinal) || password.Contains('\0', StringComparison.Ordinal))
        {
            return new PamResult(PamOutcome.WrongCredentials, null, "a NUL character in the user name or password");
        }

        var secrets = new ConversationSecrets(user, password);
        var secretsHandle = GCHandle.Alloc(secrets);
        var conversation = (Pam.Conversation*)NativeMemory.AllocZeroed((nuint)sizeof(Pam.Conversation));
        var handle = IntPtr.Zero;
        var status = Pam.Success;
        try
        {
            conversation->Converse = &Converse;
            conversation->AppData = GCHandle.ToIntPtr(secretsHandle);
            status = Pam.Start(service, user, conversation, out handle);
            if (status != Pam.Success)
            {
                return new PamResult(PamOutcome.Unavailable, null, $"pam_start({service}) failed: {ErrorText(handle, status)}");
            }

            if (remoteHost is not null)
            {
                // Modules that log or decide by origin (pam_access, pam_faillock's log) see the browser's address.
                Pam.SetItem(handle, Pam.ItemRemoteHost, remoteHost);
            }

            status = Pam.Authenticate(handle, 0);
            if (status == Pam.Success)
            {
                status = Pam.AccountManagement(handle, 0);
            }

            return status switch
            {
                Pam.Success => new PamResult(PamOutcome.Authenticated, AuthenticatedUser(handle) ?? user, "authenticated"),
                AuthenticationError or UserUnknown or CredentialsInsufficient or MaxTries
                    => new PamResult(PamOutcome.WrongCredentials, null, ErrorText(handle, status)),
                PermissionDenied or NewPasswordRequired or AccountExpired
                    => new PamResult(PamOutcome.AccountUnusable, null, ErrorText(handle, status)),
                _ => new PamResult(PamOutcome.Unavailable, null, ErrorText(handle, status)),
            };
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return new PamResult(PamOutcome.Unavailable, null, $"libpam is not available: {ex.Message}");
        }
        finally
        {
            if (handle != IntPtr.Zero)
            {
                Pam.End(handle, status);
            }

            NativeMemory.Free(conversation);
            secretsHandle.Free();
            secrets.Clear();
        }
    }

    private static string? AuthenticatedUser(IntPtr handle)
        => Pam.GetItem(handle, Pam.ItemUser, out var value) == Pam.Success && value != IntPtr.Zero
            ? Marshal.PtrToStringUTF8(value)
            : null;

    private static string ErrorText(IntPtr handle, int status)
    {
        var text = handle == IntPtr.Zero ? IntPtr.Zero : Pam.StrError(handle, status);
        return text == IntPtr.Zero ? $"PAM error {status}" : $"{Marshal.PtrToStringUTF8(text)} (PAM error {status})";
    }

    /// <summary>
    /// PAM's conversation callback. Linux-PAM passes <paramref name="messages"/> as an array of
    /// pointers to messages; the answers are allocated with malloc because libpam frees them.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static int Converse(int count, IntPtr* messages, IntPtr* responses, IntPtr appData)
    {
        if (count <= 0 || messages == null || responses == null)
        {
            return Pam.ConversationError;
        }

        var secrets = (ConversationSecrets)GCHandle.FromIntPtr(appData).Target!;
        var answers = (Pam.Response*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(Pam.Response));
        for (var i = 0; i < count; i++)
        {
            var message = (Pam.Message*)messages[i];
            answers[i].Text = message->Style switch
            {
                Pam.PromptEchoOff => secrets.Password.ToNativeString(),
                // A visible prompt is the user name (a module asking again); info and error texts need no answer.
                Pam.PromptEchoOn => secrets.User.ToNativeString(),
                _ => IntPtr.Zero,
            };
        }

        *responses = (IntPtr)answers;
        return Pam.Success;
    }

    /// <summary>The user and password as UTF-8 bytes, wiped when the conversation ends.</summary>
    private sealed class ConversationSecrets(string user, string password)
    {
        public NativeText User { get; } = new(Encoding.UTF8.GetBytes(user));

        public NativeText Password { get; } = new(Encoding.UTF8.GetBytes(password));

        public void Clear()
        {
            User.Clear();
            Password.Clear();
        }
    }

    private sealed class NativeText(byte[] bytes)
    {
        /// <summary>A NUL-terminated malloc copy that libpam will free (and pam_unix wipes first).</summary>
        public IntPtr ToNativeString()
        {
            var copy = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(copy, bytes.Length));
            copy[bytes.Length] = 0;
            return (IntPtr)copy;
        }

        public void Clear() => Array.Clear(bytes);
    }
}
