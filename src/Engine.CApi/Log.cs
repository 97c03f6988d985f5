// The host's log callback: silent by default; the library never writes to stdout or stderr itself.
using System.Runtime.InteropServices;
using System.Text;

namespace Engine.CApi;

/// <summary>
/// One process-wide callback <c>void cb(int32_t level, const char* message, void* user)</c> set by
/// hgn_set_log_callback. Messages are UTF-8, valid only during the call. A NULL callback (the default) is silent.
/// </summary>
internal static unsafe class Log
{
    public const int Info = 1;
    private static readonly object Gate = new();
    private static delegate* unmanaged<int, byte*, nint, void> _callback;
    private static nint _user;

    public static void Set(delegate* unmanaged<int, byte*, nint, void> callback, nint user)
    {
        lock (Gate) { _callback = callback; _user = user; }
    }

    /// <summary>A sink for engine progress messages, or null when no callback is set (so nothing is even formatted).</summary>
    public static Action<string>? Sink()
    {
        lock (Gate) { if (_callback == null) return null; }
        return message => Write(Info, message);
    }

    public static void Write(int level, string message)
    {
        delegate* unmanaged<int, byte*, nint, void> callback;
        nint user;
        lock (Gate) { callback = _callback; user = _user; }
        if (callback == null) return;
        int n = Encoding.UTF8.GetByteCount(message);
        byte[] buffer = new byte[n + 1];
        Encoding.UTF8.GetBytes(message, buffer);
        fixed (byte* p = buffer) callback(level, p, user);
    }
}
