// Exports about the library itself: ABI version, build information, last error.
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Engine.CApi;

internal static unsafe class LibraryExports
{
    /// <summary>The ABI version; equal to HGN_API_VERSION in hgn.h. Raised only when functions are added.</summary>
    public const int ApiVersion = 2;

    private static readonly byte* BuildInfo = MakeBuildInfo();

    [UnmanagedCallersOnly(EntryPoint = "hgn_api_version", CallConvs = [typeof(CallConvCdecl)])]
    public static int Version() => ApiVersion;

    [UnmanagedCallersOnly(EntryPoint = "hgn_build_info", CallConvs = [typeof(CallConvCdecl)])]
    public static byte* Build() => BuildInfo;

    [UnmanagedCallersOnly(EntryPoint = "hgn_last_error", CallConvs = [typeof(CallConvCdecl)])]
    public static byte* Error() => LastError.Message;

    [UnmanagedCallersOnly(EntryPoint = "hgn_set_log_callback", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetLogCallback(delegate* unmanaged<int, byte*, nint, void> callback, nint user)
    {
        try
        {
            Log.Set(callback, user);
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    private static byte* MakeBuildInfo()
    {
        try
        {
            string simd = Vector512.IsHardwareAccelerated ? "vector512" : Vector256.IsHardwareAccelerated ? "vector256" : "scalar";
            string version = typeof(LibraryExports).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            string text = $"hgn {version}; api {ApiVersion}; model-format {Engine.Model.ModelFile.FormatVersion}; simd {simd}; " +
                          $"fma {(System.Runtime.Intrinsics.X86.Fma.IsSupported ? "yes" : "no")}; cuda no; runtime {RuntimeInformation.FrameworkDescription}";
            int n = Encoding.UTF8.GetByteCount(text);
            var p = (byte*)NativeMemory.Alloc((nuint)n + 1);
            Encoding.UTF8.GetBytes(text, new Span<byte>(p, n));
            p[n] = 0;
            return p;
        }
        catch
        {
            return (byte*)NativeMemory.AllocZeroed(1);
        }
    }
}
