// The thread-local last-error message of the C ABI: UTF-8, owned by the library, valid until the next failure on that thread.
using System.Runtime.InteropServices;
using System.Text;

namespace Engine.CApi;

/// <summary>
/// Each failing export stores its message here and returns its status code. The buffer belongs to the calling
/// thread and is replaced only by the next failing call on that thread, so a pointer from hgn_last_error stays
/// valid across successful calls.
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic] private static byte* _message;
    private static readonly byte* Empty = (byte*)NativeMemory.AllocZeroed(1);

    public static byte* Message => _message != null ? _message : Empty;

    /// <summary>Records <paramref name="e"/> and returns its status code; never throws.</summary>
    public static int Set(Exception e)
    {
        int code = Status.Of(e);
        Store(code, e.Message);
        return code;
    }

    /// <summary>Records a message for <paramref name="code"/> and returns the code; never throws.</summary>
    public static int Set(int code, string message)
    {
        Store(code, message);
        return code;
    }

    private static void Store(int code, string message)
    {
        try
        {
            string text = code == Status.Internal ? "internal error (please report): " + message : message;
            int n = Encoding.UTF8.GetByteCount(text);
            var buffer = (byte*)NativeMemory.Alloc((nuint)n + 1);
            Encoding.UTF8.GetBytes(text, new Span<byte>(buffer, n));
            buffer[n] = 0;
            var old = _message;
            _message = buffer;
            if (old != null) NativeMemory.Free(old);
        }
        catch
        {
            // Out of memory while reporting: keep the previous message rather than let anything cross the ABI.
        }
    }
}
