// Opaque C handles: small integers mapped to managed objects, so a freed or foreign handle is refused, not dereferenced.
using System.Collections.Concurrent;
using Engine.Common;

namespace Engine.CApi;

/// <summary>
/// Maps handle values (what C sees as <c>hgn_model*</c>, <c>hgn_workspace*</c>) to live objects. A handle that is
/// NULL, already freed, or of another kind gives HGN_E_ARG instead of a crash. Values are never reused.
/// </summary>
internal static class HandleTable
{
    private static readonly ConcurrentDictionary<nint, object> Live = new();
    private static long _issued;

    public static nint Add(object target)
    {
        // Spaced and offset so a handle never looks like a small integer or NULL.
        nint handle = (nint)(0x100000 + 16 * Interlocked.Increment(ref _issued));
        Live[handle] = target;
        return handle;
    }

    public static T Get<T>(nint handle, string name) where T : class
    {
        if (handle == 0) throw new InvalidInputException($"'{name}' is NULL");
        if (!Live.TryGetValue(handle, out var target)) throw new InvalidInputException($"'{name}' is not a live handle (already freed, or never returned by this library)");
        return target as T ?? throw new InvalidInputException($"'{name}' is a handle of another kind ({target.GetType().Name})");
    }

    /// <summary>Removes and returns the object of a live handle of type T; null when the handle is 0 or not live.</summary>
    public static T? Remove<T>(nint handle) where T : class
    {
        if (handle == 0 || !Live.TryGetValue(handle, out var target) || target is not T t) return null;
        return Live.TryRemove(handle, out _) ? t : null;
    }
}
